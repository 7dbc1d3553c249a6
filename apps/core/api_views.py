from __future__ import annotations

from rest_framework import serializers, viewsets

from .api import ScopedAPIMixin
from .models import Job


class JobSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True)
    started_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = Job
        fields = ("id", "kind", "status", "done", "total", "percent", "result", "error", "organization",
                  "started_by", "created_at", "started_at", "finished_at")


class JobViewSet(ScopedAPIMixin, viewsets.ReadOnlyModelViewSet):
    """Background jobs of the acting subtree, with their progress."""

    model = Job
    serializer_class = JobSerializer
    filterset_fields = ("kind", "status")

    def get_queryset(self):
        return Job.objects.select_related("organization", "started_by")
