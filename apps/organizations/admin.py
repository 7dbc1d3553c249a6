from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from apps.core.admin_base import ScopedAdmin

from .forms import ClusterForm, OrganizationAddForm, OrganizationChangeForm
from .models import Cluster, Committee, CommitteeMember, Congress, Organization
from .selectors import organization_path_labels
from .services import EDITABLE_FIELDS, cluster_save, organization_create, organization_update


@admin.register(Organization)
class OrganizationAdmin(ScopedAdmin):
    list_display = ("indented_name", "code", "short_name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "code")
    ordering = ("path",)
    readonly_fields = ("code", "kind", "path", "depth")

    def autocomplete_labels(self, objs) -> dict[int, str]:
        """Searchable unit pickers everywhere show the path (apps/core/admin_site.py)."""
        return organization_path_labels(objs)

    @admin.display(description=_("名称"), ordering="path")
    def indented_name(self, obj: Organization):
        return format_html("{}{}", "　" * max(0, obj.depth - 1), obj.name)

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = OrganizationChangeForm if obj else OrganizationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("parent", "code", "name", "short_name", "kind")
        return ("code", "kind", "name", "short_name", "is_active", "path", "depth")

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            organization_update(
                organization=obj, actor=request.user,
                **{f: data[f] for f in form.changed_data if f in EDITABLE_FIELDS},
            )
        else:
            created = organization_create(
                parent=data["parent"], code=data["code"], name=data["name"],
                short_name=data.get("short_name", ""), kind=data["kind"], actor=request.user,
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth

    def has_delete_permission(self, request, obj=None):
        return False  # units are deactivated, never deleted


class CommitteeMemberInline(TabularInline):
    model = CommitteeMember
    extra = 0
    fields = ("name", "position", "start_date", "end_date")


@admin.register(Committee)
class CommitteeAdmin(ScopedAdmin):
    list_display = ("organization", "kind", "term_start", "term_end")
    list_filter = ("kind",)
    search_fields = ("organization__name",)
    autocomplete_fields = ("organization",)
    inlines = (CommitteeMemberInline,)


@admin.register(Congress)
class CongressAdmin(ScopedAdmin):
    list_display = ("organization", "kind", "session", "date", "delegates")
    list_filter = ("kind",)
    search_fields = ("organization__name", "session")
    autocomplete_fields = ("organization",)
    date_hierarchy = "date"


@admin.register(Cluster)
class ClusterAdmin(ScopedAdmin):
    list_display = ("code", "name", "kind", "lead", "unit_count")
    list_filter = ("kind",)
    search_fields = ("name", "code")
    autocomplete_fields = ("lead", "units")

    form = ClusterForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead").annotate(n_units=Count("units"))

    @admin.display(description=_("成员数"), ordering="n_units")
    def unit_count(self, obj: Cluster) -> int:
        return obj.n_units

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        cluster = cluster_save(
            code=data["code"], name=data["name"], kind=data["kind"], lead=data["lead"],
            units=list(data["units"]), actor=request.user,
        )
        obj.pk = cluster.pk

    def save_related(self, request, form, formsets, change):
        """Members were saved by the service together with the cluster."""
