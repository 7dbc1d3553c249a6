from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.permissions import permissions_for
from apps.core.api import ScopedAPIMixin


class TokenView(ObtainAuthToken):
    """POST username + password → {"token": …} (failed attempts count towards lock-out).

    No session authentication here: the answer is a token in the body, not a cookie, so
    there is nothing for a cross-site request to ride on and no CSRF token is needed."""

    authentication_classes: list = []

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except serializers.ValidationError:
            # django-axes marks the request when the account is locked: say so plainly.
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": "登录失败次数过多，账号已被暂时锁定，请一小时后再试。"}, status=403)
            raise


class MeView(ScopedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "username": serializers.CharField(),
                "full_name": serializers.CharField(),
                "role": serializers.CharField(allow_null=True),
                "organization": serializers.CharField(allow_null=True),
                "permissions": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request):
        acting = getattr(request.user, "acting", None)
        return Response(
            {
                "username": request.user.username,
                "full_name": request.user.full_name,
                "role": acting.role if acting else None,
                "organization": acting.organization.code if acting else None,
                "permissions": sorted(permissions_for(acting.role if acting else None)),
            }
        )
