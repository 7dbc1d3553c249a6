from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.demo import DEMO_PASSWORD, seed_users
from apps.competitions.demo import seed_competitions
from apps.honours.demo import demo_batch_ids, seed_honours
from apps.members.demo import DEFAULT_SEED, DEMO_PER_UNIT, seed_members
from apps.organizations.demo import seed_organizations
from apps.payments.demo import pay_demo_batches


class Command(BaseCommand):
    help = (
        "Load the union's real organisation structure, the demo users and demo members (idempotent). "
        f"Without --members only the small demo set ({DEMO_PER_UNIT} members in each demo user's unit)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members", type=int, default=0, metavar="N",
            help="top the whole city up to N members in total (the demo set counts towards N; "
                 "never deletes; a second run with the same N adds nothing)",
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help="random seed of the member generator (default: %(default)s)")

    def handle(self, *args, **options):
        if options["members"] < 0:
            raise CommandError("--members 应为非负整数。")
        with transaction.atomic():
            orgs = seed_organizations()
            users = seed_users()
            members = seed_members(options["members"], seed=options["seed"])
            seed_honours()  # the 2025 roll (758), reward round (74) and allowance batches, given enough members
            seed_competitions()  # 青教赛/青管赛 2025 results (the report's figures, given enough members), 2026 open editions
        # The demo batches are submitted, approved by approver1/approver2 and paid through the
        # engine, in process (no worker) and outside the seed's transaction (the bank is outside).
        paid = pay_demo_batches(batch_ids=demo_batch_ids())
        self.stdout.write(f"组织：共 {orgs['units']} 个单位（本次新增 {orgs['created']} 个）")
        self.stdout.write(f"会员：共 {members['members']} 人（本次新增 {members['created']} 人）")
        if paid:
            self.stdout.write(f"发放：{paid} 个演示批次已经两位审批人审批并发放完成")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, unit, role in users:
            self.stdout.write(f"  {username:10s} {unit} · {role}")
