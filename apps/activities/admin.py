"""Staff admin for the activities engine (Chinese, scoped to the organiser's subtree):
activities with their sessions, the draw, check-in by list, no-shows, cost records, and the
interest clubs with their members. Every write calls a service."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from apps.core.admin_base import ReadOnlyAdmin, ScopedAdmin

from . import services
from .eligibility import rules_validate
from .enums import ApplicationStatus, CheckInMethod
from .models import Activity, Application, Club, CostRecord, Participation, Session


def _report(request, fn, queryset, done: str) -> None:
    count = 0
    for obj in queryset:
        try:
            fn(obj)
            count += 1
        except ValidationError as exc:
            messages.error(request, f"{obj}：{'；'.join(exc.messages)}")
    if count:
        messages.success(request, done.format(n=count))


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = "__all__"

    def clean_rules(self):
        return rules_validate(self.cleaned_data.get("rules") or [])

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "报名截止时间应晚于开始时间。")
        club = data.get("club")
        if club and data.get("organization") and club.organization_id != data["organization"].pk:
            self.add_error("club", "兴趣汇活动应由承办该兴趣汇的工会组织。")
        return data


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ("activity", "name", "starts_on", "ends_on", "places", "quotas", "draw_seed")

    def clean(self):
        data = super().clean()
        probe = Session(pk=self.instance.pk, places=data.get("places") or 0, quotas=data.get("quotas") or {},
                        drawn_at=self.instance.drawn_at)
        try:
            services.session_validate(session=probe)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return data


class SessionInline(TabularInline):
    model = Session
    form = SessionForm
    fields = ("name", "starts_on", "ends_on", "places", "quotas")
    extra = 0
    show_change_link = True


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    form = ActivityForm
    list_display = ("title", "kind", "organization", "allocation", "opens_at", "closes_at", "published")
    list_filter = ("kind", "allocation", "published")
    search_fields = ("title",)
    list_select_related = ("organization",)
    autocomplete_fields = ("organization", "club")
    inlines = (SessionInline,)
    fields = ("kind", "title", "organization", "club", "place", "description", "cost_per_person", "payer", "vendor",
              "opens_at", "closes_at", "allocation", "rules", "city_wide", "published")

    def save_model(self, request, obj, form, change):
        services.activity_save(activity=obj, actor=request.user)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            services.session_save(session=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    form = SessionForm
    list_display = ("__str__", "starts_on", "places", "drawn_at", "tools")
    list_select_related = ("activity",)
    search_fields = ("name", "activity__title")
    autocomplete_fields = ("activity",)
    readonly_fields = ("draw_hash", "drawn_at", "draw_summary")
    actions = ("draw", "no_shows", "settle")

    def get_fields(self, request, obj=None):
        return ("activity", "name", "starts_on", "ends_on", "places", "quotas", "draw_seed", "draw_hash", "drawn_at",
                "draw_summary")

    @admin.display(description=_("抽签结果"))
    def draw_summary(self, obj):
        if not obj or not obj.drawn_at:
            return "—"
        r = obj.draw_result
        return f"报名 {len(obj.draw_applicants)} 人，中签 {len(r.get('allocated', []))} 人，候补 {len(r.get('waitlist', []))} 人"

    @admin.display(description=_("签到与名单"))
    def tools(self, obj):
        from django.urls import reverse

        return format_html('<a href="{}">签到二维码与 Excel</a>', reverse("activities:qr", args=[obj.pk]))

    def save_model(self, request, obj, form, change):
        services.session_save(session=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("抽签（使用填写的种子，未填则随机生成并公布）"))
    def draw(self, request, queryset):
        _report(request, lambda s: services.session_draw(session=s, actor=request.user, seed=s.draw_seed),
                queryset.select_related("activity"), "已完成 {n} 个期次的抽签。")

    @admin.action(description=_("登记未到人员（活动结束后）"))
    def no_shows(self, request, queryset):
        _report(request, lambda s: services.session_record_no_shows(session=s, actor=request.user), queryset,
                "已登记 {n} 个期次的未到人员。")

    @admin.action(description=_("生成费用记录（付承办方或补贴）"))
    def settle(self, request, queryset):
        _report(request, lambda s: services.session_settle(session=s, actor=request.user),
                queryset.select_related("activity__organization"), "已生成 {n} 条费用记录。")


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ("member", "session", "organization", "status", "wait_rank", "via_quota", "checked_in_at")
    list_filter = ("status", "session__activity__kind")
    search_fields = ("member__name", "session__activity__title")
    list_select_related = ("member", "session__activity", "organization")
    exclude = ("child_id_number",)
    readonly_fields = ("child_id_masked",)
    actions = ("check_in", "withdraw")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("activities.change_application") if obj is None else False

    @admin.action(description=_("名单签到"), permissions=["change"])
    def check_in(self, request, queryset):
        _report(request, lambda a: services.application_check_in(application=a, actor=request.user,
                                                                  method=CheckInMethod.LIST),
                queryset.select_related("session"), "已签到 {n} 人。")

    @admin.action(description=_("代为退出（名额递补给候补）"), permissions=["change"])
    def withdraw(self, request, queryset):
        _report(request, lambda a: services.application_withdraw(application=a, actor=request.user),
                queryset.exclude(status=ApplicationStatus.WITHDRAWN), "已退出 {n} 人。")


@admin.register(Club)
class ClubAdmin(ScopedAdmin):
    list_display = ("name", "organization", "is_active")
    list_select_related = ("organization",)
    search_fields = ("name",)
    autocomplete_fields = ("organization",)
    fields = ("name", "organization", "description", "is_active")

    def save_model(self, request, obj, form, change):
        services.club_save(club=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    list_display = ("member", "session", "method", "attended_on")
    list_select_related = ("member", "session__activity")
    list_filter = ("method",)
    search_fields = ("member__name",)


@admin.register(CostRecord)
class CostRecordAdmin(ReadOnlyAdmin):
    list_display = ("session", "kind", "payee", "headcount", "per_person", "amount", "created_at")
    list_select_related = ("session__activity",)
    list_filter = ("kind",)
