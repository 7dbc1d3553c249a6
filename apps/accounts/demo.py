"""The demo log-ins named in README.md. For the demo only: never run against real data."""

from __future__ import annotations

from apps.core.scoping import scopes_disabled
from apps.organizations.models import Organization

from .enums import Role
from .services import role_assign, user_ensure

DEMO_PASSWORD = "Demo@2026"

DEMO_USERS = (
    # username, full name, unit code, role
    ("admin", "市教育工会管理员", "BJEU", Role.MUNICIPAL_ADMIN),
    ("haidian", "海淀区教育工会管理员", "D-HAIDIAN", Role.UNIT_ADMIN),
    ("chaoyang", "朝阳区教育工会管理员", "D-CHAOYANG", Role.UNIT_ADMIN),
    ("tsinghua", "清华大学工会管理员", "U-THU", Role.UNIT_ADMIN),
    ("teacher1", "张晓明", "U-THU", Role.TEACHER),
    ("judge1", "刘振华", "U-PKU", Role.JUDGE),
)


def seed_users() -> list[tuple[str, str, str]]:
    rows = []
    with scopes_disabled():  # demo seeding spans the whole city
        for username, full_name, code, role in DEMO_USERS:
            user = user_ensure(username=username, full_name=full_name, password=DEMO_PASSWORD)
            unit = Organization.objects.get(code=code)
            role_assign(user=user, organization=unit, role=role, system=True)
            rows.append((username, unit.name, Role(role).label))
    return rows
