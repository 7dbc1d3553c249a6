from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from unfold.admin import ModelAdmin

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


# Permissions come from roles, never groups.
admin.site.unregister(Group)
admin.site.unregister(AuthToken)  # knox's own admin would issue tokens without an expiry


@admin.register(AuthToken)
class AuthTokenAdmin(ModelAdmin):
    """API tokens (superusers only: no role holds a permission on them): listed by user and
    expiry, never shown (only a hash is stored); deleting one revokes it at once."""

    list_display = ("token_key", "user", "created", "expiry")
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("撤销所选令牌"), permissions=("delete",))
    def revoke(self, request, queryset):
        count, _unused = queryset.delete()
        self.message_user(request, _("已撤销 %(count)d 个令牌。") % {"count": count})
