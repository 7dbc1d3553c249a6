"""Staff admin for the structure of editions (the municipal admin's only): series, editions
with their groups, stages and bonuses, groups with their quotas and prize rules, stages with
their criteria. Writes go through ``structure``; status moves are list actions; an edition
whose results are published is read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline

from apps.core.audit import audit_record

from ..enums import EditionStatus
from ..models import Criterion, Edition, Group, PrizeBonus, PrizeRule, Series, Stage, UnitQuota
from ..selectors import quota_used
from ..services import structure
from ..services.bonuses import bonus_batch_create
from ..services.scoring import stage_advance, stage_aggregate
from .common import KeeperAdmin, error_text, report, service_or_denied
from .publish import EditionPublishMixin


def _published(edition) -> bool:
    return edition is not None and edition.status == EditionStatus.PUBLISHED


class StructureInline(TabularInline):
    """An inline of an edition's structure: read-only once the edition is published."""

    extra = 0

    @staticmethod
    def edition_of(obj):
        if obj is None:
            return None
        return obj if isinstance(obj, Edition) else getattr(obj, "edition", None)

    def has_add_permission(self, request, obj=None):
        return not _published(self.edition_of(obj)) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _published(self.edition_of(obj)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(self.edition_of(obj)) and super().has_delete_permission(request, obj)


class StructureAdmin(KeeperAdmin):
    """Saves and deletes through ``structure`` (audited; refused once published)."""

    def has_change_permission(self, request, obj=None):
        return not _published(getattr(obj, "edition", None)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _published(getattr(obj, "edition", None)) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        service_or_denied(lambda: structure.structure_save(obj=obj, actor=request.user))

    def delete_model(self, request, obj):
        service_or_denied(lambda: structure.structure_delete(obj=obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            if isinstance(obj, UnitQuota):
                continue  # saved by the group admin through quota_set
            service_or_denied(lambda obj=obj: structure.structure_save(obj=obj, actor=request.user))
        for obj in formset.deleted_objects:
            service_or_denied(lambda obj=obj: structure.structure_delete(obj=obj, actor=request.user))
        formset.save_m2m()


@admin.register(Series)
class SeriesAdmin(KeeperAdmin):
    list_display = ("name", "code")
    fields = ("code", "name", "description")
    readonly_fields = ("code",)

    def has_add_permission(self, request):
        return False  # the three series are data (a migration adds them)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="competition_series.update", target=obj, data={"name": obj.name})


class GroupForm(forms.ModelForm):
    """The group service's rules (team size) shown beside the field, before saving."""

    class Meta:
        model = Group
        fields = ("name", "code", "track", "entry_kind", "team_size", "capacity", "order")

    def _post_clean(self):
        super()._post_clean()
        try:
            structure.group_check_fields(group=self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class GroupInline(StructureInline):
    model = Group
    form = GroupForm
    fields = ("name", "code", "track", "entry_kind", "team_size", "capacity", "order")
    show_change_link = True


class StageInline(StructureInline):
    model = Stage
    fields = ("order", "name", "level", "advance_count")
    show_change_link = True


class PrizeBonusInline(StructureInline):
    model = PrizeBonus
    fields = ("kind", "level", "amount")


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = "__all__"

    def _post_clean(self):
        super()._post_clean()
        try:
            structure.edition_check_fields(edition=self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


def _move_action(to: str, name: str, label: str, done_label: str):
    def act(modeladmin, request, queryset):
        done, failed = 0, []
        for edition in queryset:
            try:
                structure.edition_transition(edition=edition, to=to, actor=request.user)
                done += 1
            except ValidationError as exc:
                failed.append(f"{edition.name}：{error_text(exc)}")
        report(modeladmin, request, done, done_label, failed)

    act.__name__ = name
    act.short_description = label
    act.allowed_permissions = ("change",)
    return act


@admin.action(description=_("生成奖金发放批次（已发布的届次）"), permissions=["bonus"])
def bonus_batch(modeladmin, request, queryset):
    done, failed = 0, []
    for edition in queryset:
        try:
            bonus_batch_create(edition=edition, actor=request.user)
            done += 1
        except ValidationError as exc:
            failed.append(f"{edition.name}：{error_text(exc)}")
    report(modeladmin, request, done, "已生成奖金发放批次（草稿，待提交审批）", failed)


def _stage_action(name: str, label: str, done_label: str, run):
    def act(modeladmin, request, queryset):
        done, failed = 0, []
        for stage in queryset.select_related("edition"):
            try:
                run(stage=stage, actor=request.user)
                done += 1
            except ValidationError as exc:
                failed.append(f"{stage}：{error_text(exc)}")
        report(modeladmin, request, done, done_label, failed)

    act.__name__ = name
    act.short_description = label
    act.allowed_permissions = ("change",)
    return act


def _aggregate(*, stage, actor):
    stage_aggregate(stage=stage, actor=actor)


def _advance(*, stage, actor):
    stage_advance(stage=stage, actor=actor)  # aggregates the groups not yet advanced first


@admin.action(description=_("复制为下一届（筹备中）"), permissions=["add"])
def copy_next(modeladmin, request, queryset):
    done, failed = 0, []
    for edition in queryset:
        number, year = edition.number + 1, edition.year + 1
        name = edition.name.replace(f"第{edition.number}届", f"第{number}届")
        if name == edition.name:
            name = f"{edition.name}（第{number}届）"
        try:
            structure.edition_copy(edition=edition, number=number, year=year, name=name, actor=request.user)
            done += 1
        except ValidationError as exc:
            failed.append(f"{edition.name}：{error_text(exc)}")
    report(modeladmin, request, done, "已复制为下一届", failed)


@admin.register(Edition)
class EditionAdmin(EditionPublishMixin, StructureAdmin):
    form = EditionForm
    list_display = ("name", "series", "number", "year", "status", "registration_opens", "registration_closes")
    list_filter = ("series", "status", "year")
    search_fields = ("name",)
    list_select_related = ("series",)
    autocomplete_fields = ("participating_units", "organisation_award_units")
    readonly_fields = ("status", "published_at", "published_by", "bonus_batch", "created_at")
    fieldsets = (
        (None, {"fields": ("series", "number", "year", "name", "status")}),
        (_("报名"), {"fields": ("registration_opens", "registration_closes", "age_limit", "age_cutoff",
                               "participating_units")}),
        (_("报名须提交"), {"fields": ("requires_course_title", "requires_lesson_plan", "requires_teaching_design",
                                  "requires_video")}),
        (_("评审与奖项"), {"fields": ("blind_judging", "trim_min_judges", "supervisor_award_levels",
                                  "organisation_award_units")}),
        (_("发布"), {"fields": ("published_at", "published_by", "bonus_batch", "created_at")}),
    )
    inlines = (GroupInline, StageInline, PrizeBonusInline)
    actions = [
        _move_action(EditionStatus.OPEN, "open_registration", "开放报名（筹备中 → 报名中）", "已开放报名"),
        _move_action(EditionStatus.JUDGING, "close_registration", "截止报名，进入评审（报名中 → 评审中）",
                     "已截止报名，进入评审"),
        copy_next,
        bonus_batch,
    ]
    actions_detail = ("prize_preview", "publish_results")

    def has_bonus_permission(self, request):
        return KeeperAdmin.has_view_permission(self, request) and request.user.has_perm("payments.add_paymentbatch")

    def has_change_permission(self, request, obj=None):
        return not _published(obj) and KeeperAdmin.has_change_permission(self, request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # an edition with entries is kept; one set up by mistake stays 筹备中

    def save_model(self, request, obj, form, change):
        service_or_denied(lambda: structure.edition_save(edition=obj, actor=request.user))


class UnitQuotaForm(forms.ModelForm):
    class Meta:
        model = UnitQuota
        fields = ("organization", "quota")

    def clean(self):
        data = super().clean()
        organization, quota = data.get("organization"), data.get("quota")
        if organization is not None and not organization.is_grassroots:
            raise ValidationError({"organization": structure.NOT_GRASSROOTS})
        group = self.instance.group if self.instance.group_id else None
        if group is not None and organization is not None and quota is not None:
            used = quota_used(group=group, organization=organization)
            if quota < used:
                raise ValidationError({"quota": f"该单位在本组已审核通过 {used} 人，名额不能少于 {used}。"})
        return data


class UnitQuotaInline(StructureInline):
    model = UnitQuota
    form = UnitQuotaForm
    fields = ("organization", "quota", "used")
    readonly_fields = ("used",)
    autocomplete_fields = ("organization",)

    @admin.display(description=_("已审核通过"))
    def used(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return quota_used(group=obj.group, organization=obj.organization)


class PrizeRuleForm(forms.ModelForm):
    class Meta:
        model = PrizeRule
        fields = ("group", "level", "ratio", "count")

    def clean(self):
        data = super().clean()
        ratio, count = data.get("ratio"), data.get("count")
        if (ratio is None) == (count is None):
            raise ValidationError("比例和名额须填且只填一项（如一等奖按 0.15 或按 10 名）。")
        if ratio is not None and not 0 < ratio <= 1:
            raise ValidationError({"ratio": "比例应在 0 到 1 之间，如 0.15 表示前 15%。"})
        return data


class PrizeRuleInline(StructureInline):
    model = PrizeRule
    form = PrizeRuleForm
    fields = ("level", "ratio", "count")


class GroupAdminForm(GroupForm):
    class Meta(GroupForm.Meta):
        fields = ("edition", *GroupForm.Meta.fields)


@admin.register(Group)
class GroupAdmin(StructureAdmin):
    form = GroupAdminForm
    list_display = ("name", "edition", "track", "entry_kind", "team_size", "capacity", "order")
    list_filter = ("edition", "track", "entry_kind")
    search_fields = ("name", "code", "edition__name")
    list_select_related = ("edition",)
    fields = ("edition", "name", "code", "track", "entry_kind", "team_size", "capacity", "order")
    inlines = (UnitQuotaInline, PrizeRuleInline)

    def get_readonly_fields(self, request, obj=None):
        return ("edition",) if obj is not None else ()

    def save_formset(self, request, form, formset, change):
        if formset.model is not UnitQuota:
            return super().save_formset(request, form, formset, change)
        for quota in formset.save(commit=False):
            service_or_denied(lambda q=quota: structure.quota_set(group=form.instance, organization=q.organization,
                                                                  quota=q.quota, actor=request.user))
        for quota in formset.deleted_objects:
            service_or_denied(lambda q=quota: structure.quota_delete(quota=q, actor=request.user))


class CriterionInline(StructureInline):
    model = Criterion
    fields = ("order", "group", "name", "weight", "single_award_name")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        group = formset.form.base_fields.get("group")
        if group is not None:  # only this edition's groups (blank: every group of the stage)
            group.queryset = Group.objects.filter(edition_id=obj.edition_id) if obj else Group.objects.none()
        return formset


@admin.register(Stage)
class StageAdmin(StructureAdmin):
    list_display = ("name", "edition", "order", "level", "advance_count")
    list_filter = ("edition", "level")
    list_select_related = ("edition",)
    fields = ("edition", "order", "name", "level", "advance_count")
    inlines = (CriterionInline,)
    actions = [
        _stage_action("aggregate_scores", "汇总本轮成绩（已提交的评分表）", "已汇总成绩", _aggregate),
        _stage_action("advance_by_rank", "按名次晋级下一轮（先汇总成绩）", "已按名次晋级", _advance),
    ]

    def get_readonly_fields(self, request, obj=None):
        return ("edition",) if obj is not None else ()


@admin.register(PrizeRule)
class PrizeRuleAdmin(StructureAdmin):
    form = PrizeRuleForm
    list_display = ("group", "level", "ratio", "count")
    list_filter = ("group__edition", "level")
    list_select_related = ("group", "group__edition")
    fields = ("group", "level", "ratio", "count")

    def has_change_permission(self, request, obj=None):
        edition = obj.group.edition if obj is not None else None
        return not _published(edition) and KeeperAdmin.has_change_permission(self, request, obj)

    def has_delete_permission(self, request, obj=None):
        edition = obj.group.edition if obj is not None else None
        return not _published(edition) and KeeperAdmin.has_delete_permission(self, request, obj)


@admin.register(PrizeBonus)
class PrizeBonusAdmin(StructureAdmin):
    list_display = ("edition", "kind", "level", "amount")
    list_filter = ("edition", "kind")
    list_select_related = ("edition",)
    fields = ("edition", "kind", "level", "amount")
