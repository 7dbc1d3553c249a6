"""The public certificate verification page, one for every kind of certificate of the portal
(``apps/core/certificates.py``): ``/verify/`` (a form) and ``/verify/<code>/`` (the facts).

Public, no log-in. It shows the public facts a kind registered (name, what is certified, unit,
code) — nothing else. Codes are 12 random characters (31¹² possibilities); an address that
keeps missing is slowed down (``VERIFY_MISSES`` per ``VERIFY_WINDOW`` seconds → 429). The same
views also answer at ``/competitions/verify/…``, the address printed on competition
certificates.
"""

from __future__ import annotations

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from .certificates import CODE_RE, certificate_verify, normalize_code
from .net import client_ip

VERIFY_MISSES = 30
VERIFY_WINDOW = 600


def _miss_key(request) -> str:
    return f"cert-verify-miss:{client_ip(request) or 'unknown'}"


def _throttled(request) -> bool:
    return (cache.get(_miss_key(request)) or 0) >= VERIFY_MISSES


def _count_miss(request) -> None:
    key = _miss_key(request)
    if cache.add(key, 1, VERIFY_WINDOW):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, VERIFY_WINDOW)


def _public(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def verify_form(request):
    """The form: a code typed in (or scanned) goes to its verification page (below this one)."""
    form_path = request.path
    if "code" in request.GET:
        code = normalize_code(request.GET.get("code"))
        if code and CODE_RE.match(code):
            return redirect(f"{form_path}{code}/")
        return _public(render(request, "core/verify_form.html",
                              {"error": "请输入证书上印制的 12 位证书编号。", "code": request.GET.get("code", "")[:40],
                               "form_path": form_path}, status=400))
    return _public(render(request, "core/verify_form.html", {"form_path": form_path}))


@require_GET
def verify_code(request, code: str):
    """Public: the certificate's public facts, whichever app issued it."""
    form_path = request.path.rstrip("/").rsplit("/", 1)[0] + "/"
    if _throttled(request):
        return _public(render(request, "core/verify_result.html",
                              {"throttled": True, "code": "", "form_path": form_path}, status=429))
    found = certificate_verify(code=code)
    if found is None:
        _count_miss(request)
        return _public(render(request, "core/verify_result.html",
                              {"found": False, "code": normalize_code(code)[:20], "form_path": form_path}, status=404))
    return _public(render(request, "core/verify_result.html", {"found": True, "form_path": form_path, **found}))
