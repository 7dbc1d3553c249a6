from __future__ import annotations

import re

from django.core.exceptions import TooManyFilesSent
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse


class AdminCSPMiddleware:
    """Relax the Content-Security-Policy for the staff admin only.

    The admin theme (django-unfold) ships the standard Alpine.js build, which compiles its
    x-data / x-on expressions with ``new Function()``: without 'unsafe-eval' the sidebar,
    filters and tabs are dead. Every other page keeps ``script-src 'self'``. Listed after
    CSPMiddleware so that it marks the response before CSPMiddleware writes the header.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = None

    def __call__(self, request):
        response = self.get_response(request)
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path.startswith(self.prefix):
            response._csp_update = {"script-src": ["'unsafe-eval'"]}
        return response


_JSON_NUL = re.compile(rb"(?:^|[^\\])(?:\\\\)*\\u0000")
_NUL_MESSAGE = "请求中含有不允许的空字符（NUL），请检查后重试。"


def _has_nul(request) -> bool:
    if "\x00" in request.path_info:
        return True
    if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = request.POST
        except (MultiPartParserError, TooManyFilesSent):
            return True  # unreadable form: refused as bad input too
        return any("\x00" in key or any("\x00" in v for v in values) for key, values in form.lists())
    if content_type == "application/json" or content_type.endswith("+json"):
        body = request.body
        return b"\x00" in body or _JSON_NUL.search(body) is not None
    return False


class RejectNulMiddleware:
    """Bad input is a 400, for every page, the admin and the API alike: a NUL character
    (``%00`` in the address or a parameter, ``\\u0000`` in a JSON body, NUL in a form field)
    can be stored nowhere (PostgreSQL refuses it in text), so it is refused here, before any
    view looks it up or writes it (and before it reaches the audit log)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": _NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(_NUL_MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
