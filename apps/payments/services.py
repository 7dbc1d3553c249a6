"""Every write of a payment batch: create, fill, submit, approve, cancel, disburse, settle.

All status changes of a batch go through ``payment_batch_transition`` (row-locked,
re-checked, audited, early return when already done). Errors are Django
``ValidationError``/``PermissionDenied`` with a Chinese message; nothing changes then.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from celery import current_app
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Q,
    Sum,
    UUIDField,
    Value,
    When,
)
from django.utils import timezone

from apps.core.audit import audit_record
from apps.core.enums import JobKind
from apps.core.jobs import job_start
from apps.core.scoping import in_scope
from apps.members.enums import MemberStatus
from apps.members.models import Member
from apps.organizations.models import Organization

from .enums import BATCH_MOVES, ITEM_MOVES, OPEN_ITEM_STATUSES, BatchStatus, ItemStatus
from .gateway import read_return_file
from .models import PaymentApproval, PaymentBatch, PaymentItem

APPROVE_PERMISSION = "payments.approve_paymentbatch"
CENT = Decimal("0.01")

_VERBS = {
    BatchStatus.SUBMITTED: "提交",
    BatchStatus.APPROVED: "审批",
    BatchStatus.DISBURSING: "发放",
    BatchStatus.COMPLETED: "完成",
    BatchStatus.COMPLETED_WITH_FAILURES: "完成",
    BatchStatus.CANCELLED: "撤销",
}


def money(value) -> Decimal:
    """A positive amount in yuan with at most two places, else a ValidationError."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": [f"金额无效：{value}"]}) from exc
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": ["金额必须大于 0。"]})
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError({"amount": ["金额最多保留两位小数。"]})
    return amount.quantize(CENT)


# --- the one state-change function ----------------------------------------------------------


def payment_batch_transition(*, batch: PaymentBatch, to: str, actor, data: dict | None = None,
                             before: Callable[[PaymentBatch], None] | None = None) -> PaymentBatch:
    """Move ``batch`` to ``to``: lock, re-check, run ``before(locked)``, write, audit.

    Already in ``to`` → returns the row unchanged (a repeated request is a no-op).
    """
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
        if locked.status == to:
            return locked
        if to not in BATCH_MOVES[locked.status]:
            raise ValidationError(
                f"批次状态为「{locked.get_status_display()}」，不能{_VERBS.get(to, '变更为')}"
                f"「{BatchStatus(to).label}」。"
            )
        if before is not None:
            before(locked)
        old = locked.status
        locked.status = to
        now = timezone.now()
        stamp = {
            BatchStatus.SUBMITTED: "submitted_at", BatchStatus.APPROVED: "approved_at",
            BatchStatus.DISBURSING: "disbursed_at", BatchStatus.COMPLETED: "finished_at",
            BatchStatus.COMPLETED_WITH_FAILURES: "finished_at", BatchStatus.CANCELLED: "cancelled_at",
        }[to]
        setattr(locked, stamp, now)
        locked.save(update_fields=["status", stamp])
        audit_record(actor=actor, action=f"payment_batch.{to}", target=locked,
                     data={"from": old, "to": to, **(data or {})})
    return locked


