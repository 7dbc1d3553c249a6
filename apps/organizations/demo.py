"""Loads the real structure of the union (demo_data.py) into the tree. Idempotent."""

from __future__ import annotations

import datetime as dt

from apps.core.scoping import scopes_disabled

from . import demo_data as data
from .enums import ClusterKind, CommitteeKind, CongressKind, OrgKind
from .models import Committee, CommitteeMember, Congress, Organization
from .services import cluster_save, organization_create

BRANCHES_PER_UNIVERSITY = 4


def _ensure(parent, code, name, kind, short_name="") -> tuple[Organization, bool]:
    existing = Organization.objects.filter(code=code).first()
    if existing is not None:
        return existing, False
    parent = Organization.objects.get(pk=parent.pk) if parent else None  # fresh numchild
    return organization_create(parent=parent, code=code, name=name, kind=kind, short_name=short_name), True


def seed_organizations() -> dict[str, int]:
    created = 0
    with scopes_disabled():  # demo seeding builds the whole tree
        root, new = _ensure(None, data.ROOT[0], data.ROOT[1], OrgKind.MUNICIPAL, data.ROOT[2])
        created += new
        groups = (
            (data.DISTRICTS, OrgKind.DISTRICT, ""),
            (data.UNIVERSITIES, OrgKind.UNIVERSITY, "工会"),
            (data.HOSPITALS, OrgKind.HOSPITAL, "工会"),
            (data.AFFILIATED, OrgKind.AFFILIATED, "工会"),
            (data.PRIVATE_FEDERATIONS, OrgKind.PRIVATE_FEDERATION, ""),
        )
        for rows, kind, suffix in groups:
            for index, (code, name, short) in enumerate(rows):
                unit, new = _ensure(root, code, name + suffix, kind, short)
                created += new
                if kind == OrgKind.UNIVERSITY:
                    created += _seed_branches(unit, index)
                if kind == OrgKind.DISTRICT:
                    for n, school in enumerate(data.DISTRICT_SCHOOLS.get(code, ()), start=1):
                        created += _ensure(unit, f"{code}-S{n:02d}", school + "工会", OrgKind.BRANCH)[1]
        for spec, kind in [(c, ClusterKind.UNIVERSITY) for c in data.UNIVERSITY_CLUSTERS] + [
            (c, ClusterKind.DISTRICT) for c in data.DISTRICT_CLUSTERS
        ]:
            units = list(Organization.objects.filter(code__in=spec["members"]))
            lead = next(u for u in units if u.code == spec["lead"])
            cluster_save(code=spec["code"], name=spec["name"], kind=kind, lead=lead, units=units)
        _seed_committees()
        return {"units": Organization.objects.count(), "created": created}


def _seed_branches(university: Organization, index: int) -> int:
    created = 0
    names = data.BRANCH_NAMES
    for n in range(BRANCHES_PER_UNIVERSITY):
        name = names[(index + n) % len(names)]
        branch, new = _ensure(university, f"{university.code}-B{n + 1:02d}", name, OrgKind.BRANCH)
        created += new
        if n == 0:  # the first branch has two union groups
            for g in (1, 2):
                created += _ensure(branch, f"{branch.code}-G{g}", f"{name}第{g}工会小组", OrgKind.GROUP)[1]
    return created


def _seed_committees() -> None:
    """A union committee and a staff congress for the first few universities and districts."""
    for code in ("U-THU", "U-PKU", "U-BNU", "D-HAIDIAN", "D-CHAOYANG"):
        unit = Organization.objects.get(code=code)
        committee, new = Committee.objects.get_or_create(
            organization=unit, kind=CommitteeKind.UNION, term_start=dt.date(2023, 6, 1),
            defaults={"term_end": dt.date(2028, 5, 31)},
        )
        if new:
            CommitteeMember.objects.create(committee=committee, name="王建华", position="主席")
            CommitteeMember.objects.create(committee=committee, name="李秀英", position="常务副主席")
        Congress.objects.get_or_create(
            organization=unit, kind=CongressKind.STAFF, session="第五届第三次",
            defaults={"date": dt.date(2025, 4, 18), "delegates": 180, "resolutions": "审议通过学校工作报告。"},
        )


def demo_seeder(options: dict) -> list[str]:
    """``seed_demo``'s part (registered in OrganizationsConfig.ready)."""
    orgs = seed_organizations()
    return [f"组织：共 {orgs['units']} 个单位（本次新增 {orgs['created']} 个）"]
