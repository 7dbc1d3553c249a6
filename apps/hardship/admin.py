"""Staff admin for hardship aid (Chinese, scoped): files listed masked, every opened file
audited; applications with the other aid the applicant got this year and the moves as
actions (through ``application_transition``); love funds and their book (read-only; donations
through the API/service)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .enums import ApplicationAction
from .models import AidApplication, AidEvidence, FundEntry, HardshipFile, HardshipReview, LoveFund, mask_name
from .selectors import other_aid


class ReviewInline(ReadOnlyInline):
    model = HardshipReview
    fields = ("reviewed_on", "level", "household_size", "household_income", "still_in_hardship", "note")


@admin.register(HardshipFile)
class HardshipFileAdmin(ReadOnlyAdmin):
    list_display = ("masked_name", "organization", "level", "status", "last_reviewed_on", "next_review_on")
    list_select_related = ("member", "organization")
    list_filter = ("status", "level")
    fields = ("member", "organization", "level", "causes", "household_size", "household_income", "status",
              "opened_on", "last_reviewed_on", "next_review_on", "closed_on", "close_reason")
    readonly_fields = fields
    inlines = (ReviewInline,)

    @admin.display(description=_("姓名"))
    def masked_name(self, obj):
        return mask_name(obj.member.name)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200 and request.method == "GET":
            services.file_opened(file=self.get_object(request, object_id), actor=request.user, via="admin")
        return response


class EvidenceInline(ReadOnlyInline):
    model = AidEvidence
    fields = ("original_name", "uploaded_at")


def _move(action: str):
    def act(modeladmin, request, queryset):
        done, failed = 0, []
        for application in queryset:
            try:
                services.application_transition(application=application, action=action, actor=request.user,
                                                reason="后台批量驳回" if action == ApplicationAction.REJECT else "")
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                failed.append(f"{mask_name(application.member.name)}：{text}")
        if done:
            modeladmin.message_user(request, f"已对 {done} 条申请执行“{ApplicationAction(action).label}”。",
                                    messages.SUCCESS)
        for text in failed:
            modeladmin.message_user(request, text, messages.ERROR)

    act.__name__ = f"do_{action}"
    act.short_description = ApplicationAction(action).label
    act.allowed_permissions = ("view",)  # the service checks the move's own permission
    return act


@admin.register(AidApplication)
class AidApplicationAdmin(ReadOnlyAdmin):
    list_display = ("masked_name", "organization", "kind", "amount", "applied_on", "status")
    list_select_related = ("member", "organization")
    list_filter = ("status", "kind")
    fields = ("member", "organization", "kind", "amount", "reason", "applied_on", "fund", "status",
              "approved_at", "reject_reason", "batch", "other_aid_this_year")
    readonly_fields = fields
    inlines = (EvidenceInline,)
    actions = [_move(a) for a in ApplicationAction.values]

    @admin.display(description=_("姓名"))
    def masked_name(self, obj):
        return mask_name(obj.member.name)

    @admin.display(description=_("本年度已获其他帮扶（含其他单位）"))
    def other_aid_this_year(self, obj):
        rows = other_aid(application=obj)
        if not rows:
            return "无"
        return format_html_join("", "<div>{} {} {} 元（{}，{}）</div>",
                                ((r["date"], r["kind"], r["amount"], r["status"], r["unit"]) for r in rows))


@admin.register(LoveFund)
class LoveFundAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "balance", "donations_total", "grants_total")
    list_select_related = ("organization",)


@admin.register(FundEntry)
class FundEntryAdmin(ReadOnlyAdmin):
    list_display = ("on_date", "fund", "kind", "amount", "balance_after", "donor_name", "receipt_no")
    list_select_related = ("fund",)
    list_filter = ("kind",)
