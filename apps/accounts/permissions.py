"""Every permission of the portal and which role holds it: the one place to look.

Permissions are Django permission strings (``app_label.codename``) so the admin, DRF and
views all check them with ``user.has_perm``; ``RoleBackend`` answers from this table for
the role the user is acting in. Nothing is granted through groups or per-user rows.
Later apps add their named permissions (approve, reveal, score …) here.
"""

from __future__ import annotations

from .enums import Role


def crud(label: str, *, view=True, add=False, change=False, delete=False) -> set[str]:
    app, model = label.split(".")
    wanted = {"view": view, "add": add, "change": change, "delete": delete}
    return {f"{app}.{action}_{model}" for action, ok in wanted.items() if ok}


# Named permissions that are not a model's CRUD.
VIEW_AUDIT_LOG = "core.view_auditlog"
SWITCH_ROLE = "accounts.switch_role"
REVEAL_PERSONAL_DATA = "members.reveal_personal_data"

_UNIT_RECORDS = (
    crud("organizations.organization", add=True, change=True)
    | crud("organizations.committee", add=True, change=True, delete=True)
    | crud("organizations.committeemember", add=True, change=True, delete=True)
    | crud("organizations.congress", add=True, change=True, delete=True)
    | crud("organizations.cluster")
    | crud("core.job", add=True)
    | crud("members.member", add=True, change=True)
    | crud("members.memberstatuschange")
)

_CLERK_RECORDS = (
    crud("organizations.organization")
    | crud("organizations.committee", add=True, change=True)
    | crud("organizations.committeemember", add=True, change=True)
    | crud("organizations.congress", add=True, change=True)
    | crud("organizations.cluster")
    | crud("core.job", add=True)
    | crud("members.member", add=True, change=True)
    | crud("members.memberstatuschange")
)

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.MUNICIPAL_ADMIN: frozenset(
        _UNIT_RECORDS
        | crud("organizations.organization", add=True, change=True, delete=False)
        | crud("organizations.cluster", add=True, change=True, delete=True)
        | {VIEW_AUDIT_LOG, REVEAL_PERSONAL_DATA, "accounts.view_user", "accounts.view_roleassignment"}
    ),
    # Unit administrators may reveal personal data (audited); clerks see it masked only.
    Role.UNIT_ADMIN: frozenset(_UNIT_RECORDS | {VIEW_AUDIT_LOG, REVEAL_PERSONAL_DATA}),
    Role.UNIT_CLERK: frozenset(_CLERK_RECORDS),
    Role.PAYMENT_APPROVER: frozenset(crud("organizations.organization") | crud("core.job")),
    Role.JUDGE: frozenset(),
    Role.TEACHER: frozenset(),
}


def permissions_for(role: str | None) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset()) if role else frozenset()
