"""manage.py import_members FILE.xlsx --org CODE [--dry-run] [--user USERNAME]

Imports inside the scope of the unit ``--org`` (rows may name grassroots unions under
it). All or nothing; the exit status is 0 only when every row is valid.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.core.scoping import scopes_disabled
from apps.members.importing import import_members_file
from apps.core.importing.command import command_actor, import_path, print_report
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = "从 Excel 导入会员名册（全部成功或全部不导入）。任何一行有错误时退出码非零。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 文件")
        parser.add_argument("--org", required=True, help="基层工会编码：导入范围，及“所属工会编码”为空的行所属的单位")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--user", help="记入审计日志的操作人用户名（可选）")

    def handle(self, *args, file, org, dry_run, user, **options):
        with scopes_disabled():  # a command has no acting user: --org is looked up city-wide
            organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(f"找不到单位编码“{org}”。")
        actor = command_actor(user)
        report = import_path(file, organization.path, lambda handle: import_members_file(
            handle, organization=organization, actor=actor, dry_run=dry_run))
        print_report(self, report, dry_run=dry_run, done=f"导入完成：新增会员 {report.created} 名。")
