"""manage.py export_members --org CODE OUT.xlsx [--reveal --reason TEXT] [--status STATUS]

Exports the members of a unit (and its subunits) with the same columns as every other
export. Masked unless ``--reveal`` (which needs ``--reason``); every export is written to the audit log (a full one
is a reveal). The file appears only when complete (written beside it, then renamed).
"""

from __future__ import annotations

import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apps.core.scoping import scope, scopes_disabled
from apps.members.enums import MemberStatus
from apps.members.exporting import export_members_xlsx, record_export, reveal_reason
from apps.members.models import Member
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = "导出一个单位（含下级）的会员名册到 Excel；默认脱敏，--reveal 导出完整信息并记入审计日志。"

    def add_arguments(self, parser):
        parser.add_argument("output", help="输出文件（.xlsx）")
        parser.add_argument("--org", required=True, help="单位编码，例如 D-HAIDIAN")
        parser.add_argument("--reveal", action="store_true", help="导出完整的身份证号、手机号和银行账号（记入审计日志）")
        parser.add_argument("--reason", default="", help="导出完整信息的原因（--reveal 时必填，记入审计日志）")
        parser.add_argument("--status", choices=MemberStatus.values, help="只导出该会籍状态的会员")

    def handle(self, *args, output, org, reveal, reason, status, **options):
        if reveal:
            try:
                reason = reveal_reason(reason)
            except ValidationError as exc:
                raise CommandError("--reveal 需要 --reason：请填写导出完整信息的原因。") from exc
        with scopes_disabled():  # a command has no acting user: --org is looked up city-wide
            unit = Organization.objects.filter(code=org).first()
        if unit is None:
            raise CommandError(f"单位编码 {org} 不存在。")
        output = os.path.abspath(output)
        directory = os.path.dirname(output)
        if not os.path.isdir(directory):
            raise CommandError(f"目录 {directory} 不存在。")
        from apps.members.filters import MemberFilter

        filters = {"unit": unit.code, **({"status": status} if status else {})}
        # Members are registered at their grassroots union; a branch's are found by its path.
        with scope(paths=[unit.grassroots_path()]):
            queryset = Member.objects.order_by("organization__path", "name", "id")
            queryset = MemberFilter(data=filters, queryset=queryset).qs
            fd, partial = tempfile.mkstemp(suffix=".xlsx.part", dir=directory)
            try:
                with os.fdopen(fd, "wb") as handle:
                    rows = export_members_xlsx(queryset, handle, reveal=reveal)
                os.replace(partial, output)
            except BaseException:
                if os.path.exists(partial):
                    os.unlink(partial)
                raise
        record_export(actor=None, organization=unit, reveal=reveal, rows=rows, via="command", filters=filters,
                      reason=reason)
        kind = "完整信息，已记入审计日志" if reveal else "已脱敏"
        self.stdout.write(self.style.SUCCESS(f"已导出 {rows} 名会员到 {output}（{kind}）。"))
