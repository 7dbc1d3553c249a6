"""Staff admin for entries and units' quotas (scoped: a unit sees its subtree's only).

Units approve or reject their teachers' entries with the list actions, which call the
registration service (``entry_approve`` checks the unit's quota under a row lock). Members
are shown by name and masked ID (a member's ``__str__``), never the full ID.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ReadOnlyInline, ScopedAdmin

from ..models import Entry, TeamMember, UnitQuota
from ..selectors import quota_used, quotas_with_used
from ..services import structure
from ..services.registration import entry_approve, entry_reject
from .common import WithEditionFilter, error_text, is_keeper, report, service_or_denied

DECIDE = "competitions.change_entry"  # units (and the municipal admin): approve / reject


class TeamMemberInline(ReadOnlyInline):
    model = TeamMember
    fields = ("teammate", "status", "invited_at", "responded_at")

    @admin.display(description=_("队员"))
    def teammate(self, obj):
        return str(obj.member)  # masked


class RejectForm(forms.Form):
    reason = forms.CharField(label="未通过原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


@admin.action(description=_("审核通过所选报名（占用本单位名额）"), permissions=["decide"])
def approve_entries(modeladmin, request, queryset):
    done, failed = 0, []
    for entry in queryset.select_related("member", "group"):
        try:
            entry_approve(entry=entry, actor=request.user)
            done += 1
        except ValidationError as exc:
            failed.append(f"{entry.code} {entry.display_name}：{error_text(exc)}")
    report(modeladmin, request, done, "已审核通过", failed)
    return None


@admin.action(description=_("所选报名审核不通过（须填写原因）"), permissions=["decide"])
def reject_entries(modeladmin, request, queryset):
    form = RejectForm(request.POST if request.POST.get("apply") else None)
    if form.is_bound and form.is_valid():
        done, failed = 0, []
        for entry in queryset.select_related("member", "group"):
            try:
                entry_reject(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
                done += 1
            except ValidationError as exc:
                failed.append(f"{entry.code} {entry.display_name}：{error_text(exc)}")
        report(modeladmin, request, done, "已审核不通过", failed)
        return None
    context = {**modeladmin.admin_site.each_context(request), "title": "审核不通过", "form": form,
               "entries": list(queryset.select_related("member", "group")), "opts": modeladmin.model._meta,
               "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME}
    return TemplateResponse(request, "admin/competitions/entry/reject.html", context)


@admin.register(Entry)
class EntryAdmin(ScopedAdmin):
    list_display = ("code", "entrant", "group", "organization", "status", "created_at")
    list_filter = ("edition", ("group", WithEditionFilter), "status")
    search_fields = ("code", "member__name", "team_name")
    list_select_related = ("member", "group", "group__edition", "organization")  # Group.__str__ names its edition
    fields = ("code", "edition", "group", "organization", "entrant", "team_name", "course_title", "video_url",
              "supervisor_name", "lesson_plan_name", "teaching_design_name", "status", "current_stage",
              "decision_reason", "decided_by", "decided_at", "created_at", "updated_at")
    readonly_fields = fields
    inlines = (TeamMemberInline,)
    actions = [approve_entries, reject_entries]

    @admin.display(description=_("参赛人（队长）"))
    def entrant(self, obj):
        return str(obj.member)  # name and masked ID

    def has_decide_permission(self, request):
        return request.user.has_perm(DECIDE)

    def has_add_permission(self, request):
        return False  # teachers register on the portal's pages

    def has_change_permission(self, request, obj=None):
        return False  # read-only; decisions by the list actions

    def has_delete_permission(self, request, obj=None):
        return False


class UnitQuotaAdminForm(forms.ModelForm):
    class Meta:
        model = UnitQuota
        fields = ("group", "organization", "quota")

    def clean(self):
        data = super().clean()
        instance = self.instance
        group = data.get("group") or (instance.group if instance.group_id else None)
        organization = data.get("organization") or (instance.organization if instance.organization_id else None)
        quota = data.get("quota")
        if organization is not None and not organization.is_grassroots:
            raise ValidationError({"organization": structure.NOT_GRASSROOTS})
        if group is not None and organization is not None and quota is not None:
            used = quota_used(group=group, organization=organization)
            if quota < used:
                raise ValidationError({"quota": f"该单位在本组已审核通过 {used} 人，名额不能少于 {used}。"})
        return data


@admin.register(UnitQuota)
class UnitQuotaAdmin(ScopedAdmin):
    """Units read their subtree's quotas (with used and left); the municipal admin sets them."""

    form = UnitQuotaAdminForm
    list_display = ("organization", "group", "edition", "quota", "used", "left")
    list_filter = ("group__edition", ("group", WithEditionFilter))
    search_fields = ("organization__name", "group__name")
    list_select_related = ("organization", "group", "group__edition")
    autocomplete_fields = ("organization",)

    @admin.display(description=_("届次"))
    def edition(self, obj):
        return obj.group.edition

    def get_queryset(self, request):
        # approved entries counted in the list's one query (not one count per row)
        return quotas_with_used(queryset=super().get_queryset(request))

    @admin.display(description=_("已审核通过"))
    def used(self, obj):
        if getattr(obj, "approved", None) is not None:
            return obj.approved
        return quota_used(group=obj.group, organization=obj.organization)

    @admin.display(description=_("剩余"))
    def left(self, obj):
        return max(obj.quota - self.used(obj), 0)

    def get_fields(self, request, obj=None):
        return ("group", "organization", "quota") if obj is None else ("group", "organization", "quota", "used")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        if not is_keeper(request):
            return ("group", "organization", "quota", "used")
        return ("group", "organization", "used")

    def save_model(self, request, obj, form, change):
        saved = service_or_denied(lambda: structure.quota_set(
            group=obj.group, organization=obj.organization, quota=obj.quota, actor=request.user))
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        service_or_denied(lambda: structure.quota_delete(quota=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
