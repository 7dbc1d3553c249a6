"""Staff admin for petitions (Chinese, scoped): cases by deadline with their history, the
unit's work queue (待签收 / 待办理 / 即将超期), every move through ``case_transition``, the
audited reveal of the petitioner, and the city-wide calendar, rules, categories (municipal
admin only) and the 12351 accounts register."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from apps.core.admin_base import ReadOnlyInline, ScopedAdmin
from apps.core.audit import audit_record
from apps.organizations.models import Organization

from . import services
from .calendar import calendar_load_year, calendar_set_day
from .deadlines import deadlines_for
from .enums import Action, Satisfaction, Stage
from .exchange.admin import PlatformExchangeAdminMixin
from .models import CalendarDay, CalendarYear, Case, CaseEvent, Category, DeadlineRule, PlatformAccount
from .selectors import accounts_to_review, work_queue

MUNICIPAL_ACTIONS = [Action.DISPATCH, Action.CLOSE, Action.CALLBACK, Action.REOPEN, Action.APPROVE_EXTENSION,
                     Action.REFUSE_EXTENSION, Action.ESCALATE]
UNIT_ACTIONS = [Action.SIGN, Action.CONTACT, Action.REPLY, Action.RETURN, Action.REQUEST_EXTENSION,
                Action.PAUSE, Action.RESUME]


class CityWideAdmin(ScopedAdmin):
    """City-wide reference data: only the roles holding its permissions see it; for anyone
    else an object's page is a 404, like one outside their scope."""

    def get_object(self, request, object_id, from_field=None):
        opts = self.model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            raise Http404
        return super().get_object(request, object_id, from_field)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action=f"petitions.{self.model._meta.model_name}_save", target=obj,
                     data={"fields": sorted(form.changed_data)})


@admin.register(Category)
class CategoryAdmin(CityWideAdmin):
    list_display = ("__str__", "code", "rank", "is_active")
    list_select_related = ("parent",)  # __str__ names the parent (工资待遇 › 拖欠工资)
    list_filter = ("is_active",)
    search_fields = ("name", "code")


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(CityWideAdmin):
    list_display = ("case_kind", "warning_kind", "urgency", "stage", "minutes")
    list_filter = ("case_kind", "warning_kind", "urgency")

    def get_readonly_fields(self, request, obj=None):
        return ("case_kind", "warning_kind", "urgency", "stage") if obj else ()

    def has_add_permission(self, request):
        return False  # every (kind, urgency, stage) has its row from the migration


@admin.register(CalendarYear)
class CalendarYearAdmin(CityWideAdmin):
    list_display = ("year", "source", "updated_at")
    actions = ("load_from_package",)

    @admin.action(description=_("从 chinese-calendar 载入所选年度"))
    def load_from_package(self, request, queryset):
        for year in queryset:
            try:
                result = calendar_load_year(year=year.year, actor=request.user)
                messages.success(request, f"{result['year']} 年已载入（新增 {result['created']} 天）。")
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))


