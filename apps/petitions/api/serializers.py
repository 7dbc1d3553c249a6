from __future__ import annotations

from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField
from apps.organizations.models import Organization

from ..enums import AccountStatus, Action, CaseKind, Satisfaction, Source, Urgency, WarningKind, WarningLevel
from ..models import Case, CaseAttachment, CaseEvent, Category, PlatformAccount


class CaseSerializer(serializers.ModelSerializer):
    """Read side: the petitioner's phone and ID masked; the remaining working time computed."""

    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    petitioner_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    petitioner_phone = serializers.CharField(source="phone_masked", read_only=True)
    petitioner_id_number = serializers.CharField(source="id_number_masked", read_only=True)
    remaining_seconds = serializers.SerializerMethodField()
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ("id", "kind", "source", "order_no", "received_at", "petitioner_name", "petitioner_phone",
                  "petitioner_id_number", "member", "petitioner_unit", "category", "urgency", "title", "content",
                  "organization", "organization_name", "status", "is_paused", "extension_pending",
                  "dispatched_at", "signed_at", "contacted_at", "replied_at", "closed_at", "reply_text",
                  "satisfaction", "solved", "warning_kind", "warning_level", "reporter", "steps", "outcome",
                  "remaining_seconds", "remaining")
        read_only_fields = fields

    def _info(self, obj):
        return (self.context.get("deadlines") or {}).get(obj.pk)

    def get_remaining_seconds(self, obj) -> int | None:
        info = self._info(obj)
        return info.remaining_seconds if info else None

    def get_remaining(self, obj) -> str:
        info = self._info(obj)
        return info.remaining_label if info else ""


class CaseReceiveSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=Source.choices)
    order_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField()
    petitioner_name = serializers.CharField(max_length=50)
    petitioner_phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    petitioner_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")
    petitioner_unit = ScopedSlugRelatedField(model=Organization, slug_field="code", required=False,
                                             allow_null=True, default=None)
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(is_active=True))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.PETITION)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(max_length=20000)
    warning_kind = serializers.ChoiceField(choices=WarningKind.choices, required=False)
    warning_level = serializers.ChoiceField(choices=WarningLevel.choices, required=False)
    reporter = serializers.CharField(max_length=50, required=False)
    steps = serializers.CharField(max_length=5000, required=False)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[c for c in Action.choices if c[0] not in ("receive", "warn")])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    unit = ScopedSlugRelatedField(model=Organization, slug_field="code", required=False, allow_null=True,
                                  default=None)
    contact_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    reply_text = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False, allow_blank=True,
                                           default="")
    solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    hours = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=1000)
    outcome = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                    help_text="劳动关系预警办结时的处置结果")
    steps = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                  help_text="劳动关系预警答复时报告的已采取措施")


class PetitionRevealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class PetitionRevealedSerializer(serializers.Serializer):
    petitioner_phone = serializers.CharField()
    petitioner_id_number = serializers.CharField()


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ("id", "action", "at", "actor", "from_status", "to_status", "organization", "note", "data")
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = CaseAttachment
        fields = ("id", "original_name", "uploaded_at", "download_url")
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return f"/petitions/attachments/{obj.pk}/download/"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ("id", "code", "name", "parent", "rank", "is_active")
        read_only_fields = fields


class AccountSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)

    class Meta:
        model = PlatformAccount
        fields = ("id", "organization", "organization_name", "holder_name", "member", "phone", "status",
                  "opened_on", "notes")
        read_only_fields = fields


class AccountWriteSerializer(serializers.Serializer):
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code")
    holder_name = serializers.CharField(max_length=50)
    phone = serializers.CharField(max_length=20)
    opened_on = serializers.DateField()
    notes = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AccountStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=AccountStatus.choices)
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AccountReviewSerializer(serializers.Serializer):
    account = AccountSerializer()
    reason = serializers.CharField()


class RateSerializer(serializers.Serializer):
    unit = serializers.CharField(required=False)
    month = serializers.CharField(required=False)
    category = serializers.CharField(required=False)
    received = serializers.IntegerField()
    closed = serializers.IntegerField()
    callbacks = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    solve_rate = serializers.FloatField(allow_null=True)
    satisfaction_rate = serializers.FloatField(allow_null=True)
    close_rate = serializers.FloatField(allow_null=True)
    avg_reply_hours = serializers.FloatField(allow_null=True)
    overdue = serializers.IntegerField()


class QueueEntrySerializer(serializers.Serializer):
    case = CaseSerializer()
    remaining_seconds = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()


class WorkQueueSerializer(serializers.Serializer):
    to_sign = QueueEntrySerializer(many=True)
    to_handle = QueueEntrySerializer(many=True)
    due_soon = QueueEntrySerializer(many=True)
