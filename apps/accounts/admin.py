"""Users and role assignments in the staff admin: listed within the acting subtree (another
unit's user is a 404), created, granted, revoked and deactivated only through the services
(apps/accounts/services.py, each audited). Detail pages are read-only; changes are buttons."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken
from unfold.admin import ModelAdmin
from unfold.decorators import action
from unfold.enums import ActionVariant

from apps.core.admin_base import ScopedAdmin

from . import services
from .forms import PasswordForm, RoleAssignForm, UserCreateForm, _add_errors
from .models import RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("organization", "role", "is_active", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _refused(request, exc, url):
    """Say why instead of a bare 403: the service's reason as an error message, back to the page."""
    messages.error(request, "；".join(getattr(exc, "messages", None) or [str(exc)]))
    return HttpResponseRedirect(url)


def _hidden(model_admin, request, object_id) -> bool:
    """An object outside the scope (or missing) must reach the view, which answers 404 exactly
    as for one that does not exist (a 403 from the permission check would confirm it exists)."""
    if object_id is None:
        return False
    return not str(object_id).isdigit() or not model_admin.get_queryset(request).filter(pk=object_id).exists()


class _ConfirmMixin:
    def _confirm(self, request, obj, *, title, form, run, back):
        if request.method == "POST" and form.is_valid():
            try:
                run(form.cleaned_data)
            except PermissionDenied as exc:
                return _refused(request, exc, back)
            except ValidationError as exc:
                _add_errors(form, exc, next(iter(form.fields), None))
            else:
                messages.success(request, _("操作成功。"))
                return HttpResponseRedirect(back)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
                   "object": obj, "form": form, "back": back}
        response = TemplateResponse(request, "admin/accounts/confirm.html", context)
        add_never_cache_headers(response)
        return response


@admin.register(User)
class UserAdmin(_ConfirmMixin, ScopedAdmin):
    """Users are listed when they hold a role inside the acting subtree."""

    list_display = ("username", "full_name", "is_active", "is_staff", "last_login")
    list_filter = ("is_active", "roles__role")
    search_fields = ("username", "full_name")
    fields = ("username", "full_name", "is_active", "is_staff", "last_login", "date_joined")
    readonly_fields = fields
    inlines = (RoleAssignmentInline,)
    actions_detail = ("set_password", "deactivate")

    def get_queryset(self, request):
        visible = RoleAssignment.objects.values("user_id")  # the scoped manager filters this
        return super().get_queryset(request).filter(pk__in=visible)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            form = type("UserCreateForm", (UserCreateForm,), {"actor": request.user})
            kwargs["form"] = form
            kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("username", "full_name", "organization", "role", "password", "password2")
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_inlines(self, request, obj):
        return self.inlines if obj else ()

    def has_add_permission(self, request):
        return request.user.has_perm("accounts.add_user")

    def has_change_permission(self, request, obj=None):
        return False  # read-only page; the buttons below change things through the services

    def has_delete_permission(self, request, obj=None):
        return False  # users are deactivated, never deleted (the audit log names them)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = services.user_create(actor=request.user, username=data["username"], full_name=data["full_name"],
                                       password=data["password"], organization=data["organization"],
                                       role=data["role"])
        obj.pk, obj.username, obj.full_name = created.pk, created.username, created.full_name

    def save_related(self, request, form, formsets, change):
        pass

    def log_addition(self, request, obj, message):
        pass  # the audit log (user.create) records it

    def _manages(self, request, object_id) -> bool:
        return _hidden(self, request, object_id) or request.user.has_perm("accounts.change_user")

    def has_set_password_permission(self, request, object_id=None):
        return self._manages(request, object_id)

    def has_deactivate_permission(self, request, object_id=None):
        return self._manages(request, object_id)

    @action(description=_("重设密码"), url_path="set-password", permissions=["set_password"])
    def set_password(self, request, object_id):
        user = self.get_object(request, object_id)  # scoped: another unit's user is a 404
        back = reverse("admin:accounts_user_change", args=[user.pk])
        form = PasswordForm(request.POST or None)
        return self._confirm(request, user, title=_("重设密码"), form=form, back=back, run=lambda d: (
            services.user_set_password(user=user, password=d["password"], actor=request.user)))

    @action(description=_("停用账号"), url_path="deactivate", permissions=["deactivate"], variant=ActionVariant.DANGER)
    def deactivate(self, request, object_id):
        user = self.get_object(request, object_id)  # scoped: another unit's user is a 404
        back = reverse("admin:accounts_user_change", args=[user.pk])
        return self._confirm(request, user, title=_("停用账号（不能再登录，API 令牌作废）"), form=forms.Form(request.POST or None),
                             back=back, run=lambda d: services.user_deactivate(user=user, actor=request.user))


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(_ConfirmMixin, ScopedAdmin):
    list_display = ("user", "organization", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__full_name", "organization__name")
    list_select_related = ("user", "organization")
    fields = ("user", "organization", "role", "is_active", "created_at")
    readonly_fields = fields
    actions_detail = ("revoke",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = type("RoleAssignForm", (RoleAssignForm,), {"actor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ("user", "organization", "role") if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def has_add_permission(self, request):
        return request.user.has_perm("accounts.add_roleassignment")

    def has_change_permission(self, request, obj=None):
        return False  # read-only page; 撤销 goes through role_revoke

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, kept for the record

    def has_revoke_permission(self, request, object_id=None):
        return _hidden(self, request, object_id) or request.user.has_perm("accounts.change_roleassignment")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            assigned = services.role_assign(user=data["user"], organization=data["organization"], role=data["role"],
                                            actor=request.user)
        except (PermissionDenied, ValidationError) as exc:
            raise PermissionDenied("；".join(getattr(exc, "messages", None) or [str(exc)])) from exc
        obj.pk, obj.user, obj.organization, obj.role = assigned.pk, assigned.user, assigned.organization, assigned.role

    def log_addition(self, request, obj, message):
        pass  # the audit log (role.assign) records it

    @action(description=_("撤销授权"), url_path="revoke", permissions=["revoke"], variant=ActionVariant.DANGER)
    def revoke(self, request, object_id):
        assignment = self.get_object(request, object_id)  # scoped: another unit's grant is a 404
        back = reverse("admin:accounts_roleassignment_change", args=[assignment.pk])
        return self._confirm(request, assignment, title=_("撤销授权"), form=forms.Form(request.POST or None),
                             back=back, run=lambda d: services.role_revoke(assignment=assignment, actor=request.user))


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
