"""A paper track is judged on its own score sheet: criteria with a group serve only that group;
criteria without one serve every other group of the stage."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.competitions.enums import EditionStatus
from apps.competitions.services.judging import sheet_submit
from apps.competitions.models import Criterion, criteria_for
from apps.competitions.services.scoring import stage_ranking
from apps.competitions.services.structure import edition_copy
from tests.competitions.factories import make_edition, make_entry
from tests.competitions.test_judging_support import first_stage, panel
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

PAPER = (("选题与创新", 30), ("研究方法", 40), ("写作规范", 30))


@pytest.fixture
def world(tree, users):
    edition = make_edition(groups=(("理科", "science"), ("教学论文", "paper")), status=EditionStatus.JUDGING)
    stage = first_stage(edition)
    science, paper = edition.groups.get(code="science"), edition.groups.get(code="paper")
    own = [Criterion.objects.create(stage=stage, group=paper, name=n, weight=Decimal(w), order=i)
           for i, (n, w) in enumerate(PAPER)]
    (judge,) = panel(tree, users, stage, paper, 1)
    entries = [make_entry(paper, make_member(tree.chaoyang, name=n)) for n in ("论文甲", "论文乙")]
    return edition, stage, science, paper, own, judge, entries


def test_each_group_gets_its_own_sheet(world):
    edition, stage, science, paper, own, judge, entries = world
    assert [c.name for c in criteria_for(stage, paper.pk)] == ["选题与创新", "研究方法", "写作规范"]
    assert [c.name for c in criteria_for(stage, science.pk)] == ["教学设计", "课堂教学", "教学反思"]


def test_a_paper_is_scored_on_the_paper_criteria_only(world):
    edition, stage, science, paper, own, judge, entries = world
    teaching = criteria_for(stage, science.pk)
    with pytest.raises(ValidationError) as err:  # the teaching sheet's lines are not this sheet's
        sheet_submit(judge=judge, entry=entries[0], stage=stage, actor=judge,
                     scores={c.pk: 1 for c in teaching})
    assert "不属于本轮" in " ".join(err.value.messages)
    sheet = sheet_submit(judge=judge, entry=entries[0], stage=stage, actor=judge,
                         scores={own[0].pk: 25, own[1].pk: 35, own[2].pk: 28})
    assert sheet.total == Decimal("88")
    sheet_submit(judge=judge, entry=entries[1], stage=stage, actor=judge,
                 scores={own[0].pk: 20, own[1].pk: 35, own[2].pk: 30})
    ranked = stage_ranking(stage=stage)[paper.pk]
    assert [r.entry.pk for r in ranked] == [entries[0].pk, entries[1].pk]
    assert ranked[0].criteria == [Decimal("25"), Decimal("35"), Decimal("28")]


def test_the_judge_page_shows_the_paper_sheet(world):
    edition, stage, science, paper, own, judge, entries = world
    body = login(judge).get(f"/competitions/judge/sheets/{entries[0].pk}/{stage.pk}/").content.decode()
    assert "研究方法" in body and "课堂教学" not in body


def test_copying_an_edition_keeps_the_group_sheets(world, users):
    edition, stage, science, paper, own, judge, entries = world
    new = edition_copy(edition=edition, number=15, year=2026, name="第十五届", actor=users["municipal"])
    new_stage, new_paper = first_stage(new), new.groups.get(code="paper")
    assert [c.name for c in criteria_for(new_stage, new_paper.pk)] == ["选题与创新", "研究方法", "写作规范"]
    assert {c.group_id for c in Criterion.objects.filter(stage=new_stage)} == {None, new_paper.pk}
