"""Members for tests: valid IDs, written through the services."""

from __future__ import annotations

import datetime as dt
import itertools

from apps.core.scoping import scopes_disabled
from apps.members.enums import EmploymentType
from apps.members.idgen import make_id_number
from apps.members.services import member_create

_seq = itertools.count(1)


def new_id_number(*, birth=dt.date(1988, 5, 17), female=False) -> str:
    return make_id_number(birth, next(_seq), female=female)


def make_member(organization, *, name="张老师", actor=None, **fields):
    fields.setdefault("id_number", new_id_number())
    fields.setdefault("employment_type", EmploymentType.PERMANENT)
    fields.setdefault("phone", "13800138000")
    fields.setdefault("bank_account", "6222020200112233445")
    fields.setdefault("bank_name", "中国工商银行北京分行")
    with scopes_disabled():
        return member_create(organization=organization, name=name, actor=actor, **fields)
