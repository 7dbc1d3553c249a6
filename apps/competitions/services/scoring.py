"""Aggregation, ranking and advancement of a stage.

The score of an entry in a stage is the mean of the totals of the submitted sheets of its
judges. When the number of submitted sheets reaches ``edition.trim_min_judges`` (and is at
least 3; 0 means never) the sheet with the highest total and the one with the lowest total
are dropped first (one each, whichever judge gave them). The score is kept to three
decimals (ROUND_HALF_UP); all arithmetic is ``Decimal``.

Sheets of a judge who has (since) a conflict with the entry's unit never count.

Tie-break (explicit, total): equal scores are split by the stage's criteria in
``Criterion.order`` — the mean of that criterion over the same sheets that made the score,
higher first — then by the earlier registration (``Entry.created_at``), then by the lower
entry id. Ranks are 1..n per group, without shared places.

``stage_advance`` marks the top ``stage.advance_count`` of each group as advanced and moves
their ``Entry.current_stage`` to the next stage (京教杯: 区级初赛 → 市级复赛 → 市级决赛). The
final stage has no advancement. A group that has advanced is settled: its results of that
stage are no longer recomputed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.audit import audit_record
from apps.core.scoping import scopes_disabled

from ..enums import EditionStatus, SheetStatus
from ..models import Entry, Score, ScoreSheet, Stage, StageResult, criteria_by_group
from ..selectors import judge_conflicted_paths, stage_entries, stage_next

THREE_PLACES = Decimal("0.001")


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(THREE_PLACES, rounding=ROUND_HALF_UP)


def _mean(values: list[Decimal]) -> Decimal:
    return _quantize(sum(values, Decimal("0")) / len(values)) if values else Decimal("0.000")


def _trims(count: int, trim_min_judges: int) -> bool:
    """Whether the highest and the lowest total are dropped for ``count`` submitted sheets."""
    return bool(trim_min_judges) and count >= trim_min_judges and count >= 3


@dataclass
class Ranked:
    """One entry's standing in a stage (in memory; ``stage_aggregate`` writes it)."""

    entry: Entry
    score: Decimal
    judges: int  # submitted sheets counted (before trimming)
    criteria: list[Decimal]  # mean per criterion in Criterion.order, over the kept sheets
    rank: int = 0
    kept: int = 0  # sheets that made the score (after trimming)
    totals: list[Decimal] = field(default_factory=list)

    def sort_key(self):
        return (-self.score, *[-c for c in self.criteria], self.entry.created_at, self.entry.pk)


def stage_ranking(*, stage: Stage, group=None) -> dict[int, list[Ranked]]:
    """{group_id: [Ranked, … by rank]} for ``stage`` (all groups, or one), computed from the
    submitted sheets without writing anything. Entries without a submitted sheet are left out."""
    trim_min = stage.edition.trim_min_judges
    with scopes_disabled():  # a stage's ranking uses every entry and sheet city-wide
        entries = {e.pk: e for e in stage_entries(stage=stage, group=group)}
        sheets_of = criteria_by_group(stage, {e.group_id for e in entries.values()})
        sheets = list(ScoreSheet.objects.filter(assignment__stage=stage, status=SheetStatus.SUBMITTED,
                                                entry_id__in=list(entries)).select_related("assignment__judge"))
        values: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for sheet_id, criterion_id, value in Score.objects.filter(sheet__in=[s.pk for s in sheets]).values_list(
                "sheet_id", "criterion_id", "value"):
            values[sheet_id][criterion_id] = value
        judge_paths: dict[int, list[str]] = {}
        for sheet in sheets:
            judge = sheet.assignment.judge
            if judge.pk not in judge_paths:
                judge_paths[judge.pk] = judge_conflicted_paths(judge=judge)
    per_entry: dict[int, list[ScoreSheet]] = defaultdict(list)
    for sheet in sheets:
        entry = entries[sheet.entry_id]
        if any(entry.organization.path.startswith(p) for p in judge_paths[sheet.assignment.judge_id]):
            continue  # a conflict (declared later): the sheet does not count
        if sheet.total is None:
            continue
        per_entry[sheet.entry_id].append(sheet)

    out: dict[int, list[Ranked]] = defaultdict(list)
    for entry_id, entry_sheets in per_entry.items():
        entry_sheets.sort(key=lambda s: (s.total, s.pk))
        kept = entry_sheets[1:-1] if _trims(len(entry_sheets), trim_min) else entry_sheets
        criteria = sheets_of[entries[entry_id].group_id]
        crit = [_mean([values[s.pk].get(c.pk, Decimal("0")) for s in kept]) for c in criteria]
        out[entries[entry_id].group_id].append(Ranked(
            entry=entries[entry_id], score=_mean([s.total for s in kept]), judges=len(entry_sheets),
            criteria=crit, kept=len(kept), totals=[s.total for s in entry_sheets]))
    for rows in out.values():
        rows.sort(key=Ranked.sort_key)
        for rank, row in enumerate(rows, start=1):
            row.rank = rank
    return dict(out)


