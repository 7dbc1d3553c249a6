from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api import SaneDateField, ScopedSlugRelatedField
from apps.members.models import Member
from apps.organizations.models import Organization

from ..models import Honour, HonourTitle, Nomination, NominationCampaign, NominationMaterial
from ..services import campaign_quota_summary


class HonourSerializer(serializers.ModelSerializer):
    """Read side: the member by name and masked ID only."""

    title = serializers.SlugRelatedField(slug_field="code", read_only=True)
    title_name = serializers.CharField(source="title.name", read_only=True)
    level = serializers.CharField(source="title.level", read_only=True)
    holder_kind = serializers.CharField(source="title.holder_kind", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True, default=None)
    member_id_number = serializers.CharField(source="member.id_number_masked", read_only=True, default=None)
    holder_name = serializers.CharField(read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Honour
        fields = ("id", "title", "title_name", "level", "holder_kind", "year", "certificate_no", "member",
                  "member_name", "member_id_number", "collective_name", "holder_name", "organization",
                  "organization_name", "status", "resides_in_beijing", "notes")
        read_only_fields = fields


class HonourWriteSerializer(serializers.Serializer):
    """Shapes only: the service checks the holder against the title, scope and uniqueness."""

    title = serializers.SlugRelatedField(slug_field="code", queryset=HonourTitle.objects.all())
    year = serializers.IntegerField()
    certificate_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    member = ScopedSlugRelatedField(slug_field="id", model=Member, required=False, allow_null=True, default=None)
    collective_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organization = ScopedSlugRelatedField(slug_field="code", model=Organization, required=False, allow_null=True,
                                          default=None, help_text="集体称号的所属单位编码")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class NominationSerializer(serializers.ModelSerializer):
    """Read side: the nominee by name and masked ID only."""

    title = serializers.SlugRelatedField(slug_field="code", read_only=True)
    title_name = serializers.CharField(source="title.name", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True, default=None)
    member_id_number = serializers.CharField(source="member.id_number_masked", read_only=True, default=None)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Nomination
        fields = ("id", "campaign", "title", "title_name", "member", "member_name", "member_id_number",
                  "collective_name", "organization", "organization_name", "deed_summary", "status",
                  "return_reason", "notice_start", "notice_end", "honour", "submitted_at")
        read_only_fields = fields


class NominationWriteSerializer(serializers.Serializer):
    """Shapes only: ``nomination_submit`` checks window, title, holder, scope, quota and uniqueness."""

    campaign = serializers.PrimaryKeyRelatedField(queryset=NominationCampaign.objects.all())
    title = serializers.SlugRelatedField(slug_field="code", queryset=HonourTitle.objects.all())
    member = ScopedSlugRelatedField(slug_field="id", model=Member, required=False, allow_null=True, default=None)
    collective_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organization = ScopedSlugRelatedField(slug_field="code", model=Organization, required=False, allow_null=True,
                                          default=None, help_text="集体称号的推荐单位编码")
    deed_summary = serializers.CharField()


class NominationReviewSerializer(serializers.Serializer):
    """市级初审: pass, or return to the unit with a reason."""

    result = serializers.ChoiceField(choices=[("pass", "初审通过"), ("return", "退回")])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NominationNoticeSerializer(serializers.Serializer):
    notice_start = SaneDateField()
    notice_end = SaneDateField()


class NominationDecideSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", "批准"), ("reject", "不予通过")])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NominationObjectionSerializer(serializers.Serializer):
    text = serializers.CharField()
    date = SaneDateField(required=False, allow_null=True, default=None)


class QuotaSummarySerializer(serializers.Serializer):
    quota = serializers.IntegerField(help_text="名额")
    used = serializers.IntegerField(help_text="已推荐")
    left = serializers.IntegerField(help_text="剩余")


class NominationCampaignSerializer(serializers.ModelSerializer):
    """A campaign (city-wide) with the acting unit's own quota: places, used and left
    (null when the unit has no places in it). Other units' quotas are never shown."""

    titles = serializers.SlugRelatedField(slug_field="code", many=True, queryset=HonourTitle.objects.all())
    my_quota = serializers.SerializerMethodField()

    class Meta:
        model = NominationCampaign
        fields = ("id", "year", "name", "titles", "opens_on", "closes_on", "my_quota")
        read_only_fields = ("id", "my_quota")

    @extend_schema_field(QuotaSummarySerializer(allow_null=True))
    def get_my_quota(self, obj) -> dict | None:
        from apps.accounts.acting import acting_organization

        if hasattr(obj, "my_places"):  # annotated by the list (campaigns_with_my_quota)
            if obj.my_places is None:
                return None
            used = obj.my_used or 0
            return {"quota": obj.my_places, "used": used, "left": max(obj.my_places - used, 0)}
        request = self.context.get("request")
        unit = acting_organization(request.user) if request is not None else None
        return campaign_quota_summary(campaign=obj, organization=unit)

    def validate(self, attrs):
        opens_on = attrs.get("opens_on", getattr(self.instance, "opens_on", None))
        closes_on = attrs.get("closes_on", getattr(self.instance, "closes_on", None))
        if opens_on and closes_on and closes_on < opens_on:
            raise serializers.ValidationError({"closes_on": ["截止推荐日期不能早于开始推荐日期。"]})
        return attrs


class NominationMaterialSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text="权限校验后以附件下载")

    class Meta:
        model = NominationMaterial
        fields = ("id", "nomination", "name", "kind", "size", "uploaded_at", "download_url")
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("honours:material_download", args=[obj.pk])


class NominationMaterialUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF 或 DOCX，不超过 10 MB（按文件内容识别类型）")
