"""Judging services: assignment, conflicts of interest, score sheets (range, locking)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.competitions.selectors import entries_for_judge, judge_has_conflict, judge_may_see
from apps.competitions.enums import EditionStatus, EntryStatus, SheetStatus
from apps.competitions.services.judging import conflict_declare, judge_assign, sheet_save, sheet_submit
from apps.competitions.models import Edition, Entry, JudgeAssignment, Score, ScoreSheet
from apps.core.models import AuditLog
from apps.core.scoping import ScopeError, scope, scopes_disabled
from tests.competitions.factories import make_entry, make_judge
from tests.competitions.test_judging_support import blind_jw, jw, submit, values  # noqa: F401
from tests.factories.members import make_member
from tests.factories.orgs import make_user

pytestmark = pytest.mark.django_db


def visible(judge, stage=None) -> set[int]:
    with scopes_disabled():
        return set(entries_for_judge(judge=judge, stage=stage).values_list("pk", flat=True))


def test_judge_assign_records_the_judges_unit_and_is_audited_once(jw, users, tree):
    assignment = JudgeAssignment._base_manager.get(judge=jw.judge_pku, stage=jw.stage, group=jw.group)
    assert assignment.organization == jw.pku
    again = judge_assign(stage=jw.stage, group=jw.group, judge=jw.judge_pku, actor=users["municipal"])
    assert again.pk == assignment.pk
    assert AuditLog._base_manager.filter(action="judge.assign", object_id=str(assignment.pk)).count() == 1


def test_judge_assign_refuses_a_user_without_the_judge_role(jw, users):
    with pytest.raises(ValidationError) as err:
        judge_assign(stage=jw.stage, group=jw.group, judge=users["haidian"], actor=users["municipal"])
    assert "评委" in str(err.value)
    assert not JudgeAssignment._base_manager.filter(judge=users["haidian"]).exists()


def test_judge_assign_refuses_a_group_of_another_edition(jw, users):
    from tests.competitions.factories import make_edition

    other = make_edition(series="jjb", number=5, year=2026)
    with pytest.raises(ValidationError):
        judge_assign(stage=jw.stage, group=other.groups.first(), judge=jw.judge_pku, actor=users["municipal"])


def test_pku_judge_sees_and_scores_tsinghua_entries_but_not_pku(jw):
    assert visible(jw.judge_pku) == {jw.thu_entry.pk, jw.thu_branch_entry.pk, jw.cy_entry.pk}
    sheet = submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.total == Decimal("93.00")
    with scope(person="judge", user_id=jw.judge_pku.pk):  # as the download view asks it
        assert judge_may_see(judge=jw.judge_pku, entry=jw.thu_entry) is True
        assert judge_may_see(judge=jw.judge_pku, entry=jw.pku_entry) is False
    with pytest.raises(ScopeError):  # fail closed outside any scope
        judge_may_see(judge=jw.judge_pku, entry=jw.thu_entry)
    with pytest.raises(Entry.DoesNotExist):
        sheet_save(judge=jw.judge_pku, entry=jw.pku_entry, stage=jw.stage, scores=values(jw.stage, 1, 1, 1),
                   actor=jw.judge_pku)


def test_tsinghua_branch_judge_never_sees_any_tsinghua_entry(jw, tree):
    """A judge at 清华's branch union belongs to 清华: neither 清华's own entry nor its
    branch's is theirs, on any path."""
    assert visible(jw.judge_thu) == {jw.pku_entry.pk, jw.cy_entry.pk}
    assert visible(jw.judge_thu, jw.stage) == {jw.pku_entry.pk, jw.cy_entry.pk}
    assert judge_has_conflict(judge=jw.judge_thu, organization=tree.tsinghua) and judge_has_conflict(judge=jw.judge_thu, organization=tree.tsinghua_group)
    for entry in (jw.thu_entry, jw.thu_branch_entry):
        with pytest.raises(Entry.DoesNotExist):
            sheet_save(judge=jw.judge_thu, entry=entry, stage=jw.stage, scores={}, actor=jw.judge_thu)
        with pytest.raises(Entry.DoesNotExist):
            sheet_submit(judge=jw.judge_thu, entry=entry, stage=jw.stage, actor=jw.judge_thu,
                         scores=values(jw.stage, 20, 75, 5))
    assert not ScoreSheet._base_manager.filter(entry__in=[jw.thu_entry, jw.thu_branch_entry]).exists()


