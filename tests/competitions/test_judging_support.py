"""Shared set-up for the judging, scoring, prizes, publication, judge-page and score-API tests
(no tests here): an edition with 清华, 北大 and 朝阳 entries and judges from several unions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.competitions.enums import EditionStatus
from apps.competitions.services.judging import judge_assign, sheet_submit
from apps.competitions.models import Criterion, Edition, Entry, Group, Stage
from apps.core.scoping import scopes_disabled
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization
from apps.organizations.services import organization_create
from tests.competitions.factories import make_edition, make_entry, make_judge
from tests.factories.members import make_member

UNIVERSITIES = (("U-PKU", "北京大学工会"), ("U-RUC", "中国人民大学工会"), ("U-BNU", "北京师范大学工会"),
                ("U-BIT", "北京理工大学工会"), ("U-BUAA", "北京航空航天大学工会"), ("U-USTB", "北京科技大学工会"))


def university(tree, code: str) -> Organization:
    with scopes_disabled():
        found = Organization.objects.filter(code=code).first()
        if found:
            return found
        name = dict(UNIVERSITIES)[code]
        return organization_create(parent=Organization.objects.get(pk=tree.root.pk), code=code, name=name,
                                   kind=OrgKind.UNIVERSITY)


def criteria(stage: Stage) -> list[Criterion]:
    return list(Criterion.objects.filter(stage=stage).order_by("order", "id"))


def values(stage: Stage, *numbers) -> dict:
    return {c.pk: Decimal(str(n)) for c, n in zip(criteria(stage), numbers, strict=True)}


def submit(judge, entry: Entry, stage: Stage, *numbers):
    return sheet_submit(judge=judge, entry=entry, stage=stage, actor=judge, scores=values(stage, *numbers))


def first_stage(edition: Edition) -> Stage:
    return Stage.objects.filter(edition=edition).order_by("order").first()


def later(entry: Entry, minutes: int) -> Entry:
    """Move an entry's registration time (the tie-break after the criteria)."""
    with scopes_disabled():
        Entry.objects.filter(pk=entry.pk).update(created_at=timezone.now() + dt.timedelta(minutes=minutes))
        return Entry.objects.get(pk=entry.pk)


@dataclass
class JudgingWorld:
    edition: Edition
    group: Group
    stage: Stage
    pku: Organization
    thu_entry: Entry  # 清华 (the university itself)
    thu_branch_entry: Entry  # 清华's 计算机系分工会
    pku_entry: Entry
    cy_entry: Entry  # 朝阳
    judge_pku: object  # 北大: sees 清华 and 朝阳, not 北大
    judge_thu: object  # at 清华's branch union: never sees 清华
    extra: dict = field(default_factory=dict)


def build_world(tree, users, *, blind=False, **edition_fields) -> JudgingWorld:
    edition_fields.setdefault("status", EditionStatus.JUDGING)
    edition = make_edition(blind_judging=blind, **edition_fields)
    group = edition.groups.get(code="science")
    stage = first_stage(edition)
    pku = university(tree, "U-PKU")
    thu = make_member(tree.tsinghua, name="清华甲")
    thu_b = make_member(tree.tsinghua, name="清华乙", branch=tree.tsinghua_branch)
    pk = make_member(pku, name="北大丙")
    cy = make_member(tree.chaoyang, name="朝阳丁")
    world = JudgingWorld(
        edition=edition, group=group, stage=stage, pku=pku,
        thu_entry=make_entry(group, thu, course_title="清华甲的微积分"),
        thu_branch_entry=make_entry(group, thu_b, course_title="清华乙的线性代数"),
        pku_entry=make_entry(group, pk, course_title="北大丙的概率论"),
        cy_entry=make_entry(group, cy, course_title="朝阳丁的数论"),
        judge_pku=make_judge("t_judge_pku", pku),
        judge_thu=make_judge("t_judge_thu", tree.tsinghua_branch),
    )
    for judge in (world.judge_pku, world.judge_thu):
        judge_assign(stage=stage, group=group, judge=judge, actor=users["municipal"])
    return world


