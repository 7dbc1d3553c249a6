"""List pages at the city's size: the main admin changelists and API lists at 10,000 and at
500,000 members, in one run.

The demo city is seeded with 10,000 members; a copy of that database (``CREATE DATABASE …
TEMPLATE``) is grown to 500,000 members with the bulk member generator, then vacuumed and
analysed as autovacuum would (every table). Each page is then requested alternately on the two databases
(the connection is switched and opened before each timed request), so the shared machine's
load falls on both sizes alike. For each page (as the municipal administrator and as a
district administrator, 海淀): its queries and its median time through the whole middleware
stack (Django's test client, session log-in) at both sizes, and its growth (median at 500k /
median at 10k). Goal: every page's growth ≤ 1.5 and its query count equal at both sizes.

Lists count up to ``PAGE_COUNT_CAP`` (apps/core/paging.py): "the last page" is the last page a
list links to, which past the cap is the cap's last page. A page past the cap (reached by
following ``next`` or ``?page=last``) counts exactly and so grows with the city; it is not
among the pages measured here.

    python .ci/testenv.py .venv/bin/python bench/pages.py [--small 10000] [--large 500000] [--repeat 7]

Ends with one JSON line: ``pages`` (a record per page and user), ``worst_growth``, ``worst_page``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from harness import bench_database, dedicated_test_name

USERS = ("admin", "haidian")  # the municipal administrator, a district administrator (demo users)


def pages(ctx: dict) -> list[tuple[str, str]]:
    """(name, url) of every page measured; ``ctx`` holds what the URLs need at this size."""
    return [
        ("admin members", "/admin/members/member/"),
        ("admin members search", f"/admin/members/member/?q={ctx['name']}"),
        ("admin members filter", "/admin/members/member/?status__exact=active&gender__exact=F"),
        ("admin members page 2", f"/admin/members/member/?p={min(2, ctx['admin_last'])}"),
        ("admin members last page", f"/admin/members/member/?p={ctx['admin_last']}"),
        ("admin honours", "/admin/honours/honour/"),
        ("admin payment items", "/admin/payments/paymentitem/"),
        ("admin entries", "/admin/competitions/entry/"),
        ("admin organisations", "/admin/organizations/organization/"),
        ("admin audit log", "/admin/core/auditlog/"),
        ("api members", "/api/v1/members/"),
        ("api members search", f"/api/v1/members/?search={ctx['name']}"),
        ("api members filter", "/api/v1/members/?status=active&women=true"),
        ("api members page 2", f"/api/v1/members/?page={min(2, ctx['api_last'])}"),
        ("api members last page", f"/api/v1/members/?page={ctx['api_last']}"),
        ("api honours", "/api/v1/honours/"),
        *([("api payment items", f"/api/v1/payment-batches/{ctx['batch']}/items/")] if ctx["batch"] else []),
        ("api entries", "/api/v1/competitions/entries/"),
        ("api organisations", "/api/v1/organizations/"),
    ]


def context_for(username: str) -> dict:
    """Per user and size: a searched name (a member of 海淀, so both users find it), the
    last pages and a payment batch the user sees."""
    from apps.accounts.acting import bind
    from apps.accounts.models import User
    from apps.core.paging import PortalPageNumberPagination, count_cap
    from apps.core.scoping import scope, scopes_disabled
    from apps.members.models import Member
    from apps.payments.models import PaymentBatch

    user = User.objects.get(username=username)
    with scopes_disabled():
        name = Member.objects.filter(organization__code__startswith="D-HAIDIAN").order_by("id").values_list(
            "name", flat=True).first()
    with scope(paths=bind(user).paths):
        rows = Member.objects.count()
        batch = PaymentBatch.objects.order_by("id").values_list("pk", flat=True).first()
    def last(per_page: int) -> int:  # the last page the list links to: past the count cap, the cap's last
        return max(1, count_cap() // per_page if rows > count_cap() else -(-rows // per_page))

    return {"name": name, "rows": rows, "batch": batch,
            "admin_last": last(50), "api_last": last(PortalPageNumberPagination.page_size)}


def use_database(name: str) -> None:
    """Point the default connection at ``name`` and open it (outside any timing)."""
    from django.db import connection

    if connection.settings_dict["NAME"] != name:
        connection.close()
        connection.settings_dict["NAME"] = name
    connection.ensure_connection()


def copy_database(source: str, target: str) -> None:
    from django.db import connection

    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def drop_database(name: str) -> None:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def timed_get(client, url: str) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # every request here is captured, so Django never resets the log (max 9000)
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - start
        queries = len(captured)
    assert response.status_code == 200, (url, response.status_code)
    return queries, elapsed


def run(databases: dict[str, str], clients: dict[str, object], repeat: int) -> dict[tuple[str, str, str], dict]:
    """Every page, for every user, alternately on each database."""
    results = {}
    for username, client in clients.items():
        contexts = {}
        for size, name in databases.items():
            use_database(name)
            contexts[size] = context_for(username)
        plans = {size: dict(pages(ctx)) for size, ctx in contexts.items()}
        for page in plans["small"]:
            times = {size: [] for size in databases}
            counts = {size: [] for size in databases}
            for rep in range(repeat + 1):  # the first round warms (templates, caches)
                for size, name in databases.items():
                    use_database(name)
                    count, elapsed = timed_get(client, plans[size][page])
                    if rep:
                        times[size].append(elapsed)
                        counts[size].append(count)
            # A page's queries: the count most of its requests ran. The session's last-seen time is
            # written at most once a minute (3 queries), on whichever request falls due: listed apart.
            queries = {size: statistics.mode(counts[size]) for size in databases}
            for size in databases:
                results[(page, username, size)] = {"queries": queries[size],
                                                   "query_counts_seen": sorted(set(counts[size])),
                                                   "median_s": statistics.median(times[size]),
                                                   "url": plans[size][page], "rows": contexts[size]["rows"]}
            print(f"  {username:8s} {page:28s} " + "  ".join(
                f"{size}: {queries[size]:3d} q {statistics.median(times[size]) * 1000:7.1f} ms" for size in databases),
                flush=True)
    return results


def grow(total: int) -> float:
    from django.db import connection

    from apps.members.demo import seed_members

    start = time.perf_counter()
    done = seed_members(total)
    with connection.cursor() as cursor:  # what autovacuum does on a live database: every table it changed
        cursor.execute("VACUUM ANALYZE")  # (the seeded units too: without statistics the planner guesses)
    print(f"members: {done['members']} (+{done['created']}) in {time.perf_counter() - start:.0f} s", flush=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    dedicated_test_name("pages")
    with bench_database() as vendor:
        if vendor != "postgresql":
            sys.exit("bench/pages.py needs PostgreSQL (DATABASE_URL)")
        from django.db import connection
        from django.test import Client

        from apps.accounts.models import User

        with open("/dev/null", "w") as quiet:
            call_command("seed_demo", members=args.small, stdout=quiet)  # the demo city: honours, payments, entries
        grow(args.small)
        clients = {}
        for username in USERS:  # logged in before the copy: the session exists in both databases
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        small_db = connection.settings_dict["NAME"]
        large_db = f"{small_db}_large"
        copy_database(small_db, large_db)
        try:
            use_database(large_db)
            grow_s = grow(args.large)
            results = run({"small": small_db, "large": large_db}, clients, args.repeat)
        finally:
            use_database(small_db)
            drop_database(large_db)
    records = []
    for (name, username, size), at_small in results.items():
        if size != "small" or (name, username, "large") not in results:
            continue
        at_large = results[(name, username, "large")]
        growth = at_large["median_s"] / at_small["median_s"]
        records.append({
            "page": name, "user": username,
            "queries_small": at_small["queries"], "queries_large": at_large["queries"],
            "median_ms_small": round(at_small["median_s"] * 1000, 1),
            "median_ms_large": round(at_large["median_s"] * 1000, 1),
            "rows_small": at_small["rows"], "rows_large": at_large["rows"],
            "growth": round(growth, 2),
            **({"query_counts_seen": {"small": at_small["query_counts_seen"], "large": at_large["query_counts_seen"]}}
               if len(at_small["query_counts_seen"]) > 1 or len(at_large["query_counts_seen"]) > 1 else {}),
        })
    print(f"\n{'page':28s} {'user':8s} {'queries':>9s} {'10k ms':>8s} {'500k ms':>8s} {'growth':>7s}")
    for r in records:
        print(f"{r['page']:28s} {r['user']:8s} {r['queries_small']:4d}/{r['queries_large']:<4d} "
              f"{r['median_ms_small']:8.1f} {r['median_ms_large']:8.1f} {r['growth']:7.2f}")
    worst = max(records, key=lambda r: r["growth"])
    unequal = [f"{r['page']} ({r['user']})" for r in records if r["queries_small"] != r["queries_large"]]
    print(json.dumps({
        "database": vendor, "small": args.small, "large": args.large, "repeat": args.repeat,
        "grow_s": round(grow_s, 1), "pages": records, "worst_growth": worst["growth"],
        "worst_page": f"{worst['page']} ({worst['user']})", "unequal_queries": unequal,
        "goal_met": worst["growth"] <= 1.5 and not unequal,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
