from __future__ import annotations

from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField
from apps.members.models import Member
from apps.organizations.models import Organization

from ..models import Honour, HonourTitle


class HonourSerializer(serializers.ModelSerializer):
    """Read side: the member by name and masked ID only."""

    title = serializers.SlugRelatedField(slug_field="code", read_only=True)
    title_name = serializers.CharField(source="title.name", read_only=True)
    level = serializers.CharField(source="title.level", read_only=True)
    holder_kind = serializers.CharField(source="title.holder_kind", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True, default=None)
    member_id_number = serializers.CharField(source="member.id_number_masked", read_only=True, default=None)
    holder_name = serializers.CharField(read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Honour
        fields = ("id", "title", "title_name", "level", "holder_kind", "year", "certificate_no", "member",
                  "member_name", "member_id_number", "collective_name", "holder_name", "organization",
                  "organization_name", "status", "notes")
        read_only_fields = fields


class HonourWriteSerializer(serializers.Serializer):
    """Shapes only: the service checks the holder against the title, scope and uniqueness."""

    title = serializers.SlugRelatedField(slug_field="code", queryset=HonourTitle.objects.all())
    year = serializers.IntegerField()
    certificate_no = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    member = ScopedSlugRelatedField(slug_field="id", model=Member, required=False, allow_null=True, default=None)
    collective_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    organization = ScopedSlugRelatedField(slug_field="code", model=Organization, required=False, allow_null=True,
                                          default=None, help_text="集体称号的所属单位编码")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
