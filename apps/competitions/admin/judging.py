"""Staff admin for judges (the municipal admin's only): assignments to a group and stage,
declared conflicts, and the score sheets (read-only; judges score on their own pages).

A judge is chosen among users holding an active 评委 role; assignments and declarations go
through the judging service (``judge_assign``, ``conflict_declare``), which records the unit
of the judge's role on the assignment (whose entries the judge never sees), never typed.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget

from apps.core.admin_base import ReadOnlyInline
from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment, User
from apps.core.scoping import scopes_disabled

from ..models import ConflictDeclaration, JudgeAssignment, Score, ScoreSheet
from ..services.judging import conflict_declare, conflict_delete, conflict_update, judge_assign, judge_unassign
from .common import KeeperAdmin, ReadOnlyMixin, WithEditionFilter, service_or_denied


def judge_roles(user) -> list[RoleAssignment]:
    with scopes_disabled():  # a judge's roles name their own union, whoever assigns them
        return list(RoleAssignment.objects.filter(user=user, role=Role.JUDGE, is_active=True)
                    .select_related("organization").order_by("id"))


class JudgeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        units = "、".join(r.organization.name for r in judge_roles(obj))
        return f"{obj}（{obj.username}，{units}）"


def _judges():
    return (User.objects.filter(is_active=True, roles__role=Role.JUDGE, roles__is_active=True)
            .distinct().order_by("username"))


class JudgeAssignmentForm(forms.ModelForm):
    judge = JudgeChoiceField(label="评委", queryset=User.objects.none(), widget=UnfoldAdminSelectWidget,
                             help_text="持有“评委”角色的用户；其所在单位按角色自动记录，该单位的报名不会分给他。")

    class Meta:
        model = JudgeAssignment
        fields = ("stage", "group", "judge")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "judge" in self.fields:  # absent on the read-only change page
            self.fields["judge"].queryset = _judges()

    def clean(self):
        data = super().clean()
        stage, group = data.get("stage"), data.get("group")
        if stage is not None and group is not None and stage.edition_id != group.edition_id:
            raise ValidationError({"group": "组别与轮次不属于同一届比赛。"})
        judge = data.get("judge")
        if judge is not None and not judge_roles(judge):
            raise ValidationError({"judge": "该用户没有有效的评委角色。"})
        return data


@admin.register(JudgeAssignment)
class JudgeAssignmentAdmin(KeeperAdmin):
    form = JudgeAssignmentForm
    list_display = ("judge", "organization", "group", "stage", "created_at")
    list_filter = ("stage__edition", ("group", WithEditionFilter), ("stage", WithEditionFilter))
    search_fields = ("judge__username", "judge__full_name", "group__name")
    list_select_related = ("judge", "organization", "group", "group__edition", "stage", "stage__edition")

    def get_fields(self, request, obj=None):
        return ("stage", "group", "judge") if obj is None else ("stage", "group", "judge", "organization",
                                                                "created_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("stage", "group", "judge", "organization", "created_at")

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = service_or_denied(lambda: judge_assign(
            stage=data["stage"], group=data["group"], judge=data["judge"], actor=request.user))
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        service_or_denied(lambda: judge_unassign(assignment=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ConflictForm(forms.ModelForm):
    judge = JudgeChoiceField(label="评委", queryset=User.objects.none(), widget=UnfoldAdminSelectWidget)

    class Meta:
        model = ConflictDeclaration
        fields = ("judge", "organization", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "judge" in self.fields:  # absent on the read-only change page
            self.fields["judge"].queryset = _judges()


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(KeeperAdmin):
    form = ConflictForm
    list_display = ("judge", "organization", "reason", "created_at")
    search_fields = ("judge__username", "judge__full_name", "organization__name")
    list_select_related = ("judge", "organization")
    autocomplete_fields = ("organization",)

    def save_model(self, request, obj, form, change):
        if not change:
            saved = service_or_denied(lambda: conflict_declare(
                judge=obj.judge, organization=obj.organization, reason=obj.reason, actor=request.user))
            obj.pk = saved.pk
            return
        service_or_denied(lambda: conflict_update(declaration=obj, judge=obj.judge, organization=obj.organization,
                                                  reason=obj.reason, actor=request.user))

    def delete_model(self, request, obj):
        service_or_denied(lambda: conflict_delete(declaration=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ScoreInline(ReadOnlyInline):
    model = Score
    fields = ("criterion", "value")


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyMixin, KeeperAdmin):
    list_display = ("entry", "judge", "stage", "status", "total", "submitted_at")
    list_filter = ("assignment__stage__edition", ("assignment__group", WithEditionFilter), "status")
    search_fields = ("entry__code", "assignment__judge__username")
    list_select_related = ("entry", "entry__member", "assignment", "assignment__judge", "assignment__stage")
    fields = ("entry", "assignment", "status", "total", "submitted_at", "updated_at")
    readonly_fields = fields
    inlines = (ScoreInline,)

    @admin.display(description=_("评委"))
    def judge(self, obj):
        return obj.assignment.judge

    @admin.display(description=_("轮次"))
    def stage(self, obj):
        return obj.assignment.stage.name
