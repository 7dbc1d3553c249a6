from __future__ import annotations

from rest_framework import serializers

from apps.core.api import ScopedSlugRelatedField

from ..enums import OrgKind
from ..models import Cluster, Organization


class OrganizationSerializer(serializers.ModelSerializer):
    parent_code = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = ("id", "code", "name", "short_name", "kind", "is_active", "depth", "parent_code")
        read_only_fields = ("id", "depth", "parent_code")

    def get_parent_code(self, obj: Organization) -> str | None:
        parents = self.context.get("parent_codes")
        if parents is not None:
            return parents.get(obj.path[: -obj.steplen])
        if obj.depth <= 1:
            return None
        # scoped: a parent outside the acting subtree is not named
        return Organization.objects.filter(path=obj.path[: -obj.steplen]).values_list("code", flat=True).first()


class OrganizationCreateSerializer(serializers.Serializer):
    parent = ScopedSlugRelatedField(slug_field="code", model=Organization)
    code = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=100)
    short_name = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=[c for c in OrgKind.choices if c[0] != OrgKind.MUNICIPAL])


class OrganizationUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    short_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class ClusterSerializer(serializers.ModelSerializer):
    lead = serializers.SlugRelatedField(slug_field="code", read_only=True)
    units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Cluster
        fields = ("id", "code", "name", "kind", "lead", "units")
