from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from apps.core.scoping import scopes_disabled
from apps.organizations.models import Organization

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(enforce_csrf_checks=True)
    client.force_authenticate(user)
    return client


def test_list_is_the_subtree(users):
    data = api(users["haidian"]).get("/api/v1/organizations/").json()
    assert [o["code"] for o in data["results"]] == ["D-HAIDIAN", "D-HAIDIAN-S01"]
    assert data["results"][1]["parent_code"] == "D-HAIDIAN"


def test_within_filter_outside_scope_is_empty(users):
    client = api(users["municipal"])
    assert [o["code"] for o in client.get("/api/v1/organizations/?within=U-THU").json()["results"]] == [
        "U-THU", "U-THU-B01", "U-THU-B01-G1"]
    assert api(users["haidian"]).get("/api/v1/organizations/?within=U-THU").json()["results"] == []


def test_create_under_own_unit_and_refuse_foreign_parent(users):
    client = api(users["haidian"])
    ok = client.post("/api/v1/organizations/", {"parent": "D-HAIDIAN", "code": "D-HAIDIAN-S02",
                                                  "name": "海淀新校工会", "kind": "branch"}, format="json")
    assert ok.status_code == 201, ok.content
    refused = client.post("/api/v1/organizations/", {"parent": "D-CHAOYANG", "code": "D-CHAOYANG-S09",
                                                       "name": "越权", "kind": "branch"}, format="json")
    assert refused.status_code == 400
    assert "parent" in refused.json()
    with scopes_disabled():
        assert Organization.objects.filter(code="D-HAIDIAN-S02").exists()
        assert not Organization.objects.filter(code="D-CHAOYANG-S09").exists()


def test_bad_kind_gets_a_chinese_error(users):
    response = api(users["haidian"]).post(
        "/api/v1/organizations/", {"parent": "D-HAIDIAN", "code": "X", "name": "X", "kind": "university"},
        format="json")
    assert response.status_code == 400
    assert "下不能设立" in str(response.json())


def test_clerk_may_read_but_not_create(users):
    client = api(users["haidian_clerk"])
    assert client.get("/api/v1/organizations/").status_code == 200
    response = client.post("/api/v1/organizations/", {"parent": "D-HAIDIAN", "code": "C1", "name": "x",
                                                       "kind": "branch"}, format="json")
    assert response.status_code == 403


def test_teacher_has_no_organisation_api(users):
    assert api(users["teacher"]).get("/api/v1/organizations/").status_code == 403


def test_schema_and_docs_are_served_locally(users):
    client = api(users["haidian"])
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/organizations/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs and "//cdn" not in docs and "https://" not in docs.split("<body")[0]


def test_anonymous_docs_visit_goes_to_log_in_and_back(client):
    response = client.get("/api/docs/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/docs/"
    # an API client without credentials still gets the JSON 401 for the schema
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 401 and schema["Content-Type"].startswith("application/json")
