"""manage.py import_honours FILE.xlsx [--dry-run] [--user USERNAME]

Imports the honour roll city-wide (the municipal union's roll). All or nothing; the exit
status is 0 only when every row is valid (and, without --dry-run, written).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.core.scoping import scopes_disabled
from apps.honours.importing import import_honours_file
from apps.core.importing.command import command_actor, import_path, print_report
from apps.organizations.models import Organization


class Command(BaseCommand):
    help = "从 Excel 导入荣誉名册（全部成功或全部不导入）。任何一行有错误时退出码为 1。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--user", help="记入审计日志的操作人用户名（可选）")

    def handle(self, *args, file, dry_run, user, **options):
        with scopes_disabled():  # a command has no acting user: it imports for the root unit
            root = Organization.objects.filter(depth=1).order_by("path").first()
        if root is None:
            raise CommandError("找不到市级工会：请先建立组织结构。")
        actor = command_actor(user)
        report = import_path(file, root.path,
                             lambda handle: import_honours_file(handle, actor=actor, dry_run=dry_run))
        print_report(self, report, dry_run=dry_run, done=f"导入完成：新增荣誉 {report.created} 条。")
