"""Member Excel export and import against django-import-export's stock path and the floor.

With 50,000 generated members (apps/members/demo.py) in the bench database:

* export — the project's ``export_members_xlsx`` (masked, as users get it);
* stock export — ``MemberResource().export(queryset)`` + the library's ``XLSX`` format,
  on the same rows (the queryset given ``select_related`` so the stock path is not also
  paying one query per row for 所属工会/分工会: its best case without custom code);
* floor — ``values_list(<the same columns>).iterator()`` straight into xlsxwriter in
  ``constant_memory`` mode (no masks, no labels: the least any export can do);
* import — the project's ``import_members_file`` of the 50,000-row file (the project's own
  export with reveal, into an emptied registry), against the library's default import
  (``import_data`` with its defaults: no bulk, no skip, a transaction; through the least
  subclass of ``MemberResource`` that saves valid members, see ``stock_import_resource``)
  of the first 5,000 rows of the same people, scaled to rows/s. Both timings include
  reading the xlsx.

Each export runs in a fresh spawned process; its peak memory is the growth of that
process's RSS high-water mark over the export, measured after Django, the libraries and
the database connection are loaded: on Linux the mark (VmHWM) is reset to the current
RSS just before the export (/proc/self/clear_refs) and read after it. (``ru_maxrss`` is
not used there: Linux carries the parent's high-water mark across the spawn's exec.)
The project's export is measured again on 200,000 members in a second database,
``bench_<db>_members_200k``, which is kept between runs and reused while it holds exactly
200,000 members (drop it by hand to rebuild; on SQLite it is
``var/bench_members_200k.sqlite3``).

    make bench   (or: python .ci/testenv.py .venv/bin/python bench/members_excel.py)
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from harness import bench_database, report

MEMBERS = 50_000
MEMBERS_BIG = 200_000
STOCK_IMPORT_ROWS = 5_000
EXPORT_REPEAT = 3  # the fast exports: best of 3 (the stock export runs once: it is slow)
PEAK_METHOD = ("RSS high-water mark (VmHWM, reset after set-up) minus RSS before the export, "
               "in a fresh spawned process")

TARGETS = {  # from the issue
    "export_vs_floor_max": 1.6,
    "stock_vs_export_min": 2.0,
    "export_peak_mb_max": 150,
    "import_vs_stock_min": 8.0,
}


# --- databases ---------------------------------------------------------------------------


@contextmanager
def use_database(name: str):
    """Point the default connection at another database for a while."""
    from django.db import connection

    old = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = old


def dedicated_test_name() -> None:
    """The bench database has its own name, so it never clobbers a test run's test_<db>."""
    from django.conf import settings
    from django.db import connection

    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        # A file, not the default in-memory database: the export processes must see it.
        test["NAME"] = str(Path(tempfile.gettempdir()) / f"bench_members_excel_{os.getpid()}.sqlite3")
    else:
        test["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_members_excel"


def big_database() -> str:
    """The kept 200,000-member database: created and migrated when missing, (re)filled
    only when it does not hold exactly MEMBERS_BIG members."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from apps.core.scoping import scopes_disabled
    from apps.members.models import Member

    base = settings.DATABASES["default"]["NAME"]
    if connection.vendor == "sqlite":
        name = str(Path(settings.VAR_DIR) / "bench_members_200k.sqlite3")
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    else:
        name = f"bench_{Path(str(base)).name}_members_200k"
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    with use_database(name):
        call_command("migrate", verbosity=0, interactive=False)
        with scopes_disabled():
            count = Member._base_manager.count()
            try:
                readable = count == 0 or bool(Member._base_manager.order_by("pk").first().id_number)
            except ValueError:  # encrypted with another FIELD_ENCRYPTION_KEY
                readable = False
            if count > MEMBERS_BIG or not readable:
                Member._base_manager.all().delete()
                count = 0
        if count == MEMBERS_BIG:
            print(f"200k database: {name} reused ({count} members)", flush=True)
        else:
            start = time.perf_counter()
            call_command("seed_demo", members=MEMBERS_BIG, stdout=open(os.devnull, "w"))
            print(f"200k database: {name} seeded in {time.perf_counter() - start:.1f} s", flush=True)
    return name


# --- the exports, each in a fresh process ----------------------------------------------------


def _proc_status_mb(key: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for entry in status:
                if entry.startswith(key + ":"):
                    return int(entry.split()[1]) / 1024  # kB
    except OSError:
        pass
    return None


def _peak_baseline() -> float:
    """Start a peak measurement: on Linux reset this process's RSS high-water mark
    (VmHWM, via /proc/self/clear_refs) to the current RSS and return that; elsewhere
    the ru_maxrss high-water mark so far."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return _proc_status_mb("VmRSS")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_now() -> float:
    hwm = _proc_status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _export_project(qs, path: str) -> int:
    from apps.members.exporting import export_members_xlsx

    return export_members_xlsx(qs, path)


def _export_stock(qs, path: str) -> int:
    from import_export.formats.base_formats import XLSX

    from apps.members.resources import MemberResource

    dataset = MemberResource().export(queryset=qs.select_related("organization", "branch"))
    Path(path).write_bytes(XLSX().export_data(dataset))
    return len(dataset)


def _export_floor(qs, path: str) -> int:
    import xlsxwriter

    from apps.members.resources import MemberResource

    fields = MemberResource().get_export_fields()
    book = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False,
                                      "default_date_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("会员名册")
    sheet.write_row(0, 0, [str(f.column_name) for f in fields])
    rows = 0
    for rows, values in enumerate(qs.values_list(*(f.attribute for f in fields)).iterator(chunk_size=2000),
                                  start=1):
        sheet.write_row(rows, 0, values)
    book.close()
    return rows


EXPORTS = {"project": _export_project, "stock": _export_stock, "floor": _export_floor}


def _child_export(kind: str, database: str, repeat: int) -> dict:
    """Runs in a fresh process: set up, note the RSS high-water mark, export, note it again."""
    import gc

    import import_export.formats.base_formats  # noqa: F401 - loaded before the baseline
    import openpyxl  # noqa: F401
    import tablib  # noqa: F401
    import xlsxwriter  # noqa: F401
    from django.db import connection

    import apps.members.exporting  # noqa: F401
    from apps.core.scoping import scope, scopes_disabled
    from apps.members.models import Member
    from apps.organizations.models import Organization

    connection.settings_dict["NAME"] = database
    with scopes_disabled():
        root = Organization.objects.filter(depth=1).order_by("path").first()
    times, rows = [], 0
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "export.xlsx")
        with scope(paths=[root.path]):  # the municipal administrator's whole-city export
            Member.objects.filter(pk=0).count()  # the connection is part of the baseline
            gc.collect()
            before = _peak_baseline()
            for _ in range(repeat):
                start = time.perf_counter()
                rows = EXPORTS[kind](Member.objects.all(), path)
                times.append(time.perf_counter() - start)
            after = _peak_now()
    return {"s": min(times), "rows": rows, "peak_mb": after - before, "base_mb": before}


