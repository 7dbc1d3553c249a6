"""Staff admin for mutual aid (Chinese, scoped): plans (the municipal admin edits figures,
audited), enrolments (read-only; enrol through the API: query, Excel list, model workers),
claims with the moves as actions (through ``claim_transition``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ReadOnlyAdmin, ReadOnlyInline, ScopedAdmin

from . import services
from .enums import ClaimAction
from .models import Claim, ClaimEvidence, Enrolment, Plan


@admin.register(Plan)
class PlanAdmin(ScopedAdmin):
    list_display = ("name", "code", "contribution", "rule", "per_day", "fixed_sum", "yearly_cap", "eligibility",
                    "is_active")
    fields = ("code", "name", "rule", "eligibility", *services.PLAN_FIELDS[1:])
    readonly_fields = ("code", "rule", "eligibility")

    def get_object(self, request, object_id, from_field=None):
        if not request.user.has_perm("mutual_aid.view_plan"):
            raise Http404
        return super().get_object(request, object_id, from_field)

    def has_add_permission(self, request):
        return False  # the plans come from the migration; a new kind is a new release

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.plan_update(plan=obj, actor=request.user,
                             **{f: form.cleaned_data[f] for f in form.changed_data if f in services.PLAN_FIELDS})


@admin.register(Enrolment)
class EnrolmentAdmin(ReadOnlyAdmin):
    list_display = ("year", "plan", "member", "organization", "contribution", "source")
    list_select_related = ("plan", "member", "organization")
    list_filter = ("year", "plan", "source")


class EvidenceInline(ReadOnlyInline):
    model = ClaimEvidence
    fields = ("original_name", "uploaded_at")


def _move(action: str):
    def act(modeladmin, request, queryset):
        done, failed = 0, []
        for claim in queryset:
            try:
                services.claim_transition(claim=claim, action=action, actor=request.user,
                                          reason="后台批量驳回" if action == ClaimAction.REJECT else "")
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                failed.append(f"{claim.member.name}：{text}")
        if done:
            modeladmin.message_user(request, f"已对 {done} 条申请执行“{ClaimAction(action).label}”。", messages.SUCCESS)
        for text in failed:
            modeladmin.message_user(request, text, messages.ERROR)

    act.__name__ = f"do_{action}"
    act.short_description = ClaimAction(action).label
    act.allowed_permissions = ("view",)  # the service checks the move's own permission
    return act


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ("member", "plan", "organization", "event_date", "days", "computed_amount", "amount", "status")
    list_select_related = ("member", "plan", "organization")
    list_filter = ("status", "plan", "year")
    inlines = (EvidenceInline,)
    actions = [_move(a) for a in ClaimAction.values]
    fields = ("plan", "year", "member", "organization", "event_date", "days", "diagnosis", "computed_amount",
              "amount", "status", "approved_at", "reject_reason", "batch")
    readonly_fields = fields
