"""Error answers in the client's language and the portal's.

- Under /api/ an error is JSON (``{"detail": …}``): an address the API's URL patterns do not match
  (``/api/v1/competitions/results/abc/preview/``) never reaches DRF, so without the handlers below
  it would answer an HTML page where the schema documents JSON.
- Elsewhere the portal's own Chinese ``404.html`` / ``500.html``, also in the development/demo run:
  with ``DEBUG=1`` (``make run``) Django would answer an unknown address or a missing object with
  its English technical page, and an uncaught exception with its English traceback page.
  ``DebugErrorPagesMiddleware`` answers them with the same handlers instead; ``DEBUG_TECHNICAL_ERRORS=1``
  brings Django's pages back for a developer; the traceback of a 500 is always logged. Production
  (``DEBUG=0``) never needs the middleware: Django calls the handlers itself.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.views import defaults

log = logging.getLogger("django.request")


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "未找到。"}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": "请求无效。"}, status=400)
    return defaults.bad_request(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": "服务器内部错误。"}, status=500)
    return defaults.server_error(request)


class DebugErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def active() -> bool:
        return settings.DEBUG and not getattr(settings, "DEBUG_TECHNICAL_ERRORS", False)

    def __call__(self, request):
        if self.active():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as exc:
                return not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self.active():
            return None
        if isinstance(exception, Http404):
            return not_found(request, exception)
        if not _handled_by_django(exception):
            log.error("Internal Server Error: %s", request.path, exc_info=exception,
                      extra={"status_code": 500, "request": request})
            return server_error(request)
        return None


def _handled_by_django(exception: Exception) -> bool:
    """403, 400 and the like already get their (Chinese) templates from Django's handlers."""
    return isinstance(exception, (PermissionDenied, BadRequest, SuspiciousOperation, MultiPartParserError))


def csrf_failure(request, reason: str = ""):
    """CSRF_FAILURE_VIEW: Django's own page is English; the reason stays in the log."""
    log.warning("CSRF verification failed: %s (%s)", reason, request.path)
    return render(request, "403_csrf.html", status=403)