@admin.register(CalendarDay)
class CalendarDayAdmin(CityWideAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        calendar_set_day(date=obj.date, is_workday=obj.is_workday, name=obj.name, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("petitions.delete_calendarday")


# --- cases -------------------------------------------------------------------------------


class EventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "action", "from_status", "to_status", "organization", "actor", "note", "data")
    verbose_name_plural = _("办理记录（全部历史）")


class MoveForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=())
    unit = forms.ModelChoiceField(label=_("承办单位（派单、重办）"), queryset=Organization.objects.none(),
                                  required=False)
    note = forms.CharField(label=_("说明/原因"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    contact_at = forms.DateTimeField(label=_("联系诉求人时间"), required=False,
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    reply_text = forms.CharField(label=_("答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    satisfaction = forms.ChoiceField(label=_("回访结果"), required=False,
                                     choices=[("", "—"), *Satisfaction.choices])
    hours = forms.IntegerField(label=_("延期（工作小时）"), required=False, min_value=1)
    steps = forms.CharField(label=_("已采取措施（预警答复）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("处置结果（预警办结）"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("附件（PDF/DOCX）"), required=False)

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(a, Action(a).label) for a in actions]
        self.fields["unit"].queryset = Organization.objects.all()  # scoped per request


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("查看原因"), max_length=200)


@admin.register(Case)
class CaseAdmin(PlatformExchangeAdminMixin, ScopedAdmin):
    list_display = ("order_no", "title", "status", "urgency", "organization", "received_at", "remaining")
    list_filter = ("status", "urgency", "kind", "source", "category")
    search_fields = ("order_no", "title", "petitioner_name")
    list_select_related = ("organization", "category")
    date_hierarchy = "received_at"
    inlines = (EventInline,)
    actions_detail = ("move", "reveal")
    fields = ("kind", "source", "order_no", "received_at", "petitioner_name", "phone_masked", "id_number_masked",
              "member", "petitioner_unit", "category", "urgency", "title", "content", "organization", "status",
              "is_paused", "extension_pending", "deadline_summary", "reply_text", "satisfaction", "solved",
              "attachment_links", "warning_kind", "warning_level", "reporter", "steps", "outcome")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # orders are received through the API or the platform import (case_receive)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_move_permission(self, request, obj=None):
        return request.user.has_perm(services.HANDLE_PERMISSION) or request.user.has_perm(
            services.DISPATCH_PERMISSION)

    def has_reveal_permission(self, request, obj=None):
        return request.user.has_perm(services.REVEAL_PERMISSION)

    def get_urls(self):
        return [path("work-queue/", self.admin_site.admin_view(self.work_queue_view),
                     name="petitions_case_work_queue"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:  # the page's deadlines in one go
            self._deadlines = deadlines_for(cl.result_list)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, object_id)
        services.case_opened(case=case, actor=request.user, via="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("剩余工作时间"))
    def remaining(self, obj):
        info = getattr(self, "_deadlines", {}).get(obj.pk)
        if info is None:
            info = deadlines_for([obj])[obj.pk]
        return info.remaining_label or "—"

    @admin.display(description=_("联系电话"))
    def phone_masked(self, obj):
        return obj.phone_masked or "—"

    @admin.display(description=_("身份证号"))
    def id_number_masked(self, obj):
        return obj.id_number_masked or "—"

    @admin.display(description=_("办理期限"))
    def deadline_summary(self, obj):
        info = deadlines_for([obj])[obj.pk]
        if info.error:
            return info.error
        rows = [(Stage(d.stage).label,
                 f"{d.due_at:%Y-%m-%d %H:%M}" if d.due_at else "暂停中",
                 f"{d.done_at:%Y-%m-%d %H:%M}" if d.done_at else "未完成") for d in info.stages.values()]
        table = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html("<table><tr><th>环节</th><th>期限</th><th>完成</th></tr>{}</table><p>剩余：{}</p>",
                           table, info.remaining_label or "—")

    @admin.display(description=_("附件"))
    def attachment_links(self, obj):
        items = list(obj.attachments.order_by("id"))
        if not items:
            return "—"
        return format_html_join("<br>", '<a href="{}">{}</a>', (
            (reverse("petitions:attachment_download", args=[a.pk]), a.original_name) for a in items))

    @action(description=_("办理操作"), url_path="move")
    def move(self, request, object_id):
        case = self.get_object(request, object_id)  # scoped: 404 outside, before the permission check
        if not self.has_move_permission(request, case):
            raise PermissionDenied
        allowed = [a for a in MUNICIPAL_ACTIONS if request.user.has_perm(services.DISPATCH_PERMISSION)] + [
            a for a in UNIT_ACTIONS if request.user.has_perm(services.HANDLE_PERMISSION)]
        allowed = [a for a in allowed if case.status in services.MOVES[a][0]]
        form = MoveForm(request.POST or None, request.FILES or None, actions=allowed,
                        initial={"unit": case.petitioner_unit_id})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.case_transition(
                    case=case, action=data["action"], actor=request.user, note=data["note"], unit=data["unit"],
                    contact_at=data["contact_at"], reply_text=data["reply_text"],
                    satisfaction=data["satisfaction"], hours=data["hours"], outcome=data["outcome"],
                    steps=data["steps"],
                    attachments=[data["attachment"]] if data["attachment"] else [])
            except ValidationError as exc:
                for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"已{Action(data['action']).label}。")
                return redirect(reverse("admin:petitions_case_change", args=[case.pk]))
        return self._page(request, "admin/petitions/form.html", title=f"办理操作 · {case}", case=case, form=form,
                          multipart=True)

    @action(description=_("查看诉求人完整信息"), url_path="reveal")
    def reveal(self, request, object_id):
        case = self.get_object(request, object_id)  # scoped: 404 outside, before the permission check
        if not self.has_reveal_permission(request, case):
            raise PermissionDenied
        form = RevealForm(request.POST or None)
        revealed = None
        if request.method == "POST" and form.is_valid():
            revealed = services.case_reveal(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        return self._page(request, "admin/petitions/form.html", title=f"查看诉求人完整信息 · {case}", case=case,
                          form=form, revealed=revealed)

    def work_queue_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        queue = work_queue()
        sections = [("待签收", queue["to_sign"]), ("待办理", queue["to_handle"]), ("即将超期", queue["due_soon"])]
        return self._page(request, "admin/petitions/work_queue.html", title="诉求工作台", sections=sections)

    def _page(self, request, template, **context):
        response = TemplateResponse(request, template, {**self.admin_site.each_context(request),
                                                        "opts": self.model._meta, **context})
        add_never_cache_headers(response)
        return response


@admin.register(PlatformAccount)
class PlatformAccountAdmin(ScopedAdmin):
    list_display = ("holder_name", "organization", "phone_masked", "status", "opened_on", "review")
    list_filter = ("status",)
    search_fields = ("holder_name",)
    list_select_related = ("organization", "member__organization")
    fields = ("organization", "holder_name", "member", "phone_masked", "status", "opened_on", "notes")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # registered through the API (account_register)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("认证手机号"))
    def phone_masked(self, obj):
        return obj.phone_masked

    @admin.display(description=_("人员调整核对"))
    def review(self, obj):
        flagged = dict((a.pk, why) for a, why in getattr(self, "_review", []))
        return flagged.get(obj.pk, "")

    def changelist_view(self, request, extra_context=None):
        self._review = accounts_to_review()
        return super().changelist_view(request, extra_context)


from . import admin_warnings  # noqa: E402,F401  (the labour-relations warnings' list)
