from __future__ import annotations

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
