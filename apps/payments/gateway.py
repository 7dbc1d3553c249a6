"""Payment gateways: how an item's money reaches the bank.

``transfer`` is keyed by the item's bank reference and must be idempotent: calling it
again with the same reference never pays twice and returns the first outcome.

* ``SimulatedBank`` (demo and tests) books each reference once in its own ledger
  (``SimulatedBankTransfer``, UNIQUE reference), can refuse some accounts and be slow.
* ``BankFileGateway`` pays through files: the transfer file (xlsx or CSV, one bank
  reference per row) goes to the bank; its return file marks items paid or failed.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from apps.core.excel import SafeXlsxWriter
from apps.members.masking import mask_account

from .enums import TransferOutcome


@dataclass(frozen=True)
class TransferResult:
    outcome: str  # TransferOutcome
    reason: str = ""


@dataclass(frozen=True)
class Transfer:
    reference: uuid.UUID
    account: str
    bank_name: str
    amount: Decimal
    memo: str


class Gateway:
    """Interface. ``transfer`` returns the outcome, or None when it arrives later (a file)."""

    def transfer(self, *, reference: uuid.UUID, account: str, bank_name: str, amount: Decimal,
                 memo: str) -> TransferResult | None:
        raise NotImplementedError

    def transfer_many(self, transfers: list[Transfer]) -> dict[uuid.UUID, TransferResult | None]:
        """Many transfers at once: ``{reference: result}`` (None: the outcome arrives later).
        The same guarantee as ``transfer``, per reference. Gateways without a bulk call
        inherit this loop."""
        return {t.reference: self.transfer(reference=t.reference, account=t.account, bank_name=t.bank_name,
                                           amount=t.amount, memo=t.memo) for t in transfers}


class SimulatedBank(Gateway):
    """A bank with its own books. It executes a reference at most once (a UNIQUE column),
    answers a repeated reference with the first outcome, refuses the accounts listed in
    ``PAYMENTS_SIMBANK_FAIL_ACCOUNTS`` and answers ``PAYMENTS_SIMBANK_DELAY`` seconds after
    booking (the dangerous window: the money has moved, the portal does not know yet)."""

    @staticmethod
    def _decide(account: str) -> tuple[str, str]:
        if not account:
            return TransferOutcome.FAILED, "收款账号为空"
        if account in settings.PAYMENTS_SIMBANK_FAIL_ACCOUNTS:
            return TransferOutcome.FAILED, "账户状态异常（模拟）"
        return TransferOutcome.PAID, ""

    @staticmethod
    def _outside_portal_transaction() -> None:
        if connection.in_atomic_block:
            # The bank is outside the portal: its books must not roll back with ours.
            raise RuntimeError("the bank is called outside any portal transaction")

    def transfer(self, *, reference, account, bank_name, amount, memo):
        from .models import SimulatedBankTransfer

        self._outside_portal_transaction()
        outcome, reason = self._decide(account)
        row, _created = SimulatedBankTransfer.objects.get_or_create(
            bank_reference=reference,
            defaults={"memo": memo, "account_masked": mask_account(account), "amount": amount,
                      "outcome": outcome, "reason": reason},
        )
        if settings.PAYMENTS_SIMBANK_DELAY:
            time.sleep(settings.PAYMENTS_SIMBANK_DELAY)
        return TransferResult(row.outcome, row.reason)

    def transfer_many(self, transfers):
        """Book every reference in one statement (its own transaction): a reference booked
        already is left as it is (the UNIQUE reference, ON CONFLICT DO NOTHING), then every
        reference's recorded (first) outcome is read back."""
        from .models import SimulatedBankTransfer

        if not transfers:
            return {}
        self._outside_portal_transaction()
        rows = []
        for t in transfers:
            outcome, reason = self._decide(t.account)
            rows.append(SimulatedBankTransfer(bank_reference=t.reference, memo=t.memo,
                                              account_masked=mask_account(t.account), amount=t.amount,
                                              outcome=outcome, reason=reason))
        SimulatedBankTransfer.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        if settings.PAYMENTS_SIMBANK_DELAY:
            time.sleep(settings.PAYMENTS_SIMBANK_DELAY)
        booked = SimulatedBankTransfer.objects.filter(bank_reference__in=[t.reference for t in transfers])
        return {reference: TransferResult(outcome, reason)
                for reference, outcome, reason in booked.values_list("bank_reference", "outcome", "reason")}


class BankFileGateway(Gateway):
    """Items are sent by file: ``transfer`` only marks them sent; the return file settles them."""

    def transfer(self, *, reference, account, bank_name, amount, memo):
        return None


def get_gateway() -> Gateway:
    name = settings.PAYMENTS_GATEWAY
    if name == "simulated":
        return SimulatedBank()
    if name == "bank_file":
        return BankFileGateway()
    return import_string(name)()


# --- the transfer file and the return file ------------------------------------------------

TRANSFER_HEADERS = ["银行流水参考号", "收款人", "开户银行", "收款账号", "金额", "用途"]
RETURN_OK = {"成功", "已到账", "paid", "success", "ok", "s"}
RETURN_FAILED = {"失败", "failed", "fail", "f"}


def transfer_rows(batch):
    """(reference, name, bank, account, amount, purpose) per item of an approved batch."""
    for item in batch.items.select_related("member").order_by("id"):
        yield (str(item.bank_reference), item.member.name, item.bank_name, item.bank_account, item.amount,
               batch.get_purpose_display())


def write_transfer_xlsx(batch, target) -> None:
    writer = SafeXlsxWriter(target, sheet="转账明细", headers=TRANSFER_HEADERS, text_columns=(0, 3))
    for row in transfer_rows(batch):
        writer.write_row(row)
    writer.close()


def write_transfer_csv(batch, target: io.TextIOBase) -> None:
    out = csv.writer(target)
    out.writerow(TRANSFER_HEADERS)
    for reference, name, bank, account, amount, purpose in transfer_rows(batch):
        out.writerow([reference, name, bank, account, f"{amount:.2f}", purpose])


@dataclass
class ReturnLine:
    line: int
    reference: uuid.UUID | None
    outcome: str | None
    reason: str = ""
    amount: Decimal | None = None
    problem: str = ""


@dataclass
class ReturnFile:
    lines: list[ReturnLine] = field(default_factory=list)


def read_return_file(name: str, data: bytes) -> ReturnFile:
    """Columns: 银行流水参考号, 结果 (成功/失败), 失败原因 (optional), 金额 (optional)."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    result = ReturnFile()
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [c.strip() for c in row] + ["", "", "", ""]
        line = ReturnLine(line=number, reference=None, outcome=None, reason=cells[2])
        try:
            line.reference = uuid.UUID(cells[0])
        except ValueError:
            line.problem = "参考号无法识别"
        status = cells[1].lower()
        if status in RETURN_OK:
            line.outcome = TransferOutcome.PAID
        elif status in RETURN_FAILED:
            line.outcome = TransferOutcome.FAILED
        elif not line.problem:
            line.problem = f"结果无法识别：{cells[1]}"
        if cells[3]:
            try:
                line.amount = Decimal(cells[3])
            except InvalidOperation:
                line.problem = line.problem or "金额无法识别"
        result.lines.append(line)
    return result
