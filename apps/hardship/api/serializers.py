from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField
from apps.members.models import Member
from apps.organizations.models import Organization

from ..enums import AidKind, ApplicationAction, DonorKind, FileStatus, HardshipLevel
from ..models import AidApplication, AidEvidence, FundEntry, HardshipFile, HardshipReview, LoveFund, mask_name


class HardshipFileListSerializer(serializers.ModelSerializer):
    """A list row: the name masked, no causes and no income (the detail is read audited)."""

    member_name = serializers.SerializerMethodField()
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = HardshipFile
        fields = ("id", "member_name", "organization", "organization_name", "level", "status", "opened_on",
                  "last_reviewed_on", "next_review_on", "closed_on")
        read_only_fields = fields

    def get_member_name(self, obj) -> str:
        return mask_name(obj.member.name)


class HardshipReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = HardshipReview
        fields = ("id", "reviewed_on", "level", "household_size", "household_income", "still_in_hardship", "note")
        read_only_fields = fields


class HardshipFileDetailSerializer(HardshipFileListSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    per_capita_income = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    reviews = HardshipReviewSerializer(many=True, read_only=True)

    class Meta(HardshipFileListSerializer.Meta):
        fields = (*HardshipFileListSerializer.Meta.fields, "member", "causes", "household_size", "household_income",
                  "per_capita_income", "close_reason", "reviews")
        read_only_fields = fields


class HardshipFileOpenSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member._base_manager.none())
    level = serializers.ChoiceField(choices=HardshipLevel.choices)
    causes = serializers.CharField(max_length=2000)
    household_size = serializers.IntegerField(min_value=1, max_value=30)
    household_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    opened_on = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.all()  # scoped per request


class HardshipFileReviewSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=HardshipLevel.choices)
    household_size = serializers.IntegerField(min_value=1, max_value=30)
    household_income = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    still_in_hardship = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    reviewed_on = serializers.DateField(required=False, allow_null=True, default=None)


class HardshipFileStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=FileStatus.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HardshipApplicationSerializer(serializers.ModelSerializer):
    member_name = serializers.SerializerMethodField()
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    fund_name = serializers.CharField(source="fund.name", read_only=True)
    batch = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = AidApplication
        fields = ("id", "member", "member_name", "organization", "organization_name", "file", "fund", "fund_name",
                  "kind", "amount", "reason", "applied_on", "status", "approved_at", "reject_reason", "batch")
        read_only_fields = fields

    def get_member_name(self, obj) -> str:
        return mask_name(obj.member.name)


class HardshipApplicationSubmitSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member._base_manager.none())
    kind = serializers.ChoiceField(choices=AidKind.choices)
    amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=2000)
    applied_on = serializers.DateField(required=False, allow_null=True, default=None)
    fund = serializers.PrimaryKeyRelatedField(queryset=LoveFund._base_manager.all(), required=False,
                                              allow_null=True, default=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.all()  # scoped per request


class HardshipApplicationTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ApplicationAction.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HardshipAidRowSerializer(serializers.Serializer):
    source = serializers.CharField()
    id = serializers.IntegerField()
    kind = serializers.CharField()
    amount = serializers.CharField()
    date = serializers.DateField()
    status = serializers.CharField()
    unit = serializers.CharField()


class HardshipEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = AidEvidence
        fields = ("id", "original_name", "uploaded_at")
        read_only_fields = fields


class HardshipEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class HardshipFundSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = LoveFund
        fields = ("id", "organization", "organization_name", "name", "balance", "donations_total", "grants_total")
        read_only_fields = fields


class HardshipFundCreateSerializer(serializers.Serializer):
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code")
    name = serializers.CharField(max_length=100)


class HardshipDonateSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    donor_kind = serializers.ChoiceField(choices=DonorKind.choices)
    donor_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    donor_unit = ScopedSlugRelatedField(model=Organization, slug_field="code", required=False, allow_null=True,
                                        default=None)
    on_date = serializers.DateField(required=False, allow_null=True, default=None)
    receipt_no = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class HardshipEntrySerializer(serializers.ModelSerializer):
    fund_name = serializers.CharField(source="fund.name", read_only=True)
    donor_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = FundEntry
        fields = ("id", "fund", "fund_name", "kind", "amount", "balance_after", "donor_kind", "donor_name",
                  "donor_unit", "receipt_no", "application", "on_date", "note")
        read_only_fields = fields
