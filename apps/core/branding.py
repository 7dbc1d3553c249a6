"""The portal's one look, shared with the admin theme: the logo/favicon file and the
``/favicon.ico`` browsers ask for on every page (the admin's included)."""

from __future__ import annotations

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_GET

FAVICON = "favicon.svg"


def site_icon(request=None) -> str:
    """URL of the portal's icon (unfold's SITE_ICON / SITE_FAVICONS call it)."""
    return static(FAVICON)


@require_GET
def favicon(request):
    """/favicon.ico → the portal's SVG icon (one favicon for the portal and the admin)."""
    return HttpResponsePermanentRedirect(static(FAVICON))
