"""300 teachers register at once for a group with 50 places, under gunicorn on PostgreSQL.

The portal runs as it would in production (DEBUG off, ``gunicorn -w 2``, gthread workers)
against a throwaway PostgreSQL database holding 300 teachers (members of 10 universities,
each with a self-service account and an API token) and an open 青教赛 edition whose group
理科 has a city-wide capacity of 50 and no required uploads.

* baseline — 300 concurrent ``GET /api/v1/me/`` (an authenticated request that reads the
  user and their role, nothing else), measured first in the same run;
* registration — 300 concurrent ``POST /api/v1/competitions/entries/`` (one per teacher,
  released together by a barrier from a loopback load generator of 300 threads), every
  request bounded by a timeout and the whole run by a deadline.

Checks: exactly 50 answers 201 and 50 live entries in the database, every other answer a
409 whose body carries ``"code": "full"``, no 5xx, no timeouts; then a second wave of the
same 300 requests (every teacher submitting again) creates nothing.

    make bench   (or: python .ci/testenv.py .venv/bin/python bench/registration.py)
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

# The server runs with production settings; the keys are this run's own.
os.environ.setdefault("BENCH_SECRET_KEY", secrets.token_urlsafe(64))
if not os.environ.get("FIELD_ENCRYPTION_KEY"):
    from cryptography.fernet import Fernet

    os.environ["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()

from harness import bench_database, database_url, dedicated_test_name, report  # noqa: E402

TEACHERS = 300
CAPACITY = 50
UNITS = 10
WORKERS = 2
THREADS = 4  # gthread threads per worker
REQUEST_TIMEOUT = 30.0
DEADLINE = 120.0


# --- data ------------------------------------------------------------------------------------


def build_data() -> tuple[int, list[str]]:
    """The edition, its group, and 300 teachers with tokens. Returns (group id, tokens)."""
    import datetime as dt

    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from apps.accounts.enums import Role
    from apps.accounts.models import RoleAssignment, User
    from apps.competitions.enums import EditionStatus
    from apps.competitions.models import Edition, Group, Series, TeacherAccount
    from apps.competitions.services.series import series_seed
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
        series_seed(model=Series)
        now = timezone.now()
        edition = Edition.objects.create(
            series=Series.objects.get(code="qjs"), number=99, year=now.year, name="基准测试青教赛",
            status=EditionStatus.OPEN, registration_opens=now - dt.timedelta(days=1),
            registration_closes=now + dt.timedelta(days=1), age_limit=40, age_cutoff=now.date(),
            requires_course_title=True, requires_lesson_plan=False, requires_teaching_design=False,
            requires_video=False,
        )
        group = Group.objects.create(edition=edition, name="理科", code="science", capacity=CAPACITY)
        tokens = []
        for i in range(TEACHERS):
            unit = units[i % UNITS]
            member = member_create(
                organization=unit, name=f"教师{i:03d}", employment_type=EmploymentType.PERMANENT,
                id_number=make_id_number(dt.date(1992, 3, 1) + dt.timedelta(days=i), i + 1),
            )
            user = User.objects.create_user(username=f"bench_t{i:03d}", password=None, full_name=member.name)
            RoleAssignment.objects.create(user=user, organization=unit, role=Role.TEACHER)
            TeacherAccount.objects.create(user=user, member=member)
            tokens.append(Token.objects.create(user=user).key)
    return group.pk, tokens


def live_entries(group_id: int) -> int:
    from apps.competitions.models import LIVE_ENTRY, Entry
    from apps.core.scoping import scopes_disabled

    with scopes_disabled():
        return Entry.objects.filter(LIVE_ENTRY, group_id=group_id).count()


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self):
        from django.conf import settings

        self.port = free_port()
        self.log_path = Path(settings.VAR_DIR) / f"bench-registration-gunicorn-{os.getpid()}.log"
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
            "DATABASE_URL": database_url(),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": "WARNING",
            "DB_CONN_MAX_AGE": "60",  # persistent connections, as a production deployment runs
        }
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "union_portal.wsgi", "-b", f"127.0.0.1:{self.port}",
             "-w", str(WORKERS), "-k", "gthread", "--threads", str(THREADS), "--backlog", "2048",
             "--timeout", "60", "--log-level", "warning"],
            cwd=Path(__file__).resolve().parents[1], env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("gunicorn exited\n" + self.tail())
            try:
                if request("GET", self.port, "/healthz", None, None)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer within 60 s\n" + self.tail())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def tail(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]


# --- the load generator ------------------------------------------------------------------------


def request(method: str, port: int, path: str, token: str | None, body: bytes | None):
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    headers = {"Host": "127.0.0.1", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wave(port: int, calls: list[tuple[str, str, str, bytes | None]]) -> dict:
    """Fire every call at once (one thread each, released by a barrier); bounded in time."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls) + 1)

    def run(i, method, path, token, body):
        barrier.wait()
        start = time.perf_counter()
        try:
            status, payload = request(method, port, path, token, body)
        except OSError as exc:  # timeouts and refused connections
            status, payload = 0, repr(exc).encode()
        results[i] = (status, payload, time.perf_counter() - start)

    threads = [threading.Thread(target=run, args=(i, *call), daemon=True) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    deadline = start + DEADLINE
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.perf_counter()))
    elapsed = time.perf_counter() - start
    done = [r for r in results if r is not None]
    latencies = sorted(r[2] for r in done)
    p95 = latencies[max(0, int(round(0.95 * len(latencies))) - 1)] if latencies else float("nan")
    return {"results": done, "unfinished": len(calls) - len(done), "elapsed": elapsed,
            "rps": len(done) / elapsed if elapsed else 0.0, "p95_ms": p95 * 1000}


