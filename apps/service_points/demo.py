"""Service points and booking demo: the 2025 work report's figures as real records, made
through the registry and booking services (idempotent: a point, recognition, resource or
pattern already there is left alone, so a second run changes nothing).

* 150 先进教职工小家 recognised by the municipal union in 2025, nominated per cluster (片组):
  100 at universities' branch unions (the six university clusters), 50 at schools (the three
  district clusters);
* 2 职工阅读站点 and 2 劳模书架 set up in 2025;
* 母婴关爱室: 5 units funded in 2024 (中国人民大学劳动人事学院分工会 first), 6 new in 2025;
* 爱心托管班: 4 units funded by the national 爱心托育 grant for 2024 (北京大学医学部 first) and
  3 hospitals (北京协和医院 first) in the 2025 summer childcare classes;
* 5 心理咨询中心示范点 for 2026 (北京城市学院 first);
* bookable resources at 清华 and 北大 (gym, counselling room, meeting room, reading room) with
  weekly patterns and slots from this week's Monday for four weeks, that ``teacher1`` can book.

The report gives no grant amounts: the amounts here are illustrative (marked in the note)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from apps.core.scoping import scopes_disabled
from apps.organizations.models import Cluster, Organization

from .enums import Audience, PointKind, RecognitionLevel, ResourceKind
from .models import Recognition, Resource, ServicePoint, SlotPattern
from .registry import STAFF_HOME_TITLE as HOME_TITLE
from .registry import recognition_save, service_point_save
from .services import pattern_save, resource_save, slots_materialise

HOMES_UNIVERSITIES, HOMES_SCHOOLS = 100, 50
ILLUSTRATIVE = "演示金额（报告未列金额）"

# (unit code, point name, kind, recognitions: (year, level, title, amount))
NAMED_POINTS = [
    ("U-RUC", "劳动人事学院分工会母婴关爱室", PointKind.MOTHER_BABY, [(2024, "municipal", "市级母婴关爱室资金支持", 20000)]),
    ("U-BNU", "母婴关爱室", PointKind.MOTHER_BABY, [(2024, "municipal", "市级母婴关爱室资金支持", 20000)]),
    ("U-BUAA", "母婴关爱室", PointKind.MOTHER_BABY, [(2024, "municipal", "市级母婴关爱室资金支持", 20000)]),
    ("U-BIT", "母婴关爱室", PointKind.MOTHER_BABY, [(2024, "municipal", "市级母婴关爱室资金支持", 20000)]),
    ("U-CNU", "母婴关爱室", PointKind.MOTHER_BABY, [(2024, "municipal", "市级母婴关爱室资金支持", 20000)]),
    ("U-THU", "母婴关爱室", PointKind.MOTHER_BABY, [(2025, "municipal", "市级母婴关爱室（2025 年新入选）", 20000)]),
    ("U-PKU", "母婴关爱室", PointKind.MOTHER_BABY, [(2025, "municipal", "市级母婴关爱室（2025 年新入选）", 20000)]),
    ("U-BJUT", "母婴关爱室", PointKind.MOTHER_BABY, [(2025, "municipal", "市级母婴关爱室（2025 年新入选）", 20000)]),
    ("U-BSU", "母婴关爱室", PointKind.MOTHER_BABY, [(2025, "municipal", "市级母婴关爱室（2025 年新入选）", 20000)]),
    ("H-PKUTH", "母婴关爱室", PointKind.MOTHER_BABY, [(2025, "municipal", "市级母婴关爱室（2025 年新入选）", 20000)]),
    ("H-PUMCH", "母婴关爱室", PointKind.MOTHER_BABY, [(2025, "municipal", "市级母婴关爱室（2025 年新入选）", 20000)]),
    ("U-PKU", "医学部爱心托育点", PointKind.CHILDCARE, [(2024, "national", "全国爱心托育服务专项资金补助", 50000)]),
    ("U-RUC", "爱心托育点", PointKind.CHILDCARE, [(2024, "national", "全国爱心托育服务专项资金补助", 50000)]),
    ("U-BNU", "爱心托育点", PointKind.CHILDCARE, [(2024, "national", "全国爱心托育服务专项资金补助", 50000)]),
    ("U-THU", "爱心托育点", PointKind.CHILDCARE, [(2024, "national", "全国爱心托育服务专项资金补助", 50000)]),
    ("H-PUMCH", "暑期爱心托管班", PointKind.CHILDCARE, [(2025, "municipal", "北京工会暑期爱心托管班专项资金", 30000)]),
    ("H-PKUFH", "暑期爱心托管班", PointKind.CHILDCARE, [(2025, "municipal", "北京工会暑期爱心托管班专项资金", 30000)]),
    ("H-PKUPH", "暑期爱心托管班", PointKind.CHILDCARE, [(2025, "municipal", "北京工会暑期爱心托管班专项资金", 30000)]),
    ("U-BCU", "心理咨询中心", PointKind.COUNSELLING, [(2026, "municipal", "市教育工会心理咨询中心示范点（首批）", 0)]),
    ("U-BJUT", "心理健康工作室", PointKind.COUNSELLING, [(2026, "municipal", "市教育工会心理咨询中心示范点（首批）", 0)]),
    ("U-THU", "教职工心理咨询中心", PointKind.COUNSELLING, [(2026, "municipal", "市教育工会心理咨询中心示范点（首批）", 0)]),
    ("U-PKU", "教职工心理咨询中心", PointKind.COUNSELLING, [(2026, "municipal", "市教育工会心理咨询中心示范点（首批）", 0)]),
    ("U-BNU", "教职工心理咨询中心", PointKind.COUNSELLING, [(2026, "municipal", "市教育工会心理咨询中心示范点（首批）", 0)]),
    ("D-FENGTAI-S01", "便利型职工阅读站点", PointKind.READING, [(2025, "municipal", "便利型职工阅读站点", 0)]),
    ("U-BSU-B01", "便利型职工阅读站点", PointKind.READING, [(2025, "municipal", "便利型职工阅读站点", 0)]),
    ("U-BJUT-B01", "劳模书架", PointKind.BOOKSHELF, [(2025, "municipal", "劳模书架", 0)]),
    ("D-HAIDIAN-S02", "劳模书架", PointKind.BOOKSHELF, [(2025, "municipal", "劳模书架", 0)]),
    ("U-THU", "教职工之家", PointKind.STAFF_CLUB, []),
    ("U-PKU", "教职工之家", PointKind.STAFF_CLUB, []),
]

# (host code, name, kind, audience, reserved for own staff, address, patterns: (weekday, start, end, capacity))
RESOURCES = [
    ("U-THU", "清华综合体育馆羽毛球场", ResourceKind.GYM, Audience.CITY, 4, "海淀区清华大学综合体育馆",
     [(d, 18, 20, 10) for d in (0, 2, 4)] + [(5, 9, 11, 10)]),
    ("U-THU", "清华教职工心理咨询室", ResourceKind.COUNSELLING, Audience.CITY, 0, "海淀区清华大学教职工之家二层",
     [(d, 14, 15, 1) for d in (1, 3)]),
    ("U-PKU", "北大教职工活动中心会议室", ResourceKind.MEETING, Audience.CITY, 0, "海淀区北京大学教职工活动中心",
     [(d, 14, 16, 1) for d in range(5)]),
    ("U-PKU", "北大教职工阅览室", ResourceKind.READING, Audience.CITY, 5, "海淀区北京大学教职工之家",
     [(d, 9, 12, 20) for d in range(5)]),
    ("U-PKU", "北大邱德拔体育馆健身房", ResourceKind.GYM, Audience.OWN, 0, "海淀区北京大学邱德拔体育馆",
     [(d, 18, 19, 15) for d in range(5)]),
]


def _unit(code: str) -> Organization | None:
    return Organization.objects.filter(code=code).first()


def _point(unit: Organization, name: str, kind: str, *, district: str = "") -> ServicePoint:
    point = ServicePoint.objects.filter(organization=unit, kind=kind, name=name).first()
    if point is not None:
        return point
    return service_point_save(point=ServicePoint(
        organization=unit, name=name, kind=kind, district=district, address=f"{unit.name}内",
        opening_hours="工作日 8:30–17:30", facilities="桌椅、饮水、图书、活动器材"))


def _recognise(point: ServicePoint, year: int, level: str, title: str, amount, *, cluster=None,
               note: str = "") -> None:
    if Recognition.objects.filter(point=point, year=year, title=title).exists():
        return
    recognition_save(recognition=Recognition(point=point, year=year, level=level, title=title,
                                              amount=Decimal(amount), nominated_by=cluster,
                                              note=note or (ILLUSTRATIVE if amount else "")))


def _quotas(clusters: list[tuple[Cluster, list[Organization]]], total: int) -> list[int]:
    """Places per cluster in proportion to its candidates (largest remainders), summing to total."""
    sizes = [len(c) for _, c in clusters]
    whole = sum(sizes) or 1
    raw = [total * s / whole for s in sizes]
    quotas = [min(int(r), s) for r, s in zip(raw, sizes)]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order * 2:
        if sum(quotas) >= total:
            break
        if quotas[i] < sizes[i]:
            quotas[i] += 1
    return quotas


def _homes(prefix: str, total: int, candidates_of) -> int:
    clusters = [(c, candidates_of(c)) for c in Cluster.objects.filter(code__startswith=prefix).order_by("code")]
    for (cluster, candidates), quota in zip(clusters, _quotas(clusters, total)):
        for unit in candidates[:quota]:
            point = _point(unit, "先进教职工小家", PointKind.STAFF_HOME)
            _recognise(point, 2025, RecognitionLevel.MUNICIPAL, HOME_TITLE, 0, cluster=cluster,
                       note=f"{cluster.name}推荐")
    return Recognition.objects.filter(year=2025, title=HOME_TITLE, nominated_by__code__startswith=prefix).count()


def _university_branches(cluster: Cluster) -> list[Organization]:
    per_university = [
        list(Organization.objects.filter(path__startswith=uni.path, depth=uni.depth + 1).order_by("code")[:2])
        for uni in cluster.units.filter(code__startswith="U-").order_by("code")
    ]
    # the first branch of every university, then the second: every university gets homes
    return [b[n] for n in range(2) for b in per_university if len(b) > n]


def _district_schools(cluster: Cluster) -> list[Organization]:
    schools = []
    for district in cluster.units.filter(code__startswith="D-").order_by("code"):
        schools += list(Organization.objects.filter(path__startswith=district.path, depth=district.depth + 1)
                        .order_by("code"))
    return schools


def _resources() -> int:
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    for code, name, kind, audience, reserved, address, patterns in RESOURCES:
        unit = _unit(code)
        if unit is None:
            continue
        resource = Resource.objects.filter(organization=unit, name=name).first()
        if resource is None:
            resource = resource_save(resource=Resource(
                organization=unit, name=name, kind=kind, audience=audience, reserved_own=reserved, district="海淀区",
                address=address, cancel_cutoff_hours=2, description="面向首都教职工开放，请按时签到，爽约将影响预约。"))
        for weekday, start, end, capacity in patterns:
            if not SlotPattern.objects.filter(resource=resource, weekday=weekday, start_time=dt.time(start)).exists():
                pattern_save(pattern=SlotPattern(resource=resource, weekday=weekday, start_time=dt.time(start),
                                                 end_time=dt.time(end), capacity=capacity))
        slots_materialise(resource=resource, start=monday, weeks=4)
    return Resource.objects.filter(organization__code__in=["U-THU", "U-PKU"]).count()


def seed_service_points() -> dict[str, int]:
    with scopes_disabled():  # seeding writes across the whole city
        universities = _homes("C-U", HOMES_UNIVERSITIES, _university_branches)
        schools = _homes("C-D", HOMES_SCHOOLS, _district_schools)
        for code, name, kind, recognitions in NAMED_POINTS:
            unit = _unit(code)
            if unit is None:
                continue
            point = _point(unit, name, kind)
            for year, level, title, amount in recognitions:
                _recognise(point, year, level, title, amount)
        resources = _resources()
        return {"homes_universities": universities, "homes_schools": schools,
                "mother_baby_2025": Recognition.objects.filter(year=2025, point__kind=PointKind.MOTHER_BABY).count(),
                "counselling_2026": Recognition.objects.filter(year=2026, point__kind=PointKind.COUNSELLING).count(),
                "resources": resources}


def demo_seeder(options: dict) -> list[str]:
    figures = seed_service_points()
    return [f"服务阵地：2025 年先进教职工小家 {figures['homes_universities'] + figures['homes_schools']} 个"
            f"（高校 {figures['homes_universities']}、普教 {figures['homes_schools']}），"
            f"2025 年新入选母婴关爱室 {figures['mother_baby_2025']} 个，2026 年心理咨询示范点 "
            f"{figures['counselling_2026']} 个；清华、北大可预约场地 {figures['resources']} 个"]


def demo_summary() -> str:
    return (f"服务阵地 {ServicePoint.objects.count()} 个，可预约场地 {Resource.objects.count()} 个，"
            f"认定与资助 {Recognition.objects.count()} 条")
