"""Demo competitions (for demos only: never run against real data).

``seed_competitions()`` (called by ``manage.py seed_demo``) is idempotent — each edition is
created once, identified by series and number — and fast (``bulk_create`` throughout):

* 第十四届青教赛 (2025), published: groups 文科/理科/工科/医科 (80 approved entries each; per
  group 15 一等奖, 30 二等奖, 27 三等奖 and 3 单项奖 = 75 awards → 300 individual prizes), the
  教学教法论文 paper track (150 entries, 20/44/64 → 128 paper prizes), best-supervisor awards
  for the supervisors of 一等奖/二等奖 winners (180 winners, one named no supervisor → 179),
  8 优秀组织奖, certificates for every person, the talent pool from the 60 first prizes and
  bonus rates;
* 第三届青管赛 (2025), published: teams of 3 in two groups, 72 teams approved, 68 prized
  (6/12/16 per group) → 68 teams / 204 people, 4 优秀组织奖;
* 第五届京教杯 (2026), open for registration: 中学英语/中学语文/小学语文, stages 区级初赛 →
  市级复赛 → 市级决赛, quotas for 海淀 and 朝阳;
* 第十五届青教赛 (2026), open: group 理科, 清华 (U-THU) quota 1, ``judge1`` (北大) judging 理科,
  prize rules by count (1/2/3) — the demo journey's edition.

The demo teacher ``teacher1`` (清华大学工会, 张晓明) is linked (``TeacherAccount``) to a young
member of U-THU, who is given that name. Entrants are young (≤ 40) active members of
universities drawn from the member registry; this module never creates members (the members
seeder does: ``seed_demo --members 3000`` leaves enough). With too few, the two 2025 editions
are left out and a later run with enough members adds them.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled
from apps.members.demo import add_years
from apps.members.enums import MemberStatus
from apps.members.models import Member
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization

from .enums import (
    AwardKind, EditionStatus, EntryKind, EntryStatus, InvitationStatus, PrizeLevel, StageLevel, Track,
)
from .models import (
    Award, Certificate, Criterion, Edition, Entry, Group, JudgeAssignment, PrizeBonus, PrizeRule, Series, Stage,
    TalentPoolEntry, TeacherAccount, TeamMember, UnitQuota,
)
from .services.codes import certificate_code, random_code
from .services.series import series_seed

SEED = "union-portal-competitions-demo"
TEACHER_USERNAME, TEACHER_NAME, TEACHER_UNIT = "teacher1", "张晓明", "U-THU"
JUDGE_USERNAME = "judge1"
JUDGE_USERNAMES = (JUDGE_USERNAME, "judge2")

CRITERIA = (("教学设计", 20, "最佳教学设计奖"), ("课堂教学", 75, "最佳课堂教学奖"), ("教学反思", 5, "最佳教学反思奖"))
PAPER_CRITERIA = (("选题与创新", 30, ""), ("研究方法", 40, ""), ("写作规范", 30, ""))
QGS_CRITERIA = (("方案设计", 40, ""), ("现场展示", 40, ""), ("答辩", 20, ""))

QJS14_GROUPS = (("文科", "humanities"), ("理科", "science"), ("工科", "engineering"), ("医科", "medicine"))
QJS14_PER_GROUP = 80
QJS14_BANDS = ((PrizeLevel.FIRST, 15), (PrizeLevel.SECOND, 30), (PrizeLevel.THIRD, 27))
QJS14_PAPERS = 150
PAPER_BANDS = ((PrizeLevel.FIRST, 20), (PrizeLevel.SECOND, 44), (PrizeLevel.THIRD, 64))
QGS3_GROUPS = (("党政管理组", "admin"), ("学生工作组", "student"))
QGS3_TEAMS_PER_GROUP = 36
QGS3_BANDS = ((PrizeLevel.FIRST, 6), (PrizeLevel.SECOND, 12), (PrizeLevel.THIRD, 16))
LEVEL_NAMES = {PrizeLevel.FIRST: "一等奖", PrizeLevel.SECOND: "二等奖", PrizeLevel.THIRD: "三等奖"}
QJS_BONUS = ((AwardKind.PRIZE, PrizeLevel.FIRST, "5000.00"), (AwardKind.PRIZE, PrizeLevel.SECOND, "3000.00"),
             (AwardKind.PRIZE, PrizeLevel.THIRD, "2000.00"), (AwardKind.SINGLE, "", "1000.00"),
             (AwardKind.SUPERVISOR, "", "1000.00"))
QGS_BONUS = ((AwardKind.PRIZE, PrizeLevel.FIRST, "3000.00"), (AwardKind.PRIZE, PrizeLevel.SECOND, "2000.00"),
             (AwardKind.PRIZE, PrizeLevel.THIRD, "1000.00"))

# The two 2025 editions draw their entrants from the registry: this many young university members.
PEOPLE_EDITIONS = {("qjs", 14), ("qgs", 3)}
PEOPLE_NEEDED = 4 * QJS14_PER_GROUP + QJS14_PAPERS + len(QGS3_GROUPS) * QGS3_TEAMS_PER_GROUP * 3 + 60


def _aware(year, month, day, hour=9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


# --- people ---------------------------------------------------------------------------------


class _People:
    """Young (≤ 40) active members of universities not yet in a competition, by unit."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.today = timezone.localdate()
        self.universities = list(Organization._base_manager.filter(kind=OrgKind.UNIVERSITY, is_active=True)
                                 .order_by("path"))
        if not self.universities:
            raise RuntimeError("没有高校工会：请先运行 seed_organizations。")
        self.used: set[int] = set(TeacherAccount.objects.values_list("member_id", flat=True))
        self.used |= set(Entry._base_manager.values_list("member_id", flat=True))
        self.used |= set(TeamMember._base_manager.values_list("member_id", flat=True))
        youngest_birth = add_years(self.today, -39)
        self.available: dict[int, list[Member]] = defaultdict(list)
        for member in (Member._base_manager.filter(organization__in=self.universities, status=MemberStatus.ACTIVE,
                                                   birth_date__gt=youngest_birth, )
                       .exclude(pk__in=self.used).order_by("id")):
            self.available[member.organization_id].append(member)
        self._uni_cycle = 0

    def young_available(self) -> int:
        return sum(len(pool) for pool in self.available.values())

    def _next_unit(self) -> Organization:
        unit = self.universities[self._uni_cycle % len(self.universities)]
        self._uni_cycle += 1
        return unit

    def _unit_with(self, size: int) -> Organization:
        """The next university (round robin) with at least ``size`` people left."""
        for _ in range(len(self.universities)):
            unit = self._next_unit()
            if len(self.available.get(unit.pk) or ()) >= size:
                return unit
        raise RuntimeError("演示会员不足：请先运行 seed_demo --members 3000。")

    def take(self, count: int) -> list[Member]:
        """``count`` people spread over the universities."""
        out = [self.available[self._unit_with(1).pk].pop(0) for _ in range(count)]
        self.used |= {m.pk for m in out}
        return out

    def teams(self, count: int, size: int) -> list[list[Member]]:
        """``count`` teams of ``size`` colleagues of one unit each."""
        teams = []
        for _ in range(count):
            pool = self.available[self._unit_with(size).pk]
            teams.append([pool.pop(0) for _ in range(size)])
        self.used |= {m.pk for team in teams for m in team}
        return teams


