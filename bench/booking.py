"""300 staff book one slot of capacity 10 at once, under gunicorn on PostgreSQL.

The portal runs as in production (DEBUG off, ``gunicorn -w 2``, gthread workers; the server,
the request helpers and the wave come from ``bench/registration.py``) against a throwaway
PostgreSQL database holding 300 teachers of 10 universities (each with an API token) and a
city-wide gym of another university with one slot of 10 places tomorrow.

* baseline — 300 concurrent ``GET /api/v1/me/`` (an authenticated request reading the user and
  their role), measured first in the same run against the same server;
* booking — 300 concurrent ``POST /api/v1/welfare/slots/{id}/book/``, released together by a
  barrier, every request bounded by a timeout and the run by a deadline; then the same 300
  again (every teacher submitting twice) books nothing more.

Checks: exactly 10 answers 201 and 10 live bookings in the database, every other answer a 409
whose body carries ``"code": "full"``, no 5xx, no timeouts.

The run is made of parts (``PARTS``): each builds its data, fires its waves at the running
server and returns its figures and problems; the welfare activities' first-come part
(``accepted``) and the draw join the list.

    python .ci/testenv.py .venv/bin/python bench/booking.py
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from registration import Server, wave  # noqa: E402  (also sets up Django through harness)

from harness import bench_database, dedicated_test_name, report  # noqa: E402

STAFF = 300
CAPACITY = 10
UNITS = 10


# --- data ------------------------------------------------------------------------------------


def build_staff() -> list[str]:
    """300 teachers of 10 universities under a municipal union, each with a token."""
    from knox.models import AuthToken

    from apps.accounts.enums import Role
    from apps.accounts.models import RoleAssignment, User
    from apps.core.scoping import scopes_disabled
    from apps.organizations.enums import OrgKind
    from apps.organizations.services import organization_create

    with scopes_disabled():
        root = organization_create(parent=None, code="BJEU", name="北京市教育工会", kind=OrgKind.MUNICIPAL)
        units = [organization_create(parent=root, code=f"U-B{i:02d}", name=f"基准大学{i:02d}工会",
                                     kind=OrgKind.UNIVERSITY) for i in range(UNITS)]
        tokens = []
        for i in range(STAFF):
            user = User.objects.create_user(username=f"bench_s{i:03d}", password=None, full_name=f"教职工{i:03d}")
            RoleAssignment.objects.create(user=user, organization=units[i % UNITS], role=Role.TEACHER)
            tokens.append(AuthToken.objects.create(user=user)[1])
    return tokens


def build_slot() -> int:
    """A city-wide gym of a host university (none of the bookers') with one slot tomorrow."""
    import datetime as dt

    from django.utils import timezone

    from apps.core.scoping import scopes_disabled
    from apps.organizations.enums import OrgKind
    from apps.organizations.models import Organization
    from apps.organizations.services import organization_create
    from apps.service_points.models import Resource, Slot

    with scopes_disabled():
        host = organization_create(parent=Organization.objects.get(code="BJEU"), code="U-HOST",
                                   name="基准主办大学工会", kind=OrgKind.UNIVERSITY)
        gym = Resource.objects.create(organization=host, name="基准体育馆", kind="gym", audience="city",
                                      district="海淀区", address="校内")
        starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
        slot = Slot.objects.create(resource=gym, starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                                   capacity=CAPACITY)
    return slot.pk


def live_bookings(slot_id: int) -> int:
    from apps.core.scoping import scopes_disabled
    from apps.service_points.models import LIVE, Booking

    with scopes_disabled():
        return Booking.objects.filter(slot_id=slot_id, status__in=LIVE).count()


# --- the parts -----------------------------------------------------------------------------------


def booking_setup() -> dict:
    return {"slot": build_slot()}


def booking_part(port: int, tokens: list[str], data: dict, baseline: dict) -> tuple[dict, list[str]]:
    slot_id = data["slot"]
    calls = [("POST", f"/api/v1/welfare/slots/{slot_id}/book/", t, b"{}") for t in tokens]
    first = wave(port, calls)
    again = wave(port, calls)
    live = live_bookings(slot_id)
    statuses = [r[0] for r in first["results"]]
    full = sum(1 for s, payload, _ in first["results"] if s == 409 and b'"full"' in payload)
    errors = sum(1 for s in statuses if s >= 500)
    figures = {
        "booking_requests": len(calls),
        "booked": statuses.count(201),
        "booking_full": full,
        "booking_errors_5xx": errors,
        "booking_other_answers": len(statuses) - statuses.count(201) - full - errors,
        "booking_timeouts": first["unfinished"] + statuses.count(0),
        "live_bookings": live,
        "booking_requests_per_s": round(first["rps"], 1),
        "booking_p95_ms": round(first["p95_ms"], 1),
        "vs_baseline_rps": round(first["rps"] / baseline["rps"], 2) if baseline["rps"] else None,
        "booking_resubmit_created": sum(1 for s, _, _ in again["results"] if s == 201),
        "booking_resubmit_errors_5xx": sum(1 for s, _, _ in again["results"] if s >= 500),
    }
    problems = []
    if figures["booked"] != CAPACITY or live != CAPACITY:
        problems.append(f"booked {figures['booked']}, live {live}, expected {CAPACITY}")
    if full != STAFF - CAPACITY:
        problems.append(f"{full} clean 'full' answers, expected {STAFF - CAPACITY}")
    if errors or figures["booking_timeouts"] or figures["booking_resubmit_errors_5xx"]:
        problems.append("booking: 5xx answers or timeouts")
    if figures["booking_resubmit_created"]:
        problems.append("a second submit booked again")
    return figures, problems


# (name, setup() -> data, run(port, tokens, data, baseline) -> (figures, problems))
PARTS: list[tuple[str, Callable[[], dict], Callable]] = [("booking", booking_setup, booking_part)]


def main() -> None:
    from django.db import connection

    dedicated_test_name("booking")
    if connection.vendor != "postgresql":
        raise SystemExit("bench/booking.py needs PostgreSQL (set DATABASE_URL or start the local server)")
    figures: dict = {}
    problems: list[str] = []
    with bench_database():
        tokens = build_staff()
        data = {name: setup() for name, setup, _run in PARTS}
        connection.close()  # the server's connections must see the committed data
        server = Server()
        server.start()
        try:
            baseline = wave(server.port, [("GET", "/api/v1/me/", t, None) for t in tokens])
            bad_baseline = sorted({s for s, _, _ in baseline["results"] if s != 200})
            figures |= {"baseline_requests_per_s": round(baseline["rps"], 1),
                        "baseline_p95_ms": round(baseline["p95_ms"], 1)}
            if bad_baseline:
                problems.append(f"baseline answered {bad_baseline}")
            for name, _setup, run in PARTS:
                part_figures, part_problems = run(server.port, tokens, data[name], baseline)
                figures |= part_figures
                problems += part_problems
        finally:
            server.stop()
    report(figures)
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
