from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

from apps.core import scoping
from apps.core.audit import current_ip
from apps.core.net import client_ip

from .acting import bind

LOGIN_AT = "login_at"


class SessionTimeoutMiddleware:
    """Ends a session a fixed time after log-in, however active (the idle limit is the cookie age)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None:
                request.session[LOGIN_AT] = time.time()
            elif time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


class ActingScopeMiddleware:
    """Binds the acting role and activates its scope for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip_token = current_ip.set(client_ip(request))
        scope_token = scoping.activate(bind(request.user, session=request.session))
        try:
            return self.get_response(request)
        finally:
            scoping.deactivate(scope_token)
            current_ip.reset(ip_token)