def payment_items_transition(*, item_ids: Iterable[int], from_statuses: Iterable[str], to: str, actor=None,
                             reason: str = "") -> int:
    """The one writer of items' status: move those of ``item_ids`` still in one of
    ``from_statuses`` to ``to``, set-based (a chunk of items in three statements).

    Every move must be in ``ITEM_MOVES`` (a ValueError otherwise: a programming error).
    The rows are locked in id order (concurrent callers never deadlock) and re-checked
    (``status IN from_statuses``): an item another worker moved already is left alone, so a
    repeated call is a no-op. Stamps ``sent_at`` or ``settled_at``; a failure keeps
    ``reason``. One audit entry per batch touched. Returns how many items moved."""
    sources = tuple(from_statuses)
    for source in sources:
        if to not in ITEM_MOVES[source]:
            raise ValueError(f"payment item: {source} → {to} is not an allowed move")
    ids = list(item_ids)
    if not ids:
        return 0
    now = timezone.now()
    fields = {"status": to, "updated_at": now}
    if to == ItemStatus.SENT:
        fields["sent_at"] = now
    else:
        fields.update(settled_at=now, failure_reason=(reason or "")[:200] if to == ItemStatus.FAILED else "")
    with transaction.atomic():
        rows = list(PaymentItem._base_manager.select_for_update(of=("self",))
                    .filter(pk__in=ids, status__in=sources).order_by("id").values_list("id", "batch_id"))
        if not rows:
            return 0
        moved = [pk for pk, _batch in rows]
        PaymentItem._base_manager.filter(pk__in=moved).update(**fields)
        for batch in PaymentBatch._base_manager.filter(pk__in={b for _pk, b in rows}).select_related("organization"):
            audit_record(actor=actor, action=f"payment_items.{to}", target=batch,
                         data={"from": list(sources), "to": to, "count": len(moved),
                               "first_id": moved[0], "last_id": moved[-1]})
    return len(moved)


# --- building a batch -----------------------------------------------------------------------


def payment_batch_create(*, organization, title: str, purpose: str, actor, source=None,
                         reissue_of: PaymentBatch | None = None) -> PaymentBatch:
    if not in_scope(organization.path):
        raise ValidationError({"organization": ["发放单位不在您的管理范围内。"]})
    if not title.strip():
        raise ValidationError({"title": ["请填写标题。"]})
    batch = PaymentBatch(organization=organization, title=title.strip(), purpose=purpose, created_by=actor,
                         reissue_of=reissue_of)
    if source is not None:
        batch.source_type = ContentType.objects.get_for_model(source)
        batch.source_id = str(source.pk)
    batch.full_clean(exclude=["created_by", "job", "reissue_of", "source_type"])
    with transaction.atomic():
        batch.save()
        audit_record(actor=actor, action="payment_batch.create", target=batch,
                     data={"purpose": purpose, "source": batch.source_id})
    return batch


def _recount(batch: PaymentBatch) -> None:
    totals = PaymentItem.objects.filter(batch=batch).aggregate(n=Count("id"), s=Sum("amount"))
    batch.item_count = totals["n"] or 0
    batch.total_amount = (totals["s"] or Decimal("0")).quantize(CENT)
    batch.save(update_fields=["item_count", "total_amount"])


def _lock_draft(batch: PaymentBatch) -> PaymentBatch:
    locked = PaymentBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
    if locked.status != BatchStatus.DRAFT:
        raise ValidationError(f"批次状态为「{locked.get_status_display()}」，只有草稿批次可以修改明细。")
    return locked


def payment_batch_add_items(*, batch: PaymentBatch, entries: Iterable[tuple], actor,
                            reissue_of: dict | None = None) -> int:
    """Add ``(member, amount)`` pairs to a draft batch. A member already in the batch, one
    outside the paying unit or not active is refused (the whole call, nothing added)."""
    rows, seen = [], set()
    for member, amount in entries:
        if not member.organization.path.startswith(batch.organization.path):
            raise ValidationError({"member": [f"会员 {member.name} 不属于发放单位。"]})
        if member.status != MemberStatus.ACTIVE:
            raise ValidationError({"member": [f"会员 {member.name} 不是在会会员。"]})
        if member.pk in seen:
            raise ValidationError({"member": [f"会员 {member.name} 重复。"]})
        seen.add(member.pk)
        rows.append(PaymentItem(batch=batch, member=member, amount=money(amount),
                                reissue_of=(reissue_of or {}).get(member.pk)))
    return _insert_items(batch=batch, rows=rows, actor=actor)


def _insert_items(*, batch: PaymentBatch, rows: list[PaymentItem], actor) -> int:
    """Insert checked item rows into a draft batch (locked), recount and audit."""

    def insert(_locked) -> int:
        PaymentItem.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    return _add_to_draft(batch=batch, actor=actor, insert=insert)


