"""Judging services: assigning judges, declared conflicts, score sheets.

Every path that lists or scores an entry goes through ``selectors.entries_for_judge``: a
judge never sees nor scores an entry of their own grassroots union or of a unit they
declared a conflict with. An entry outside that set raises ``Entry.DoesNotExist`` — the
pages and the API answer 404, exactly as for an entry that does not exist.

A sheet is one judge's scores for one entry in one stage. Drafts can be saved and changed;
a submitted sheet is locked ("评分已提交，不能修改"); submitting twice is a no-op.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.scoping import scope, scopes_disabled

from ..enums import EditionStatus, SheetStatus
from ..models import ConflictDeclaration, Criterion, Entry, JudgeAssignment, Score, ScoreSheet, Stage, criteria_for
from ..selectors import entries_for_judge, judge_units

LOCKED = "评分已提交，不能修改。"
PUBLISHED = "本届结果已发布，不能再评分。"
NOT_A_JUDGE = "该用户没有评委身份，不能分配评审任务。"
TWO_PLACES = Decimal("0.01")


# --- assignments and declared conflicts ----------------------------------------------------


@transaction.atomic
def judge_assign(*, stage: Stage, group, judge, actor) -> JudgeAssignment:
    """Assign ``judge`` to score ``group`` in ``stage`` (idempotent, audited).

    The judge must hold an active JUDGE role; the assignment records the unit of that role
    (their first judge role's unit) so their own union's entries stay hidden from them. The
    group may well hold entries of their union: those are filtered out on every listing."""
    if group.edition_id != stage.edition_id:
        raise ValidationError({"group": ["组别与轮次不属于同一届比赛。"]})
    units = judge_units(judge=judge)
    if not units:
        raise ValidationError({"judge": [NOT_A_JUDGE]})
    with scopes_disabled():  # one assignment per judge, stage and group city-wide (idempotent)
        assignment, created = JudgeAssignment.objects.get_or_create(
            stage=stage, group=group, judge=judge, defaults={"organization": units[0]})
    if created:
        audit_record(actor=actor, action="judge.assign", target=assignment, organization=units[0],
                     data={"judge": judge.get_username(), "stage": stage.pk, "group": group.pk})
    return assignment


@transaction.atomic
def judge_unassign(*, assignment: JudgeAssignment, actor) -> None:
    """Take a judge off a group and stage (audited). Their sheets go with the assignment."""
    with scopes_disabled():  # the municipal admin's city-wide judging data
        locked = JudgeAssignment.objects.select_for_update(of=("self",)).select_related("judge").filter(
            pk=assignment.pk).first()
        if locked is None:
            return  # already gone (a double click)
        audit_record(actor=actor, action="judge.unassign", target=locked, organization=locked.organization,
                     data={"stage": locked.stage_id, "group": locked.group_id, "judge": locked.judge.get_username()})
        locked.delete()


def _check_judge(judge) -> None:
    if judge is None or not judge_units(judge=judge):
        raise ValidationError({"judge": [NOT_A_JUDGE]})


@transaction.atomic
def conflict_declare(*, judge, organization, reason: str = "", actor) -> ConflictDeclaration:
    """Record that ``judge`` must not judge entries of ``organization`` (its grassroots union,
    subtree included). Idempotent; audited. From now on those entries drop out of the judge's
    lists, cannot be scored, and sheets already given to them are left out of the results."""
    _check_judge(judge)
    reason = (reason or "").strip()[:200]
    with scopes_disabled():  # one declaration per judge and unit city-wide (idempotent)
        declaration, created = ConflictDeclaration.objects.get_or_create(
            judge=judge, organization=organization, defaults={"reason": reason})
    if created:
        audit_record(actor=actor, action="judge.conflict_declare", target=declaration, organization=organization,
                     data={"judge": judge.get_username(), "reason": reason})
    return declaration


@transaction.atomic
def conflict_update(*, declaration: ConflictDeclaration, judge, organization, reason: str = "",
                    actor) -> ConflictDeclaration:
    """Change a declared conflict (judge, unit, reason), audited; unchanged: nothing written."""
    _check_judge(judge)
    reason = (reason or "").strip()[:200]
    with scopes_disabled():  # city-wide judging data (the municipal admin's)
        locked = ConflictDeclaration.objects.select_for_update(of=("self",)).get(pk=declaration.pk)
        if (locked.judge_id, locked.organization_id, locked.reason) == (judge.pk, organization.pk, reason):
            return locked
        if ConflictDeclaration.objects.filter(judge=judge, organization=organization).exclude(pk=locked.pk).exists():
            raise ValidationError({"organization": ["该评委已声明与此单位回避。"]})
        before = {"judge": locked.judge_id, "organization": locked.organization_id, "reason": locked.reason}
        locked.judge, locked.organization, locked.reason = judge, organization, reason
        locked.save(update_fields=["judge", "organization", "reason"])
    audit_record(actor=actor, action="judge.conflict_update", target=locked, organization=organization,
                 data={"judge": judge.get_username(), "organization": organization.pk, "before": before})
    return locked


@transaction.atomic
def conflict_delete(*, declaration: ConflictDeclaration, actor) -> None:
    """Withdraw a declared conflict (audited): the judge may see that unit's entries again."""
    with scopes_disabled():  # city-wide judging data (the municipal admin's)
        locked = ConflictDeclaration.objects.select_for_update(of=("self",)).select_related("judge").filter(
            pk=declaration.pk).first()
        if locked is None:
            return
        audit_record(actor=actor, action="judge.conflict_delete", target=locked, organization=locked.organization,
                     data={"judge": locked.judge.get_username(), "organization": locked.organization_id})
        locked.delete()


# --- score sheets ------------------------------------------------------------------------


def as_judge(judge):
    """A judge's own scoring runs in the judge's person scope, whoever calls it (the judge's
    pages and API already are in it): only their assignments' entries minus conflicts and
    their own sheets exist there."""
    return scope(person="judge", user_id=judge.pk)


def visible_entry(*, judge, entry, stage: Stage) -> Entry:
    """The entry if ``judge`` may score it in ``stage``; else ``Entry.DoesNotExist``."""
    entry_id = entry.pk if isinstance(entry, Entry) else entry
    with as_judge(judge):
        found = entries_for_judge(judge=judge, stage=stage).filter(pk=entry_id).select_related(
            "organization", "member").first()
    if found is None:
        raise Entry.DoesNotExist("评审任务中没有这个参赛作品。")
    return found


def _parse(scores: dict, criteria: list[Criterion]) -> dict[int, Decimal | None]:
    """{criterion_id: value} → {criterion_id: Decimal or None (cleared)}; every problem in
    one Chinese error."""
    by_id = {c.pk: c for c in criteria}
    errors: list[str] = []
    parsed: dict[int, Decimal | None] = {}
    for key, raw in (scores or {}).items():
        try:
            criterion = by_id[int(key)]
        except (KeyError, TypeError, ValueError):
            errors.append(f"评分项 {key} 不属于本轮本组的评分表。")
            continue
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            parsed[criterion.pk] = None
            continue
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors.append(f"“{criterion.name}”的分数不是有效数字。")
            continue
        if not value.is_finite():
            errors.append(f"“{criterion.name}”的分数不是有效数字。")
        elif value < 0 or value > criterion.weight:
            errors.append(f"“{criterion.name}”的分数应在 0 到 {criterion.weight.normalize():f} 之间。")
        elif value != value.quantize(TWO_PLACES):
            errors.append(f"“{criterion.name}”的分数最多保留两位小数。")
        else:
            parsed[criterion.pk] = value.quantize(TWO_PLACES)
    if errors:
        raise ValidationError({"scores": errors})
    return parsed


def _locked_sheet(*, judge, entry: Entry, stage: Stage) -> ScoreSheet:
    if stage.edition.status == EditionStatus.PUBLISHED:
        raise ValidationError(PUBLISHED)
    assignment = JudgeAssignment.objects.get(judge=judge, stage=stage, group_id=entry.group_id)
    ScoreSheet.objects.get_or_create(assignment=assignment, entry=entry)
    return ScoreSheet.objects.select_for_update(of=("self",)).select_related("assignment").get(
        assignment=assignment, entry=entry)


def _current(sheet: ScoreSheet) -> dict[int, Decimal]:
    return dict(Score.objects.filter(sheet=sheet).values_list("criterion_id", "value"))


def _apply(sheet: ScoreSheet, values: dict[int, Decimal | None]) -> None:
    for criterion_id, value in values.items():
        if value is None:
            Score.objects.filter(sheet=sheet, criterion_id=criterion_id).delete()
        else:
            Score.objects.update_or_create(sheet=sheet, criterion_id=criterion_id, defaults={"value": value})


def _audit(sheet: ScoreSheet, action: str, actor, entry: Entry, stage: Stage) -> None:
    audit_record(actor=actor, action=action, target=sheet, organization=sheet.assignment.organization,
                 data={"entry": entry.code, "stage": stage.pk, "total": str(sheet.total) if sheet.total is not None
                       else None, "scores": {str(k): str(v) for k, v in sorted(_current(sheet).items())}})


@transaction.atomic
def sheet_save(*, judge, entry, stage: Stage, scores: dict, actor) -> ScoreSheet:
    """Save a draft: ``scores`` maps criterion ids to values (0..criterion.weight, at most two
    decimals; an empty value clears the line). Only for an entry in
    ``entries_for_judge(judge=judge, stage=stage)`` (else ``Entry.DoesNotExist``); a submitted sheet
    is locked. Bad input changes nothing."""
    with as_judge(judge):
        return _sheet_save(judge=judge, entry=entry, stage=stage, scores=scores, actor=actor)


def _sheet_save(*, judge, entry, stage: Stage, scores: dict, actor) -> ScoreSheet:
    entry = visible_entry(judge=judge, entry=entry, stage=stage)
    values = _parse(scores, criteria_for(stage, entry.group_id))
    sheet = _locked_sheet(judge=judge, entry=entry, stage=stage)
    if sheet.status == SheetStatus.SUBMITTED:
        raise ValidationError(LOCKED)
    _apply(sheet, values)
    sheet.save(update_fields=["updated_at"])
    _audit(sheet, "score_sheet.save", actor, entry, stage)
    return sheet


@transaction.atomic
def sheet_submit(*, judge, entry, stage: Stage, actor, scores: dict | None = None) -> ScoreSheet:
    """Submit (and lock) the judge's sheet, optionally saving ``scores`` first. Every criterion
    of the stage must be scored; the total is their sum. Submitting an already submitted sheet
    returns it unchanged (a double click) unless different scores are sent with it, which is
    refused as a change to a locked sheet."""
    with as_judge(judge):  # the judge's own sheet, in the judge's person scope
        entry = visible_entry(judge=judge, entry=entry, stage=stage)
        criteria = criteria_for(stage, entry.group_id)
        values = _parse(scores, criteria) if scores else {}
        sheet = _locked_sheet(judge=judge, entry=entry, stage=stage)
        if sheet.status == SheetStatus.SUBMITTED:
            current = _current(sheet)
            if any(current.get(cid) != value for cid, value in values.items()):
                raise ValidationError(LOCKED)
            return sheet
        if not criteria:
            raise ValidationError("本轮未设置评分项，不能提交。")
        _apply(sheet, values)
        current = _current(sheet)
        missing = [c.name for c in criteria if c.pk not in current]
        if missing:
            raise ValidationError({"scores": ["以下评分项尚未打分：" + "、".join(missing) + "。"]})
        sheet.total = sum((current[c.pk] for c in criteria), Decimal("0"))
        sheet.status = SheetStatus.SUBMITTED
        sheet.submitted_at = timezone.now()
        sheet.save(update_fields=["total", "status", "submitted_at", "updated_at"])
        _audit(sheet, "score_sheet.submit", actor, entry, stage)
        return sheet
