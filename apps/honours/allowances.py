"""Allowance schedules: preview, generate a payments batch, and the yearly report.

``allowance_generate`` goes through the payments services only; a second run of a schedule
for the same period is refused (checked first, and by the database's unique constraint
under concurrency). Everything is audited and city-wide: the paying unit is the municipal
root, so only a user whose scope covers the whole city can generate.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from apps.core.audit import audit_record
from apps.members.enums import MemberStatus
from apps.organizations.models import Organization
from apps.payments.enums import BatchPurpose, BatchStatus, ItemStatus
from apps.payments.models import PaymentItem
from apps.payments.services import payment_batch_add_items, payment_batch_create

from .allowance_models import AllowanceKind, AllowanceRate, AllowanceRun, AllowanceSchedule
from .enums import HonourStatus
from .models import Honour
from .selectors import honour_roll

ALREADY_RUN = "该标准本期间已生成过发放批次，不能重复生成。"
NOBODY = "没有符合条件的人员，未生成批次。"
ZERO = Decimal("0.00")

PURPOSE = {
    AllowanceKind.HONOUR_ALLOWANCE: BatchPurpose.HONOUR_ALLOWANCE,
    AllowanceKind.SPRING_FESTIVAL: BatchPurpose.FESTIVAL_CONDOLENCE,
    AllowanceKind.NATIONAL_DAY: BatchPurpose.FESTIVAL_CONDOLENCE,
    AllowanceKind.BONUS: BatchPurpose.AWARD_BONUS,
    AllowanceKind.SUBSIDY: BatchPurpose.OTHER,
}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _period(period) -> str:
    period = (period or "").strip()
    if not period or len(period) > 32:
        raise ValidationError({"period": ["请填写期间（如 2026 或 2026-春节），不超过 32 个字符。"]})
    return period


def allowance_schedule_create(*, name: str, kind: str, rates: dict, actor, qualifies_on_roll_only: bool = True,
                              requires_beijing_residence: bool = False, awarded_in_year: int | None = None,
                              active: bool = True) -> AllowanceSchedule:
    """A schedule with its amounts per title level (``{level: amount}``, each > 0)."""
    from apps.payments.services import money

    if not rates:
        raise ValidationError({"rates": ["请至少填写一个级别的金额。"]})
    amounts = {level: money(amount) for level, amount in rates.items()}
    schedule = AllowanceSchedule(name=(name or "").strip(), kind=kind, qualifies_on_roll_only=qualifies_on_roll_only,
                                 requires_beijing_residence=requires_beijing_residence,
                                 awarded_in_year=awarded_in_year, active=active)
    schedule.full_clean()
    with transaction.atomic():
        schedule.save()
        AllowanceRate.objects.bulk_create(
            [AllowanceRate(schedule=schedule, level=level, amount=amount) for level, amount in amounts.items()])
        audit_record(actor=actor, action="allowance_schedule.create", target=schedule,
                     data={"kind": kind, "rates": {k: str(v) for k, v in amounts.items()},
                           "requires_beijing_residence": requires_beijing_residence,
                           "awarded_in_year": awarded_in_year})
    return schedule


SCHEDULE_FIELDS = ("name", "kind", "qualifies_on_roll_only", "requires_beijing_residence", "awarded_in_year", "active")


def allowance_schedule_update(*, schedule: AllowanceSchedule, actor, rates: dict, **changes) -> AllowanceSchedule:
    """Change a schedule's fields (``SCHEDULE_FIELDS``) and its amounts per level (replaced
    by ``rates``); row-locked, validated like a new one, audited with what changed."""
    from apps.payments.services import money

    unknown = set(changes) - set(SCHEDULE_FIELDS)
    if unknown:
        raise ValidationError("不能修改字段：" + "、".join(sorted(unknown)))
    if not rates:
        raise ValidationError({"rates": ["请至少填写一个级别的金额。"]})
    amounts = {level: money(amount) for level, amount in rates.items()}
    with transaction.atomic():
        locked = AllowanceSchedule.objects.select_for_update(of=("self",)).get(pk=schedule.pk)
        changed = {f: (getattr(locked, f), v) for f, v in changes.items() if getattr(locked, f) != v}
        for field, (_old, new) in changed.items():
            setattr(locked, field, new.strip() if field == "name" and isinstance(new, str) else new)
        locked.full_clean()
        locked.save()
        before = {r.level: r.amount for r in locked.rates.all()}
        if before != amounts:
            AllowanceRate.objects.filter(schedule=locked).delete()
            AllowanceRate.objects.bulk_create(
                [AllowanceRate(schedule=locked, level=level, amount=amount) for level, amount in amounts.items()])
        audit_record(actor=actor, action="allowance_schedule.change", target=locked,
                     data={"changed": {f: [str(o), str(n)] for f, (o, n) in changed.items()},
                           "rates": {k: str(v) for k, v in amounts.items()},
                           "rates_before": {k: str(v) for k, v in before.items()}})
    return locked


def _entries(schedule: AllowanceSchedule) -> list[tuple]:
    """``(honour, amount)`` per qualifying person: the roll's highest title of each person
    (one row per person), a living, active member, a title level the schedule pays; with
    ``awarded_in_year`` only that year's honourees (at their highest title of that year);
    with ``requires_beijing_residence`` nobody marked as not resident in Beijing (on any of
    their honours: residence belongs to the person)."""
    rates = {r.level: r.amount for r in schedule.rates.all()}
    statuses = (HonourStatus.ON_ROLL,) if schedule.qualifies_on_roll_only else (
        HonourStatus.ON_ROLL, HonourStatus.MOVED_OUT)
    roll = (honour_roll(statuses=statuses, year=schedule.awarded_in_year)
            .filter(member__status=MemberStatus.ACTIVE, title__level__in=list(rates))
            .select_related("member__organization"))
    if schedule.requires_beijing_residence:
        away = Honour.objects.filter(member__isnull=False, resides_in_beijing=False).values("member__id_hash")
        roll = roll.exclude(member__id_hash__in=away)
    return [(honour, rates[honour.title.level]) for honour in roll]


def allowance_preview(schedule: AllowanceSchedule, period) -> dict:
    """What generating would create: count, sum and rows by title (nothing is written)."""
    period = _period(period)
    entries = _entries(schedule)
    by_title: dict[int, dict] = {}
    for honour, amount in entries:
        row = by_title.setdefault(honour.title_id, {"title": honour.title.name, "level": honour.title.level,
                                                   "amount": amount, "count": 0, "sum": ZERO})
        row["count"] += 1
        row["sum"] += amount
    return {
        "schedule": schedule.pk,
        "period": period,
        "already_generated": AllowanceRun.objects.filter(schedule=schedule, period=period).exists(),
        "count": len(entries),
        "sum": sum((amount for _, amount in entries), ZERO),
        "by_title": list(by_title.values()),
        "entries": entries,
    }


def _municipal_root() -> Organization:
    root = Organization._base_manager.filter(depth=1).order_by("path").first()
    if root is None:
        raise ValidationError("找不到市级工会（发放单位）。")
    return root


def allowance_generate(*, schedule: AllowanceSchedule, period, actor) -> AllowanceRun:
    """Build the payments batch of ``schedule`` for ``period`` in one transaction: the run
    (the unique constraint refuses a second one), the batch (source = the run, paying unit
    = the municipal root) and one item per qualifying person."""
    period = _period(period)
    if not schedule.active:
        raise ValidationError("该标准已停用。")
    if AllowanceRun.objects.filter(schedule=schedule, period=period).exists():
        raise ValidationError({"period": [ALREADY_RUN]})
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = AllowanceRun.objects.create(schedule=schedule, period=period, created_by=_user(actor))
        except IntegrityError as exc:  # a concurrent generation won
            raise ValidationError({"period": [ALREADY_RUN]}) from exc
        preview = allowance_preview(schedule, period)
        if not preview["entries"]:
            raise ValidationError(NOBODY)
        batch = payment_batch_create(organization=_municipal_root(), title=f"{schedule.name}（{period}）",
                                     purpose=PURPOSE[schedule.kind], actor=actor, source=run)
        payment_batch_add_items(batch=batch, entries=[(h.member, amount) for h, amount in preview["entries"]],
                                actor=actor)
        run.batch = batch
        run.save(update_fields=["batch"])
        audit_record(actor=actor, action="allowance.generate", target=run, organization=batch.organization,
                     data={"schedule": schedule.pk, "period": period, "batch": batch.pk,
                           "count": preview["count"], "sum": str(preview["sum"])})
    return run


# How the work report groups the kinds: the model workers' allowances and condolence money
# (荣誉津贴、春节慰问金、国庆走访慰问金), and the rewards of the year's honourees (奖金、一次性补贴).
REPORT_GROUPS = (
    ("allowances", "劳模津贴及慰问金",
     (AllowanceKind.HONOUR_ALLOWANCE, AllowanceKind.SPRING_FESTIVAL, AllowanceKind.NATIONAL_DAY)),
    ("rewards", "评选表彰奖励", (AllowanceKind.BONUS, AllowanceKind.SUBSIDY)),
)


# Money counts as received only once paid: items the bank paid, of batches that completed.
PAID_BATCH_STATUSES = (BatchStatus.COMPLETED, BatchStatus.COMPLETED_WITH_FAILURES)
REPORT_HEADING = "已发放金额（仅统计发放完成批次中已到账的明细）"


def allowance_report(year: int) -> dict:
    """What each holder was PAID in ``year`` (periods "YYYY" or "YYYY-…"): the paid items of
    the runs' completed batches (drafts, batches awaiting approval or still paying, and
    failed items do not count), with totals and people per kind and per group
    (``REPORT_GROUPS``: "758 model workers' allowances", "74 honourees' rewards")."""
    runs = AllowanceRun.objects.filter(Q(period=str(year)) | Q(period__startswith=f"{year}-"), batch__isnull=False)
    kind_of = dict(runs.values_list("batch_id", "schedule__kind"))
    items = (PaymentItem.objects.filter(batch_id__in=list(kind_of), batch__status__in=PAID_BATCH_STATUSES,
                                        status=ItemStatus.PAID)
             .select_related("member__organization", "batch").order_by("member__name", "member_id", "batch_id"))
    labels = dict(AllowanceKind.choices)
    holders: dict[int, dict] = {}
    totals: dict[str, Decimal] = {}
    paid: dict[str, set] = {}
    for item in items:
        kind = kind_of[item.batch_id]
        holder = holders.setdefault(item.member_id, {
            "member": item.member_id, "name": item.member.name, "organization": item.member.organization.code,
            "received": [], "total": ZERO})
        holder["received"].append({"kind": kind, "kind_label": str(labels[kind]), "batch": item.batch_id,
                                   "batch_title": item.batch.title, "amount": item.amount, "status": item.status})
        holder["total"] += item.amount
        totals[kind] = totals.get(kind, ZERO) + item.amount
        paid.setdefault(kind, set()).add(item.member_id)
    return {
        "year": year,
        "heading": f"{year} 年{REPORT_HEADING}",
        "holders": list(holders.values()),
        "totals_by_kind": [{"kind": k, "kind_label": str(labels[k]), "sum": v, "holders": len(paid[k])}
                           for k, v in totals.items()],
        "groups": [{"group": key, "label": label,
                    "holders": len(set().union(*(paid.get(k, set()) for k in kinds))),
                    "sum": sum((totals.get(k, ZERO) for k in kinds), ZERO)}
                   for key, label, kinds in REPORT_GROUPS],
        "total": sum(totals.values(), ZERO),
    }