def test_a_judge_at_the_university_itself_never_sees_its_branch_entries(jw, users, tree):
    judge = make_judge("t_judge_thu_top", tree.tsinghua)
    judge_assign(stage=jw.stage, group=jw.group, judge=judge, actor=users["municipal"])
    assert visible(judge) == {jw.pku_entry.pk, jw.cy_entry.pk}


def test_declared_conflict_is_honoured_and_audited(jw, users, tree):
    sheet_save(judge=jw.judge_pku, entry=jw.cy_entry, stage=jw.stage, scores=values(jw.stage, 10, 10, 1),
               actor=jw.judge_pku)
    conflict_declare(judge=jw.judge_pku, organization=tree.chaoyang_school, reason="曾在该校任教",
                     actor=users["municipal"])
    assert visible(jw.judge_pku) == {jw.thu_entry.pk, jw.thu_branch_entry.pk}
    with pytest.raises(Entry.DoesNotExist):
        sheet_submit(judge=jw.judge_pku, entry=jw.cy_entry, stage=jw.stage, actor=jw.judge_pku)
    assert AuditLog._base_manager.filter(action="judge.conflict_declare").count() == 1
    conflict_declare(judge=jw.judge_pku, organization=tree.chaoyang_school, reason="重复", actor=users["municipal"])
    assert AuditLog._base_manager.filter(action="judge.conflict_declare").count() == 1


def test_judge_sees_only_assigned_groups_and_approved_entries(jw, tree, users):
    from tests.competitions.factories import make_edition

    other = make_edition(number=15, year=2026, status=EditionStatus.JUDGING)
    make_entry(other.groups.first(), make_member(tree.tsinghua, name="清华戊"))
    pending = make_entry(jw.group, make_member(tree.tsinghua, name="清华己"), status=EntryStatus.SUBMITTED)
    assert pending.pk not in visible(jw.judge_pku)
    assert visible(jw.judge_pku) == {jw.thu_entry.pk, jw.thu_branch_entry.pk, jw.cy_entry.pk}
    outsider = make_judge("t_judge_unassigned", tree.haidian)
    assert visible(outsider) == set()
    with pytest.raises(Entry.DoesNotExist):
        sheet_save(judge=outsider, entry=jw.thu_entry, stage=jw.stage, scores={}, actor=outsider)


@pytest.mark.parametrize("value, message", [
    ("20.5", "应在 0 到 20 之间"), ("-1", "应在 0 到 20 之间"), ("abc", "不是有效数字"), ("10.125", "最多保留两位小数"),
    ("NaN", "不是有效数字"),
])
def test_score_outside_its_range_is_refused_in_chinese_and_nothing_saved(jw, value, message):
    design = values(jw.stage, 0, 0, 0)
    first = next(iter(design))
    with pytest.raises(ValidationError) as err:
        sheet_save(judge=jw.judge_pku, entry=jw.thu_entry, stage=jw.stage, scores={first: value},
                   actor=jw.judge_pku)
    assert message in " ".join(err.value.messages)
    assert "教学设计" in " ".join(err.value.messages)
    assert not Score._base_manager.exists()


def test_unknown_criterion_is_refused(jw):
    with pytest.raises(ValidationError) as err:
        sheet_save(judge=jw.judge_pku, entry=jw.thu_entry, stage=jw.stage, scores={999999: "1"}, actor=jw.judge_pku)
    assert "不属于本轮" in " ".join(err.value.messages)


