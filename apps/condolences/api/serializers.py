from __future__ import annotations

from rest_framework import serializers

from apps.core.api import SaneDateField, ScopedSlugRelatedField
from apps.members.masking import mask_id
from apps.organizations.models import Organization

from ..enums import CAMPAIGN_KIND_CHOICES, OCCASION_KIND_CHOICES
from ..models import Campaign, Distribution, Grant, Occasion, Policy
from ..policies import FIELDS as POLICY_FIELDS


class CondolencePolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = Policy
        fields = ("id", *POLICY_FIELDS, "created_at")
        read_only_fields = ("id", "created_at")


class CondolencePolicyUpdateSerializer(CondolencePolicySerializer):
    class Meta(CondolencePolicySerializer.Meta):
        extra_kwargs = {name: {"required": False} for name in POLICY_FIELDS}


class CondolenceTargetSerializer(serializers.Serializer):
    units = serializers.ListField(child=serializers.CharField(max_length=40), required=False, max_length=200,
                                  help_text="单位编码（含下级）")
    employment_types = serializers.ListField(child=serializers.CharField(max_length=16), required=False,
                                             max_length=10)
    front_line = serializers.BooleanField(required=False, help_text="一线教职工（按岗位）")
    posts = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=50)
    retired = serializers.BooleanField(required=False)
    young = serializers.BooleanField(required=False)
    women = serializers.BooleanField(required=False)
    teaching_years_at_least = serializers.IntegerField(required=False, min_value=1, max_value=60)
    honours_roll = serializers.BooleanField(required=False)


class CondolenceCampaignSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    target = CondolenceTargetSerializer(read_only=True)

    class Meta:
        model = Campaign
        fields = ("id", "kind", "title", "date", "period_end", "organization", "policy", "target", "status", "batch",
                  "job", "summary", "created_at", "generated_at")
        read_only_fields = fields


class CondolenceCampaignCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CAMPAIGN_KIND_CHOICES)
    title = serializers.CharField(max_length=200)
    date = SaneDateField()
    period_end = SaneDateField(required=False, allow_null=True)
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code", required=False,
                                          help_text="发放单位编码（默认：当前身份的单位）")
    target = CondolenceTargetSerializer(required=False)


class CondolenceCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class CondolencePreviewSerializer(serializers.Serializer):
    policy = serializers.IntegerField()
    form = serializers.CharField()
    year = serializers.IntegerField()
    count = serializers.IntegerField()
    sum = serializers.CharField()
    by_unit = serializers.ListField(child=serializers.DictField())
    by_category = serializers.ListField(child=serializers.DictField())
    excluded_count = serializers.IntegerField()
    excluded_by_reason = serializers.ListField(child=serializers.DictField())
    excluded = serializers.ListField(child=serializers.DictField())


class CondolenceGenerateResultSerializer(serializers.Serializer):
    campaign = CondolenceCampaignSerializer()
    job = serializers.UUIDField(allow_null=True)


class CondolenceGrantSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    id_number = serializers.SerializerMethodField(help_text="脱敏")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    payer = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Grant
        fields = ("id", "kind", "year", "form", "member", "member_name", "id_number", "unit", "payer", "category",
                  "amount", "item_name", "quantity", "campaign", "occasion", "batch", "distribution", "received_at")
        read_only_fields = fields

    def get_id_number(self, grant) -> str:
        return mask_id(grant.member.id_number)


class CondolenceOccasionSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Occasion
        fields = ("id", "member", "member_name", "unit", "kind", "date", "note", "immediate", "status", "reason",
                  "has_evidence", "evidence_name", "created_at", "decided_at")
        read_only_fields = fields

    def get_has_evidence(self, occasion) -> bool:
        return bool(occasion.evidence)


class CondolenceOccasionCreateSerializer(serializers.Serializer):
    member = serializers.IntegerField(min_value=1, max_value=2**62)
    kind = serializers.ChoiceField(choices=OCCASION_KIND_CHOICES)
    date = SaneDateField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    immediate = serializers.BooleanField(required=False, default=False)
    evidence = serializers.FileField(required=False, allow_null=True)


class CondolenceRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class CondolenceOccasionBatchSerializer(serializers.Serializer):
    unit = ScopedSlugRelatedField(model=Organization, slug_field="code", required=False,
                                  help_text="单位编码（默认：当前身份的单位）")


class CondolenceBatchRefSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    items = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=12, decimal_places=2)


class CondolenceDistributionSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    received = serializers.SerializerMethodField()

    class Meta:
        model = Distribution
        fields = ("id", "campaign", "unit", "people", "received", "signed_sheet_name", "created_at")
        read_only_fields = fields

    def get_received(self, distribution) -> int:
        return getattr(distribution, "received_count", 0) or 0


class CondolenceConfirmSerializer(serializers.Serializer):
    grants = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**62), min_length=1,
                                   max_length=5000)


class CondolenceSheetUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class CondolenceCountSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
