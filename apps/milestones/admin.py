"""Staff admin of 从教30周年 (Chinese, scoped: a university sees its own rolls, the municipal
union every one). Read-only records; every change is an action calling the services:
重新生成名单 / 确认名单 / 退回修改 (the unit), 颁发纪念证书 (the municipal union: a job)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apps.accounts.acting import acting_organization
from apps.core.admin_base import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .issuing import certificates_issue
from .models import ThirtyYearHonoree, ThirtyYearRoll
from .selectors import thirty_missing_dates


def _errors(exc: Exception) -> str:
    return "；".join(getattr(exc, "messages", None) or [str(exc)])


class HonoreeInline(ReadOnlyInline):
    model = ThirtyYearHonoree
    fields = ("name", "teaching_since", "code", "issued_at")
    readonly_fields = fields
    verbose_name = "人员"
    verbose_name_plural = "名单人员"


def _each(modeladmin, request, queryset, service, label: str) -> None:
    done, failed = 0, []
    for roll in queryset.select_related("organization"):
        try:
            service(roll=roll, actor=request.user)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            failed.append(f"{roll.organization.name}：{_errors(exc)}")
    if done:
        modeladmin.message_user(request, f"已{label} {done} 份名单。", messages.SUCCESS)
    for text in failed:
        modeladmin.message_user(request, text, messages.ERROR)


@admin.action(description="确认所选名单（单位确认）", permissions=["change"])
def confirm_rolls(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, services.roll_confirm, "确认")


@admin.action(description="退回修改（证书颁发前）", permissions=["change"])
def reopen_rolls(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, services.roll_reopen, "退回")


@admin.action(description="按会员登记信息重新生成所选名单", permissions=["change"])
def rebuild_rolls(modeladmin, request, queryset):
    def build(*, roll, actor):
        return services.roll_build(organization=roll.organization, year=roll.year, actor=actor)

    _each(modeladmin, request, queryset, build, "重新生成")


@admin.action(description="颁发所选名单的纪念证书（后台任务）", permissions=["issue"])
def issue_certificates(modeladmin, request, queryset):
    try:
        job = certificates_issue(rolls=queryset.select_related("organization"), actor=request.user,
                                 organization=acting_organization(request.user))
    except (ValidationError, PermissionDenied) as exc:
        modeladmin.message_user(request, _errors(exc), messages.ERROR)
        return None
    modeladmin.message_user(request, "已开始颁发证书，请在任务页面查看进度。", messages.SUCCESS)
    return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


@admin.register(ThirtyYearRoll)
class ThirtyYearRollAdmin(ReadOnlyAdmin):
    list_display = ("year", "organization", "status", "honoree_count", "confirmed_at", "issued_at", "roster_link")
    list_filter = ("year", "status")
    search_fields = ("organization__name",)
    list_select_related = ("organization",)
    ordering = ("-year", "organization__path")
    actions = [confirm_rolls, reopen_rolls, rebuild_rolls, issue_certificates]
    fields = ("organization", "year", "status", "honoree_count", "confirmed_by", "confirmed_at", "issued_at",
              "roster_link", "missing_dates")
    readonly_fields = fields
    inlines = [HonoreeInline]

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("milestones.change_thirtyyearroll")  # actions only

    def has_issue_permission(self, request):
        return request.user.has_perm(services.ISSUE_PERMISSION)

    @admin.display(description="名册")
    def roster_link(self, obj):
        return format_html('<a href="{}">下载名册（Excel）</a>', reverse("milestones:roster", args=[obj.pk]))

    @admin.display(description="从教日期缺失（请核实补录，非教学岗位可忽略）")
    def missing_dates(self, obj):
        people = list(thirty_missing_dates(organization=obj.organization, year=obj.year)[:200])
        if not people:
            return "无"
        return format_html_join("、", "{}", ((m.name,) for m in people))


@admin.register(ThirtyYearHonoree)
class ThirtyYearHonoreeAdmin(ReadOnlyAdmin):
    list_display = ("name", "roll", "teaching_since", "code", "issued_at", "pdf_link")
    list_filter = ("roll__year",)
    search_fields = ("name", "code")
    list_select_related = ("roll__organization",)
    fields = ("name", "roll", "teaching_since", "code", "issued_at", "pdf_link")
    readonly_fields = fields

    @admin.display(description="证书")
    def pdf_link(self, obj):
        if not obj.code or not obj.issued_at:
            return "未颁发"
        return format_html('<a href="{}">下载证书（PDF）</a>', reverse("milestones:certificate_pdf", args=[obj.code]))
