"""Base classes for the staff admin: scoped, 404 outside the scope, writes via services."""

from __future__ import annotations

from django.http import Http404
from unfold.admin import ModelAdmin, TabularInline

from .paging import CappedCountPaginator


class ScopedAdmin(ModelAdmin):
    """The default manager is scoped, so changelists, forms, autocomplete and foreign-key
    choices only ever see the acting subtree. An object outside it is a 404, exactly
    like one that does not exist (Django's admin would otherwise redirect)."""

    list_per_page = 50
    paginator = CappedCountPaginator  # counts up to PAGE_COUNT_CAP ("5000+"); deep pages read from the near end
    show_full_result_count = False  # one COUNT(*) per page, not the filtered and the full one

    def _label_selected(self, request, db_field, field):
        """An autocomplete field's selected value shows the same text as the picker's results
        (the related admin's ``autocomplete_labels``, e.g. a unit's path)."""
        if field is None or db_field.name not in self.get_autocomplete_fields(request):
            return field
        label = getattr(self.admin_site._registry.get(db_field.related_model), "autocomplete_labels", None)
        if label is not None:
            field.label_from_instance = lambda obj: label([obj]).get(obj.pk, str(obj))
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._label_selected(request, db_field, super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._label_selected(request, db_field, super().formfield_for_manytomany(db_field, request, **kwargs))

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