def ensure_demo_teacher(people: _People) -> TeacherAccount | None:
    """teacher1 (清华, 张晓明) linked to a young member 张晓明 of U-THU."""
    from apps.accounts.models import User

    user = User.objects.filter(username=TEACHER_USERNAME).first()
    if user is None:
        return None
    account = TeacherAccount.objects.filter(user=user).select_related("member").first()
    if account is not None:
        return account
    unit = Organization._base_manager.get(code=TEACHER_UNIT)
    youngest_birth = add_years(timezone.localdate(), -39)
    candidates = (Member._base_manager.filter(organization=unit, status=MemberStatus.ACTIVE,
                                              birth_date__gt=youngest_birth)
                  .exclude(pk__in=TeacherAccount.objects.values("member_id")))
    member = (candidates.filter(name=TEACHER_NAME).order_by("id").first()
              or candidates.filter(gender="M").order_by("id").first() or candidates.order_by("id").first())
    if member is None:
        return None
    if member.name != TEACHER_NAME:  # demo data: the linked member carries the demo teacher's name
        Member._base_manager.filter(pk=member.pk).update(name=TEACHER_NAME)
        member.name = TEACHER_NAME
    people.used.add(member.pk)
    for pool in people.available.values():
        if member in pool:
            pool.remove(member)
    return TeacherAccount.objects.create(user=user, member=member)


# --- structure ------------------------------------------------------------------------------


def _edition(series: str, number: int, year: int, name: str, **fields) -> Edition:
    return Edition.objects.create(series=Series.objects.get(code=series), number=number, year=year, name=name,
                                  age_limit=40, age_cutoff=dt.date(year, 12, 31), **fields)