def _add_to_draft(*, batch: PaymentBatch, actor, insert: Callable[[PaymentBatch], int],
                  explain: Callable[[], ValidationError] | None = None) -> int:
    """The one way items enter a batch: lock the batch (a draft, else refused), run
    ``insert(locked)`` (→ how many items it wrote), recount the batch's totals, audit (the
    count and the sum added: the new total less the one before, the batch locked meanwhile).
    A duplicate (one item per member per batch) refuses the whole call: ``explain()`` names it."""
    with transaction.atomic():
        locked = _lock_draft(batch)
        before = locked.total_amount
        try:
            with transaction.atomic():
                count = insert(locked)
        except IntegrityError as exc:
            raise (explain() if explain else ValidationError({"member": ["有会员已在本批次中。"]})) from exc
        _recount(locked)
        audit_record(actor=actor, action="payment_batch.add_items", target=locked,
                     data={"count": count, "sum": str((locked.total_amount - before).quantize(CENT))})
    batch.refresh_from_db()
    return count


def payment_batch_add_member_ids(*, batch: PaymentBatch, items: Iterable[tuple[int, object]], actor) -> int:
    """Add ``(member id, amount)`` pairs: the members are looked up in the caller's scope (an
    id outside it is as unknown as a missing one), then ``payment_batch_add_items``."""
    pairs = list(items)
    members = Member.objects.select_related("organization").in_bulk([pk for pk, _amount in pairs])
    missing = [pk for pk, _amount in pairs if pk not in members]
    if missing:
        raise ValidationError({"items": [f"会员不存在：{missing[:10]}"]})
    return payment_batch_add_items(batch=batch, entries=[(members[pk], amount) for pk, amount in pairs],
                                   actor=actor)


def payment_members_select(*, unit_code: str | None = None, teaching_years_at_least: int | None = None,
                           employment_type: str | None = None):
    """The member query a batch is filled from (``payment_batch_from_members``): in the
    caller's scope, narrowed to a unit's subtree (by code), to those teaching at least so
    many years (counted to today; 29 February counts from the 28th) and to an employment type."""

    members = Member.objects.all()
    if unit_code:
        unit = Organization.objects.filter(code=unit_code).first()  # scoped: outside → nothing
        if unit is None:
            raise ValidationError({"members": ["单位不存在。"]})
        members = members.filter(organization__path__startswith=unit.path)
    if teaching_years_at_least:
        today = timezone.localdate()
        try:
            cutoff = today.replace(year=today.year - teaching_years_at_least)
        except ValueError:  # 29 February
            cutoff = today.replace(year=today.year - teaching_years_at_least, day=28)
        members = members.filter(teaching_since__lte=cutoff)
    if employment_type:
        members = members.filter(employment_type=employment_type)
    return members


class _RandomUUID(Func):
    """A new random UUID per row, made by the database (an item's ``bank_reference``)."""

    output_field = UUIDField()

    def as_sql(self, compiler, connection, **extra):
        if connection.vendor == "postgresql":
            return "gen_random_uuid()", []
        if connection.vendor == "sqlite":  # Django keeps a UUID there as 32 hex digits
            return "lower(hex(randomblob(16)))", []
        raise NotImplementedError(f"no random UUID for {connection.vendor}")


ITEM_COLUMNS = ("batch_id", "member_id", "amount", "bank_name", "bank_account", "bank_reference", "status",
                "failure_reason", "updated_at")