def _advanced_groups(stage: Stage) -> set[int]:
    with scopes_disabled():  # advancement is settled per group city-wide
        return set(StageResult.objects.filter(stage=stage, advanced=True).values_list("entry__group_id", flat=True))


def _lock(stage: Stage) -> Stage:
    return Stage.objects.select_for_update(of=("self",)).select_related("edition").get(pk=stage.pk)


@transaction.atomic
def stage_aggregate(*, stage: Stage, group=None, actor=None) -> list[StageResult]:
    """(Re)write the StageResult rows of ``stage`` (every group, or one) from the submitted
    sheets: score, number of judges, rank 1..n per group. Groups that already advanced keep
    their results (asking for such a group explicitly is refused), and nothing is
    recomputed once the edition is published. Returns the rows by group and rank."""
    stage = _lock(stage)
    if stage.edition.status == EditionStatus.PUBLISHED:
        raise ValidationError("本届结果已发布，成绩不能重新计算。")
    settled = _advanced_groups(stage)
    if group is not None and group.pk in settled:
        raise ValidationError("该组本轮已完成晋级，成绩不能重新计算。")
    ranking = stage_ranking(stage=stage, group=group)
    with scopes_disabled():  # results are recomputed for every unit's entries
        stale = StageResult.objects.filter(stage=stage).exclude(entry__group_id__in=settled)
        if group is not None:
            stale = stale.filter(entry__group=group)
        stale.delete()
        rows = [StageResult(stage=stage, entry=r.entry, score=r.score, judges=r.judges, rank=r.rank)
                for group_id, ranked in ranking.items() if group_id not in settled for r in ranked]
        StageResult.objects.bulk_create(rows)
        if actor is not None:
            audit_record(actor=actor, action="stage.aggregate", target=stage,
                         data={"group": group.pk if group else None, "entries": len(rows)})
        results = StageResult.objects.filter(stage=stage)
        if group is not None:
            results = results.filter(entry__group=group)
        return list(results.select_related("entry", "entry__group", "entry__organization", "entry__member")
                    .order_by("entry__group__order",
                                                                                 "entry__group_id", "rank"))


@transaction.atomic
def stage_advance(*, stage: Stage, actor, group=None) -> list[StageResult]:
    """Recompute ``stage`` and advance the top ``stage.advance_count`` entries of each group
    (or of one group) to the next stage. Idempotent: a group that has already advanced is left
    as it is (a second click changes nothing). Audited. Returns the advanced rows."""
    stage = _lock(stage)
    following = stage_next(stage=stage)
    if following is None:
        raise ValidationError("最后一轮不设晋级。")
    if not stage.advance_count:
        raise ValidationError("本轮未设置晋级人数。")
    settled = _advanced_groups(stage)
    if group is not None and group.pk in settled:
        return _advanced(stage, group)
    stage_aggregate(stage=stage, group=group, actor=actor)
    with scopes_disabled():  # results are recomputed for every unit's entries
        fresh = StageResult.objects.filter(stage=stage).exclude(entry__group_id__in=settled)
        if group is not None:
            fresh = fresh.filter(entry__group=group)
        if not fresh.exists():
            if group is None and settled:
                return _advanced(stage)
            raise ValidationError("本轮尚无已提交的评分，不能晋级。")
        winners = [r for r in fresh.select_related("entry").order_by("entry__group_id", "rank")
                   if r.rank <= stage.advance_count]
        StageResult.objects.filter(pk__in=[r.pk for r in winners]).update(advanced=True)
        Entry.objects.filter(pk__in=[r.entry_id for r in winners], current_stage=stage).update(
            current_stage=following)
        audit_record(actor=actor, action="stage.advance", target=stage,
                     data={"next_stage": following.pk, "advance_count": stage.advance_count,
                           "entries": [r.entry.code for r in winners]})
    return _advanced(stage, group)


def _advanced(stage: Stage, group=None) -> list[StageResult]:
    with scopes_disabled():  # the advanced entries of every unit
        qs = StageResult.objects.filter(stage=stage, advanced=True)
        if group is not None:
            qs = qs.filter(entry__group=group)
        return list(qs.select_related("entry", "entry__group", "entry__organization", "entry__member")
                    .order_by("entry__group_id", "rank"))
