"""The one scoping mechanism: every scoped queryset is filtered to the acting scope.

Modelled on django-scopes (as used by pretix), but scopes are subtrees of the
organisation tree rather than single objects. A scope is a set of materialised paths;
a row is visible when its organisation's path starts with one of them.

People act in scopes too. A teacher or a judge acts in a *person scope*: no subtree, only
a person (``user_id``) and the role they act in (``person``). A model says what a person
sees of it with per-role rules (``ScopedManager(person={"teacher": "member__teacher_account__user"})``):
a lookup compared with the user id, or a function of the scope returning a ``Q``. A model
without a rule for the acting person's role returns nothing: fail closed.

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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

from django.db import models
from django.db.models import Q


class ScopeError(Exception):
    """A scoped model was queried while no scope was active."""


@dataclass(frozen=True)
class Scope:
    """What the acting user may see: subtrees (``paths``) and/or a person.

    ``person`` is the role a person acts in ("teacher", "judge") and ``user_id`` who they
    are; models answer for such a scope with their ``person`` rules only."""

    paths: tuple[str, ...]
    disabled: bool = False
    person: str | None = None
    user_id: int | None = None
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def allows_path(self, path: str) -> bool:
        return self.disabled or any(path.startswith(p) for p in self.paths)

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """A value computed once per scope (e.g. a judge's assignments, for a request)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


# A person rule: a lookup compared with the acting user's id, or scope -> Q.
PersonRule = Union[str, Callable[[Scope], Q]]


_current: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("union_scope", default=None)


def get_scope() -> Scope | None:
    return _current.get()


@contextmanager
def scope(*, paths: Iterable[str] = (), person: str | None = None,
          user_id: int | None = None) -> Iterator[Scope]:
    """Activate a scope on the given subtree paths (an empty list sees nothing), or a
    person scope: ``scope(person="teacher", user_id=user.pk)``."""
    if person is not None and user_id is None:
        raise ValueError("a person scope needs the person's user id")
    token = _current.set(Scope(paths=tuple(paths), person=person, user_id=user_id))
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


NOTHING = Q(pk__in=[])


def scope_q(lookup: str, current: Scope) -> Q:
    if current.disabled:
        return Q()
    if not current.paths:
        return NOTHING
    q = Q()
    for path in current.paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return q


def person_q(rules: dict[str, PersonRule], current: Scope) -> Q:
    """What the acting person sees of a model: its rule for their role, else nothing."""
    rule = rules.get(current.person or "")
    if rule is None or current.user_id is None:
        return NOTHING
    if callable(rule):
        return rule(current)
    return Q(**{rule: current.user_id})


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


def scoped_filter(queryset: models.QuerySet, lookup: str, *, many: bool = False,
                  person: dict[str, PersonRule] | None = None) -> models.QuerySet:
    current = get_scope()
    if current is None:
        return _disabled(queryset)
    if current.disabled:
        return queryset
    if current.person is not None:
        # A person's rules may follow to-many relations: always through a subquery.
        inner = queryset.model._base_manager.filter(person_q(person or {}, current)).values("pk")
        return queryset.filter(pk__in=inner)
    q = scope_q(lookup, current)
    if many:
        # A to-many path: filter through a subquery so rows are not repeated.
        inner = queryset.model._base_manager.filter(q).values("pk")
        return queryset.filter(pk__in=inner)
    return queryset.filter(q)


class _ScopedManagerBase:
    scope_path: str = ""
    scope_many: bool = False
    scope_person: dict[str, PersonRule] = {}

    def get_queryset(self) -> models.QuerySet:
        return scoped_filter(super().get_queryset(), self.scope_path, many=self.scope_many,
                             person=self.scope_person)


def ScopedManager(*, path: str, many: bool = False, person: dict[str, PersonRule] | None = None,  # noqa: N802
                  base: type[models.Manager] = models.Manager):
    """A default manager that only returns rows inside the active scope.

    ``path`` is the lookup from the model to a materialised organisation path (e.g.
    ``"organization__path"``); ``many`` marks a lookup through a to-many relation;
    ``person`` maps a person role ("teacher", "judge") to what that person sees (a lookup
    to the user compared with their id, or ``scope -> Q``); a role without a rule sees
    nothing. ``base`` is the manager class to extend (treebeard's, one made from a
    QuerySet …). The settings live on the class so Django's related managers, which
    subclass the default manager, are scoped too.
    """
    cls = type(
        f"Scoped{base.__name__}", (_ScopedManagerBase, base),
        {"scope_path": path, "scope_many": many, "scope_person": dict(person or {})},
    )
    return cls()


def add_person_rule(model: type[models.Model], person: str, rule: PersonRule) -> None:
    """Let a higher app say what a person role sees of a lower app's model (competitions
    says a teacher sees the member record their account links), keeping imports pointing
    down. Called at import of the higher app's models."""
    manager_cls = type(model._default_manager)
    if not issubclass(manager_cls, _ScopedManagerBase):
        raise TypeError(f"{model.__name__} is not scoped")
    manager_cls.scope_person[person] = rule


def is_scoped(model: type[models.Model]) -> bool:
    """Is the model's default manager a scoped one (the scoped-model test asks)."""
    return isinstance(model._default_manager, _ScopedManagerBase)


def in_scope(path: str) -> bool:
    """Is an organisation path inside the active scope? Fails closed outside any scope (a
    person scope holds no subtree: always False)."""
    current = get_scope()
    if current is None:
        raise ScopeError("No scope is active.")
    return current.allows_path(path)


def acting_person() -> tuple[str | None, int | None]:
    """(role, user id) of the active person scope; (None, None) otherwise."""
    current = get_scope()
    if current is None or current.disabled:
        return None, None
    return current.person, current.user_id
