"""Welfare benchmarks. Part 1 — an all-staff condolence campaign for 20,000 members.

On PostgreSQL (the bench database is created and dropped by ``harness.bench_database``), with
20,000 generated members (``seed_demo --members 20000``'s generator), every one given a salary
card (set-up, not timed):

* campaign — ``campaign_preview`` then ``campaign_generate`` of a 全员慰问 (cash, 300 yuan each)
  over the whole city, in the municipal union's scope: the yearly cap is read (and its rows
  locked) for every person, the grants written, the payments batch filled through the payments
  engine (``payment_batch_from_members``) — what the generation job runs; against
* bulk_create — a plain ``PaymentItem._base_manager.bulk_create`` of the same 20,000 items
  (batch, member, amount; batch size 1,000 as the payments bench) into a draft batch, in the
  same run (the baseline).

``campaign_queries`` is the number of SQL statements of preview + generate for 20,000 people;
``campaign_queries_small`` the same for a campaign of one university (a few hundred people):
equal — the grants and the batch's items are each one ``INSERT … SELECT``.

Parts are listed in ``PARTS``: each takes the shared context and returns its figures; a second
part (30-years certificates) is added there. The last line is one JSON object of every figure.

    python .ci/testenv.py .venv/bin/python bench/welfare.py [--people N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal

from harness import bench_database, dedicated_test_name, report

PEOPLE = 20_000
AMOUNT = Decimal("300.00")
TARGET_RATIO = 2.0


@dataclass
class Context:
    people: int
    root: object = None
    admin: object = None
    extra: dict = field(default_factory=dict)


def setup(people: int) -> Context:
    import random

    from django.utils import timezone

    from apps.accounts.enums import Role
    from apps.accounts.services import role_assign, user_ensure
    from apps.core.scoping import scopes_disabled
    from apps.members.demo import DEFAULT_SEED, MemberGenerator, seed_members
    from apps.members.models import Member
    from apps.organizations.demo import seed_organizations
    from apps.organizations.models import Organization

    start = time.perf_counter()
    seed_organizations()
    seed_members(people)
    generator = MemberGenerator(random.Random(f"bench-welfare:{DEFAULT_SEED}"), today=timezone.localdate(),
                                taken=set())
    with scopes_disabled():
        missing = list(Member._base_manager.filter(bank_account="").only("pk", "bank_name", "bank_account"))
        for member in missing:
            member.bank_name, member.bank_account = generator.bank()
        Member._base_manager.bulk_update(missing, ["bank_name", "bank_account"], batch_size=1000)
        root = Organization.objects.filter(depth=1).order_by("path").first()
        admin = user_ensure(username="bench_admin", full_name="bench_admin", password="Bench-pass-2026")
        role_assign(user=admin, organization=root, role=Role.MUNICIPAL_ADMIN)
    print(f"seeded {Member._base_manager.count()} members in {time.perf_counter() - start:.1f} s", flush=True)
    return Context(people=people, root=root, admin=admin)


def _campaign(ctx: Context, title: str, units: list[str] | None = None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.condolences.campaigns import campaign_create, campaign_generate, campaign_preview
    from apps.core.scoping import scope

    with scope(paths=[ctx.root.path]):
        made = campaign_create(kind="all_staff", title=title, date=dt.date(2025, 1, 10), organization=ctx.root,
                               target={"units": units} if units else {}, actor=ctx.admin)
        # the log keeps the last 9,000 statements only: once full (the seeding fills it),
        # CaptureQueriesContext would count 0 — start from an empty log
        connection.queries_log.clear()
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            preview = campaign_preview(campaign=made)
            done = campaign_generate(campaign=made, actor=ctx.admin)
        seconds = time.perf_counter() - start
    return done, preview, seconds, len(captured)


def campaign_part(ctx: Context) -> dict:
    from apps.condolences.policies import policy_create
    from apps.core.scoping import scopes_disabled
    from apps.payments.enums import BatchPurpose
    from apps.payments.models import PaymentBatch, PaymentItem

    with scopes_disabled():
        policy_create(actor=ctx.admin, kind="all_staff", valid_from=dt.date(2025, 1, 1), amount=AMOUNT,
                      cap_per_occasion=AMOUNT, cap_per_year=AMOUNT)
    _campaign(ctx, "全员慰问（预热）", ["U-THU"])  # warms the caches (content types …); not measured
    small, _p, small_s, small_queries = _campaign(ctx, "全员慰问（一所高校）", ["U-PKU"])
    print(f"campaign of one university: {small.summary['count']} people, {small_s:.3f} s, "
          f"{small_queries} queries", flush=True)
    done, preview, campaign_s, queries = _campaign(ctx, "全员慰问（全市）")
    excluded = preview["excluded_count"]
    print(f"campaign (preview + generate): {done.summary['count']} people, {excluded} left out "
          f"(two universities already reached their cap), {campaign_s:.3f} s, {queries} queries", flush=True)
    with scopes_disabled():
        batch = PaymentBatch._base_manager.get(pk=done.batch_id)
        member_ids = list(PaymentItem._base_manager.filter(batch=batch).values_list("member_id", flat=True))
        assert batch.item_count == done.summary["count"] == len(member_ids)
        # the baseline: the same items, straight into a draft batch
        target = PaymentBatch._base_manager.create(organization=ctx.root, title="baseline", created_by=ctx.admin,
                                                   purpose=BatchPurpose.CONDOLENCE)
        start = time.perf_counter()
        PaymentItem._base_manager.bulk_create(
            [PaymentItem(batch=target, member_id=pk, amount=AMOUNT) for pk in member_ids], batch_size=1000)
        bulk_s = time.perf_counter() - start
    return {
        "people": ctx.people,
        "campaign_people": len(member_ids),
        "campaign_excluded": excluded,
        "campaign_s": round(campaign_s, 3),
        "bulk_create_s": round(bulk_s, 3),
        "campaign_vs_bulk_create": round(campaign_s / bulk_s, 2),
        "campaign_queries": queries,
        "campaign_queries_small": small_queries,
        "campaign_small_people": small.summary["count"],
    }


PARTS = [campaign_part]  # the 30-years certificates part is appended here


def main() -> None:
    from django.db import connection

    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=PEOPLE)
    args = parser.parse_args()
    dedicated_test_name("welfare")
    with bench_database() as vendor:
        if vendor != "postgresql":
            print("note: not PostgreSQL — figures are indicative only", flush=True)
        ctx = setup(args.people)
        figures = {"database": connection.vendor}
        for part in PARTS:
            figures.update(part(ctx))
    figures["target_campaign_vs_bulk_create_max"] = TARGET_RATIO
    report(figures)


if __name__ == "__main__":
    main()