def payment_batch_from_members(*, batch: PaymentBatch, members, actor, amount=None,
                               amount_by_category: dict | None = None,
                               category_field: str = "employment_type") -> int:
    """Fill a draft batch from a member query: one fixed ``amount`` for all, or an amount per
    category (``member.<category_field>`` → amount; members of other categories are left out).

    Set-based: the items are written by ONE ``INSERT … SELECT`` from the query (which keeps
    the members of the paying unit who are active), so no member row is loaded (nor
    decrypted) and the statements do not grow with the number of people. The batch's rules
    are those of every other way in (``_add_to_draft``): a draft under its row lock, amounts
    positive (checked before), one item per member (a member twice → refused, named),
    totals recounted, audited."""
    if (amount is None) == (amount_by_category is None):
        raise ValidationError("请给出统一金额或按类别的金额（二选一）。")
    members = members.filter(organization__path__startswith=batch.organization.path,
                             status=MemberStatus.ACTIVE)
    money_field = PaymentItem._meta.get_field("amount")
    if amount is not None:
        value = Value(money(amount), output_field=money_field)
    else:
        table = {key: money(value) for key, value in amount_by_category.items()}
        members = members.filter(**{f"{category_field}__in": list(table)})
        value = Case(*[When(**{category_field: key}, then=Value(each, output_field=money_field))
                       for key, each in table.items()], output_field=money_field)

    def insert(locked: PaymentBatch) -> int:
        text = CharField()
        rows = (members.annotate(
            i_batch=Value(locked.pk, output_field=IntegerField()), i_member=F("pk"), i_amount=value,
            i_bank_name=Value("", output_field=text), i_bank_account=Value("", output_field=text),
            i_reference=_RandomUUID(), i_status=Value(ItemStatus.PENDING.value, output_field=text),
            i_failure=Value("", output_field=text), i_updated=Value(timezone.now(), output_field=DateTimeField()))
            .values_list("i_batch", "i_member", "i_amount", "i_bank_name", "i_bank_account", "i_reference",
                         "i_status", "i_failure", "i_updated"))
        select, params = rows.query.sql_with_params()
        table_name = connection.ops.quote_name(PaymentItem._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(c) for c in ITEM_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table_name} ({columns}) {select}", params)
            return cursor.rowcount

    def explain() -> ValidationError:
        seen = set()
        for pk in members.values_list("pk", flat=True):
            if pk in seen:  # a query joining a multi-valued relation can repeat a member
                name = Member._base_manager.filter(pk=pk).values_list("name", flat=True).first()
                return ValidationError({"member": [f"会员 {name} 重复。"]})
            seen.add(pk)
        return ValidationError({"member": ["有会员已在本批次中。"]})

    return _add_to_draft(batch=batch, actor=actor, insert=insert, explain=explain)


# --- the four eyes ----------------------------------------------------------------------------


def payment_batch_submit(*, batch: PaymentBatch, actor) -> PaymentBatch:
    def check(locked):
        if not locked.items.exists():
            raise ValidationError("批次没有明细，不能提交。")

    return payment_batch_transition(batch=batch, to=BatchStatus.SUBMITTED, actor=actor, before=check)


def approvals_needed(batch: PaymentBatch) -> int:
    return 2 if batch.total_amount > Decimal(str(settings.PAYMENTS_DUAL_APPROVAL_ABOVE)) else 1


def _reauthenticated(actor, password: str | None, logged_in_at: float | None) -> bool:
    if password:
        return actor.check_password(password)
    return logged_in_at is not None and time.time() - logged_in_at <= settings.PAYMENTS_REAUTH_SECONDS


def _freeze_items(batch: PaymentBatch) -> None:
    """Copy each payee's bank name and account onto the item (encrypted), once, at approval."""
    if connection.vendor != "postgresql":
        items = list(PaymentItem.objects.filter(batch=batch).select_related("member"))
        missing = [i.member.name for i in items if not i.member.bank_account]
        _refuse_missing_accounts(missing)
        for item in items:
            item.bank_name = item.member.bank_name
            item.bank_account = item.member.bank_account
        PaymentItem.objects.bulk_update(items, ["bank_name", "bank_account"], batch_size=1000)
        return
    missing = list(PaymentItem.objects.filter(batch=batch, member__bank_account="").order_by("id")
                   .values_list("member__name", flat=True)[:11])
    _refuse_missing_accounts(missing)
    # One statement; the ciphertext is copied as is (both columns are EncryptedTextField
    # under the same key, so the item decrypts like the member).
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PaymentItem._meta.db_table} AS i SET bank_name = m.bank_name, bank_account = m.bank_account"
            f" FROM {Member._meta.db_table} AS m WHERE i.batch_id = %s AND m.id = i.member_id",
            [batch.pk],
        )