def measure_export(kind: str, database: str, repeat: int = 1) -> dict:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(_child_export, (kind, database, repeat))


# --- the imports -------------------------------------------------------------------------------


def stock_import_resource():
    """``MemberResource`` with the least the library needs to save valid members.

    Added, and why: (1) 所属工会编码 maps through ``ForeignKeyWidget(Organization, "code")``
    (the resource's ``organization__code`` attribute can only be read, not set on a new
    member); (2) 分工会 likewise, by name among the branch unions of the row's unit (branch
    names repeat across universities); (3) ``before_save_instance`` sets ``id_hash``,
    ``gender`` and ``birth_date`` from the ID as ``member_create`` does (the model has no
    default for them); (4) it also turns an empty cell of a text column into "" (the
    resource declares those columns with the plain ``Widget``, which reads an empty cell
    as None, and the columns are NOT NULL). Everything else is the library's default: one
    row at a time, no bulk, no skip, ``import_id_fields`` as declared (an ``id_number``
    look-up per row)."""
    from import_export import fields, widgets

    from django.db import models

    from apps.core.crypto import lookup_hash
    from apps.members.models import Member
    from apps.members.resources import MemberResource
    from apps.members.validation import birth_date_of, gender_of
    from apps.organizations.enums import OrgKind
    from apps.organizations.models import Organization

    TEXT_FIELDS = [f.name for f in Member._meta.concrete_fields
                   if isinstance(f, models.CharField | models.TextField) and not f.null]

    class BranchWidget(widgets.ForeignKeyWidget):
        paths: dict[str, str] = {}  # unit code → path, so the mapping adds no query of its own

        def get_queryset(self, value, row, *args, **kwargs):
            code = row["所属工会编码"]
            if code not in self.paths:
                self.paths[code] = Organization.objects.get(code=code).path
            return Organization.objects.filter(path__startswith=self.paths[code], kind=OrgKind.BRANCH)

    class StockMemberResource(MemberResource):
        organization = fields.Field(attribute="organization", column_name="所属工会编码",
                                    widget=widgets.ForeignKeyWidget(Organization, "code"))
        branch = fields.Field(attribute="branch", column_name="分工会",
                              widget=BranchWidget(Organization, "name"))

        def before_save_instance(self, instance, row, **kwargs):
            for name in TEXT_FIELDS:
                if getattr(instance, name) is None:
                    setattr(instance, name, "")
            instance.id_hash = lookup_hash(instance.id_number)
            instance.gender = gender_of(instance.id_number)
            instance.birth_date = birth_date_of(instance.id_number)

    return StockMemberResource()


