"""The demo log-ins named in README.md. For the demo only: never run against real data."""

from __future__ import annotations

from apps.core.scoping import scopes_disabled
from apps.organizations.models import Organization

from .enums import Role
from .models import RoleAssignment
from .services import role_assign, user_ensure

DEMO_PASSWORD = "Demo@2026"

DEMO_USERS = (
    # username, full name, unit code, role
    ("admin", "市教育工会管理员", "BJEU", Role.MUNICIPAL_ADMIN),
    ("haidian", "海淀区教育工会管理员", "D-HAIDIAN", Role.UNIT_ADMIN),
    ("chaoyang", "朝阳区教育工会管理员", "D-CHAOYANG", Role.UNIT_ADMIN),
    ("tsinghua", "清华大学工会管理员", "U-THU", Role.UNIT_ADMIN),
    ("haidian_clerk", "海淀区教育工会经办人", "D-HAIDIAN", Role.UNIT_CLERK),
    ("tsinghua_clerk", "清华大学工会经办人", "U-THU", Role.UNIT_CLERK),
    ("teacher1", "张晓明", "U-THU", Role.TEACHER),
    ("judge1", "刘振华", "U-PKU", Role.JUDGE),
    ("judge2", "王丽娟", "U-BNU", Role.JUDGE),
    ("lawyer1", "陈立新", "BJEU", Role.LAWYER),
    ("approver1", "市教育工会财务审批人一", "BJEU", Role.PAYMENT_APPROVER),
    ("approver2", "市教育工会财务审批人二", "BJEU", Role.PAYMENT_APPROVER),
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


def demo_seeder(options: dict) -> list[str]:
    """``seed_demo``'s part (registered in AccountsConfig.ready)."""
    lines = [f"演示账号（密码均为 {DEMO_PASSWORD}）："]
    lines += [f"  {username:15s} {unit} · {role}" for username, unit, role in seed_users()]
    return lines

def logins_line() -> str:
    """The demo log-ins that exist in this database, for the run's output."""
    names = [username for username, *_ in DEMO_USERS]
    with scopes_disabled():  # the demo's own users, whatever unit they act for
        rows = {a.user.username: a for a in RoleAssignment.objects.filter(
            user__username__in=names, is_active=True).select_related("user", "organization")}
    lines = [f"密码均为 {DEMO_PASSWORD}"]
    lines += [f"{name:15s} {rows[name].organization.name} · {rows[name].get_role_display()}" for name in names if name in rows]
    return "\n    ".join(lines)
