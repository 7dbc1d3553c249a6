"""Shared pieces of the competitions admin.

The structure of an edition (series, editions, groups, stages, prize rules, judges …) is
city-wide data that only the municipal admin keeps: for any other role its pages are a 404
(an object) or a 403 (a list), like the honour titles. Units read their own figures
through the scoped admins (entries, quotas, results) and the API.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps.core.admin_base import ScopedAdmin

KEEPER = "competitions.change_edition"  # the municipal admin's role only


def is_keeper(request) -> bool:
    return request.user.has_perm(KEEPER)


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


class KeeperAdmin(ScopedAdmin):
    """City-wide competition data: the municipal admin's only."""

    def has_module_permission(self, request):
        return is_keeper(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_keeper(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_keeper(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_keeper(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_keeper(request) and super().has_delete_permission(request, obj)

    def get_object(self, request, object_id, from_field=None):
        if not is_keeper(request):
            raise Http404
        return super().get_object(request, object_id, from_field)


class ReadOnlyMixin:
    """Records written by the services only (score sheets, results, awards …)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WithEditionFilter(admin.RelatedFieldListFilter):
    """A list filter on a group or stage, whose names carry their edition's: the choices are
    read with the edition in one query (not one per group)."""

    def field_choices(self, field, request, model_admin):
        model = field.remote_field.model
        return [(obj.pk, str(obj)) for obj in
                model._default_manager.select_related("edition").order_by("-edition__year", "edition_id", "order",
                                                                          "pk")]


def service_or_denied(call):
    """Run a service from save_model/save_formset: its refusal is shown as a 403 page with
    the Chinese message (the forms check the same rules first, so this is a race)."""
    try:
        return call()
    except ValidationError as exc:
        raise PermissionDenied(error_text(exc)) from exc


def report(modeladmin, request, done: int, label: str, failed: list[str]) -> None:
    if done:
        modeladmin.message_user(request, f"{label}：{done} 条。", messages.SUCCESS)
    for text in failed:
        modeladmin.message_user(request, text, messages.ERROR)
