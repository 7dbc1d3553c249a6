"""Base for every API view: binds the authenticated user's scope (token users too)."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models
from rest_framework import exceptions, serializers
from rest_framework.renderers import JSONRenderer

from apps.core import scoping
from apps.core.binder import bind_user


class ScopedAPIMixin:
    """DRF authenticates inside the view, after the middleware ran, so the scope of a
    token-authenticated user is bound here; session users get the same result."""

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        self._scope_token = scoping.activate(bind_user(request.user, session=getattr(request, "session", None)))
        super().initial(request, *args, **kwargs)
        self._check_lookup(kwargs)

    def _check_lookup(self, kwargs) -> None:
        """An id that cannot be one (``results/abc/preview/`` where ids are numbers) is a 404
        like a missing one, in every view, whichever way it later loads the object."""
        lookup = getattr(self, "lookup_url_kwarg", None) or getattr(self, "lookup_field", "pk")
        value = kwargs.get(lookup)
        model = getattr(self, "model", None) or getattr(getattr(self, "queryset", None), "model", None)
        if value is None or model is None or getattr(self, "lookup_field", "pk") not in ("pk", "id"):
            return
        try:
            model._meta.pk.to_python(value)
        except (DjangoValidationError, ValueError, TypeError):
            raise exceptions.NotFound() from None

    def finalize_response(self, request, response, *args, **kwargs):
        token = getattr(self, "_scope_token", None)
        if token is not None:
            scoping.deactivate(token)
            self._scope_token = None
        return super().finalize_response(request, response, *args, **kwargs)


class ScopedSlugRelatedField(serializers.SlugRelatedField):
    """A slug field whose choices are the scoped default manager, evaluated per request
    (an object outside the scope reads as 'does not exist')."""

    def __init__(self, *, model, **kwargs):
        self.model = model
        super().__init__(queryset=model._base_manager.none(), **kwargs)

    def get_queryset(self):
        return self.model._default_manager.all()


# Dates the portal can mean: a union founded, a teacher born, a term ending. Outside this range
# a date is a typo (or a fuzz): a 400, never stored (before 1901 Asia/Shanghai is local mean
# time, +08:05:43, so such a moment would not even come back as sent).
MIN_YEAR, MAX_YEAR = 1900, 2999  # exclusive, inclusive
_RANGE_MESSAGE = "日期超出可接受的范围（%d–%d 年）。" % (MIN_YEAR + 1, MAX_YEAR)


class SaneDateField(serializers.DateField):
    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if not MIN_YEAR < result.year <= MAX_YEAR:
            raise serializers.ValidationError(_RANGE_MESSAGE)
        return result


class SaneDateTimeField(serializers.DateTimeField):
    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if not MIN_YEAR < result.year <= MAX_YEAR:  # 1900 itself: still local mean time in Beijing
            raise serializers.ValidationError(_RANGE_MESSAGE)
        return result


def use_sane_dates() -> None:
    """Every ModelSerializer's date and date-time fields refuse dates outside the range
    (called once from CoreConfig.ready; serializers declaring their own use the classes above)."""
    mapping = serializers.ModelSerializer.serializer_field_mapping
    mapping[models.DateField] = SaneDateField
    mapping[models.DateTimeField] = SaneDateTimeField


def as_drf_error(exc: DjangoValidationError | DjangoPermissionDenied) -> exceptions.APIException:
    """A service's Django error as the API's: field messages stay keyed by field (400); a
    permission refusal is a 403."""
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


def exception_handler(exc, context):
    """DRF's handler, also for the services' Django errors: a ValidationError is a 400 with
    its field messages, a PermissionDenied a 403 with its message (so views just call the
    services, with no try/except of their own)."""
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError | DjangoPermissionDenied):
        exc = as_drf_error(exc)
    elif isinstance(exc, IntegrityError):
        exc = integrity_error(exc, context.get("view"))
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    renderer = getattr(request, "accepted_renderer", None)
    if response is not None and renderer is not None and renderer.format not in ("json", "api"):
        # an error asked for as a spreadsheet (?format=xlsx) is still a JSON error
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
    return response


_KEY = re.compile(r"Key \((?P<columns>[^)]*)\)=")


def integrity_error(exc: IntegrityError, view=None) -> exceptions.ValidationError:
    """A unique or foreign-key constraint the database enforced (two requests raced, or a
    serializer missed a rule): a 400 naming the field(s), never a 500. PostgreSQL names the
    columns in its detail ("Key (edition_id, code)=(…) already exists.")."""
    detail = getattr(getattr(exc.__cause__, "diag", None), "message_detail", None) or ""
    match = _KEY.search(detail)
    model = getattr(view, "model", None) or getattr(getattr(view, "queryset", None), "model", None)
    columns = [c.strip().strip('"') for c in match["columns"].split(",")] if match else []
    names = {f.column: f.name for f in model._meta.concrete_fields} if model is not None else {}
    fields = [names.get(c, c.removesuffix("_id")) for c in columns]
    duplicate = "already exists" in detail
    message = "该值已被使用，不能重复。" if duplicate else "引用的对象不存在或已被删除。"
    if not fields:
        return exceptions.ValidationError({"non_field_errors": [message]})
    if len(fields) > 1:
        message = "%s：%s" % ("、".join(fields), message)
    return exceptions.ValidationError({fields[-1]: [message]})
