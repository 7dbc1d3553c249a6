"""Staff admin for honours: titles (municipal admin only), the roll, and activities.

Adds and edits go through the services; statuses change by the list actions only.
Members are shown by name and masked ID (their ``__str__``), never the full ID.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from django.contrib.admin.options import IncorrectLookupParameters
from unfold.decorators import action

from apps.core.admin_base import ScopedAdmin

from . import admin_nominations, services  # noqa: F401  (registers the nomination admins)
from .admin_import import HonourImportAdminMixin
from .enums import HonourStatus
from .exporting import honours_xlsx_response
from .models import Activity, Honour, HonourTitle

TITLE_VIEW = "honours.view_honourtitle"


@admin.register(HonourTitle)
class HonourTitleAdmin(ScopedAdmin):
    """City-wide data: only roles holding the title permissions (the municipal admin) see
    it; for anyone else a title's page is a 404, like any object outside one's scope."""

    list_display = ("name", "code", "level", "holder_kind", "rank", "is_active")
    list_filter = ("level", "holder_kind", "is_active")
    search_fields = ("name", "code")

    def get_object(self, request, object_id, from_field=None):
        if not request.user.has_perm(TITLE_VIEW):
            raise Http404
        return super().get_object(request, object_id, from_field)

    def has_delete_permission(self, request, obj=None):
        return False  # titles in use are protected; retire one with 启用 = off


def _status_action(to_status: str, label: str):
    def act(modeladmin, request, queryset):
        done, failed = 0, []
        for honour in queryset:
            try:
                services.honour_change_status(honour=honour, to_status=to_status, actor=request.user,
                                              reason="后台批量操作")
                done += 1
            except ValidationError as exc:
                failed.append(f"{honour.holder_name}：{'；'.join(exc.messages)}")
        if done:
            modeladmin.message_user(request, f"已将 {done} 条荣誉标记为“{label}”。", messages.SUCCESS)
        for text in failed:
            modeladmin.message_user(request, text, messages.ERROR)

    act.__name__ = f"mark_{to_status}"
    act.short_description = f"标记为“{label}”"
    act.allowed_permissions = ("change",)
    return act


def _residence_action(resides: bool, label: str):
    def act(modeladmin, request, queryset):
        changed = 0
        for honour in queryset:
            changed += services.honour_set_residence(honour=honour, resides_in_beijing=resides, actor=request.user)
        modeladmin.message_user(request, f"已将 {changed} 条荣誉标记为“{label}”（同一人的各条荣誉一并标记）。",
                                messages.SUCCESS)

    act.__name__ = "mark_resident" if resides else "mark_not_resident"
    act.short_description = f"标记为“{label}”"
    act.allowed_permissions = ("change",)
    return act


@admin.action(description=_("导出所选荣誉到 Excel（身份证号脱敏）"), permissions=["view"])
def export_selected(modeladmin, request, queryset):
    return honours_xlsx_response(queryset, actor=request.user, via="admin-selected",
                                 filters={"selected": queryset.count()})


@admin.register(Honour)
class HonourAdmin(HonourImportAdminMixin, ScopedAdmin):
    list_display = ("holder", "title", "year", "certificate_no", "organization", "status", "resides_in_beijing")
    list_filter = ("status", "title__level", "title", "year", "resides_in_beijing")
    search_fields = ("collective_name", "member__name", "certificate_no")
    list_select_related = ("title", "member", "organization")
    autocomplete_fields = ("member", "organization")
    add_fields = ("title", "year", "certificate_no", "member", "collective_name", "organization", "notes")
    change_readonly = ("title", "holder", "organization", "status", "resides_in_beijing", "created_by", "created_at")
    actions = [*(_status_action(s.value, str(s.label)) for s in HonourStatus),
               _residence_action(True, "常住北京"), _residence_action(False, "不在京常住"), export_selected]
    actions_list = (*HonourImportAdminMixin.import_actions, "export_honours")

    @action(description=_("导出 Excel"), url_path="export-honours", icon="download", permissions=["view"])
    def export_honours(self, request):
        """The honours the changelist shows (same filters and search), IDs masked."""
        try:
            queryset = self.get_changelist_instance(request).get_queryset(request)
        except IncorrectLookupParameters:
            queryset = self.get_queryset(request)
        return honours_xlsx_response(queryset, actor=request.user, via="admin", filters=request.GET.dict())

    def changelist_view(self, request, extra_context=None):
        """The export button carries the changelist's current filters."""
        response = super().changelist_view(request, extra_context)
        query = request.GET.urlencode()
        context = getattr(response, "context_data", None)
        if query and context and context.get("actions_list"):
            ours = reverse("admin:honours_honour_export_honours")
            for item in context["actions_list"]:
                for entry in [item, *item.get("items", ())]:
                    if entry.get("path") == ours:
                        entry["path"] = f"{ours}?{query}"
        return response

    @admin.display(description=_("获得者"))
    def holder(self, obj):
        return str(obj.member) if obj.member_id else obj.collective_name  # a member's str is masked

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "organization" in form.base_fields:  # a person's unit is the member's own
            form.base_fields["organization"].required = False
            form.base_fields["organization"].help_text = "仅集体称号填写；个人称号取会员所在工会。"
        return form

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else (*self.change_readonly, "year", "certificate_no", "notes")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.change_readonly

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if change:
                services.honour_update(honour=obj, actor=request.user,
                                       **{f: data[f] for f in services.EDITABLE if f in data})
            else:
                created = services.honour_create(actor=request.user, **{f: data.get(f) for f in self.add_fields})
                obj.pk = created.pk
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from exc

    def has_delete_permission(self, request, obj=None):
        return False  # an honour is revoked (status), never deleted


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ("title", "kind", "date", "organization", "participant_count")
    list_filter = ("kind",)
    search_fields = ("title",)
    date_hierarchy = "date"
    list_select_related = ("organization",)
    autocomplete_fields = ("organization", "participants")
    fields = ("kind", "date", "title", "organization", "participants", "notes")

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(participants_total=Count("participants", distinct=True))

    @admin.display(description=_("人数"), ordering="participants_total")
    def participant_count(self, obj):
        total = getattr(obj, "participants_total", None)
        return obj.participants.count() if total is None else total

    def save_model(self, request, obj, form, change):
        try:
            services.activity_save(activity=obj, actor=request.user)
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from exc

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # the participants (the form's m2m)
from . import admin_allowances  # noqa: E402,F401
