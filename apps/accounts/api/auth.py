"""API token authentication: django-rest-knox tokens (stored hashed, with an expiry, revocable).

A missing, malformed, expired or revoked token is a 401 with ``WWW-Authenticate: Token``
(this class comes first in DEFAULT_AUTHENTICATION_CLASSES, so DRF answers 401, not 403)."""

from __future__ import annotations

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

INVALID = "令牌无效、已过期或已被撤销，请重新获取。"
# knox tokens are hex strings of AUTH_TOKEN_CHARACTER_LENGTH characters (after an optional prefix).
_SHAPE = re.compile(r"^[0-9A-Za-z_-]{1,%d}$" % (CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + 256))


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            raise exceptions.AuthenticationFailed(INVALID) from exc

    def authenticate_credentials(self, token: bytes):
        try:
            text = token.decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        if not _SHAPE.match(text) or len(text) != len(knox_settings.TOKEN_PREFIX) + \
                knox_settings.AUTH_TOKEN_CHARACTER_LENGTH:
            raise exceptions.AuthenticationFailed(INVALID)
        return super().authenticate_credentials(token)


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema documents the token: ``Authorization: Token <token>``."""

    target_class = "apps.accounts.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey", "in": "header", "name": "Authorization",
            "description": "“Token <令牌>”：令牌由 POST /api/v1/auth/token/ 取得，到期或撤销后失效（401）。",
        }
