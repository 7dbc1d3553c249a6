"""Every model that holds a unit or a person is scoped (apps/core/scoping.py), or says why not.

The test walks every installed model (django.apps): a model with a foreign key, one-to-one or
many-to-many to an organisation, a member, a user or any scoped model must have a scoped
default manager, and so must the unit and person models themselves, unless it is in the short allow-list below with its reason. Third-party
apps are allowed as a whole app (we cannot give their models our manager), with a reason.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from apps.core.scoping import ScopeError, is_scoped, scope, scopes_disabled

# Project models that hold a unit or person reference yet are not scoped, and why.
ALLOWED_MODELS: dict[str, str] = {
    "accounts.User": (
        "log-in finds a user by name before any scope exists (Django's ModelBackend, django-axes, "
        "API tokens); the admin lists users only through their scoped role assignments"
    ),
    "competitions.Edition": (
        "city-wide structure every unit, teacher and judge reads; its references are settings "
        "(participating units), who published it and the bonus batch (itself scoped)"
    ),
    "honours.AllowanceRun": (
        "city-wide record kept by the municipal admin only: which schedule ran for which period; "
        "its batch is scoped and created_by records who generated it"
    ),
}

# Third-party apps whose models hold a user: allowed as a whole app.
ALLOWED_APPS: dict[str, str] = {
    "admin": "Django admin's change history: the admin shows a user only their own actions",
    "authtoken": "API tokens are looked up by key to authenticate, before any scope exists; never listed",
    "knox": "API tokens are looked up by key to authenticate, before any scope exists; never listed",
}

PERSON_MODELS = {"organizations.Organization", "members.Member", "accounts.User"}


def _references(model) -> list[str]:
    """Why the model belongs to a unit or a person: it is one, or it points at one (or at a
    scoped model)."""
    out = ["is a unit or a person"] if model._meta.label in PERSON_MODELS else []
    for field in model._meta.get_fields():
        if not (field.concrete and field.is_relation and (field.many_to_one or field.one_to_one
                                                          or field.many_to_many)):
            continue
        target = field.related_model
        if target._meta.label in PERSON_MODELS or is_scoped(target):
            out.append(f"{field.name} → {target._meta.label}")
    return out


def _models():
    return [m for m in apps.get_models() if not m._meta.proxy]


def test_every_model_with_a_unit_or_person_reference_is_scoped():
    unscoped = []
    for model in _models():
        label = model._meta.label
        if is_scoped(model) or label in ALLOWED_MODELS or model._meta.app_label in ALLOWED_APPS:
            continue
        refs = _references(model)
        if refs:
            unscoped.append(f"{label} ({', '.join(refs)})")
    assert not unscoped, (
        "These models hold a unit or person reference but are not scoped: give them a ScopedManager "
        "(apps/core/scoping.py) or an ALLOWED_MODELS entry with its reason:\n  " + "\n  ".join(unscoped))


def test_the_allow_list_is_short_reasoned_and_not_stale():
    assert len(ALLOWED_MODELS) <= 5
    labels = {m._meta.label: m for m in _models()}
    for label, reason in {**ALLOWED_MODELS, **ALLOWED_APPS}.items():
        assert len(reason) > 30, f"{label}: say why"
    for label in ALLOWED_MODELS:
        model = labels.get(label)
        assert model is not None, f"{label} is no model any more: drop it from the allow-list"
        assert not is_scoped(model), f"{label} is scoped now: drop it from the allow-list"
        assert _references(model), f"{label} holds no unit or person: drop it from the allow-list"


def test_the_check_sees_a_reference():
    """A control: the check would flag an allow-listed model if it were not listed."""
    assert _references(apps.get_model("accounts", "RoleAssignment")) == [
        "user → accounts.User", "organization → organizations.Organization"]
    assert _references(apps.get_model("accounts", "User")) == ["is a unit or a person"]  # groups are auth's
    assert "bonus_batch → payments.PaymentBatch" in _references(apps.get_model("competitions", "Edition"))


def _scoped_models():
    return sorted((m for m in _models() if is_scoped(m)), key=lambda m: m._meta.label)


@pytest.mark.django_db
@pytest.mark.parametrize("model", _scoped_models(), ids=lambda m: m._meta.label)
def test_every_scoped_model_fails_closed(model):
    """Outside any scope a query raises; a person role the model has no rule for sees
    nothing; a disabled scope and a subtree scope answer normally."""
    manager = model._default_manager
    with pytest.raises(ScopeError):
        list(manager.all()[:1])
    with pytest.raises(ScopeError):
        manager.exists()
    with scope(person="nobody", user_id=1):
        assert list(manager.all()) == []
    with scope(paths=[]):
        assert list(manager.all()) == []
    with scopes_disabled():  # the control: the same query runs
        list(manager.all()[:1])
