"""Cost of the scoping mechanism on the real organisation tree.

Baseline: the same subtree read with a hand-written ``path LIKE 'prefix%'`` query and no
scoping machinery. Figures: seconds for 200 reads each way and their ratio.

    make bench   (or: python .ci/testenv.py .venv/bin/python bench/scoping.py)
"""

from __future__ import annotations

from harness import bench_database, best_of, report

READS = 200


def main() -> None:
    from django.core.management import call_command

    from apps.core.scoping import scope, scopes_disabled
    from apps.organizations.models import Organization

    with bench_database() as vendor:
        call_command("seed_demo", stdout=open("/dev/null", "w"))
        with scopes_disabled():
            thu = Organization.objects.get(code="U-THU")
            root = Organization.objects.get(code="BJEU")

        def scoped(path):
            def run():
                with scope(paths=[path]):
                    for _ in range(READS):
                        list(Organization.objects.all())
            return run

        def raw(path):
            def run():
                for _ in range(READS):
                    list(Organization._base_manager.filter(path__startswith=path).order_by("path"))
            return run

        with scope(paths=[thu.path]):
            rows_unit = Organization.objects.count()
        figures = {"database": vendor, "reads": READS, "unit_rows": rows_unit}
        for label, path in (("unit", thu.path), ("city", root.path)):
            scoped_s = best_of(scoped(path))
            raw_s = best_of(raw(path))
            figures[f"{label}_scoped_s"] = round(scoped_s, 4)
            figures[f"{label}_raw_s"] = round(raw_s, 4)
            figures[f"{label}_scoped_vs_raw"] = round(scoped_s / raw_s, 3)
        report(figures)


if __name__ == "__main__":
    main()