def _stage(edition, order, name, criteria, *, level=StageLevel.MUNICIPAL, advance=None) -> Stage:
    stage = Stage.objects.create(edition=edition, order=order, name=name, level=level, advance_count=advance)
    Criterion.objects.bulk_create([Criterion(stage=stage, name=n, weight=Decimal(w), order=i, single_award_name=s)
                                   for i, (n, w, s) in enumerate(criteria)])
    return stage


def _groups(edition, rows, *, track=Track.TEACHING, entry_kind=EntryKind.INDIVIDUAL, team_size=1,
            start=0) -> list[Group]:
    return [Group.objects.create(edition=edition, name=name, code=code, order=start + i, track=track,
                                 entry_kind=entry_kind, team_size=team_size)
            for i, (name, code) in enumerate(rows)]


def _prize_rules(group, bands) -> None:
    PrizeRule.objects.bulk_create([PrizeRule(group=group, level=level, count=count) for level, count in bands])


def _bonuses(edition, rates) -> None:
    PrizeBonus.objects.bulk_create([PrizeBonus(edition=edition, kind=k, level=lv, amount=Decimal(a))
                                    for k, lv, a in rates])


class _Codes:
    def __init__(self):
        self.entries = set(Entry._base_manager.values_list("code", flat=True))
        self.certificates = set(Certificate._base_manager.values_list("code", flat=True))

    def entry(self, edition) -> str:
        while True:
            code = f"{edition.series.code.upper()}{edition.number:02d}-{random_code(length=6)}"
            if code not in self.entries:
                self.entries.add(code)
                return code

    def certificate(self) -> str:
        while True:
            code = certificate_code()
            if code not in self.certificates:
                self.certificates.add(code)
                return code


def _entries(edition, group, stage, members, codes: _Codes, rng, *, decided, supervisors=True,
             titles=("课程设计与教学实践",)) -> list[Entry]:
    entries = [Entry(edition=edition, group=group, organization_id=m.organization_id, member=m,
                     code=codes.entry(edition), status=EntryStatus.APPROVED,
                     course_title=f"{rng.choice(titles)}（{group.name}）",
                     supervisor_name=(people_name(rng) if supervisors else ""),
                     current_stage=stage, decided_at=decided) for m in members]
    return Entry._base_manager.bulk_create(entries, batch_size=1000)


_SUPERVISOR_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_SUPERVISOR_GIVEN = ("建国", "志强", "海燕", "丽华", "文博", "国庆", "明远", "晓红", "立新", "春梅", "振宇", "秀英")


def people_name(rng) -> str:
    return rng.choice(_SUPERVISOR_SURNAMES) + rng.choice(_SUPERVISOR_GIVEN)


def _band_awards(edition, group, entries, bands, *, team_sizes=None) -> list[Award]:
    """Band awards to the entries in rank order (entries[0] ranks first)."""
    awards, rank = [], 0
    for level, count in bands:
        for _ in range(count):
            entry = entries[rank]
            rank += 1
            awards.append(Award(edition=edition, group=group, entry=entry, organization_id=entry.organization_id,
                                kind=AwardKind.PRIZE, level=level, name=LEVEL_NAMES[level],
                                recipient=entry.team_name or entry.member.name, rank=rank))
    return awards


def _certificates_for(awards, codes: _Codes, team_members: dict | None = None) -> list[Certificate]:
    certs = []
    for award in awards:
        if award.kind == AwardKind.ORGANISATION:
            certs.append(Certificate(award=award, member=None, holder_name=award.recipient, code=codes.certificate()))
        elif award.kind == AwardKind.SUPERVISOR:
            certs.append(Certificate(award=award, member=None, holder_name=award.recipient, code=codes.certificate()))
        else:
            people = [award.entry.member, *(team_members or {}).get(award.entry_id, [])]
            certs += [Certificate(award=award, member=m, holder_name=m.name, code=codes.certificate())
                      for m in people]
    return certs


def _organisation_awards(edition, units) -> list[Award]:
    edition.organisation_award_units.set(units)
    return [Award(edition=edition, group=None, entry=None, organization=u, kind=AwardKind.ORGANISATION,
                  name="优秀组织奖", recipient=u.name) for u in units]


