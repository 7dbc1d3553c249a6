"""The labour-relations warnings' admin list (劳动关系预警): the warnings of the acting subtree,
soonest deadline first, with kind, level, unit and outcome; a warning's page shows its facts
and history (every open audited) and links to the case's 办理操作 page, where every move goes
through ``case_transition``."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ScopedAdmin

from . import services
from .deadlines import deadlines_for
from .enums import CaseKind
from .models import CaseEvent, LabourWarning


class WarningEventInline(admin.TabularInline):
    model = CaseEvent
    fk_name = "case"
    fields = ("at", "action", "from_status", "to_status", "organization", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("办理记录")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LabourWarning)
class LabourWarningAdmin(ScopedAdmin):
    list_display = ("title", "warning_kind", "warning_level", "organization", "status", "remaining", "received_at")
    list_filter = ("warning_kind", "warning_level", "status")
    search_fields = ("title", "reporter")
    list_select_related = ("organization",)
    fields = ("title", "warning_kind", "warning_level", "urgency", "organization", "petitioner_unit", "reporter",
              "content", "steps", "status", "deadline", "reply_text", "outcome", "received_at", "closed_at",
              "moves")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(kind=CaseKind.WARNING)

    def has_add_permission(self, request):
        return False  # reported through the API (warning_report / case_receive)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:  # listed by deadline: the page's open warnings soonest first, the rest after
            self._deadlines = deadlines_for(cl.result_list)
            cl.result_list = sorted(cl.result_list, key=self._sort_key)
        return response

    def _sort_key(self, obj):
        remaining = self._deadlines[obj.pk].remaining_seconds
        return (remaining is None, remaining or 0)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        warning = self.get_object(request, object_id)
        services.case_opened(case=warning, actor=request.user, via="admin-warning")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("剩余工作时间"))
    def remaining(self, obj):
        info = getattr(self, "_deadlines", {}).get(obj.pk) or deadlines_for([obj])[obj.pk]
        return info.remaining_label or "—"

    @admin.display(description=_("办理期限"))
    def deadline(self, obj):
        info = deadlines_for([obj])[obj.pk]
        return info.remaining_label or info.error or "—"

    @admin.display(description=_("办理操作"))
    def moves(self, obj):
        url = reverse("admin:petitions_case_change", args=[obj.pk]).removesuffix("change/") + "move/"
        return format_html('<a class="underline" href="{}">签收、办理、答复、办结……</a>', url)