def test_boundaries_are_accepted_and_a_draft_can_change(jw):
    sheet = sheet_save(judge=jw.judge_pku, entry=jw.thu_entry, stage=jw.stage, scores=values(jw.stage, 0, 75, 5),
                       actor=jw.judge_pku)
    assert sheet.status == SheetStatus.DRAFT and sheet.total is None
    first = next(iter(values(jw.stage, 0, 0, 0)))
    sheet_save(judge=jw.judge_pku, entry=jw.thu_entry, stage=jw.stage, scores={first: "19.5"}, actor=jw.judge_pku)
    assert Score._base_manager.get(sheet=sheet, criterion_id=first).value == Decimal("19.50")
    sheet_save(judge=jw.judge_pku, entry=jw.thu_entry, stage=jw.stage, scores={first: ""}, actor=jw.judge_pku)
    assert Score._base_manager.filter(sheet=sheet).count() == 2
    assert ScoreSheet._base_manager.count() == 1


def test_submit_requires_every_criterion(jw):
    first = next(iter(values(jw.stage, 0, 0, 0)))
    with pytest.raises(ValidationError) as err:
        sheet_submit(judge=jw.judge_pku, entry=jw.thu_entry, stage=jw.stage, actor=jw.judge_pku, scores={first: "10"})
    assert "尚未打分" in " ".join(err.value.messages) and "课堂教学" in " ".join(err.value.messages)
    assert not ScoreSheet._base_manager.filter(status=SheetStatus.SUBMITTED).exists()
    assert not Score._base_manager.exists()  # the failed submit saved nothing either


def test_submitted_sheet_is_locked_and_double_submit_is_idempotent(jw):
    sheet = submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    logs = AuditLog._base_manager.filter(action="score_sheet.submit").count()
    again = sheet_submit(judge=jw.judge_pku, entry=jw.thu_entry, stage=jw.stage, actor=jw.judge_pku)
    again_same = submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    assert again.pk == again_same.pk == sheet.pk and again.total == Decimal("93.00")
    assert AuditLog._base_manager.filter(action="score_sheet.submit").count() == logs == 1
    with pytest.raises(ValidationError) as err:
        sheet_save(judge=jw.judge_pku, entry=jw.thu_entry, stage=jw.stage, scores=values(jw.stage, 1, 1, 1),
                   actor=jw.judge_pku)
    assert "评分已提交，不能修改" in err.value.messages[0]
    with pytest.raises(ValidationError):
        submit(jw.judge_pku, jw.thu_entry, jw.stage, 1, 1, 1)
    assert sorted(Score._base_manager.filter(sheet=sheet).values_list("value", flat=True)) == [5, 18, 70]


def test_submit_is_audited_with_the_judges_unit(jw):
    sheet = submit(jw.judge_pku, jw.cy_entry, jw.stage, 10, 60, 3)
    log = AuditLog._base_manager.get(action="score_sheet.submit")
    assert log.object_id == str(sheet.pk) and log.organization_path == jw.pku.path
    assert log.data["total"] == "73.00" and log.data["entry"] == jw.cy_entry.code


def test_published_edition_refuses_scoring(jw):
    Edition.objects.filter(pk=jw.edition.pk).update(status=EditionStatus.PUBLISHED)
    with pytest.raises(ValidationError) as err:
        submit(jw.judge_pku, jw.thu_entry, jw.stage, 1, 1, 1)
    assert "已发布" in err.value.messages[0]


def test_a_judge_with_another_role_cannot_be_given_conflicts_through_it(jw, tree, users):
    """judge_conflicted_paths covers every judge role of the user: a second judge role at 朝阳
    hides 朝阳's entry too."""
    make_user("t_judge_pku", tree.chaoyang, role="judge")
    assert visible(jw.judge_pku) == {jw.thu_entry.pk, jw.thu_branch_entry.pk}
