from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField
from apps.members.enums import EmploymentType
from apps.members.models import Member
from apps.organizations.models import Organization

from ..enums import ClaimAction
from ..models import Claim, ClaimEvidence, Enrolment, Plan


class MutualAidPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ("id", "code", "name", "contribution", "rule", "per_day", "min_days", "fixed_sum", "yearly_cap",
                  "eligibility", "is_active", "rank")
        read_only_fields = fields


class MutualAidPlanWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False)
    contribution = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False)
    per_day = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False)
    min_days = serializers.IntegerField(min_value=1, max_value=365, required=False)
    fixed_sum = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)
    yearly_cap = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False)
    is_active = serializers.BooleanField(required=False)


class MutualAidEnrolmentSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Enrolment
        fields = ("id", "plan", "plan_name", "year", "member", "member_name", "organization", "contribution",
                  "source", "enrolled_at")
        read_only_fields = fields


class MutualAidEnrolQuerySerializer(serializers.Serializer):
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2999)
    unit = ScopedSlugRelatedField(model=Organization, slug_field="code")
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, required=False, allow_null=True,
                                              default=None)


class MutualAidEnrolCountSerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()


class MutualAidModelWorkersSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2999)


class MutualAidEnrolImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2999)
    unit = ScopedSlugRelatedField(model=Organization, slug_field="code")
    dry_run = serializers.BooleanField(default=False)


class MutualAidImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class MutualAidImportReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField()
    bad_rows = serializers.IntegerField()
    error_count = serializers.IntegerField()
    errors = MutualAidImportErrorSerializer(many=True)
    errors_truncated = serializers.BooleanField()


class MutualAidClaimSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    plan_name = serializers.CharField(source="plan.name", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    batch = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Claim
        fields = ("id", "plan", "plan_name", "year", "member", "member_name", "organization", "event_date", "days",
                  "diagnosis", "computed_amount", "amount", "status", "approved_at", "reject_reason", "batch")
        read_only_fields = fields


class MutualAidClaimFileSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=Member._base_manager.none())
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    event_date = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=366, required=False, allow_null=True, default=None)
    diagnosis = serializers.CharField(max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.all()  # scoped per request


class MutualAidClaimTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ClaimAction.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class MutualAidEvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimEvidence
        fields = ("id", "original_name", "uploaded_at")
        read_only_fields = fields


class MutualAidEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
