from __future__ import annotations

from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField
from apps.members.masking import mask_account
from apps.organizations.models import Organization

from ..enums import BatchPurpose
from ..models import PaymentBatch, PaymentItem


class PaymentBatchSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    approvals = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = PaymentBatch
        fields = ("id", "title", "purpose", "organization", "status", "item_count", "total_amount", "created_by",
                  "approvals", "reissue_of", "job", "progress", "created_at", "submitted_at", "approved_at",
                  "disbursed_at", "finished_at", "cancelled_at")

    def get_approvals(self, batch) -> int:
        counted = getattr(batch, "approval_count", None)  # annotated by the list
        return batch.approvals.count() if counted is None else counted

    def get_progress(self, batch) -> dict | None:
        job = batch.job
        if job is None:
            return None
        return {"status": job.status, "done": job.done, "total": job.total, "percent": job.percent, **job.result}


class PaymentBatchCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    purpose = serializers.ChoiceField(choices=BatchPurpose.choices)
    organization = ScopedSlugRelatedField(model=Organization, slug_field="code", required=False,
                                          help_text="发放单位编码（默认：当前身份的单位）")


class PaymentItemSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    bank_account = serializers.SerializerMethodField(help_text="脱敏；审批前为会员当前账号，审批后为冻结账号")

    class Meta:
        model = PaymentItem
        fields = ("id", "member", "member_name", "amount", "bank_name", "bank_account", "bank_reference", "status",
                  "failure_reason", "reissue_of", "sent_at", "settled_at")

    def get_bank_account(self, item) -> str:
        return mask_account(item.bank_account or item.member.bank_account)


class ItemInSerializer(serializers.Serializer):
    member = serializers.IntegerField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)


class MemberQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(required=False, help_text="单位编码（含下级）；默认：整个发放单位")
    teaching_years_at_least = serializers.IntegerField(required=False, min_value=1,
                                                       help_text="从教满 N 年（如 30）")
    employment_type = serializers.CharField(required=False)


class ItemsAddSerializer(serializers.Serializer):
    items = ItemInSerializer(many=True, required=False)
    members = MemberQuerySerializer(required=False, help_text="按会员条件批量生成明细")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    amount_by_category = serializers.DictField(child=serializers.DecimalField(max_digits=12, decimal_places=2),
                                               required=False, help_text="用工性质 → 金额")

    def validate(self, data):
        if bool(data.get("items")) == ("members" in data):
            raise serializers.ValidationError("请给出 items 或 members（二选一）。")
        if "members" in data and ("amount" in data) == ("amount_by_category" in data):
            raise serializers.ValidationError("按会员条件生成时，请给出 amount 或 amount_by_category（二选一）。")
        return data


class ApproveSerializer(serializers.Serializer):
    password = serializers.CharField(required=False, allow_blank=True, style={"input_type": "password"},
                                     help_text="当前密码（会话登录超过 5 分钟或使用令牌时必填）")


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReturnFileSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="银行回单（xlsx 或 CSV：参考号、结果、失败原因、金额）")


class ReissueSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                  help_text="新批次标题（默认：原标题加“（补发）”）")
