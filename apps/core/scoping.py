"""The one scoping mechanism: every scoped queryset is filtered to the acting subtree.

Modelled on django-scopes (as used by pretix), but scopes are subtrees of the
organisation tree rather than single objects. A scope is a set of materialised paths;
a row is visible when its organisation's path starts with one of them.

It fails closed: evaluating a scoped queryset that was built while no scope was active
raises ScopeError (building one is allowed, so forms can declare fields at import).
Code that must see across units (migrations, seeding, the public certificate check,
the first look-up of a Celery job's row) says so explicitly with ``scopes_disabled()``.

Usage::

    with scope(paths=["0001"]):      # e.g. activated by middleware / API / tasks
        Member.objects.all()         # only that subtree

    class Member(models.Model):
        organization = models.ForeignKey(Organization, ...)
        objects = ScopedManager(path="organization__path")
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.db.models import Q


class ScopeError(Exception):
    """A scoped model was queried while no scope was active."""


@dataclass(frozen=True)
class Scope:
    paths: tuple[str, ...]
    disabled: bool = False

    def allows_path(self, path: str) -> bool:
        return self.disabled or any(path.startswith(p) for p in self.paths)


_current: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("union_scope", default=None)


def get_scope() -> Scope | None:
    return _current.get()


@contextmanager
def scope(*, paths: Iterable[str]) -> Iterator[Scope]:
    """Activate a scope on the given subtree paths (an empty list sees nothing)."""
    token = _current.set(Scope(paths=tuple(paths)))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@contextmanager
def scopes_disabled() -> Iterator[None]:
    token = _current.set(Scope(paths=(), disabled=True))
    try:
        yield
    finally:
        _current.reset(token)


def activate(new_scope: Scope | None) -> contextvars.Token:
    """Set the scope for the rest of this context (middleware); pair with ``deactivate``."""
    return _current.set(new_scope)


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)


def scope_q(lookup: str, current: Scope) -> Q:
    if current.disabled:
        return Q()
    if not current.paths:
        return Q(pk__in=[])
    q = Q()
    for path in current.paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


def _refuse(self, *args, **kwargs):
    raise ScopeError(
        f"{self.model.__name__} is scoped: activate a scope or use scopes_disabled()."
    )


class DisabledQuerySetMixin:
    """What a scoped manager returns outside any scope (as django-scopes does): it can be
    built and chained (so forms and class attributes can be defined at import), but any
    evaluation, write, or use as a subquery raises ScopeError."""

    _fetch_all = iterator = aiterator = count = exists = contains = _refuse
    aggregate = update = _update = delete = _raw_delete = in_bulk = explain = _refuse
    get_or_create = update_or_create = bulk_update = _refuse
    resolve_expression = _refuse


_disabled_classes: dict[type, type] = {}


def _disabled(queryset: models.QuerySet) -> models.QuerySet:
    cls = queryset.__class__
    if cls not in _disabled_classes:
        _disabled_classes[cls] = type(f"Disabled{cls.__name__}", (DisabledQuerySetMixin, cls), {})
    queryset.__class__ = _disabled_classes[cls]
    return queryset


def scoped_filter(queryset: models.QuerySet, lookup: str, *, many: bool = False) -> models.QuerySet:
    current = get_scope()
    if current is None:
        return _disabled(queryset)
    if current.disabled:
        return queryset
    q = scope_q(lookup, current)
    if many:
        # A to-many path: filter through a subquery so rows are not repeated.
        inner = queryset.model._base_manager.filter(q).values("pk")
        return queryset.filter(pk__in=inner)
    return queryset.filter(q)


class _ScopedManagerBase:
    scope_path: str = ""
    scope_many: bool = False

    def get_queryset(self) -> models.QuerySet:
        return scoped_filter(super().get_queryset(), self.scope_path, many=self.scope_many)


def ScopedManager(*, path: str, many: bool = False, base: type[models.Manager] = models.Manager):  # noqa: N802
    """A default manager that only returns rows inside the active scope.

    ``path`` is the lookup from the model to a materialised organisation path (e.g.
    ``"organization__path"``); ``many`` marks a lookup through a to-many relation;
    ``base`` is the manager class to extend (treebeard's, one made from a QuerySet …).
    The settings live on the class so Django's related managers, which subclass the
    default manager, are scoped too.
    """
    cls = type(
        f"Scoped{base.__name__}", (_ScopedManagerBase, base), {"scope_path": path, "scope_many": many}
    )
    return cls()


def in_scope(path: str) -> bool:
    """Is an organisation path inside the active scope? Fails closed outside any scope."""
    current = get_scope()
    if current is None:
        raise ScopeError("No scope is active.")
    return current.allows_path(path)
