from django.core.management.base import BaseCommand
from django.db import transaction

from apps.accounts.demo import DEMO_PASSWORD, seed_users
from apps.organizations.demo import seed_organizations


class Command(BaseCommand):
    help = "Load the union's real organisation structure and the demo users (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            orgs = seed_organizations()
            users = seed_users()
        self.stdout.write(f"组织：共 {orgs['units']} 个单位（本次新增 {orgs['created']} 个）")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, unit, role in users:
            self.stdout.write(f"  {username:10s} {unit} · {role}")