def empty_registry() -> None:
    """No members left, and no dead rows either (an import must not pay for the bench's own
    deletes: the stock import's per-row ``id_number`` look-up scans the table)."""
    from django.db import connection

    from apps.core.scoping import scopes_disabled
    from apps.members.models import Member

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Member._meta.db_table} RESTART IDENTITY CASCADE")  # + status history
        return
    with scopes_disabled():
        Member._base_manager.only("pk").delete()  # status history cascades
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")


def measure_imports(root, unit, folder: str) -> dict:
    from import_export.formats.base_formats import XLSX

    from apps.core.scoping import scope, scopes_disabled
    from apps.members.exporting import export_members_xlsx
    from apps.members.importing import import_members_file
    from apps.members.models import Member

    full = os.path.join(folder, "members_50k.xlsx")
    sample = os.path.join(folder, "members_5k.xlsx")
    with scopes_disabled():
        export_members_xlsx(Member.objects.all(), full, reveal=True)
        first = list(Member.objects.order_by("pk").values_list("pk", flat=True)[:STOCK_IMPORT_ROWS])
        export_members_xlsx(Member.objects.filter(pk__in=first), sample, reveal=True)

    empty_registry()
    with scope(paths=[root.path]):
        start = time.perf_counter()
        result = import_members_file(full, organization=unit, actor=None)
        import_s = time.perf_counter() - start
    if not (result.ok and result.created == MEMBERS):
        raise SystemExit(f"the project's import failed: {result.created} created, errors {result.errors[:5]}")

    empty_registry()
    with scope(paths=[root.path]):
        start = time.perf_counter()
        dataset = XLSX().create_dataset(Path(sample).read_bytes())
        outcome = stock_import_resource().import_data(dataset, dry_run=False)
        stock_s = time.perf_counter() - start
    with scopes_disabled():
        created = Member._base_manager.count()
        complete = not Member._base_manager.filter(id_hash="").exists()
    failed = outcome.has_errors() or outcome.has_validation_errors()
    if failed or created != STOCK_IMPORT_ROWS or not complete:
        raise SystemExit(f"the stock import failed: {created} created, {outcome.totals}")
    return {"import_s": import_s, "stock_import_s": stock_s}


# --- the run ----------------------------------------------------------------------------------------


def line(label: str, seconds: float, rows: int, peak: float | None = None) -> None:
    text = f"{label:<22}{seconds:8.2f} s {rows / seconds:9.0f} rows/s"
    if peak is not None:
        text += f"   peak {peak:5.0f} MB"
    print(text, flush=True)