def seed_qjs14(people: _People, codes: _Codes, rng) -> None:
    edition = _edition("qjs", 14, 2025, "第十四届北京高校青年教师教学基本功比赛", status=EditionStatus.PUBLISHED,
                       registration_opens=_aware(2025, 3, 1), registration_closes=_aware(2025, 4, 15),
                       supervisor_award_levels="first,second", published_at=_aware(2025, 6, 20, 15))
    stage = _stage(edition, 1, "决赛", CRITERIA)
    teaching = _groups(edition, QJS14_GROUPS)
    (paper,) = _groups(edition, (("教学教法论文", "paper"),), track=Track.PAPER, start=len(teaching))
    Criterion.objects.bulk_create([Criterion(stage=stage, group=paper, name=n, weight=Decimal(w), order=i)
                                   for i, (n, w, _) in enumerate(PAPER_CRITERIA)])  # papers: their own sheet
    decided = _aware(2025, 4, 20)
    awards: list[Award] = []
    first_awards: list[Award] = []
    missing_supervisor = True
    for group in teaching:
        _prize_rules(group, QJS14_BANDS)
        entries = _entries(edition, group, stage, people.take(QJS14_PER_GROUP), codes, rng, decided=decided,
                           titles=("课堂教学设计与实践", "以学生为中心的教学改革", "混合式教学探索"))
        if missing_supervisor:  # one 二等奖 winner named no supervisor: 180 winners → 179 awards
            entries[40].supervisor_name = ""
            Entry._base_manager.filter(pk=entries[40].pk).update(supervisor_name="")
            missing_supervisor = False
        bands = _band_awards(edition, group, entries, QJS14_BANDS)
        first_awards += [a for a in bands if a.level == PrizeLevel.FIRST]
        singles = [Award(edition=edition, group=group, entry=e, organization_id=e.organization_id,
                         kind=AwardKind.SINGLE, name=name, recipient=e.member.name)
                   for e, (_, _, name) in zip(rng.sample(entries[:45], 3), CRITERIA, strict=True)]
        supervised = [a for a in bands if a.level in (PrizeLevel.FIRST, PrizeLevel.SECOND) and a.entry.supervisor_name]
        sup = [Award(edition=edition, group=group, entry=a.entry, organization_id=a.organization_id,
                     kind=AwardKind.SUPERVISOR, name="优秀指导教师奖", recipient=a.entry.supervisor_name)
               for a in supervised]
        awards += bands + singles + sup
    _prize_rules(paper, PAPER_BANDS)
    papers = _entries(edition, paper, stage, people.take(QJS14_PAPERS), codes, rng, decided=decided,
                      supervisors=False, titles=("课程思政融入专业教学的研究", "基于项目的教学方法研究", "教学评价改革研究"))
    awards += _band_awards(edition, paper, papers, PAPER_BANDS)
    units = [u for u in people.universities[:8]]
    awards += _organisation_awards(edition, units)
    Award._base_manager.bulk_create(awards, batch_size=1000)
    Certificate._base_manager.bulk_create(_certificates_for(awards, codes), batch_size=1000)
    TalentPoolEntry._base_manager.bulk_create(
        [TalentPoolEntry(member=a.entry.member, organization_id=a.organization_id, edition=edition, award=a)
         for a in first_awards], batch_size=1000)
    _bonuses(edition, QJS_BONUS)


def seed_qgs3(people: _People, codes: _Codes, rng) -> None:
    edition = _edition("qgs", 3, 2025, "第三届北京高校青年管理人员职业能力大赛", status=EditionStatus.PUBLISHED,
                       registration_opens=_aware(2025, 4, 1), registration_closes=_aware(2025, 5, 15),
                       requires_lesson_plan=False, supervisor_award_levels="",
                       published_at=_aware(2025, 10, 28, 15))
    stage = _stage(edition, 1, "决赛", QGS_CRITERIA)
    groups = _groups(edition, QGS3_GROUPS, entry_kind=EntryKind.TEAM, team_size=3)
    decided = _aware(2025, 5, 20)
    awards: list[Award] = []
    team_members: dict[int, list[Member]] = {}
    invitations: list[TeamMember] = []
    for group in groups:
        _prize_rules(group, QGS3_BANDS)
        teams = people.teams(QGS3_TEAMS_PER_GROUP, 3)
        entries = [Entry(edition=edition, group=group, organization_id=team[0].organization_id, member=team[0],
                         code=codes.entry(edition), status=EntryStatus.APPROVED,
                         team_name=f"{team[0].organization.short_name or team[0].organization.name}{group.name[:2]}{i + 1}队",
                         course_title="高校管理服务创新方案", current_stage=stage, decided_at=decided)
                   for i, team in enumerate(teams)]
        entries = Entry._base_manager.bulk_create(entries, batch_size=1000)
        for entry, team in zip(entries, teams, strict=True):
            team_members[entry.pk] = team[1:]
            invitations += [TeamMember(entry=entry, member=m, status=InvitationStatus.ACCEPTED,
                                       responded_at=decided) for m in team[1:]]
        awards += _band_awards(edition, group, entries, QGS3_BANDS)
    TeamMember._base_manager.bulk_create(invitations, batch_size=1000)
    awards += _organisation_awards(edition, people.universities[8:12])
    Award._base_manager.bulk_create(awards, batch_size=1000)
    Certificate._base_manager.bulk_create(_certificates_for(awards, codes, team_members), batch_size=1000)
    _bonuses(edition, QGS_BONUS)


