from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .acting import acting_role
from .permissions import permissions_for


class RoleBackend(ModelBackend):
    """Authenticates like Django's; permissions come only from the acting role."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(permissions_for(acting_role(user_obj)))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        prefix = f"{app_label}."
        return any(p.startswith(prefix) for p in self.get_all_permissions(user_obj))