def main() -> None:
    from django.db import connection

    from apps.core.scoping import scopes_disabled
    from apps.members.demo import seed_members
    from apps.organizations.demo import seed_organizations
    from apps.organizations.models import Organization

    dedicated_test_name()
    big = big_database()
    with bench_database() as vendor:
        database = connection.settings_dict["NAME"]
        start = time.perf_counter()
        seed_organizations()
        seed_members(MEMBERS)
        seed_s = time.perf_counter() - start
        print(f"seeded {MEMBERS} members in {seed_s:.1f} s", flush=True)
        with scopes_disabled():
            root = Organization.objects.filter(depth=1).order_by("path").first()
            unit = Organization.objects.get(code="U-THU")

        project = measure_export("project", database, EXPORT_REPEAT)
        line("export", project["s"], project["rows"], project["peak_mb"])
        floor = measure_export("floor", database, EXPORT_REPEAT)
        line("floor export", floor["s"], floor["rows"], floor["peak_mb"])
        stock = measure_export("stock", database)
        line("stock export", stock["s"], stock["rows"], stock["peak_mb"])
        assert project["rows"] == floor["rows"] == stock["rows"] == MEMBERS, (project, floor, stock)

        with tempfile.TemporaryDirectory() as folder:
            imports = measure_imports(root, unit, folder)
        line("import", imports["import_s"], MEMBERS)
        line("stock import (5,000)", imports["stock_import_s"], STOCK_IMPORT_ROWS)

    project_big = measure_export("project", big)
    line("export (200,000)", project_big["s"], project_big["rows"], project_big["peak_mb"])
    assert project_big["rows"] == MEMBERS_BIG, project_big

    import_rate = MEMBERS / imports["import_s"]
    stock_rate = STOCK_IMPORT_ROWS / imports["stock_import_s"]
    figures = {
        "database": vendor,
        "members": MEMBERS,
        "members_200k": MEMBERS_BIG,
        "seed_50k_s": round(seed_s, 2),
        "export_s": round(project["s"], 3),
        "stock_export_s": round(stock["s"], 3),
        "floor_export_s": round(floor["s"], 3),
        "export_rows_per_s": round(MEMBERS / project["s"]),
        "stock_export_rows_per_s": round(MEMBERS / stock["s"]),
        "floor_export_rows_per_s": round(MEMBERS / floor["s"]),
        "export_vs_floor": round(project["s"] / floor["s"], 3),
        "stock_vs_export": round(stock["s"] / project["s"], 3),
        "export_peak_mb_50k": round(project["peak_mb"], 1),
        "floor_peak_mb_50k": round(floor["peak_mb"], 1),
        "stock_export_peak_mb_50k": round(stock["peak_mb"], 1),
        "export_s_200k": round(project_big["s"], 3),
        "export_peak_mb_200k": round(project_big["peak_mb"], 1),
        "peak_method": PEAK_METHOD,
        "import_s": round(imports["import_s"], 3),
        "import_rows_per_s": round(import_rate),
        "stock_import_rows": STOCK_IMPORT_ROWS,
        "stock_import_s": round(imports["stock_import_s"], 3),
        "stock_import_rows_per_s": round(stock_rate),
        "import_vs_stock": round(import_rate / stock_rate, 2),
    }
    checks = {
        "export_vs_floor": figures["export_vs_floor"] <= TARGETS["export_vs_floor_max"],
        "stock_vs_export": figures["stock_vs_export"] >= TARGETS["stock_vs_export_min"],
        "export_peak_mb": max(figures["export_peak_mb_50k"], figures["export_peak_mb_200k"])
        < TARGETS["export_peak_mb_max"],
        "import_vs_stock": figures["import_vs_stock"] >= TARGETS["import_vs_stock_min"],
    }
    ratio = "{:<22}{:6.2f}×  (target {} {})".format
    print(ratio("export / floor", figures["export_vs_floor"], "≤", TARGETS["export_vs_floor_max"]))
    print(ratio("stock / export", figures["stock_vs_export"], "≥", TARGETS["stock_vs_export_min"]))
    print(f"export peak           {figures['export_peak_mb_50k']:.0f} MB at 50k, "
          f"{figures['export_peak_mb_200k']:.0f} MB at 200k  (target < {TARGETS['export_peak_mb_max']} MB; "
          f"{PEAK_METHOD})")
    print(ratio("import / stock", figures["import_vs_stock"], "≥", TARGETS["import_vs_stock_min"]))
    figures["targets_met"] = all(checks.values())
    report(figures)


if __name__ == "__main__":
    main()
