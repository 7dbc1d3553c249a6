"""The draw (抽签) of 5,000 applicants over 680 places with per-unit quotas.

* draw — ``apps.activities.drawing.draw_compute``, the function the portal runs and anyone
  recomputes with the published seed: the frozen list's SHA-256, a SHA-256 key per applicant,
  the sort, quotas first (20 units × 10 places), then the rest, the waiting list in draw order;
* baseline — a plain ``random.sample`` of 680 of the same 5,000 ids, in the same run.

Both are the best of 5 runs. Also checked: the draw is reproducible (same seed → same
result), gives exactly 680 places, honours every quota, and the waiting list holds the rest.

With ``--http`` (PostgreSQL): 300 teachers apply at once for an activity with 50 first-come
places through gunicorn (DEBUG=0; bench/registration.py's server and load generator): every
POST /api/v1/welfare/applications/ answers 201 with ``allocated`` (``accepted``, must be 50) or
``waitlisted``; 0 × 5xx; requests/s and p95 against the same server's plain authenticated
``GET /api/v1/me/`` baseline in the same run (``vs_baseline_rps``).

    python .ci/testenv.py .venv/bin/python bench/activities.py [--http] [APPLICANTS] [PLACES]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# The --http server runs with production settings; the keys are this run's own, set before
# Django starts here so the data built in-process and the gunicorn workers share them.
import os  # noqa: E402
import secrets  # noqa: E402

os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(64))
if not os.environ.get("FIELD_ENCRYPTION_KEY"):
    from cryptography.fernet import Fernet

    os.environ["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()

from harness import best_of, report  # noqa: E402

from apps.activities.drawing import draw_compute  # noqa: E402  (pure: no Django needed)


TEACHERS, PLACES_FIRST_COME, UNITS = 300, 50, 10


def build_http_data() -> tuple[int, list[str]]:
    """An open first-come activity (50 places) and 300 teachers with API tokens."""
    import datetime as dt

    from django.utils import timezone
    from knox.models import AuthToken

    from apps.accounts.enums import Role
    from apps.accounts.models import RoleAssignment, User
    from apps.activities.models import Activity, Session
    from apps.competitions.models import TeacherAccount
    from apps.core.scoping import scopes_disabled
    from apps.members.enums import EmploymentType
    from apps.members.idgen import make_id_number
    from apps.members.services import member_create
    from apps.organizations.enums import OrgKind
    from apps.organizations.services import organization_create

    with scopes_disabled():
        root = organization_create(parent=None, code="BJEU", name="北京市教育工会", kind=OrgKind.MUNICIPAL)
        units = [organization_create(parent=root, code=f"U-B{i:02d}", name=f"基准大学{i:02d}工会",
                                     kind=OrgKind.UNIVERSITY) for i in range(UNITS)]
        now = timezone.now()
        activity = Activity.objects.create(kind="mixer", title="基准联谊活动", organization=root, city_wide=True,
                                           published=True, opens_at=now - dt.timedelta(days=1),
                                           closes_at=now + dt.timedelta(days=1))
        session = Session.objects.create(activity=activity, name="第1场", starts_on=now.date() + dt.timedelta(days=9),
                                         ends_on=now.date() + dt.timedelta(days=9), places=PLACES_FIRST_COME)
        tokens = []
        for i in range(TEACHERS):
            unit = units[i % UNITS]
            member = member_create(organization=unit, name=f"教师{i:03d}", employment_type=EmploymentType.PERMANENT,
                                   id_number=make_id_number(dt.date(1990, 3, 1) + dt.timedelta(days=i), i + 1))
            user = User.objects.create_user(username=f"bench_a{i:03d}", password=None, full_name=member.name)
            RoleAssignment.objects.create(user=user, organization=unit, role=Role.TEACHER)
            TeacherAccount.objects.create(user=user, member=member)
            tokens.append(AuthToken.objects.create(user=user)[1])
    return session.pk, tokens


def http_part() -> dict:
    import json

    from django.db import connection

    import registration as reg
    from harness import bench_database, dedicated_test_name

    dedicated_test_name("activities")
    if connection.vendor != "postgresql":
        raise SystemExit("--http needs PostgreSQL (set DATABASE_URL or start the local server)")
    with bench_database():
        session_id, tokens = build_http_data()
        connection.close()
        server = reg.Server()
        server.start()
        try:
            baseline = reg.wave(server.port, [("GET", "/api/v1/me/", t, None) for t in tokens])
            body = json.dumps({"session": session_id}).encode()
            first = reg.wave(server.port, [("POST", "/api/v1/welfare/applications/", t, body) for t in tokens])
        finally:
            server.stop()
        from apps.activities.models import Application
        from apps.core.scoping import scopes_disabled

        with scopes_disabled():
            held = Application.objects.filter(session_id=session_id, status="allocated").count()
    statuses = [r[0] for r in first["results"]]
    allocated = sum(1 for s, payload, _ in first["results"] if s == 201 and b'"allocated"' in payload)
    waiting = sum(1 for s, payload, _ in first["results"] if s == 201 and b'"waitlisted"' in payload)
    return {
        "http_requests": len(tokens),
        "accepted": allocated,
        "waitlisted": waiting,
        "places_held_in_db": held,
        "errors_5xx": sum(1 for s in statuses if s >= 500),
        "timeouts": first["unfinished"] + statuses.count(0),
        "requests_per_s": round(first["rps"], 1),
        "p95_ms": round(first["p95_ms"], 1),
        "baseline_requests_per_s": round(baseline["rps"], 1),
        "baseline_p95_ms": round(baseline["p95_ms"], 1),
        "vs_baseline_rps": round(first["rps"] / baseline["rps"], 2) if baseline["rps"] else None,
    }


def main() -> None:
    http = "--http" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--http"]
    applicants_n = int(args[0]) if args else 5000
    places = int(args[1]) if len(args) > 1 else 680
    rng = random.Random(2025)
    units = [f"U-{i:02d}" for i in range(40)]
    quotas = {u: 10 for u in units[:20]}  # 200 of the places reserved for 20 units
    applicants = [[i, rng.choice(units) if rng.random() < 0.8 else ""] for i in range(1, applicants_n + 1)]
    ids = [a for a, _ in applicants]
    seed = "BJEU-2025-beidaihe-bench"

    result = draw_compute(applicants=applicants, seed=seed, places=places, quotas=quotas)
    again = draw_compute(applicants=applicants, seed=seed, places=places, quotas=quotas)
    unit_of = dict((a, u) for a, u in applicants)
    per_unit = {}
    for pk in result["via_quota"]:
        per_unit[unit_of[pk]] = per_unit.get(unit_of[pk], 0) + 1
    assert result == again, "the draw is not reproducible"
    assert len(result["allocated"]) == places and len(set(result["allocated"])) == places
    assert all(per_unit.get(u, 0) <= q for u, q in quotas.items())
    assert len(result["waitlist"]) == applicants_n - places

    draw_s = best_of(lambda: draw_compute(applicants=applicants, seed=seed, places=places, quotas=quotas))
    sample_s = best_of(lambda: random.Random(seed).sample(ids, places))
    figures = {
        "applicants": applicants_n,
        "places": places,
        "quota_places": sum(quotas.values()),
        "via_quota": len(result["via_quota"]),
        "waitlist": len(result["waitlist"]),
        "reproducible": True,
        "draw_s": round(draw_s, 4),
        "random_sample_s": round(sample_s, 6),
        "draw_vs_random_sample": round(draw_s / sample_s, 1),
    }
    if http:
        figures.update(http_part())
    report(figures)
    if http and (figures["accepted"] != PLACES_FIRST_COME or figures["places_held_in_db"] != PLACES_FIRST_COME
                 or figures["errors_5xx"] or figures["timeouts"]):
        print("FAILED: accepted/held must be 50 with no 5xx or timeouts", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
