"""Aggregation (trimmed mean), the explicit tie-break, ranks per group, advancement."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.competitions.selectors import entries_for_judge
from apps.competitions.enums import EditionStatus
from apps.competitions.services.judging import conflict_declare
from apps.competitions.models import Edition, Entry, Stage, StageResult
from apps.competitions.services.scoring import stage_advance, stage_aggregate, stage_ranking
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry
from tests.competitions.test_judging_support import later, panel, submit, university
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

# (教学设计 /20, 课堂教学 /75, 教学反思 /5) giving each total
SPLIT = {95: (18, 72, 5), 90: (15, 70, 5), 85: (15, 65, 5), 80: (15, 60, 5), 70: (10, 55, 5), 86: (16, 65, 5)}


def edition_with(tree, *, trim=5, groups=(("理科", "science"),), stages=(("决赛", None),), series="qjs", number=14):
    edition = make_edition(series=series, number=number, groups=groups, stages=stages, trim_min_judges=trim,
                           status=EditionStatus.JUDGING)
    return edition, edition.groups.order_by("order").first(), Stage.objects.filter(edition=edition).order_by("order")


def results(stage) -> list[tuple[str, Decimal, int, int]]:
    with scopes_disabled():
        return [(r.entry.member.name, r.score, r.judges, r.rank)
                for r in StageResult.objects.filter(stage=stage).select_related("entry__member").order_by(
                    "entry__group_id", "rank")]


@pytest.mark.parametrize("judges, trim, expected", [
    (5, 5, Decimal("85.000")),  # 70 and 95 dropped: mean(80, 85, 90)
    (5, 0, Decimal("84.000")),  # 0 = never trim: mean of all five
    (4, 5, Decimal("81.250")),  # fewer than five judges: mean(90, 80, 85, 70)
    (6, 5, Decimal("83.750")),  # six judges: 70 and 95 dropped, mean(90, 80, 85, 80)
])
def test_trimmed_mean_drops_one_highest_and_one_lowest_from_the_threshold(tree, users, judges, trim, expected):
    edition, group, stages = edition_with(tree, trim=trim)
    stage = stages.first()
    entry = make_entry(group, make_member(tree.tsinghua, name="清华甲"))
    totals = [90, 80, 85, 70, 95, 80][:judges]
    for judge, total in zip(panel(tree, users, stage, group, judges), totals, strict=True):
        submit(judge, entry, stage, *SPLIT[total])
    rows = stage_aggregate(stage=stage, actor=users["municipal"])
    assert [(r.entry_id, r.score, r.judges, r.rank) for r in rows] == [(entry.pk, expected, judges, 1)]


def test_mean_is_decimal_rounded_half_up_to_three_places(tree, users):
    edition, group, stages = edition_with(tree)
    stage = stages.first()
    entry = make_entry(group, make_member(tree.tsinghua, name="清华甲"))
    for judge, total in zip(panel(tree, users, stage, group, 3), (85, 85, 86), strict=True):
        submit(judge, entry, stage, *SPLIT[total])
    assert stage_aggregate(stage=stage)[0].score == Decimal("85.333")


def test_tie_break_criteria_in_order_then_registration_then_id(tree, users):
    edition, group, stages = edition_with(tree)
    stage = stages.first()
    names = ["甲", "乙", "丙", "丁", "戊", "己"]
    entries = {n: make_entry(group, make_member(tree.tsinghua, name=n)) for n in names}
    # all registered at the same moment except 丙 (later); 丁 differs from 甲 only by id
    base = later(entries["甲"], 0).created_at
    with scopes_disabled():
        Entry.objects.filter(pk__in=[e.pk for e in entries.values()]).update(created_at=base)
    later(entries["丙"], 5)
    (judge,) = panel(tree, users, stage, group, 1)
    sheets = {
        "甲": (20, 60, 5),  # 85
        "乙": (15, 65, 5),  # 85, weaker first criterion
        "丙": (20, 60, 5),  # 85, same criteria as 甲, registered later
        "丁": (20, 60, 5),  # 85, same as 甲, same time, higher id
        "戊": (16, 65, 5),  # 86: best score
        "己": (20, 61, 4),  # 85, same first criterion as 甲, better second
    }
    for name, split in sheets.items():
        submit(judge, entries[name], stage, *split)
    stage_aggregate(stage=stage)
    assert [(name, rank) for name, _, _, rank in results(stage)] == [
        ("戊", 1), ("己", 2), ("甲", 3), ("丁", 4), ("丙", 5), ("乙", 6)]
    assert {score for name, score, _, _ in results(stage) if name != "戊"} == {Decimal("85.000")}


def test_ranks_are_per_group_and_entries_without_sheets_are_left_out(tree, users):
    edition, science, stages = edition_with(tree, groups=(("理科", "science"), ("文科", "arts")))
    stage = stages.first()
    arts = edition.groups.get(code="arts")
    s1, s2 = (make_entry(science, make_member(tree.tsinghua, name=n)) for n in ("理一", "理二"))
    a1 = make_entry(arts, make_member(tree.tsinghua, name="文一"))
    make_entry(arts, make_member(tree.tsinghua, name="文二"))  # nobody scored it
    (js,) = panel(tree, users, stage, science, 1)
    (ja,) = panel(tree, users, stage, arts, 1)
    submit(js, s1, stage, *SPLIT[80])
    submit(js, s2, stage, *SPLIT[90])
    submit(ja, a1, stage, *SPLIT[70])
    stage_aggregate(stage=stage)
    assert [(n, r) for n, _, _, r in results(stage)] == [("理二", 1), ("理一", 2), ("文一", 1)]
    # recomputing replaces, never duplicates
    stage_aggregate(stage=stage, group=science)
    assert len(results(stage)) == 3


def test_draft_sheets_and_sheets_of_a_later_conflict_do_not_count(tree, users):
    edition, group, stages = edition_with(tree)
    stage = stages.first()
    entry = make_entry(group, make_member(tree.chaoyang, name="朝阳甲"))
    j1, j2, j3 = panel(tree, users, stage, group, 3)
    submit(j1, entry, stage, *SPLIT[90])
    submit(j2, entry, stage, *SPLIT[70])
    from apps.competitions.services.judging import sheet_save
    from tests.competitions.test_judging_support import values

    sheet_save(judge=j3, entry=entry, stage=stage, scores=values(stage, 20, 75, 5), actor=j3)  # a draft
    assert stage_ranking(stage=stage)[group.pk][0].score == Decimal("80.000")
    conflict_declare(judge=j2, organization=tree.chaoyang, reason="配偶在该单位", actor=users["municipal"])
    ranked = stage_ranking(stage=stage)[group.pk][0]
    assert (ranked.score, ranked.judges) == (Decimal("90.000"), 1)


def test_aggregate_is_audited_and_refused_after_publication(tree, users):
    edition, group, stages = edition_with(tree)
    stage = stages.first()
    entry = make_entry(group, make_member(tree.tsinghua, name="清华甲"))
    (judge,) = panel(tree, users, stage, group, 1)
    submit(judge, entry, stage, *SPLIT[80])
    stage_aggregate(stage=stage, actor=users["municipal"])
    assert AuditLog._base_manager.filter(action="stage.aggregate", object_id=str(stage.pk)).count() == 1
    Edition.objects.filter(pk=edition.pk).update(status=EditionStatus.PUBLISHED)
    with pytest.raises(ValidationError) as err:
        stage_aggregate(stage=stage)
    assert "已发布" in err.value.messages[0]


@pytest.fixture
def jjb(tree, users):
    """京教杯: 区级初赛 (3 advance per group) → 市级复赛 (1 advances) → 市级决赛."""
    edition, group, stages = edition_with(
        tree, series="jjb", number=5, groups=(("中学英语", "english"),),
        stages=(("区级初赛", 3), ("市级复赛", 1), ("市级决赛", None)))
    prelim, semi, final = stages
    people = [make_member(university(tree, "U-PKU") if i % 2 else tree.tsinghua, name=f"英语{i}") for i in range(5)]
    entries = [make_entry(group, p) for p in people]
    return edition, group, (prelim, semi, final), entries


def test_advancement_moves_the_top_n_to_the_next_stage(tree, users, jjb):
    edition, group, (prelim, semi, final), entries = jjb
    (judge,) = panel(tree, users, prelim, group, 1)
    for entry, total in zip(entries, (70, 95, 80, 90, 85), strict=True):
        submit(judge, entry, prelim, *SPLIT[total])
    advanced = stage_advance(stage=prelim, actor=users["municipal"])
    assert [(r.entry_id, r.rank) for r in advanced] == [(entries[1].pk, 1), (entries[3].pk, 2), (entries[4].pk, 3)]
    with scopes_disabled():
        stages = {e.pk: e.current_stage_id for e in Entry.objects.filter(pk__in=[e.pk for e in entries])}
        assert StageResult.objects.filter(stage=prelim, advanced=False).count() == 2
    assert stages == {entries[0].pk: prelim.pk, entries[1].pk: semi.pk, entries[2].pk: prelim.pk,
                      entries[3].pk: semi.pk, entries[4].pk: semi.pk}
    # a semi-final judge sees only the advanced entries; the prelim judge still sees all five
    (semi_judge,) = panel(tree, users, semi, group, 1)
    with scopes_disabled():
        assert set(entries_for_judge(judge=semi_judge, stage=semi).values_list("pk", flat=True)) == {
            entries[1].pk, entries[3].pk, entries[4].pk}
        assert entries_for_judge(judge=judge, stage=prelim).count() == 5
    # idempotent: a second click changes nothing, and the advanced group is not recomputed
    logs = AuditLog._base_manager.filter(action="stage.advance").count()
    again = stage_advance(stage=prelim, actor=users["municipal"])
    assert [r.pk for r in again] == [r.pk for r in advanced]
    assert AuditLog._base_manager.filter(action="stage.advance").count() == logs == 1
    with pytest.raises(ValidationError):
        stage_aggregate(stage=prelim, group=group)
    # then the semi-final: one goes to the final
    for entry, total in zip((entries[1], entries[3], entries[4]), (80, 95, 90), strict=True):
        submit(semi_judge, entry, semi, *SPLIT[total])
    assert [r.entry_id for r in stage_advance(stage=semi, actor=users["municipal"])] == [entries[3].pk]
    with scopes_disabled():
        assert list(Entry.objects.filter(current_stage=final).values_list("pk", flat=True)) == [entries[3].pk]


def test_final_stage_has_no_advancement(tree, users, jjb):
    edition, group, (prelim, semi, final), entries = jjb
    with pytest.raises(ValidationError) as err:
        stage_advance(stage=final, actor=users["municipal"])
    assert "最后一轮不设晋级" in err.value.messages[0]


def test_advancement_without_results_is_refused(tree, users, jjb):
    edition, group, (prelim, semi, final), entries = jjb
    with pytest.raises(ValidationError) as err:
        stage_advance(stage=prelim, actor=users["municipal"])
    assert "尚无已提交的评分" in err.value.messages[0]
    with scopes_disabled():
        assert not Entry.objects.filter(current_stage=semi).exists()
