from __future__ import annotations

from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField
from apps.organizations.models import Organization

from ..eligibility import rules_describe
from ..models import Activity, Application, Club, Session


class SessionSerializer(serializers.ModelSerializer):
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    drawn = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = ("id", "activity", "activity_title", "name", "starts_on", "ends_on", "places", "quotas",
                  "draw_seed", "draw_hash", "drawn_at", "drawn")
        read_only_fields = ("draw_hash", "drawn_at")

    def get_drawn(self, obj) -> bool:
        return obj.drawn_at is not None


class ActivitySerializer(serializers.ModelSerializer):
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    rules_text = serializers.SerializerMethodField()
    sessions = SessionSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = ("id", "kind", "title", "organization", "organization_name", "club", "place", "description",
                  "cost_per_person", "payer", "vendor", "opens_at", "closes_at", "allocation", "rules", "rules_text",
                  "city_wide", "published", "sessions")

    def get_rules_text(self, obj) -> list[str]:
        return rules_describe(obj.rules)


class ApplicationSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    child_id_number = serializers.CharField(source="child_id_masked", read_only=True)
    position = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ("id", "session", "member", "member_name", "organization", "status", "status_label", "quota_unit",
                  "via_quota", "wait_rank", "position", "declared_single", "child_name", "child_birth_date",
                  "child_id_number", "applied_at", "promoted_at", "notice", "checked_in_at", "check_in_method")
        read_only_fields = fields

    def get_position(self, obj) -> int | None:
        """1-based place on the waiting list (the list annotates ``ahead``; one object asks)."""
        if obj.status != "waitlisted" or obj.wait_rank is None:
            return None
        ahead = getattr(obj, "ahead", None)
        if ahead is not None:
            return ahead + 1
        from ..services import waitlist_position

        return waitlist_position(obj)


class ApplySerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1, max_value=2**62)
    declared_single = serializers.BooleanField(default=False)
    child_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    child_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")


class DrawSerializer(serializers.Serializer):
    seed = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class DrawResultSerializer(serializers.ModelSerializer):
    activity_title = serializers.CharField(source="activity.title", read_only=True)
    result = serializers.JSONField(source="draw_result", read_only=True)
    applicants = serializers.JSONField(source="draw_applicants", read_only=True)

    class Meta:
        model = Session
        fields = ("id", "activity", "activity_title", "name", "places", "draw_seed", "draw_hash", "drawn_at",
                  "applicants", "result")
        read_only_fields = fields


class VerifySerializer(serializers.Serializer):
    seed = serializers.CharField()
    hash = serializers.CharField()
    hash_matches = serializers.BooleanField()
    result_matches = serializers.BooleanField()
    ok = serializers.BooleanField()
    applicants = serializers.IntegerField()
    allocated = serializers.IntegerField()
    waitlist = serializers.IntegerField()


class ClubSerializer(serializers.ModelSerializer):
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Club
        fields = ("id", "name", "organization", "organization_name", "description", "is_active", "member_count")


class ParticipationRowSerializer(serializers.Serializer):
    club = serializers.IntegerField()
    name = serializers.CharField()
    year = serializers.IntegerField()
    participations = serializers.IntegerField()
    people = serializers.IntegerField()


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class CostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    payee = serializers.CharField()
    headcount = serializers.IntegerField()
    per_person = serializers.DecimalField(max_digits=12, decimal_places=2)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