def _open_window() -> dict:
    now = timezone.now()
    return {"registration_opens": now - dt.timedelta(days=10), "registration_closes": now + dt.timedelta(days=45)}


def seed_jjb5() -> None:
    edition = _edition("jjb", 5, 2026, "第五届京教杯中小学青年教师教学基本功展示", status=EditionStatus.OPEN,
                       requires_teaching_design=True, **_open_window())
    # primary and secondary teachers: the district (燕山) education unions and their schools
    edition.participating_units.set(Organization._base_manager.filter(kind=OrgKind.DISTRICT))
    _stage(edition, 1, "区级初赛", CRITERIA, level=StageLevel.DISTRICT, advance=10)
    _stage(edition, 2, "市级复赛", CRITERIA, advance=5)
    _stage(edition, 3, "市级决赛", CRITERIA)
    groups = _groups(edition, (("中学英语", "middle-english"), ("中学语文", "middle-chinese"),
                               ("小学语文", "primary-chinese")))
    districts = list(Organization._base_manager.filter(code__in=("D-HAIDIAN", "D-CHAOYANG")))
    UnitQuota._base_manager.bulk_create([UnitQuota(group=g, organization=d, quota=3)
                                         for g in groups for d in districts])
    for group in groups:
        _prize_rules(group, ((PrizeLevel.FIRST, 3), (PrizeLevel.SECOND, 5), (PrizeLevel.THIRD, 8)))


def seed_qjs15() -> None:
    """The demo journey's edition: 清华 may send one teacher to 理科; judge1 (北大) and judge2
    (北师大) judge it."""
    from apps.accounts.enums import Role
    from apps.accounts.models import RoleAssignment, User

    edition = _edition("qjs", 15, 2026, "第十五届北京高校青年教师教学基本功比赛", status=EditionStatus.OPEN,
                       supervisor_award_levels="first", **_open_window())
    edition.participating_units.set(Organization._base_manager.filter(kind=OrgKind.UNIVERSITY))
    stage = _stage(edition, 1, "决赛", CRITERIA)
    (science,) = _groups(edition, (("理科", "science"),))
    _prize_rules(science, ((PrizeLevel.FIRST, 1), (PrizeLevel.SECOND, 2), (PrizeLevel.THIRD, 3)))
    _bonuses(edition, QJS_BONUS)
    tsinghua = Organization._base_manager.filter(code=TEACHER_UNIT).first()
    if tsinghua is not None:
        UnitQuota._base_manager.create(group=science, organization=tsinghua, quota=1)
    for username in JUDGE_USERNAMES:  # judge1 (北大) and judge2 (北师大) both score 理科
        judge = User.objects.filter(username=username).first()
        role = RoleAssignment._base_manager.filter(user=judge, role=Role.JUDGE, is_active=True).select_related(
            "organization").first() if judge else None
        if role is not None:
            JudgeAssignment.objects.create(stage=stage, group=science, judge=judge, organization=role.organization)


def seed_competitions() -> dict:
    """Create the demo editions that are missing (see the module docstring)."""
    created: list[str] = []
    with scopes_disabled(), transaction.atomic():  # demo seeding spans the whole city
        series_seed(model=Series)
        rng = random.Random(SEED)
        people = _People(rng)
        codes = _Codes()
        ensure_demo_teacher(people)
        existing = set(Edition.objects.values_list("series__code", "number"))
        enough = people.young_available() >= PEOPLE_NEEDED
        for key, seed in ((("qjs", 14), lambda: seed_qjs14(people, codes, rng)),
                          (("qgs", 3), lambda: seed_qgs3(people, codes, rng)),
                          (("jjb", 5), seed_jjb5),
                          (("qjs", 15), seed_qjs15)):
            if key in PEOPLE_EDITIONS and not enough:
                continue
            if key not in existing:
                seed()
                created.append(f"{key[0]}{key[1]}")
        if created:
            root = Organization._base_manager.filter(depth=1).order_by("path").first()
            audit_record(actor=None, action="competition.seed", target=root, data={"editions": created})
    return {"editions": Edition.objects.count(), "created": len(created)}
