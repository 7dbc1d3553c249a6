from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField
from apps.core.models import OutboxMessage
from apps.organizations.models import Organization

from ..models import ThirtyYearHonoree, ThirtyYearRoll


class RollSerializer(serializers.ModelSerializer):
    organization_code = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    roster_url = serializers.SerializerMethodField()

    class Meta:
        model = ThirtyYearRoll
        fields = ("id", "year", "organization", "organization_code", "organization_name", "status", "status_display",
                  "honoree_count", "confirmed_at", "issued_at", "roster_url")
        read_only_fields = fields

    def get_roster_url(self, roll) -> str:
        return reverse("milestones:roster", args=[roll.pk])


class HonoreeSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="roll.year", read_only=True)
    organization_name = serializers.CharField(source="roll.organization.name", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ThirtyYearHonoree
        fields = ("id", "roll", "year", "organization_name", "member", "name", "teaching_since", "code", "issued_at",
                  "pdf_url")
        read_only_fields = fields

    def get_pdf_url(self, honoree) -> str | None:
        if not honoree.code or not honoree.issued_at:
            return None
        return reverse("milestones:certificate_pdf", args=[honoree.code])


class MissingDateSerializer(serializers.Serializer):
    member = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    post = serializers.CharField()


class BuildSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2999, label="年度")
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code", required=False, allow_null=True,
                                          label="高校工会编码（不填则为管理范围内的全部高校）")


class IssueSerializer(serializers.Serializer):
    rolls = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500,
                                  label="名单 ID")


class JobStartedSerializer(serializers.Serializer):
    job = serializers.UUIDField()
    url = serializers.CharField()
    certificates = serializers.IntegerField()


class MilestonesRunSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2999)
    month = serializers.IntegerField(min_value=1, max_value=12)


class MilestonesResultSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    people = serializers.IntegerField()
    created = serializers.IntegerField()


class OutboxSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = OutboxMessage
        fields = ("id", "organization", "organization_name", "recipient_member", "recipient_user", "channel",
                  "subject", "body", "dedup_key", "status", "status_display", "tries", "last_error",
                  "next_attempt_at", "sent_at", "created_at")
        read_only_fields = fields
