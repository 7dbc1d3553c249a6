"""Chinese error pages in the development/demo run too.

With ``DEBUG=1`` (``make run``) Django answers an unknown address or a missing object with its
English technical page, and an uncaught exception with its English traceback page. This
middleware answers them with the portal's own ``404.html`` / ``500.html`` instead (403 and 400
already use the templates). ``DEBUG_TECHNICAL_ERRORS=1`` brings Django's pages back for a
developer; the traceback of a 500 is always logged. Production (``DEBUG=0``) never needs it:
Django's handlers render the same templates.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.urls import Resolver404, resolve
from django.shortcuts import render
from django.views.defaults import page_not_found, server_error

log = logging.getLogger("django.request")


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
                return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not self.active():
            return None
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
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
