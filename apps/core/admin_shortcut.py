"""The admin's "view on site" shortcut (``/admin/r/<content type>/<id>/``), scoped.

Django's own shortcut loads the object through the base manager, so another unit's object
and a missing one answered differently, and a malformed id (a bad UUID) was a 500. Here the
object is read through the model's default (scoped) manager by someone holding its view
permission: anything else — unknown type, malformed id, missing, outside the scope, no page
on the site — is one and the same 404.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect

NOT_FOUND = "该对象不存在或不在您的管理范围内。"


def _shortcut(request, content_type_id: str, object_id: str):
    try:
        content_type = ContentType.objects.get_for_id(int(content_type_id))
    except (ValueError, OverflowError, ContentType.DoesNotExist):
        raise Http404(NOT_FOUND) from None
    model = content_type.model_class()
    if model is None or not hasattr(model, "get_absolute_url"):
        raise Http404(NOT_FOUND)
    opts = model._meta
    if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        raise Http404(NOT_FOUND)
    try:
        pk = opts.pk.to_python(object_id)
    except ValidationError:
        raise Http404(NOT_FOUND) from None
    obj = model._default_manager.filter(pk=pk).first()
    url = obj.get_absolute_url() if obj is not None else None
    if not url:
        raise Http404(NOT_FOUND)
    return HttpResponseRedirect(url)


view_on_site = admin.site.admin_view(_shortcut)
