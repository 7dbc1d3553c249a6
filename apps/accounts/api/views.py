from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.api.auth import TokenAuthentication

from apps.accounts.permissions import permissions_for
from apps.core.api import ScopedAPIMixin


class TokenView(APIView):
    """POST username + password → {"token": …, "expiry": …} (failed attempts count towards
    lock-out). The token is valid until ``expiry`` (settings.API_TOKEN_TTL_HOURS) or until
    revoked; only its hash is stored.

    No session authentication here: the answer is a token in the body, not a cookie, so
    there is nothing for a cross-site request to ride on and no CSRF token is needed."""

    authentication_classes: list = []
    permission_classes: list = []
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={200: inline_serializer("IssuedToken", {
            "token": serializers.CharField(), "expiry": serializers.DateTimeField(),
        })},
    )
    def post(self, request, *args, **kwargs):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError:
            # django-axes marks the request when the account is locked: say so plainly.
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": "登录失败次数过多，账号已被暂时锁定，请一小时后再试。"}, status=403)
            raise
        instance, token = AuthToken.objects.create(user=serializer.validated_data["user"])
        return Response({"token": token, "expiry": serializers.DateTimeField().to_representation(instance.expiry)})


class TokenRevokeView(APIView):
    """POST with a token: that token stops working at once (204)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        request.auth.delete()
        return Response(status=204)


class TokenRevokeAllView(APIView):
    """POST with a token: every token of its user stops working at once (204)."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        request.user.auth_token_set.all().delete()
        return Response(status=204)


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
