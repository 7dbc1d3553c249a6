from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api import SaneDateField, ScopedSlugRelatedField
from apps.organizations.models import Cluster, Organization

from ..enums import DISTRICT_CHOICES, Audience, ResourceKind
from ..models import Booking, PointPhoto, Recognition, Resource, ServicePoint, Slot, SlotPattern
from ..services import checkin_token


class RecognitionSerializer(serializers.ModelSerializer):
    nominated_by = serializers.SlugRelatedField(slug_field="code", queryset=Cluster.objects.all(), required=False,
                                                allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, max_value=10**9, default=0)
    year = serializers.IntegerField(min_value=1949, max_value=2999)

    class Meta:
        model = Recognition
        fields = ("id", "year", "level", "title", "amount", "nominated_by", "note")


class PhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = PointPhoto
        fields = ("id", "original_name", "uploaded_at")
        read_only_fields = fields


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class ServicePointSerializer(serializers.ModelSerializer):
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    recognitions = RecognitionSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ServicePoint
        fields = ("id", "kind", "name", "organization", "organization_name", "district", "address", "facilities",
                  "opening_hours", "description", "is_active", "recognitions", "photos")


class ResourceSerializer(serializers.ModelSerializer):
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    reserved_own = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    cancel_cutoff_hours = serializers.IntegerField(min_value=0, max_value=720, default=2)

    class Meta:
        model = Resource
        fields = ("id", "organization", "organization_name", "point", "kind", "name", "district", "address",
                  "description", "audience", "reserved_own", "cancel_cutoff_hours", "is_open")
        extra_kwargs = {"point": {"required": False, "allow_null": True}}

    def get_fields(self):
        fields = super().get_fields()
        if "point" in fields and not fields["point"].read_only:
            fields["point"].queryset = ServicePoint.objects.all()
        return fields


class PatternSerializer(serializers.ModelSerializer):
    capacity = serializers.IntegerField(min_value=1, max_value=1000)

    class Meta:
        model = SlotPattern
        fields = ("id", "weekday", "start_time", "end_time", "capacity")


class MaterialiseSerializer(serializers.Serializer):
    start = SaneDateField()
    weeks = serializers.IntegerField(min_value=1, max_value=12, default=4)


class MaterialisedSerializer(serializers.Serializer):
    created = serializers.IntegerField()


class SlotSerializer(serializers.ModelSerializer):
    resource_name = serializers.CharField(source="resource.name", read_only=True)
    kind = serializers.ChoiceField(source="resource.kind", choices=ResourceKind.choices, read_only=True)
    district = serializers.ChoiceField(source="resource.district", choices=DISTRICT_CHOICES, read_only=True)
    host = serializers.CharField(source="resource.organization.name", read_only=True)
    address = serializers.CharField(source="resource.address", read_only=True)
    audience = serializers.ChoiceField(source="resource.audience", choices=Audience.choices, read_only=True)
    booked = serializers.IntegerField(source="live", read_only=True, default=0)
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = Slot
        fields = ("id", "resource", "resource_name", "kind", "district", "host", "address", "audience",
                  "starts_at", "ends_at", "capacity", "reserved_own", "booked", "remaining")
        read_only_fields = fields

    def get_remaining(self, obj) -> int:
        return max(0, obj.capacity - (getattr(obj, "live", 0) or 0))


class BookingSerializer(serializers.ModelSerializer):
    slot = SlotSerializer(read_only=True)
    user_name = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    checkin_token = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = ("id", "slot", "user_name", "organization_name", "own_staff", "status", "created_at",
                  "checked_in_at", "cancelled_at", "checkin_token")
        read_only_fields = fields

    def get_user_name(self, obj) -> str:
        return obj.user.full_name or obj.user.username

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_checkin_token(self, obj):
        """The signed check-in code, to its booker only (while the booking is live)."""
        request = self.context.get("request")
        if request is None or request.user.pk != obj.user_id or obj.status != "booked":
            return None
        return checkin_token(booking=obj)


class CheckInSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=500)


class FullSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
