from __future__ import annotations

from rest_framework import serializers

from apps.accounts.models import User

from ..enums import ConsultationAction, ConsultationCategory
from ..models import Consultation, ConsultationAttachment, ConsultationMessage
from ..services import lawyer_pool


class ConsultationSerializer(serializers.ModelSerializer):
    asker_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lawyer = serializers.SlugRelatedField(slug_field="username", read_only=True)
    lawyer_name = serializers.SerializerMethodField()
    case_order_no = serializers.CharField(source="case.order_no", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Consultation
        fields = ("id", "category", "title", "question", "status", "asker_unit", "lawyer", "lawyer_name",
                  "assigned_at", "answered_at", "closed_at", "case", "case_order_no", "created_at")
        read_only_fields = fields

    def get_lawyer_name(self, obj) -> str:
        return (obj.lawyer.full_name or obj.lawyer.username) if obj.lawyer_id else ""


class ConsultationAskSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ConsultationCategory.choices)
    title = serializers.CharField(max_length=100)
    question = serializers.CharField(max_length=5000)
    token = serializers.UUIDField(required=False, allow_null=True, default=None,
                                  help_text="提交标识：同一标识重复提交只登记一次")


class ConsultationTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=ConsultationAction.choices)
    lawyer = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.none(), required=False,
                                          allow_null=True, default=None, help_text="分配律师时：律师的用户名")
    text = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="",
                                 help_text="答复或追问的内容")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = lawyer_pool()


class ConsultationMessageSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationMessage
        fields = ("id", "kind", "author_name", "text", "at")
        read_only_fields = fields

    def get_author_name(self, obj) -> str:
        return obj.author.full_name or obj.author.username


class ConsultationAttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsultationAttachment
        fields = ("id", "message", "original_name", "uploaded_at")
        read_only_fields = fields


class ConsultationAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class LawyerPoolSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
