"""manage.py import_honours FILE.xlsx [--dry-run] [--user USERNAME]

Imports the honour roll city-wide (the municipal union's roll). All or nothing; the exit
status is 0 only when every row is valid (and, without --dry-run, written).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.core.scoping import scope, scopes_disabled
from apps.honours.importing import import_honours_file
from apps.organizations.models import Organization

SHOWN_ERRORS = 1000


class Command(BaseCommand):
    help = "从 Excel 导入荣誉名册（全部成功或全部不导入）。任何一行有错误时退出码为 1。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="要导入的 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--user", help="记入审计日志的操作人用户名（可选）")

    def handle(self, *args, file, dry_run, user, **options):
        with scopes_disabled():
            root = Organization.objects.filter(depth=1).order_by("path").first()
        if root is None:
            raise CommandError("找不到市级工会：请先建立组织结构。")
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"找不到用户“{user}”。")
        try:
            with open(file, "rb") as handle, scope(paths=[root.path]):
                report = import_honours_file(handle, actor=actor, dry_run=dry_run)
        except OSError as exc:
            raise CommandError(f"无法打开文件：{exc.strerror or exc}") from exc
        for line in report.lines(SHOWN_ERRORS):
            self.stderr.write(line)
        if len(report.errors) > SHOWN_ERRORS:
            self.stderr.write(f"……另有 {len(report.errors) - SHOWN_ERRORS} 处错误未列出。")
        if not report.ok:
            raise CommandError(
                f"导入失败：{report.rows} 行中有 {report.bad_rows} 行有误，共 {len(report.errors)} 处错误；未写入任何数据。")
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"校验通过：{report.rows} 行均可导入（试运行，未写入）。"))
        else:
            self.stdout.write(self.style.SUCCESS(f"导入完成：新增荣誉 {report.created} 条。"))
