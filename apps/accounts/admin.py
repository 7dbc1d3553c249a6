from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import TokenProxy
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ReadOnlyAdmin

from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("organization", "role", "is_active")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Users are listed when they hold a role inside the acting subtree."""

    list_display = ("username", "full_name", "is_active", "is_staff", "last_login")
    search_fields = ("username", "full_name")
    fields = ("username", "full_name", "is_active", "is_staff", "last_login", "date_joined")
    inlines = (RoleAssignmentInline,)

    def get_queryset(self, request):
        visible = RoleAssignment.objects.values("user_id")  # the scoped manager filters this
        return super().get_queryset(request).filter(pk__in=visible)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("user", "organization", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__full_name", "organization__name")
    list_select_related = ("user", "organization")
    verbose_name = _("角色授权")


# Permissions come from roles, never groups; API tokens are not browsable in the admin.
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)
