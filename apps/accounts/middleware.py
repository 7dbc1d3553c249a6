from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

from apps.core import scoping
from apps.core.audit import current_ip
from apps.core.net import client_ip

from .acting import bind

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
TOUCH_EVERY = 60  # seconds: how stale the idle clock may get before a request writes it


class SessionTimeoutMiddleware:
    """Ends a session a fixed time after log-in, however active (``SESSION_ABSOLUTE_SECONDS``),
    and after ``SESSION_IDLE_SECONDS`` without a request. The last-seen time is written at most
    once every ``TOUCH_EVERY`` seconds (which also renews the cookie and the stored expiry), so
    an ordinary request reads the session and never rewrites it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(LOGIN_AT)
            seen = request.session.get(SEEN_AT)
            if started is None:
                request.session[LOGIN_AT] = now
            if started is not None and now - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
            elif seen is not None and now - seen > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif seen is None or now - seen > TOUCH_EVERY:
                request.session[SEEN_AT] = now
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
