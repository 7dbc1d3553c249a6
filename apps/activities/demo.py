"""Activities demo: the 2025 figures of the union's work report as real records, made by the
engine's own services (applications, draw, check-in, cost records), plus open 2026 activities
that ``teacher1`` can see and apply to.

* 北戴河 2025: advanced staff and model workers of the honours roll apply for 4 sessions of 170
  places (draw, published seeds, per-unit quotas) → 680 drawn, checked in, vendor payments recorded;
* 张家界 2025: 31 model workers (the honours app's trip, now an activity of this engine);
* 10 interest clubs (兴趣汇) hosted by universities, each with 10 monthly activities whose
  attendance lists (the organisers', recorded in bulk) add up to nearly 10,000 participations;
* the singles' mixers: 4 sessions with 520 each (2,080);
* the children's summer camp: 21 children (ID-checked, guardians are the members);
* open now: 2026 北戴河 (draw, once every 5 years), a 2026 model workers' trip (honoured within
  5 years: most staff see why not), a club activity and a mixer.

Idempotent: each activity is looked up by title first. The 2025 trips need the honours roll
(``seed_demo --members 1000`` or more); without it they are left for a later run. The clubs,
mixers and camp use whatever members exist (fewer participants when the city is small)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from apps.core.scoping import scopes_disabled
from apps.members.enums import MemberStatus
from apps.members.idgen import make_id_number
from apps.members.models import Member
from apps.organizations.models import Organization

from . import services
from .enums import ActivityKind, Allocation, ApplicationStatus, Payer
from .models import Activity, Application, Club, Participation, Session

YEAR = 2025
BEIDAIHE = f"{YEAR}年优秀教职工北戴河疗休养"
BEIDAIHE_SESSIONS = 4
BEIDAIHE_PLACES = 170  # × 4 = 680
BEIDAIHE_QUOTAS = {"U-THU": 4, "U-PKU": 4, "D-HAIDIAN": 4}
ZHANGJIAJIE = f"{YEAR}年劳模疗休养（张家界）"
ZHANGJIAJIE_SIZE = 31
MODEL_WORKER_TITLES = ["national_model_worker", "beijing_model_worker"]
CLUBS = (
    ("U-THU", "清华大学书画兴趣汇"), ("U-PKU", "北京大学合唱兴趣汇"), ("U-RUC", "人民大学读书兴趣汇"),
    ("U-BNU", "北师大摄影兴趣汇"), ("U-BUAA", "北航羽毛球兴趣汇"), ("U-CAU", "农大园艺兴趣汇"),
    ("U-BJTU", "北交大乒乓球兴趣汇"), ("U-USTB", "北科大太极兴趣汇"), ("U-CUC", "中传朗诵兴趣汇"),
    ("U-BUPT", "北邮健步走兴趣汇"),
)
CLUB_SESSIONS = 10
CLUB_PEOPLE = 98  # × 10 sessions × 10 clubs = 9,800 (近万人次)
MIXER = f"{YEAR}年单身青年教职工联谊会"
MIXER_SESSIONS, MIXER_PEOPLE = 4, 520  # 2,080
CAMP = f"{YEAR}年教职工子女暑期夏令营"
CAMP_CHILDREN = 21
OPEN_TRIP = f"{YEAR + 1}年优秀教职工北戴河疗休养"
OPEN_MODEL_TRIP = f"{YEAR + 1}年劳模工匠疗休养（报名中）"
OPEN_CLUB = f"{YEAR + 1}年清华大学书画兴趣汇春季雅集"
OPEN_MIXER = f"{YEAR + 1}年春季单身青年教职工联谊会"


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _activity(actor, *, title, kind, organization, opens: dt.datetime, closes: dt.datetime, sessions, **fields):
    activity = services.activity_save(activity=Activity(
        kind=kind, title=title, organization=organization, opens_at=opens, closes_at=closes, published=True,
        **fields), actor=actor)
    for name, start, days, places, quotas in sessions:
        services.session_save(session=Session(activity=activity, name=name, starts_on=start,
                                              ends_on=start + dt.timedelta(days=days), places=places,
                                              quotas=quotas), actor=actor)
    return activity


def _check_in_all(session, actor) -> None:
    for application in Application._base_manager.filter(
            session=session, status=ApplicationStatus.ALLOCATED).select_related("session"):
        services.application_check_in(application=application, actor=actor, today=session.starts_on)


def _roll_people(exclude: set[int]) -> tuple[list[Member], list[Member]]:
    """(model workers, everyone else) of the demo honours roll, each person once."""
    from apps.honours.models import Honour

    rows = (Honour._base_manager.filter(certificate_no__startswith="DEMO-", member__status=MemberStatus.ACTIVE)
            .select_related("member__organization", "title").order_by("member_id", "title__rank"))
    seen, workers, others = set(), [], []
    for honour in rows:
        member = honour.member
        if member.pk in seen or member.pk in exclude:
            continue
        seen.add(member.pk)
        (workers if honour.title.code in MODEL_WORKER_TITLES else others).append(member)
    return workers, others


def _seed_trips(actor, root, exclude: set[int]) -> list[str]:
    workers, others = _roll_people(exclude)
    if len(workers) < ZHANGJIAJIE_SIZE or len(workers) + len(others) < ZHANGJIAJIE_SIZE + 680:
        return []
    lines = []
    if not Activity._base_manager.filter(title=ZHANGJIAJIE).exists():
        trip = _activity(actor, title=ZHANGJIAJIE, kind=ActivityKind.RECUPERATION, organization=root,
                         opens=_at(dt.date(YEAR, 5, 6)), closes=_at(dt.date(YEAR, 5, 20), 17),
                         sessions=[("第1期", dt.date(YEAR, 7, 15), 5, ZHANGJIAJIE_SIZE, {})],
                         allocation=Allocation.FIRST_COME, city_wide=True, place="湖南张家界",
                         cost_per_person=Decimal("3200.00"), payer=Payer.UNION, vendor="张家界职工疗休养基地",
                         rules=[{"rule": "honoured", "titles": MODEL_WORKER_TITLES}],
                         description="劳动模范疗休养，由荣誉名册在册劳模报名。")
        session = trip.sessions.get()
        for member in workers[:ZHANGJIAJIE_SIZE]:
            services.application_apply(session=session, member=member, actor=actor, now=_at(dt.date(YEAR, 5, 7)))
        _check_in_all(session, actor)
        services.session_settle(session=session, actor=actor)
        lines.append(f"张家界疗休养：{ZHANGJIAJIE_SIZE} 名劳模已参加")
    if not Activity._base_manager.filter(title=BEIDAIHE).exists():
        people = workers[ZHANGJIAJIE_SIZE:] + others
        trip = _activity(actor, title=BEIDAIHE, kind=ActivityKind.RECUPERATION, organization=root,
                         opens=_at(dt.date(YEAR, 5, 6)), closes=_at(dt.date(YEAR, 5, 31), 17),
                         sessions=[(f"第{i + 1}期", dt.date(YEAR, 7, 7) + dt.timedelta(days=7 * i), 5,
                                    BEIDAIHE_PLACES, BEIDAIHE_QUOTAS) for i in range(BEIDAIHE_SESSIONS)],
                         allocation=Allocation.DRAW, city_wide=True, place="河北秦皇岛北戴河",
                         cost_per_person=Decimal("1800.00"), payer=Payer.UNION, vendor="北戴河职工疗养院",
                         rules=[{"rule": "honoured"}], description="优秀教职工疗休养，分四期，抽签确定。")
        sessions = list(trip.sessions.order_by("starts_on"))
        for i, member in enumerate(people):
            services.application_apply(session=sessions[i % len(sessions)], member=member, actor=actor,
                                       now=_at(dt.date(YEAR, 5, 8)))
        for i, session in enumerate(sessions):
            services.session_draw(session=session, actor=actor, seed=f"BJEU-{YEAR}-beidaihe-{i + 1}",
                                  now=_at(dt.date(YEAR, 6, 3)))
            _check_in_all(session, actor)
            services.session_settle(session=session, actor=actor)
        went = Participation._base_manager.filter(session__activity=trip).count()
        lines.append(f"北戴河疗休养：{len(people)} 人报名，抽签 {went} 人参加（{BEIDAIHE_SESSIONS} 期）")
    return lines


def _sample(rng: random.Random, ids: list[int], n: int) -> list[int]:
    return rng.sample(ids, min(n, len(ids)))


def _seed_clubs(actor, ids: list[int]) -> list[str]:
    rng = random.Random(2025)
    made = 0
    units = {o.code: o for o in Organization._base_manager.filter(code__in=[c for c, _ in CLUBS])}
    for code, name in CLUBS:
        unit = units.get(code)
        if unit is None:
            continue
        club = Club._base_manager.filter(name=name).first()
        if club is None:
            club = services.club_save(club=Club(name=name, organization=unit,
                                                description=f"{unit.name}承办，面向全市教职工开放。"), actor=actor)
            for member in Member._base_manager.filter(pk__in=_sample(rng, ids, 30)):
                services.club_join(club=club, member=member, actor=actor, day=dt.date(YEAR, 3, 1))
        title = f"{YEAR}年{name}活动"
        if Activity._base_manager.filter(title=title).exists():
            continue
        activity = _activity(actor, title=title, kind=ActivityKind.CLUB, organization=unit, club=club,
                             opens=_at(dt.date(YEAR, 2, 10)), closes=_at(dt.date(YEAR, 12, 1)), city_wide=True,
                             payer=Payer.UNIT, cost_per_person=Decimal("30.00"),
                             sessions=[(f"{m}月活动", dt.date(YEAR, m, 15), 0, 120, {})
                                       for m in range(3, 3 + CLUB_SESSIONS)])
        for session in activity.sessions.order_by("starts_on"):
            services.participation_record_bulk(session=session, member_ids=_sample(rng, ids, CLUB_PEOPLE),
                                               actor=actor)
            services.session_settle(session=session, actor=actor)
        made += 1
    if not made:
        return []
    count = Participation._base_manager.filter(session__activity__club__isnull=False,
                                               attended_on__year=YEAR).count()
    return [f"兴趣汇：{len(CLUBS)} 个，{YEAR} 年参加 {count} 人次"]


def _seed_mixer(actor, root, ids: list[int]) -> list[str]:
    if Activity._base_manager.filter(title=MIXER).exists():
        return []
    rng = random.Random(520)
    mixer = _activity(actor, title=MIXER, kind=ActivityKind.MIXER, organization=root, city_wide=True,
                      opens=_at(dt.date(YEAR, 3, 1)), closes=_at(dt.date(YEAR, 10, 1)), payer=Payer.UNION,
                      cost_per_person=Decimal("80.00"), vendor="联谊活动承办方", rules=[{"rule": "single"}],
                      sessions=[(f"第{i + 1}场", dt.date(YEAR, 4 + 2 * i, 20), 0, 600, {})
                                for i in range(MIXER_SESSIONS)])
    for session in mixer.sessions.order_by("starts_on"):
        services.participation_record_bulk(session=session, member_ids=_sample(rng, ids, MIXER_PEOPLE), actor=actor)
        services.session_settle(session=session, actor=actor)
    count = Participation._base_manager.filter(session__activity=mixer).count()
    return [f"联谊活动：{MIXER_SESSIONS} 场，{count} 人次"]


def _seed_camp(actor, root, members: list[Member]) -> list[str]:
    if Activity._base_manager.filter(title=CAMP).exists() or not members:
        return []
    camp = _activity(actor, title=CAMP, kind=ActivityKind.CAMP, organization=root, city_wide=True,
                     opens=_at(dt.date(YEAR, 6, 1)), closes=_at(dt.date(YEAR, 6, 20)), payer=Payer.UNION,
                     cost_per_person=Decimal("2600.00"), vendor="青少年营地", place="北京怀柔营地",
                     rules=[{"rule": "child", "min_age": 8, "max_age": 14}],
                     sessions=[("第1期", dt.date(YEAR, 7, 20), 6, CAMP_CHILDREN, {})])
    session = camp.sessions.get()
    names = "子涵 梓萱 一诺 浩宇 欣怡 宇轩 雨桐 思远 佳怡 子墨 若汐 俊熙 可馨 睿泽 语嫣 梓睿 诗涵 博文 嘉懿 天佑 安然".split()
    for i in range(CAMP_CHILDREN):
        parent = members[i % len(members)]
        child = make_id_number(dt.date(2013 + i % 4, 1 + i % 12, 1 + i), 400 + i, region="110102")
        services.application_apply(session=session, member=parent, actor=actor, now=_at(dt.date(YEAR, 6, 2)),
                                   child_name=parent.name[0] + names[i], child_id_number=child)
    _check_in_all(session, actor)
    services.session_settle(session=session, actor=actor)
    return [f"子女夏令营：{Participation._base_manager.filter(session=session).count()} 名子女参加"]


def _seed_open(actor, root) -> list[str]:
    now = timezone.now()
    today = timezone.localdate()
    made = []
    if not Activity._base_manager.filter(title=OPEN_TRIP).exists():
        _activity(actor, title=OPEN_TRIP, kind=ActivityKind.RECUPERATION, organization=root, city_wide=True,
                  opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(days=30), allocation=Allocation.DRAW,
                  place="河北秦皇岛北戴河", cost_per_person=Decimal("1800.00"), payer=Payer.UNION,
                  vendor="北戴河职工疗养院", rules=[{"rule": "once_every", "years": 5},
                                              {"rule": "employment", "types": ["permanent", "non_permanent"]}],
                  description="五年内参加过疗休养的不再安排；报名截止后公开抽签（种子与名单哈希同时公布）。",
                  sessions=[(f"第{i + 1}期", today + dt.timedelta(days=60 + 7 * i), 5, 170,
                             {"U-THU": 10, "U-PKU": 10} if i == 0 else {}) for i in range(4)])
        made.append(OPEN_TRIP)
    if not Activity._base_manager.filter(title=OPEN_MODEL_TRIP).exists():
        _activity(actor, title=OPEN_MODEL_TRIP, kind=ActivityKind.RECUPERATION, organization=root, city_wide=True,
                  opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(days=20),
                  allocation=Allocation.FIRST_COME, cost_per_person=Decimal("3200.00"), payer=Payer.UNION,
                  rules=[{"rule": "honoured", "within_years": 5}, {"rule": "once_every", "years": 5}],
                  sessions=[("第1期", today + dt.timedelta(days=45), 5, 40, {})])
        made.append(OPEN_MODEL_TRIP)
    club = Club._base_manager.filter(name=CLUBS[0][1]).select_related("organization").first()
    if club and not Activity._base_manager.filter(title=OPEN_CLUB).exists():
        _activity(actor, title=OPEN_CLUB, kind=ActivityKind.CLUB, organization=club.organization, club=club,
                  city_wide=True, opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(days=14),
                  payer=Payer.UNIT, cost_per_person=Decimal("30.00"),
                  sessions=[("雅集", today + dt.timedelta(days=21), 0, 60, {})])
        made.append(OPEN_CLUB)
    if not Activity._base_manager.filter(title=OPEN_MIXER).exists():
        _activity(actor, title=OPEN_MIXER, kind=ActivityKind.MIXER, organization=root, city_wide=True,
                  opens=now - dt.timedelta(days=1), closes=now + dt.timedelta(days=25), payer=Payer.UNION,
                  cost_per_person=Decimal("80.00"), rules=[{"rule": "single"}, {"rule": "age", "min": 22, "max": 45}],
                  sessions=[("第1场", today + dt.timedelta(days=30), 0, 300, {})])
        made.append(OPEN_MIXER)
    return [f"正在报名：{'、'.join(made)}"] if made else []


def seed_activities() -> list[str]:
    from apps.accounts.models import User

    with scopes_disabled():  # demo seeding spans the whole city
        root = Organization._base_manager.filter(depth=1).order_by("path").first()
        if root is None:
            return []
        actor = User.objects.filter(username="admin").first()
        teacher = Member._base_manager.filter(teacher_account__user__username="teacher1").values_list("pk", flat=True)
        exclude = set(teacher)
        members = list(Member._base_manager.filter(status=MemberStatus.ACTIVE).exclude(pk__in=exclude)
                       .select_related("organization").order_by("id_hash")[:5000])
        ids = [m.pk for m in members]
        lines = _seed_trips(actor, root, exclude)
        lines += _seed_clubs(actor, ids)
        lines += _seed_mixer(actor, root, ids)
        lines += _seed_camp(actor, root, members[:CAMP_CHILDREN])
        lines += _seed_open(actor, root)
    return lines


def demo_seeder(options: dict) -> list[str]:
    return seed_activities()


def activities_line() -> str:
    trips = Participation.objects.filter(session__activity__kind=ActivityKind.RECUPERATION).count()
    clubs = Club.objects.count()
    club_people = Participation.objects.filter(session__activity__club__isnull=False).count()
    return (f"活动 {Activity.objects.count()} 个；疗休养 {trips} 人次；兴趣汇 {clubs} 个、参加 {club_people} 人次；"
            f"子女夏令营 {Application.objects.filter(session__activity__kind=ActivityKind.CAMP).exclude(child_name='').count()} 名")
