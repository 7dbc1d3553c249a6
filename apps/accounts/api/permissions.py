from __future__ import annotations

from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import BasePermission

from ..acting import acting_role
from ..enums import Role

_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PUT": "change",
            "PATCH": "change", "DELETE": "delete"}


class RolePermissions(BasePermission):
    """The acting role must hold the permission for this method on the view's model.

    A view may name its own with ``action_permissions = {"action": "app.perm"}`` (custom
    actions such as approve) or ``required_permission`` (views without a model). A view
    with neither and no ``model`` is refused: fail closed.
    """

    def has_permission(self, request, view) -> bool:
        if request.method not in view.allowed_methods or request.method not in _ACTIONS:
            raise MethodNotAllowed(request.method)  # TRACE, PROPFIND, …: a 405, not a KeyError
        user = request.user
        if not user or not user.is_authenticated:
            return False
        allowed = self._allowed(user, request, view)
        if not allowed:
            role = acting_role(user)
            # Say why instead of a bare "permission denied" (DRF answers with ``message``).
            self.message = (f"您当前的角色「{Role(role).label}」不能执行此操作。" if role
                            else "您还没有任何角色授权，不能执行此操作。")
        return allowed

    def _allowed(self, user, request, view) -> bool:
        action = getattr(view, "action", None)
        named = getattr(view, "action_permissions", {}).get(action)
        if named:
            return user.has_perm(named)
        required = getattr(view, "required_permission", None)
        if required:
            return user.has_perm(required)
        model = getattr(view, "model", None)
        if model is None:
            return False
        opts = model._meta
        return user.has_perm(f"{opts.app_label}.{_ACTIONS[request.method]}_{opts.model_name}")
