"""Base classes for the staff admin: scoped, 404 outside the scope, writes via services."""

from __future__ import annotations

from django.http import Http404
from unfold.admin import ModelAdmin, TabularInline

from .paging import NearEndPaginator


class ScopedAdmin(ModelAdmin):
    """The default manager is scoped, so changelists, forms, autocomplete and foreign-key
    choices only ever see the acting subtree. An object outside it is a 404, exactly
    like one that does not exist (Django's admin would otherwise redirect)."""

    list_per_page = 50
    paginator = NearEndPaginator  # the last page costs what the first does
    show_full_result_count = False  # one COUNT(*) per page, not the filtered and the full one

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(TabularInline):
    """A record shown beside its parent (history, scores, runs): every field read-only,
    nothing added, changed or deleted from the parent's page."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields or ()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
