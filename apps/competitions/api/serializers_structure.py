"""Serializers of /api/v1/competitions/editions|groups|quotas.

Statuses and levels are plain strings with a label beside them (no enum components, so
the schema's enum names stay unambiguous across apps)."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField
from apps.organizations.models import Organization

from ..models import Criterion, Edition, Group, Series, Stage, UnitQuota
from ..selectors import group_figures, quota_used


def _acting_unit(context):
    from apps.accounts.acting import acting_organization

    request = context.get("request")
    if request is None or not request.user.has_perm("competitions.view_unitquota"):
        return None  # teachers and judges: no unit's quota figures
    return acting_organization(request.user)


def _response_groups(root, obj) -> list:
    """The groups a response shows: a page of groups, the groups of a page of editions, or ``obj``."""
    items = list(root) if isinstance(root, (list, tuple, QuerySet)) else [root]
    groups = []
    for item in items:
        if isinstance(item, Group):
            groups.append(item)
        elif isinstance(item, Edition):
            groups.extend(item.groups.all())
    return groups if any(g.pk == obj.pk for g in groups) else [obj]


class GroupQuotaSummarySerializer(serializers.Serializer):
    quota = serializers.IntegerField(help_text="名额（可审核通过的报名数）")
    used = serializers.IntegerField(help_text="已审核通过")
    left = serializers.IntegerField(help_text="剩余")


@extend_schema_serializer(component_name="CompetitionCriterion")
class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ("id", "name", "weight", "order", "single_award_name")


@extend_schema_serializer(component_name="CompetitionStage")
class StageSerializer(serializers.ModelSerializer):
    level = serializers.CharField(read_only=True, help_text="district 区级 / municipal 市级")
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Stage
        fields = ("id", "order", "name", "level", "level_label", "advance_count", "criteria")


@extend_schema_serializer(component_name="CompetitionGroup")
class GroupSerializer(serializers.ModelSerializer):
    """A group with the city-wide places left (when capped) and the acting unit's own
    quota (null when it has none). Other units' quotas are never shown."""

    edition = serializers.PrimaryKeyRelatedField(queryset=Edition.objects.all())
    places_left = serializers.SerializerMethodField(help_text="全市剩余报名名额；不限时为 null")
    my_quota = serializers.SerializerMethodField(help_text="本单位在本组的名额、已审核通过和剩余；无名额时为 null")

    class Meta:
        model = Group
        fields = ("id", "edition", "name", "code", "track", "entry_kind", "team_size", "capacity", "order",
                  "places_left", "my_quota")
        read_only_fields = ("id", "places_left", "my_quota")

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, (list, tuple)) and \
                getattr(self.instance, "pk", None):
            fields["edition"].read_only = True  # a group stays in its edition
        return fields

    def _figures(self, obj) -> dict:
        """The figures of every group of the response, read once (three queries) and kept in
        the serializer context (shared by the nested serializers of an edition list)."""
        figures = self.context.get("_group_figures")
        if figures is None or obj.pk not in figures:
            figures = group_figures(groups=_response_groups(self.root.instance, obj),
                                    organization=_acting_unit(self.context))
            self.context["_group_figures"] = figures
        return figures[obj.pk]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_places_left(self, obj) -> int | None:
        return self._figures(obj)["places_left"]

    @extend_schema_field(GroupQuotaSummarySerializer(allow_null=True))
    def get_my_quota(self, obj) -> dict | None:
        return self._figures(obj)["my_quota"]

    # the team size rule is the group service's (``structure.group_check_fields``), run on save


@extend_schema_serializer(component_name="CompetitionEdition")
class EditionSerializer(serializers.ModelSerializer):
    """An edition with its groups (each with the acting unit's quota), stages and criteria,
    and the registration window."""

    series = serializers.SlugRelatedField(slug_field="code", queryset=Series.objects.all(),
                                          help_text="qjs 青教赛 / qgs 青管赛 / jjb 京教杯")
    series_name = serializers.CharField(source="series.name", read_only=True)
    status = serializers.CharField(read_only=True, help_text="draft 筹备中 / open 报名中 / judging 评审中 / "
                                                             "published 结果已发布")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    registration_open = serializers.SerializerMethodField(help_text="此刻是否可以报名")
    participating_units = ScopedSlugRelatedField(model=Organization, slug_field="code", many=True, required=False,
                                                 help_text="参赛单位编码；为空表示所有基层工会")
    groups = GroupSerializer(many=True, read_only=True)
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = Edition
        fields = ("id", "series", "series_name", "number", "year", "name", "status", "status_label",
                  "registration_opens", "registration_closes", "registration_open", "age_limit", "age_cutoff",
                  "participating_units", "requires_course_title", "requires_lesson_plan",
                  "requires_teaching_design", "requires_video", "blind_judging", "trim_min_judges",
                  "supervisor_award_levels", "published_at", "groups", "stages")
        read_only_fields = ("id", "series_name", "status", "status_label", "registration_open", "published_at",
                            "groups", "stages")

    @extend_schema_field(serializers.BooleanField())
    def get_registration_open(self, obj) -> bool:
        return obj.registration_is_open()

    def validate(self, attrs):
        opens = attrs.get("registration_opens", getattr(self.instance, "registration_opens", None))
        closes = attrs.get("registration_closes", getattr(self.instance, "registration_closes", None))
        if opens and closes and closes <= opens:
            raise serializers.ValidationError({"registration_closes": ["报名截止时间应晚于报名开始时间。"]})
        return attrs


@extend_schema_serializer(component_name="CompetitionEditionStatus")
class EditionStatusSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="open 开放报名（筹备中 → 报名中）/ judging 截止报名进入评审（报名中 → 评审中）")

    def validate_to(self, value):
        if value not in ("open", "judging"):
            raise serializers.ValidationError("只能改为 open（报名中）或 judging（评审中）；发布结果请用发布功能。")
        return value


@extend_schema_serializer(component_name="CompetitionUnitQuota")
class UnitQuotaSerializer(serializers.ModelSerializer):
    """A unit's places in a group, with how many are approved (used) and left."""

    group = serializers.PrimaryKeyRelatedField(queryset=Group.objects.all())
    edition = serializers.IntegerField(source="group.edition_id", read_only=True)
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code", help_text="基层工会编码")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    used = serializers.SerializerMethodField(help_text="已审核通过")
    left = serializers.SerializerMethodField(help_text="剩余")

    class Meta:
        model = UnitQuota
        fields = ("id", "group", "edition", "organization", "organization_name", "quota", "used", "left")
        read_only_fields = ("id", "edition", "organization_name", "used", "left")
        validators = []  # POST for an existing group and unit sets its quota (quota_set upserts)

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and getattr(self.instance, "pk", None):
            fields["group"].read_only = True
            fields["organization"].read_only = True
        return fields

    @extend_schema_field(serializers.IntegerField())
    def get_used(self, obj) -> int:
        if getattr(obj, "approved", None) is not None:  # annotated by the list (quotas_with_used)
            return obj.approved
        return quota_used(group=obj.group, organization=obj.organization)

    @extend_schema_field(serializers.IntegerField())
    def get_left(self, obj) -> int:
        return max(obj.quota - self.get_used(obj), 0)