def _refuse_missing_accounts(missing: list[str]) -> None:
    if missing:
        raise ValidationError(f"以下会员没有银行账号，不能审批：{'、'.join(missing[:10])}"
                              + ("等" if len(missing) > 10 else "") + "。")


def payment_batch_approve(*, batch: PaymentBatch, actor, password: str | None = None,
                          logged_in_at: float | None = None) -> PaymentBatch:
    """Record ``actor``'s approval; the batch is approved once enough distinct approvers
    (never its creator) have signed. The approver proves presence with the password, or a
    log-in within ``PAYMENTS_REAUTH_SECONDS`` (``logged_in_at``: epoch seconds)."""
    if not actor.has_perm(APPROVE_PERMISSION):
        raise PermissionDenied("您没有审批发放批次的权限。")
    if not _reauthenticated(actor, password, logged_in_at):
        raise PermissionDenied("请重新输入密码以确认审批（密码错误或登录已超过 5 分钟）。")
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update(of=("self",)).get(pk=batch.pk)
        if locked.status != BatchStatus.SUBMITTED:  # a clear error, or a no-op when already approved
            return payment_batch_transition(batch=locked, to=BatchStatus.APPROVED, actor=actor)
        if locked.created_by_id == actor.pk:
            raise ValidationError("不能审批自己创建的批次。")
        if PaymentApproval.objects.filter(batch=locked, approver=actor).exists():
            raise ValidationError("您已审批过该批次，需要另一位审批人。")
        PaymentApproval.objects.create(batch=locked, approver=actor)
        signed, needed = PaymentApproval.objects.filter(batch=locked).count(), approvals_needed(locked)
        if signed < needed:
            audit_record(actor=actor, action="payment_batch.approval_recorded", target=locked,
                         data={"signed": signed, "needed": needed})
            return locked
        return payment_batch_transition(batch=locked, to=BatchStatus.APPROVED, actor=actor, before=_freeze_items,
                                        data={"signed": signed, "needed": needed})


def payment_batch_cancel(*, batch: PaymentBatch, actor, reason: str = "") -> PaymentBatch:
    return payment_batch_transition(batch=batch, to=BatchStatus.CANCELLED, actor=actor, data={"reason": reason})


# --- disbursement -----------------------------------------------------------------------------


DISBURSE_TASK = "apps.payments.tasks.disburse_batch"


def payment_batch_disburse(*, batch: PaymentBatch, actor, enqueue: bool = True):
    """Start paying an approved batch: one job, whatever the number of requests.

    The job is the Celery task ``DISBURSE_TASK``, sent by name (the services never import
    the tasks); ``enqueue=False`` only creates the job, for
    ``payments.disbursement.payment_batch_disburse_now`` to run it in process."""
    with transaction.atomic():
        locked = payment_batch_transition(batch=batch, to=BatchStatus.DISBURSING, actor=actor)
        if locked.job_id is None:
            job = job_start(kind=JobKind.PAYMENT_DISBURSE, organization=locked.organization, actor=actor,
                            task=current_app.signature(DISBURSE_TASK) if enqueue else None,
                            params={"batch": locked.pk})
            PaymentBatch.objects.filter(pk=locked.pk).update(job=job)
            locked.job = job
    return locked.job


