from __future__ import annotations

from rest_framework import serializers

from apps.core.api import SaneDateField, ScopedSlugRelatedField
from apps.organizations.models import Organization

from ..enums import EmploymentType, MemberStatus
from ..models import Member


class MemberSerializer(serializers.ModelSerializer):
    """Read side: personal data masked, derived fields computed."""

    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    branch = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)  # none: the unit itself
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    bank_account = serializers.CharField(source="bank_account_masked", read_only=True)
    age = serializers.IntegerField(read_only=True)
    is_young = serializers.BooleanField(read_only=True)
    years_teaching = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Member
        fields = ("id", "name", "gender", "birth_date", "age", "is_young", "id_number", "phone", "organization",
                  "organization_name", "branch", "employment_type", "post", "joined_on", "teaching_since",
                  "years_teaching", "status", "bank_name", "bank_account", "remarks")
        read_only_fields = fields


class MemberWriteSerializer(serializers.Serializer):
    """Write side: shapes only; the services validate IDs, phones, uniqueness and scope."""

    organization = ScopedSlugRelatedField(slug_field="code", model=Organization)
    branch = ScopedSlugRelatedField(slug_field="code", model=Organization, required=False, allow_null=True)
    name = serializers.CharField(max_length=50)
    id_number = serializers.CharField(max_length=20)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices)
    post = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    joined_on = SaneDateField(required=False, allow_null=True)
    teaching_since = SaneDateField(required=False, allow_null=True)
    bank_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    bank_account = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    remarks = serializers.CharField(required=False, allow_blank=True, default="")


class MemberUpdateSerializer(serializers.Serializer):
    branch = ScopedSlugRelatedField(slug_field="code", model=Organization, required=False, allow_null=True)
    name = serializers.CharField(max_length=50, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    employment_type = serializers.ChoiceField(choices=EmploymentType.choices, required=False)
    post = serializers.CharField(max_length=50, required=False, allow_blank=True)
    joined_on = SaneDateField(required=False, allow_null=True)
    teaching_since = SaneDateField(required=False, allow_null=True)
    bank_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    bank_account = serializers.CharField(max_length=40, required=False, allow_blank=True)
    remarks = serializers.CharField(required=False, allow_blank=True)


class RevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RevealedSerializer(serializers.Serializer):
    id_number = serializers.CharField()
    phone = serializers.CharField()
    bank_account = serializers.CharField()


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MemberStatus.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransferSerializer(serializers.Serializer):
    to_organization = serializers.SlugRelatedField(slug_field="code", queryset=Organization._base_manager.all())
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