def main() -> None:
    import json

    from django.db import connection

    dedicated_test_name("registration")
    if connection.vendor != "postgresql":
        raise SystemExit("bench/registration.py needs PostgreSQL (set DATABASE_URL or start the local server)")
    with bench_database():
        group_id, tokens = build_data()
        connection.close()  # the server's connections must see the committed data
        server = Server()
        server.start()
        try:
            baseline = wave(server.port, [("GET", "/api/v1/me/", t, None) for t in tokens])
            body = json.dumps({"group": group_id, "course_title": "函数的极限"}).encode()
            calls = [("POST", "/api/v1/competitions/entries/", t, body) for t in tokens]
            first = wave(server.port, calls)
            again = wave(server.port, calls)
        finally:
            server.stop()
        live = live_entries(group_id)

    statuses = [r[0] for r in first["results"]]
    full = sum(1 for s, payload, _ in first["results"] if s == 409 and b'"full"' in payload)
    figures = {
        "requests": len(calls),
        "accepted": statuses.count(201),
        "full": full,
        "errors_5xx": sum(1 for s in statuses if s >= 500),
        "other_answers": len(statuses) - statuses.count(201) - full - sum(1 for s in statuses if s >= 500),
        "timeouts": first["unfinished"] + statuses.count(0),
        "live_entries": live,
        "requests_per_s": round(first["rps"], 1),
        "p95_ms": round(first["p95_ms"], 1),
        "baseline_requests_per_s": round(baseline["rps"], 1),
        "baseline_p95_ms": round(baseline["p95_ms"], 1),
        "vs_baseline_rps": round(first["rps"] / baseline["rps"], 2) if baseline["rps"] else None,
        "resubmit_created": sum(1 for s, _, _ in again["results"] if s == 201),
        "resubmit_errors_5xx": sum(1 for s, _, _ in again["results"] if s >= 500),
    }
    bad_baseline = [s for s, _, _ in baseline["results"] if s != 200]
    report(figures)
    problems = []
    if figures["accepted"] != CAPACITY or live != CAPACITY:
        problems.append(f"accepted {figures['accepted']}, live {live}, expected {CAPACITY}")
    if figures["full"] != TEACHERS - CAPACITY:
        problems.append(f"{figures['full']} clean 'full' answers, expected {TEACHERS - CAPACITY}")
    if figures["errors_5xx"] or figures["timeouts"] or figures["resubmit_errors_5xx"]:
        problems.append("5xx answers or timeouts")
    if figures["resubmit_created"]:
        problems.append("a second submit created an entry")
    if bad_baseline:
        problems.append(f"baseline answered {sorted(set(bad_baseline))}")
    if problems:
        print("FAILED: " + "; ".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