def payment_batch_progress(batch: PaymentBatch) -> dict:
    rows = PaymentItem.objects.filter(batch_id=batch.pk).aggregate(
        total=Count("id"),
        paid=Count("id", filter=Q(status=ItemStatus.PAID)),
        failed=Count("id", filter=Q(status=ItemStatus.FAILED)),
        paid_sum=Sum("amount", filter=Q(status=ItemStatus.PAID)),
    )
    rows["paid_sum"] = str((rows["paid_sum"] or Decimal("0")).quantize(CENT))  # SQLite drops the scale
    rows["done"] = rows["paid"] + rows["failed"]
    return rows


def payment_batch_finish_if_done(*, batch: PaymentBatch, actor=None) -> PaymentBatch | None:
    """Complete a disbursing batch when no item is pending or sent any more."""
    if PaymentItem.objects.filter(batch_id=batch.pk, status__in=OPEN_ITEM_STATUSES).exists():
        return None
    failed = PaymentItem.objects.filter(batch_id=batch.pk, status=ItemStatus.FAILED).exists()
    to = BatchStatus.COMPLETED_WITH_FAILURES if failed else BatchStatus.COMPLETED
    current = PaymentBatch.objects.get(pk=batch.pk)
    if current.status != BatchStatus.DISBURSING:
        return current
    return payment_batch_transition(batch=current, to=to, actor=actor, data=payment_batch_progress(current))


def payment_item_settle(*, item_id: int, outcome: str, reason: str = "") -> bool:
    """Record the bank's answer for an open item (a second answer is ignored)."""
    to = ItemStatus.PAID if outcome == ItemStatus.PAID else ItemStatus.FAILED
    return payment_items_transition(item_ids=[item_id], from_statuses=OPEN_ITEM_STATUSES, to=to,
                                    reason=reason) == 1


def payment_batch_reissue_failed(*, batch: PaymentBatch, actor, title: str = "") -> PaymentBatch:
    """A new draft batch with every failed item of ``batch`` not yet re-issued."""
    failed = list(PaymentItem.objects.filter(batch=batch, status=ItemStatus.FAILED, reissued_as__isnull=True)
                  .select_related("member__organization"))
    if not failed:
        raise ValidationError("没有需要补发的失败明细。")
    with transaction.atomic():
        new = payment_batch_create(organization=batch.organization, title=title or f"{batch.title}（补发）",
                                   purpose=batch.purpose, actor=actor, reissue_of=batch)
        payment_batch_add_items(batch=new, entries=[(i.member, i.amount) for i in failed], actor=actor,
                                reissue_of={i.member_id: i for i in failed})
    return new


def payment_batch_import_return_file(*, batch: PaymentBatch, name: str, data: bytes, actor) -> dict:
    """Reconcile the bank's return file: settle the batch's open items line by line and
    report what did not match (unknown reference, another batch's, amount differs …)."""
    if batch.status != BatchStatus.DISBURSING:
        raise ValidationError(f"批次状态为「{batch.get_status_display()}」，不能导入回单。")
    parsed = read_return_file(name, data)
    items = {i.bank_reference: i for i in PaymentItem.objects.filter(batch=batch)}
    report = {"lines": len(parsed.lines), "paid": 0, "failed": 0, "already": 0, "unmatched": []}
    for line in parsed.lines:
        item = items.get(line.reference) if line.reference else None
        problem = line.problem or ("参考号不属于本批次" if item is None else "")
        if not problem and line.amount is not None and line.amount != item.amount:
            problem = f"金额不符（回单 {line.amount}，应为 {item.amount}）"
        if problem:
            report["unmatched"].append({"line": line.line, "reference": str(line.reference or ""),
                                        "problem": problem})
            continue
        if payment_item_settle(item_id=item.pk, outcome=line.outcome, reason=line.reason or "银行退回"):
            report["paid" if line.outcome == ItemStatus.PAID else "failed"] += 1
        else:
            report["already"] += 1
    audit_record(actor=actor, action="payment_batch.return_file", target=batch,
                 data={k: v for k, v in report.items() if k != "unmatched"} | {"unmatched": len(report["unmatched"])})
    payment_batch_finish_if_done(batch=batch, actor=actor)
    return report
