"""The pages and the admin answer malformed input with a 4xx (or the admin's redirect), never
a 5xx: every admin model's object views with ids that cannot be ids, every changelist with
odd parameters, every page address with odd path values and a NUL in its query."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.accounts.models import User
from tests.conftest import login
from tests.core.test_access_matrix import ALL_ROUTES

pytestmark = pytest.mark.django_db

BAD_IDS = ("not-an-id", "-1", "99999999999999999999999", "00000000-0000-0000-0000-00000000000g", quote("'\"<>"))
ODD_CHANGELIST = ("?q=%27%22", "?o=abc", "?o=99", "?p=abc", "?p=-1", "?id__exact=abc", "?id__in=a,b",
                  "?all=x&e=1", "?unknown_filter=1")
PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@pytest.fixture
def root(db):
    return login(User.objects.create_superuser("t_sweep_root", password=None))


def test_admin_object_views_with_malformed_ids(root, tree):
    seen = []
    for model in admin.site._registry:
        opts = model._meta
        for view in ("change", "delete", "history"):
            for bad in BAD_IDS:
                url = reverse("admin:index") + f"{opts.app_label}/{opts.model_name}/{bad}/{view}/"
                response = root.get(url)
                seen.append(url)
                assert response.status_code in (302, 400, 403, 404), (url, response.status_code)
    assert len(seen) >= 3 * len(BAD_IDS) * 20


def test_admin_changelists_with_odd_parameters(root, tree):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for query in ODD_CHANGELIST:
            response = root.get(url + query)
            assert response.status_code in (200, 302, 400, 403), (url + query, response.status_code)
        assert root.get(url + "?q=%00").status_code == 400


def page_routes():
    return [r for r in ALL_ROUTES if not r.startswith(("admin/", "api/")) and "(?P<" not in r and "^" not in r]


def test_pages_with_odd_path_values_and_nul(users, tree):
    clients = {key: login(users[key]) for key in ("municipal", "haidian", "teacher", "judge")}
    routes = page_routes()
    assert len(routes) > 10
    for route in routes:
        variants = set()
        for bad in ("x", "0", quote("'\"<>"), "99999999999999999999", "00000000-0000-0000-0000-000000000000"):
            variants.add("/" + PARAM.sub(bad, route))
        for path in sorted(variants):
            for key, client in clients.items():
                response = client.get(path)
                assert response.status_code < 500, (key, path, response.status_code)
                assert client.get(path + "?x=%00").status_code == 400, (key, path)
