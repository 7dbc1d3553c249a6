"""Factories of the 从教30周年 tests: a second university, teachers of a given start year."""

from __future__ import annotations

import datetime as dt
import itertools

from apps.core.scoping import scopes_disabled
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization
from apps.organizations.services import organization_create
from tests.factories.members import make_member, new_id_number

_serial = itertools.count(1)


def make_pku(tree) -> Organization:
    with scopes_disabled():
        found = Organization.objects.filter(code="U-PKU").first()
        if found:
            return found
        return organization_create(parent=Organization.objects.get(pk=tree.root.pk), code="U-PKU",
                                   name="北京大学工会", kind=OrgKind.UNIVERSITY)


def make_teacher(unit, *, started=dt.date(1995, 9, 1), name=None, born=None, **fields):
    n = next(_serial)
    born = born or dt.date(started.year - 24, 3, 1) if started else (born or dt.date(1968, 3, 1))
    return make_member(unit, name=name or f"教师{n:03d}", id_number=new_id_number(birth=born, female=n % 2 == 0),
                       teaching_since=started, joined_on=started, **fields)
