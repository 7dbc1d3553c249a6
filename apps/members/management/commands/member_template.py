"""manage.py member_template OUT.xlsx — the empty member import template."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from apps.members.importing import write_template


class Command(BaseCommand):
    help = "写出会员名册导入模板（.xlsx）：第一行为列标题，身份证号、银行账号等列为文本格式。"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件路径，如 members_template.xlsx")

    def handle(self, *args, out, **options):
        write_template(out)
        self.stdout.write(self.style.SUCCESS(f"已写出导入模板：{out}"))
