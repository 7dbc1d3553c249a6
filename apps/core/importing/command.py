"""What ``manage.py import_members`` and ``import_honours`` share: the audit actor, the file
opened inside a scope, and the report printed with the command's exit status."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.core.scoping import scope

from .report import ImportReport

SHOWN_ERRORS = 1000


def command_actor(username: str | None):
    """The user recorded in the audit log, or None when no ``--user`` was given."""
    if not username:
        return None
    actor = get_user_model().objects.filter(username=username).first()
    if actor is None:
        raise CommandError(f"找不到用户“{username}”。")
    return actor


def import_path(path: str, scope_path: str, run: Callable) -> ImportReport:
    """``run(handle)`` on the file at ``path`` inside the scope of ``scope_path``."""
    try:
        with open(path, "rb") as handle, scope(paths=[scope_path]):
            return run(handle)
    except OSError as exc:
        raise CommandError(f"无法打开文件：{exc.strerror or exc}") from exc


def print_report(command: BaseCommand, report: ImportReport, *, dry_run: bool, done: str) -> None:
    """The errors on stderr; a CommandError (exit status 1) unless every row is valid."""
    for line in report.lines(SHOWN_ERRORS):
        command.stderr.write(line)
    if len(report.errors) > SHOWN_ERRORS:
        command.stderr.write(f"……另有 {len(report.errors) - SHOWN_ERRORS} 处错误未列出。")
    if not report.ok:
        raise CommandError(
            f"导入失败：{report.rows} 行中有 {report.bad_rows} 行有误，共 {len(report.errors)} 处错误；未写入任何数据。")
    if dry_run:
        command.stdout.write(command.style.SUCCESS(f"校验通过：{report.rows} 行均可导入（试运行，未写入）。"))
    else:
        command.stdout.write(command.style.SUCCESS(done))
