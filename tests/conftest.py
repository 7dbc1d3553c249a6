from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")

import pytest  # noqa: E402
from django.test import Client  # noqa: E402

from apps.accounts.enums import Role  # noqa: E402
from apps.core.scoping import scope, scopes_disabled  # noqa: E402
from tests.factories.orgs import PASSWORD, build_tree, make_user  # noqa: E402


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def users(tree):
    """One user per role the access matrix walks, each in its own unit."""
    return {
        "municipal": make_user("t_admin", tree.root, Role.MUNICIPAL_ADMIN),
        "haidian": make_user("t_haidian", tree.haidian, Role.UNIT_ADMIN),
        "chaoyang": make_user("t_chaoyang", tree.chaoyang, Role.UNIT_ADMIN),
        "tsinghua": make_user("t_tsinghua", tree.tsinghua, Role.UNIT_ADMIN),
        "haidian_clerk": make_user("t_haidian_clerk", tree.haidian, Role.UNIT_CLERK),
        "teacher": make_user("t_teacher", tree.tsinghua, Role.TEACHER),
        "judge": make_user("t_judge", tree.haidian, Role.JUDGE),
    }


def login(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def as_user(users):
    """as_user("haidian") → a CSRF-enforcing client logged in as that role's user."""
    return lambda key: login(users[key])


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture
def in_scope_of():
    return lambda org: scope(paths=[org.path])


@pytest.fixture
def password():
    return PASSWORD
