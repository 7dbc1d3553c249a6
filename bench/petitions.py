"""Petition rates and deadlines at scale (issue §9), on PostgreSQL.

Builds ``--cases`` (100,000) petition cases over two years (2025-01 … 2026-11) for 58
units, each with its full history (受理, 派单, 签收, 联系, 暂停/恢复, 申请/批准延期, 答复, 办结,
回访 — cut at a fixed "now", so recent orders are still open, some paused, some with an
extension pending), written in bulk (``bulk_create`` of cases and events: the services
would take hours; the rows are what ``case_transition`` writes). Then:

(a) rates — every unit × month through the project's selector (``case_rates(by=("unit",
    "month"))``) against a hand-written SQL ``GROUP BY`` computing the same figures in the
    database (the working calendar as a table of working-day numbers; deadlines, pauses and
    extensions as arithmetic on working seconds), in the same run; every figure of every
    group must be equal; ``rates_vs_sql`` = selector time / SQL time (target ≤ 2.0).
(b) deadlines — remaining working time of ``--open`` (10,000) open cases through
    ``deadlines_for`` (its history query included) against the same arithmetic (the same
    ``compute`` on the same history query) done with a plain ``datetime`` loop over days that
    knows only weekends (no holidays, no index); ``deadlines_vs_plain`` = our cases/s ÷ the
    plain loop's cases/s (target ≥ 0.5).

    python .ci/testenv.py .venv/bin/python bench/petitions.py [--cases 100000] [--open 10000]

Ends with one line holding a JSON object of every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from collections import defaultdict
from zoneinfo import ZoneInfo

from harness import bench_database, best_of, dedicated_test_name, report

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 11, 27, 17, 0, tzinfo=TZ)
FIRST = dt.datetime(2025, 1, 2, 8, 0, tzinfo=TZ)
RECENT_DAYS = 60
CHUNK = 5000
REPEAT = 3
COUNTS = ("received", "dispatched", "signed_on_time", "closed", "callbacks", "satisfied", "solved", "replies",
          "reply_seconds", "overdue")
TARGETS = {"rates_vs_sql_max": 2.0, "deadlines_vs_plain_min": 0.5}


# --- data -----------------------------------------------------------------------------------


def build_units():
    from apps.organizations.enums import OrgKind
    from apps.organizations.models import Organization
    from apps.organizations.services import organization_create

    root = organization_create(parent=None, code="BJEU", name="北京市教育工会", kind=OrgKind.MUNICIPAL)
    units = []
    for d in range(16):
        district = organization_create(parent=Organization.objects.get(pk=root.pk), code=f"D{d:02d}", name=f"第{d + 1}区教育工会",
                                       kind=OrgKind.DISTRICT)
        units.append(district)
        for s in range(2):
            units.append(organization_create(parent=Organization.objects.get(pk=district.pk), code=f"D{d:02d}-S{s}", name=f"第{d + 1}区第{s + 1}学校工会",
                                             kind=OrgKind.BRANCH))
    for u in range(9):
        units.append(organization_create(parent=Organization.objects.get(pk=root.pk), code=f"U{u:02d}", name=f"第{u + 1}高校工会",
                                         kind=OrgKind.UNIVERSITY))
    return root, units


def _between(rng, low: dt.timedelta, high: dt.timedelta) -> dt.timedelta:
    return dt.timedelta(seconds=rng.randint(int(low.total_seconds()), int(high.total_seconds())))


H, D = dt.timedelta(hours=1), dt.timedelta(days=1)
REPLY_SPAN = {"urgent": (H, 8 * H), "normal": (D, 10 * D), "complex": (3 * D, 20 * D)}
STATUS_AFTER = {"receive": "received", "dispatch": "dispatched", "sign": "signed", "contact": "handling",
                "reply": "replied", "close": "closed", "callback": "visited"}


def history(rng, received: dt.datetime, urgency: str, stall: str | None) -> list[tuple]:
    """(action, at, data) of one case in time order, as the services would have written them."""
    events = [("receive", received, {})]
    t = received + _between(rng, 10 * dt.timedelta(minutes=1), 30 * H)
    events.append(("dispatch", t, {}))
    if stall == "dispatch":
        return events
    t += _between(rng, 5 * dt.timedelta(minutes=1), 6 * H) if rng.random() < 0.85 else _between(rng, 6 * H, 72 * H)
    events.append(("sign", t, {}))
    if stall == "sign":
        return events
    t += _between(rng, 10 * dt.timedelta(minutes=1), 40 * H)
    events.append(("contact", t, {}))
    ready = t
    if rng.random() < 0.04:  # an extension, requested and approved by the municipal union
        asked = t + _between(rng, H, 3 * D)
        hours = rng.choice((8, 16, 24, 40))
        events.append(("request_extension", asked, {"hours": hours}))
        approved = asked + _between(rng, H, D)
        events.append(("approve_extension", approved, {"hours": hours}))
        ready = max(ready, approved)
    if rng.random() < 0.08:  # waiting for the petitioner
        paused = t + _between(rng, H, 2 * D)
        resumed = paused + _between(rng, 2 * H, 6 * D)
        events += [("pause", paused, {}), ("resume", resumed, {})]
        ready = max(ready, resumed)
    if stall == "contact":
        return sorted(events, key=lambda e: e[1])
    t = ready + _between(rng, *REPLY_SPAN[urgency])
    events.append(("reply", t, {}))
    t += _between(rng, 2 * H, 3 * D)
    events.append(("close", t, {}))
    t += _between(rng, D, 5 * D)
    satisfaction = rng.choices(("satisfied", "basic", "unsatisfied"), (80, 15, 5))[0]
    events.append(("callback", t, {"satisfaction": satisfaction, "solved": satisfaction != "unsatisfied"}))
    return sorted(events, key=lambda e: e[1])


def build_cases(n: int, seed: int = 16) -> None:
    from apps.core.scoping import scopes_disabled
    from apps.petitions.models import Case, CaseEvent, Category

    rng = random.Random(seed)
    with scopes_disabled():
        root, units = build_units()
    categories = list(Category.objects.exclude(children__isnull=False))
    span = (NOW - FIRST).total_seconds() - 3600
    recent = (NOW - dt.timedelta(days=RECENT_DAYS) - FIRST).total_seconds()
    with scopes_disabled():
        for start in range(0, n, CHUNK):
            cases, histories = [], []
            for i in range(start, min(n, start + CHUNK)):
                is_recent = rng.random() < 0.15
                offset = rng.uniform(recent, span) if is_recent else rng.uniform(0, span)
                received = (FIRST + dt.timedelta(seconds=int(offset))).replace(
                    hour=rng.randint(7, 20), minute=rng.randint(0, 59), second=rng.randint(0, 59))
                if received >= NOW:
                    received = NOW - dt.timedelta(hours=2)
                urgency = rng.choices(("urgent", "normal", "complex"), (10, 70, 20))[0]
                stall = None
                if is_recent and rng.random() < 0.75:
                    stall = rng.choice(("receive", "dispatch", "sign", "contact"))
                events = [("receive", received, {})] if stall == "receive" else history(rng, received, urgency,
                                                                                           stall)
                events = [e for e in events if e[1] <= NOW]
                unit = rng.choice(units)
                case = Case(kind="petition", source="12351" if rng.random() < 0.8 else "12345",
                            order_no=f"BENCH{i:07d}", received_at=received, petitioner_name="诉求人",
                            category=rng.choice(categories), urgency=urgency, title="诉求", content="诉求内容",
                            organization=unit if len(events) > 1 else root)
                status = "received"
                paused = pending = False
                for action, at, data in events:
                    status = STATUS_AFTER.get(action, status)
                    paused = {"pause": True, "resume": False}.get(action, paused)
                    pending = {"request_extension": True, "approve_extension": False}.get(action, pending)
                    field = {"dispatch": "dispatched_at", "sign": "signed_at", "contact": "contacted_at",
                             "reply": "replied_at", "close": "closed_at"}.get(action)
                    if field:
                        setattr(case, field, at)
                    if action == "reply":
                        case.reply_text = "已答复"
                    if action == "callback":
                        case.satisfaction, case.solved = data["satisfaction"], data["solved"]
                case.status, case.is_paused, case.extension_pending = status, paused, pending
                cases.append(case)
                histories.append(events)
            Case._base_manager.bulk_create(cases, batch_size=CHUNK)
            rows = []
            for case, events in zip(cases, histories, strict=True):
                previous = ""
                for action, at, data in events:
                    after = STATUS_AFTER.get(action, previous)
                    rows.append(CaseEvent(case=case, action=action, at=at, from_status=previous, to_status=after,
                                          organization=case.organization, data=data))
                    previous = after
            CaseEvent._base_manager.bulk_create(rows, batch_size=CHUNK)


# --- (a) the same figures in SQL --------------------------------------------------------------


def sql_rates(now: dt.datetime) -> dict[tuple, tuple]:
    """Every unit × month's counts by hand-written SQL in steps (temporary tables: the
    calendar's working-day numbers; each paused/extended case's pause and extension; each case's
    working-second positions; its stages' deadline positions), then one GROUP BY."""
    from django.conf import settings
    from django.db import connection

    from apps.petitions.calendar import office_hours

    intervals = office_hours()
    ds = sum(e - s for s, e in intervals)
    tz = settings.TIME_ZONE

    def sec(ts):
        return f"floor(extract(epoch from ({ts} AT TIME ZONE '{tz}')::time))::bigint"

    def w(ts, k):  # working seconds before the moment ts (k: its day's calendar row)
        worked = " + ".join(f"LEAST(GREATEST({sec(ts)} - {s}, 0), {e - s})" for s, e in intervals)
        return f"({k}.nbefore * {ds} + CASE WHEN {k}.work THEN {worked} ELSE 0 END)"

    def due(t, k):  # the moment at working second t (k: the calendar row of working day (t-1)/ds)
        offset, parts, used = f"({t} - {k}.nbefore * {ds})", [], 0
        for s, e in intervals:
            parts.append(f"WHEN {offset} <= {used + e - s} THEN {s} + {offset} - {used}")
            used += e - s
        return f"(({k}.day + make_interval(secs => CASE {' '.join(parts)} END)) AT TIME ZONE '{tz}')"

    def day_of(ts):
        return f"({ts} AT TIME ZONE '{tz}')::date"

    def t_stage(start, w_start, limit):  # working second of a stage's deadline, pauses counted
        return (f"CASE WHEN b.p1 IS NULL OR (b.p2 IS NOT NULL AND b.p2 <= {start}) THEN {w_start} + {limit} "
                f"WHEN b.p1 > {start} AND b.wp1 - {w_start} >= {limit} THEN {w_start} + {limit} "
                f"WHEN b.p2 IS NULL THEN NULL "
                f"WHEN b.p1 > {start} THEN b.wp2 + {limit} - (b.wp1 - {w_start}) "
                f"ELSE b.wp2 + {limit} END")

    staged = "('dispatched','signed','handling','replied','closed','visited')"
    open_ = "('dispatched','signed','handling')"
    base = f"""
      CREATE TEMP TABLE bench_base AS
      SELECT o.name AS unit, to_char(c.received_at AT TIME ZONE '{tz}', 'YYYY-MM') AS month, c.status,
             c.dispatched_at AS d, c.signed_at AS s, c.contacted_at AS ct, c.replied_at AS r, c.satisfaction,
             c.solved, rs.minutes * 60 AS l_sign, rc.minutes * 60 AS l_contact,
             rr.minutes * 60 + COALESCE(ev.ext, 0) AS l_reply, ev.p1, ev.p2,
             {w('c.dispatched_at', 'kd')} AS wd, {w('c.signed_at', 'ks')} AS ws, {w('c.replied_at', 'kr')} AS wr,
             {w('ev.p1', 'kp1')} AS wp1, {w('ev.p2', 'kp2')} AS wp2,
             c.status IN {staged} AND c.dispatched_at IS NOT NULL AS staged
        FROM petitions_case c
        JOIN organizations_organization o ON o.id = c.organization_id
        LEFT JOIN bench_ev ev ON ev.case_id = c.id
        LEFT JOIN petitions_deadlinerule rs ON rs.case_kind = c.kind AND rs.urgency = c.urgency AND rs.stage = 'sign'
        LEFT JOIN petitions_deadlinerule rc ON rc.case_kind = c.kind AND rc.urgency = c.urgency AND rc.stage = 'contact'
        LEFT JOIN petitions_deadlinerule rr ON rr.case_kind = c.kind AND rr.urgency = c.urgency AND rr.stage = 'reply'
        LEFT JOIN bench_cal kd ON kd.day = {day_of('c.dispatched_at')}
        LEFT JOIN bench_cal ks ON ks.day = {day_of('c.signed_at')}
        LEFT JOIN bench_cal kr ON kr.day = {day_of('c.replied_at')}
        LEFT JOIN bench_cal kp1 ON kp1.day = {day_of('ev.p1')}
        LEFT JOIN bench_cal kp2 ON kp2.day = {day_of('ev.p2')}"""
    staged_sql = f"""
      CREATE TEMP TABLE bench_staged AS
      SELECT b.*,
             CASE WHEN b.staged THEN {t_stage('b.d', 'b.wd', 'b.l_sign')} END AS t_sign,
             CASE WHEN b.staged AND b.s IS NOT NULL THEN {t_stage('b.s', 'b.ws', 'b.l_contact')} END AS t_contact,
             CASE WHEN b.staged THEN {t_stage('b.d', 'b.wd', 'b.l_reply')} END AS t_reply
        FROM bench_base b"""
    query = f"""
    WITH nw AS (SELECT {w('%(now)s::timestamptz', 'kn')} AS wnow FROM bench_cal kn WHERE kn.day = {day_of('%(now)s::timestamptz')}),
    dues AS (
      SELECT x.*, {due('x.t_sign', 'k1')} AS due_sign, {due('x.t_contact', 'k2')} AS due_contact,
             {due('x.t_reply', 'k3')} AS due_reply
        FROM bench_staged x
        LEFT JOIN bench_cal k1 ON k1.work AND k1.nbefore = (x.t_sign - 1) / {ds}
        LEFT JOIN bench_cal k2 ON k2.work AND k2.nbefore = (x.t_contact - 1) / {ds}
        LEFT JOIN bench_cal k3 ON k3.work AND k3.nbefore = (x.t_reply - 1) / {ds}),
    cur AS (
      SELECT y.*,
             CASE WHEN y.status NOT IN {open_} OR NOT y.staged THEN NULL
                  WHEN y.s IS NULL THEN y.t_sign WHEN y.ct IS NULL THEN y.t_contact ELSE y.t_reply END AS cur_t,
             CASE WHEN y.s IS NULL THEN y.due_sign WHEN y.ct IS NULL THEN y.due_contact ELSE y.due_reply END
               AS cur_due
        FROM dues y)
    SELECT unit, month,
           COUNT(*),
           COUNT(*) FILTER (WHERE d IS NOT NULL),
           COUNT(*) FILTER (WHERE d IS NOT NULL AND staged AND s IS NOT NULL
                            AND NOT (due_sign IS NOT NULL AND s > due_sign)),
           COUNT(*) FILTER (WHERE status IN ('closed', 'visited')),
           COUNT(*) FILTER (WHERE status = 'visited'),
           COUNT(*) FILTER (WHERE status = 'visited' AND satisfaction IN ('satisfied', 'basic')),
           COUNT(*) FILTER (WHERE status = 'visited' AND solved),
           COUNT(*) FILTER (WHERE r IS NOT NULL AND d IS NOT NULL),
           COALESCE(SUM(wr - wd) FILTER (WHERE r IS NOT NULL AND d IS NOT NULL), 0),
           COUNT(*) FILTER (WHERE (staged AND r IS NOT NULL AND due_reply IS NOT NULL AND r > due_reply)
                            OR (cur_t IS NOT NULL AND (cur_t < nw.wnow OR (cur_t = nw.wnow AND %(now)s > cur_due))))
      FROM cur CROSS JOIN nw
     GROUP BY unit, month
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(year), max(year), count(*) FROM petitions_calendaryear")
        first, last, years = cursor.fetchone()
        assert years == last - first + 1, "the bench's SQL expects consecutive calendar years"
        cursor.execute("DROP TABLE IF EXISTS bench_cal")
        cursor.execute("""
            CREATE TEMP TABLE bench_cal AS
            WITH d AS (
              SELECT g::date AS day, COALESCE(cd.is_workday, EXTRACT(ISODOW FROM g) < 6) AS work
                FROM generate_series(make_date(%(first)s, 1, 1), make_date(%(last)s, 12, 31), interval '1 day') g
                LEFT JOIN petitions_calendarday cd ON cd.date = g::date)
            SELECT day, work, COALESCE(COUNT(*) FILTER (WHERE work) OVER (
                     ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS nbefore
              FROM d""", {"first": first, "last": last})
        cursor.execute("CREATE UNIQUE INDEX ON bench_cal (day)")
        cursor.execute("CREATE UNIQUE INDEX ON bench_cal (nbefore) WHERE work")  # working day number → day
        cursor.execute("ANALYZE bench_cal")
        cursor.execute("DROP TABLE IF EXISTS bench_ev")
        cursor.execute("""
            CREATE TEMP TABLE bench_ev AS
            SELECT case_id,
                   MIN(at) FILTER (WHERE action = 'pause') AS p1,
                   MIN(at) FILTER (WHERE action = 'resume') AS p2,
                   COALESCE(SUM((data->>'hours')::int) FILTER (WHERE action = 'approve_extension'), 0) * 3600 AS ext
              FROM petitions_caseevent WHERE action IN ('pause', 'resume', 'approve_extension') GROUP BY case_id""")
        cursor.execute("ANALYZE bench_ev")
        for table, sql in (("bench_base", base), ("bench_staged", staged_sql)):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(sql, {"now": now})
            cursor.execute(f"ANALYZE {table}")
        if os.environ.get("BENCH_EXPLAIN"):
            cursor.execute("EXPLAIN " + query, {"now": now})
            print("\n".join(r[0] for r in cursor.fetchall()))
        cursor.execute(query, {"now": now})
        return {(unit, month): tuple(int(v) for v in values) for unit, month, *values in cursor.fetchall()}


def selector_rates(now: dt.datetime) -> dict[tuple, tuple]:
    from apps.petitions.selectors import case_rates

    return {row.key: tuple(getattr(row, name) for name in COUNTS)
            for row in case_rates(by=("unit", "month"), now=now)}


# --- (b) the plain loop ----------------------------------------------------------------------


class PlainCalendar:
    """The same arithmetic as ``WorkCalendar`` in a plain datetime loop over the days, knowing
    only weekends (no holidays, no make-up days, no index)."""

    def __init__(self, intervals, tz):
        self.intervals, self.tz = intervals, tz
        self.day_seconds = sum(e - s for s, e in intervals)

    def _local(self, moment):
        local = moment.astimezone(self.tz)
        return local.date(), local.hour * 3600 + local.minute * 60 + local.second

    def add(self, start, seconds):
        day, t = self._local(start)
        while True:
            if day.weekday() < 5:
                for s, e in self.intervals:
                    if t >= e:
                        continue
                    current = max(t, s)
                    if seconds <= e - current:
                        return dt.datetime.combine(day, dt.time(), tzinfo=self.tz) + dt.timedelta(
                            seconds=current + seconds)
                    seconds -= e - current
            day += dt.timedelta(days=1)
            t = 0

    def between(self, start, end):
        if end < start:
            return -self.between(end, start)
        day, t = self._local(start)
        last_day, last_t = self._local(end)
        total = 0
        while day <= last_day:
            if day.weekday() < 5:
                upper = last_t if day == last_day else 86400
                for s, e in self.intervals:
                    lo, hi = max(s, t), min(e, upper)
                    if hi > lo:
                        total += hi - lo
            day += dt.timedelta(days=1)
            t = 0
        return total

    def deadline(self, start, seconds, pauses=()):
        moment, need = start, seconds
        for p_start, p_end in sorted(pauses, key=lambda p: p[0]):
            if p_end is not None and p_end <= moment:
                continue
            if p_start > moment:
                available = self.between(moment, p_start)
                if available >= need:
                    return self.add(moment, need)
                need -= available
            if p_end is None:
                return None
            moment = max(moment, p_end)
        return self.add(moment, need)


def plain_deadlines(cases, now):
    from django.conf import settings

    from apps.petitions.calendar import office_hours
    from apps.petitions.deadlines import DEADLINE_ACTIONS, compute, load_rules
    from apps.petitions.models import CaseEvent

    history = defaultdict(list)
    for case_id, action, at, data in (CaseEvent._base_manager.filter(case__in=[c.pk for c in cases],
                                                                     action__in=DEADLINE_ACTIONS)
                                      .order_by("at", "id").values_list("case_id", "action", "at", "data")):
        history[case_id].append((action, at, data))
    calendar = PlainCalendar(office_hours(), ZoneInfo(settings.TIME_ZONE))
    rules = load_rules()
    return {c.pk: compute(c, history[c.pk], calendar, rules, now) for c in cases}


# --- the run -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print a profile of one selector run")
    args = parser.parse_args()
    dedicated_test_name("petitions")
    with bench_database() as vendor:
        assert vendor == "postgresql", "the petitions bench runs on PostgreSQL"
        from django.db import connection

        from apps.core.scoping import scopes_disabled
        from apps.petitions.deadlines import deadlines_for
        from apps.petitions.enums import CaseStatus
        from apps.petitions.models import Case, CaseEvent

        started = time.perf_counter()
        build_cases(args.cases)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        with scopes_disabled():
            events = CaseEvent._base_manager.count()
            print(f"built {args.cases} cases, {events} events in {time.perf_counter() - started:.1f} s")

            if args.profile:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.runcall(selector_rates, NOW)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            results = {}
            rates_s = best_of(lambda: results.__setitem__("selector", selector_rates(NOW)), repeat=REPEAT)
            rates_sql_s = best_of(lambda: results.__setitem__("sql", sql_rates(NOW)), repeat=REPEAT)
            ours, theirs = results["selector"], results["sql"]
            differing = [k for k in set(ours) | set(theirs) if ours.get(k) != theirs.get(k)]
            assert not differing, f"{len(differing)} groups differ, e.g. {differing[0]}: " \
                                  f"selector {ours.get(differing[0])} vs SQL {theirs.get(differing[0])}"
            assert sum(v[0] for v in ours.values()) == args.cases

            open_cases = list(Case._base_manager.filter(status__in=[CaseStatus.DISPATCHED, CaseStatus.SIGNED,
                                                                   CaseStatus.HANDLING])
                              .order_by("-received_at")[:args.open])
            out = {}
            deadlines_s = best_of(lambda: out.__setitem__("ours", deadlines_for(open_cases, now=NOW)), repeat=REPEAT)
            plain_s = best_of(lambda: out.__setitem__("plain", plain_deadlines(open_cases, NOW)), repeat=REPEAT)
            errors = sum(bool(d.error) for d in out["ours"].values())
            assert errors == 0, f"{errors} open cases outside the calendar"
            with_remaining = sum(d.remaining_seconds is not None for d in out["ours"].values())
            overdue = sum(d.overdue for d in out["ours"].values())
        groups = len(ours)
        figures = {
            "cases": args.cases,
            "events": events,
            "groups": groups,
            "rates_s": round(rates_s, 3),
            "rates_sql_s": round(rates_sql_s, 3),
            "rates_vs_sql": round(rates_s / rates_sql_s, 2),
            "open_cases": len(open_cases),
            "open_with_remaining": with_remaining,
            "open_overdue": overdue,
            "deadlines_s": round(deadlines_s, 3),
            "deadlines_per_s": round(len(open_cases) / deadlines_s),
            "plain_deadlines_s": round(plain_s, 3),
            "plain_deadlines_per_s": round(len(open_cases) / plain_s),
            "deadlines_vs_plain": round(plain_s / deadlines_s, 2),
        }
        report(figures)


if __name__ == "__main__":
    main()
