"""Base for every API view: binds the authenticated user's scope (token users too)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers

from apps.core import scoping
from apps.core.binder import bind_user


class ScopedAPIMixin:
    """DRF authenticates inside the view, after the middleware ran, so the scope of a
    token-authenticated user is bound here; session users get the same result."""

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        self._scope_token = scoping.activate(bind_user(request.user, session=getattr(request, "session", None)))
        super().initial(request, *args, **kwargs)

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
    return drf_exception_handler(exc, context)