@pytest.fixture
def jw(tree, users) -> JudgingWorld:
    return build_world(tree, users)


@pytest.fixture
def blind_jw(tree, users) -> JudgingWorld:
    return build_world(tree, users, blind=True)


def panel(tree, users, stage: Stage, group: Group, count: int) -> list:
    """``count`` judges from unions that have no entries (朝阳 and 海淀 excluded by callers)."""
    codes = [c for c, _ in UNIVERSITIES[1:]]
    units = [university(tree, code) for code in codes] + [tree.haidian]
    judges = []
    for i in range(count):
        judge = make_judge(f"t_panel_{stage.pk}_{group.pk}_{i}", units[i % len(units)])
        judge_assign(stage=stage, group=group, judge=judge, actor=users["municipal"])
        judges.append(judge)
    return judges


__all__ = ["JudgingWorld", "blind_jw", "build_world", "criteria", "first_stage", "jw", "later", "make_entry",
           "make_member", "panel", "submit", "university", "values"]


# --- a scored edition for the prize and publication tests -----------------------------------

SCIENCE = [  # (name, supervisor, (教学设计, 课堂教学, 教学反思))
    ("理一", "王导师", (18, 75, 5)),  # 98  rank 1
    ("理二", "", (17, 74, 5)),  # 96
    ("理三", "李导师", (16, 73, 5)),  # 94
    ("理四", "", (15, 72, 5)),  # 92
    ("理五", "", (20, 62, 3)),  # 85, best 教学设计 (tie with 理六 broken by 课堂教学)
    ("理六", "", (20, 60, 5)),  # 85
    ("理七", "", (10, 70, 4)),  # 84
    ("理八", "赵导师", (10, 65, 5)),  # 80
    ("理九", "", (10, 60, 5)),  # 75
    ("理十", "", (5, 60, 5)),  # 70
]
PAPERS = [("论一", (20, 70, 5)), ("论二", (19, 70, 5)), ("论三", (18, 70, 5)), ("论四", (17, 70, 5))]


@dataclass
class PrizeWorld:
    edition: Edition
    science: Group
    paper: Group
    stage: Stage
    entries: dict  # name -> Entry


def build_prize_world(tree, users) -> PrizeWorld:
    from apps.competitions.models import PrizeRule

    edition = make_edition(groups=(("理科", "science"), ("教学论文", "paper")), status=EditionStatus.JUDGING,
                           supervisor_award_levels="first,second")
    science, paper = edition.groups.get(code="science"), edition.groups.get(code="paper")
    stage = first_stage(edition)
    Criterion.objects.filter(stage=stage, name="教学设计").update(single_award_name="最佳教学设计奖")
    pku = university(tree, "U-PKU")
    with scopes_disabled():
        edition.organisation_award_units.set([tree.tsinghua, pku])
    PrizeRule.objects.create(group=science, level="first", ratio=Decimal("0.15"))  # floor(1.5) = 1
    PrizeRule.objects.create(group=science, level="second", count=3)
    PrizeRule.objects.create(group=science, level="third", ratio=Decimal("0.25"))  # floor(2.5) = 2
    PrizeRule.objects.create(group=paper, level="first", count=1)
    PrizeRule.objects.create(group=paper, level="second", count=5)  # only 3 left
    entries = {}
    (judge,) = panel(tree, users, stage, science, 1)
    for i, (name, supervisor, split) in enumerate(SCIENCE):
        member = make_member(tree.tsinghua if i % 2 == 0 else pku, name=name)
        entries[name] = make_entry(science, member, supervisor_name=supervisor)
        submit(judge, entries[name], stage, *split)
    (paper_judge,) = panel(tree, users, stage, paper, 1)
    for i, (name, split) in enumerate(PAPERS):
        entries[name] = make_entry(paper, make_member(tree.tsinghua if i % 2 else pku, name=name))
        submit(paper_judge, entries[name], stage, *split)
    return PrizeWorld(edition, science, paper, stage, entries)


@pytest.fixture
def pw(tree, users) -> PrizeWorld:
    return build_prize_world(tree, users)
