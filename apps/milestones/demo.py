"""从教30周年 demo data: the union's 2025 figure — 1,800+ teachers at 41 universities whose
teaching reached 30 years in 2025 — reproducible from the members registry.

``seed_thirty_years()`` (``seed_demo``'s part, after every other app's seeder so their picks
from the members are not disturbed):

* when the city is demo-sized (``seed_demo --members N`` with N ≥ ``MIN_MEMBERS``, which
  ``make run``'s default 3,000 is), each of ``UNIVERSITIES`` (41 universities: those whose
  generated members already include such a teacher, then others in the tree's order) is topped up to ``PER_UNIVERSITY`` (44) working members who started teaching in 1995
  — 41 × 44 = 1,804 — generated with the registry's own generator
  (``apps.members.demo.MemberGenerator``: valid IDs unique city-wide, names, phones, bank cards)
  and checked with the registry's validation (``member_clean``) before one ``bulk_create``;
* the 2025 rolls of every university are built (``rolls_build_year``) and those of the 41 are
  confirmed by the unit (``roll_confirm``) except 清华大学's, left 待确认 for the demo's
  ``tsinghua`` administrator; the municipal admin issues the certificates (a job).

Idempotent: members are counted first (a second run adds none); a roll already confirmed is kept.
Deterministic: the generator is seeded from ``seed`` and the number of members already there.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count, Q

from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled
from apps.members.demo import DEFAULT_SEED, MemberGenerator, add_years
from apps.members.enums import EmploymentType, MemberStatus
from apps.members.models import Member, MemberStatusChange
from apps.members.services import member_clean
from apps.members.validation import birth_date_of, gender_of
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization

from .enums import RollStatus, TEACHING_YEARS
from .models import ThirtyYearHonoree, ThirtyYearRoll
from .services import roll_confirm, rolls_build_year

YEAR = 2025
UNIVERSITIES = 41
PER_UNIVERSITY = 44
MIN_MEMBERS = 3000
LEFT_FOR_THE_UNIT = "U-THU"
POSTS = ("教授", "副教授", "讲师", "研究员", "副研究员")


def _universities(*, started_year: int = YEAR - TEACHING_YEARS) -> list[Organization]:
    """The 41 universities of the figure: those whose registry already holds a teacher
    reaching 30 years (so the city's count is exactly theirs), then others in the tree's order."""
    universities = list(Organization._base_manager.filter(kind=OrgKind.UNIVERSITY, is_active=True).order_by("path"))
    holding = set(_working(Member._base_manager.filter(organization__in=universities,
                                                       teaching_since__year=started_year))
                  .values_list("organization_id", flat=True))
    first = [u for u in universities if u.pk in holding]
    rest = [u for u in universities if u.pk not in holding]
    return sorted(first + rest[:max(0, UNIVERSITIES - len(first))], key=lambda u: u.path)


def _working(queryset):
    return queryset.filter(status=MemberStatus.ACTIVE).exclude(employment_type=EmploymentType.RETIRED)


def _teacher(gen: MemberGenerator, unit: Organization, branches: list, *, started_year: int) -> Member:
    """A working teacher who started teaching in ``started_year`` (at 22–26), via the
    registry's generator and validation."""
    rng = gen.rng
    female = rng.random() < 0.55
    start_age = rng.randint(22, 26)
    birth = dt.date(started_year - start_age, rng.randint(1, 12), rng.randint(1, 28))
    id_number, id_hash, _ = gen.id_number(birth, female)
    birth = birth_date_of(id_number)
    started = dt.date(started_year, rng.choice((7, 9)), 1)
    if started <= add_years(birth, 21):
        started = dt.date(started_year, 12, 1)
    bank_name, account = gen.bank()
    fields = member_clean({"name": gen.name(female), "id_number": id_number, "phone": gen.mobile(),
                           "bank_account": account, "employment_type": EmploymentType.PERMANENT,
                           "teaching_since": started,
                           "joined_on": min(started + dt.timedelta(days=rng.randint(0, 730)), gen.today)})
    return Member(organization=unit, branch=rng.choice(branches) if branches else None, id_hash=id_hash,
                  birth_date=birth, gender=gender_of(id_number), status=MemberStatus.ACTIVE,
                  post=rng.choice(POSTS), bank_name=bank_name, **fields)


def seed_teachers(*, seed: int = DEFAULT_SEED, year: int = YEAR) -> int:
    """Top each of the 41 universities up to 44 teachers reaching 30 years in ``year``."""
    started_year = year - TEACHING_YEARS
    universities = _universities(started_year=started_year)
    members = Member._base_manager
    have = dict(_working(members.filter(organization__in=universities, teaching_since__year=started_year))
                .values_list("organization").annotate(n=Count("id")).order_by())
    plan = [(u, PER_UNIVERSITY - have.get(u.pk, 0)) for u in universities if have.get(u.pk, 0) < PER_UNIVERSITY]
    if not plan:
        return 0
    current = members.count()
    branches: dict[int, list] = {u.pk: [] for u in universities}
    for branch in Organization._base_manager.filter(kind=OrgKind.BRANCH, is_active=True).filter(
            Q(*[Q(path__startswith=u.path) for u in universities], _connector=Q.OR)).order_by("path"):
        for u in universities:
            if branch.path.startswith(u.path):
                branches[u.pk].append(branch)
    rng = random.Random(f"union-portal-thirty:{seed}:{current}")
    taken = set(members.values_list("id_hash", flat=True))
    generator = MemberGenerator(rng, today=dt.date.today(), taken=taken, counter=current + 7_000_000)
    rows = [_teacher(generator, unit, branches[unit.pk], started_year=started_year)
            for unit, missing in plan for _ in range(missing)]
    created = members.bulk_create(rows, batch_size=1000)
    MemberStatusChange._base_manager.bulk_create(
        [MemberStatusChange(member_id=m.pk, from_status="", to_status=MemberStatus.ACTIVE,
                            changed_on=m.joined_on, reason="登记入会") for m in created], batch_size=1000)
    root = Organization._base_manager.filter(depth=1).order_by("path").first()
    audit_record(actor=None, action="member.seed", target=root,
                 data={"created": len(created), "for": f"{year}年从教30周年"})
    return len(created)


def seed_thirty_years(*, members: int = 0, seed: int = DEFAULT_SEED) -> dict:
    with scopes_disabled():  # demo seeding fills the whole city
        created = seed_teachers(seed=seed) if members >= MIN_MEMBERS else 0
        rolls = rolls_build_year(year=YEAR)
        chosen = {u.pk for u in _universities()}
        for roll in rolls:
            if (roll.organization_id in chosen and roll.status == RollStatus.DRAFT and roll.honoree_count
                    and roll.organization.code != LEFT_FOR_THE_UNIT):
                roll_confirm(roll=roll, actor=None)
    return {"created": created}


def demo_seeder(options: dict) -> list[str]:
    seed = options.get("seed")
    result = seed_thirty_years(members=options.get("members") or 0, seed=DEFAULT_SEED if seed is None else seed)
    lines = [f"从教30周年：{thirty_years_line()}"]
    if result["created"]:
        lines.append(f"会员：为{YEAR}年从教30周年新增 {result['created']} 名教师")
    return lines


def thirty_years_line() -> str:
    with scopes_disabled():  # the demo summary counts the whole city
        rolls = ThirtyYearRoll.objects.filter(year=YEAR, honoree_count__gt=0)
        units = rolls.count()
        people = ThirtyYearHonoree.objects.filter(roll__year=YEAR).count()
        confirmed = rolls.filter(status=RollStatus.CONFIRMED).count()
        issued = rolls.filter(status=RollStatus.ISSUED).count()
    return f"{YEAR}年 {units} 所高校 {people} 人（单位已确认 {confirmed} 所，已颁发 {issued} 所）"
