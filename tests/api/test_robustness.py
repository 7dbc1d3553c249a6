"""Bad input is a 400 or 404, never a 5xx; tokens expire, are revocable and answer 401."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from apps.core.audit import audit_record
from apps.core.enums import JobKind
from apps.core.models import AuditLog, Job
from apps.core.scoping import scopes_disabled
from apps.organizations.models import Organization
from tests.competitions.factories import make_edition
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")
    return client


# --- unknown methods ---------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/members/", "/api/v1/organizations/", "/api/v1/honours/",
                                 "/api/v1/competitions/editions/", "/api/v1/payment-batches/"])
def test_unknown_method_is_405(url, users):
    client = token_client(users["haidian"])
    for method in ("TRACE", "PROPFIND"):
        response = client.generic(method, url)
        assert response.status_code == 405, (method, url, response.status_code)


# --- NUL characters ------------------------------------------------------------------------


def test_nul_in_a_lookup_or_parameter_is_400_and_nothing_is_logged(tree, users):
    client = token_client(users["municipal"])
    with scopes_disabled():  # counting the whole trail
        before = AuditLog.objects.count()
    assert client.get("/api/v1/organizations/%00/").status_code == 400
    for url in ("/api/v1/members/export/?x=%00", "/api/v1/honours/export/?x=%00",
                "/api/v1/members/?name=a%00b", "/api/v1/members/?%00=1"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "空字符" in response.json()["detail"]
    with scopes_disabled():
        assert AuditLog.objects.count() == before


def test_nul_in_a_json_body_is_400_but_an_escaped_backslash_is_not(tree, users):
    client = token_client(users["haidian"])
    nul = client.post("/api/v1/payment-batches/", data=json.dumps({"title": "t", "organization": "\u0000"}),
                      content_type="application/json")
    assert nul.status_code == 400 and "空字符" in nul.json()["detail"]
    # the six characters \u0000 written out (a backslash escaped) are ordinary text
    text = client.post("/api/v1/payment-batches/", data='{"title": "t", "organization": "\\\\u0000"}',
                       content_type="application/json")
    assert text.status_code == 400 and "organization" in text.json()


def test_nul_in_pages_and_admin_is_400(tree, users):
    client = login(users["municipal"])
    for url in ("/organizations/?q=%00", "/admin/members/member/?q=%00", "/admin/organizations/organization/%00/change/",
                "/jobs/?x=%00"):
        assert client.get(url).status_code == 400, url
    form = client.post("/admin/organizations/organization/add/", {"name": "a\x00b"})
    assert form.status_code == 400


def test_audit_log_drops_nul_characters(tree, users):
    entry = audit_record(actor=users["municipal"], action="test.nul", target=tree.haidian,
                         data={"filters": {"q": "a\x00b", "k\x00": ["\x00"]}})
    entry.refresh_from_db()
    assert entry.data == {"filters": {"q": "ab", "k": [""]}}


# --- malformed ids --------------------------------------------------------------------------


@pytest.mark.parametrize("action,method", [("preview", "get"), ("aggregate", "post"), ("advance", "post"),
                                           ("publish", "post")])
def test_non_numeric_result_id_is_404(action, method, users):
    client = token_client(users["municipal"])
    response = getattr(client, method)(f"/api/v1/competitions/results/abc/{action}/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_malformed_uuid_and_number_in_api_lookups_are_404(users):
    client = token_client(users["municipal"])
    assert client.get("/api/v1/jobs/not-a-uuid/").status_code == 404
    assert client.get("/api/v1/members/abc/").status_code == 404
    assert client.get("/api/v1/competitions/editions/99999999999999999999/").status_code == 404


# --- duplicates ------------------------------------------------------------------------------


def test_duplicate_group_code_is_400_naming_the_field(users):
    with scopes_disabled():  # set-up
        edition = make_edition(groups=(("理科", "science"), ("文科", "arts")))
        arts = edition.groups.get(code="arts")
    client = token_client(users["municipal"])
    url = f"/api/v1/competitions/groups/{arts.pk}/"
    patched = client.patch(url, {"code": "science"}, format="json")
    assert patched.status_code == 400 and "code" in patched.json(), patched.content
    whole = client.get(url).json()
    put = client.put(url, {**{k: v for k, v in whole.items() if v is not None}, "code": "science"}, format="json")
    assert put.status_code == 400 and "code" in put.json(), put.content
    with scopes_disabled():
        arts.refresh_from_db()
    assert arts.code == "arts"


# --- the admin's view-on-site shortcut -----------------------------------------------------


def test_view_on_site_is_scoped_and_404_on_malformed_ids(tree, users):
    job_type = ContentType.objects.get_for_model(Job)
    with scopes_disabled():  # set-up: a job of 朝阳
        foreign = Job(kind=JobKind.ORGANIZATION_EXPORT, organization=tree.chaoyang, started_by=users["chaoyang"])
        foreign.save()
    client = login(users["haidian"])
    urls = [f"/admin/r/{job_type.pk}/{object_id}/"
            for object_id in (foreign.pk, "00000000-0000-0000-0000-000000000000", "not-a-uuid")]
    urls += ["/admin/r/abc/1/", f"/admin/r/{ContentType.objects.get_for_model(Organization).pk}/x/"]
    answers = [client.get(url) for url in urls]
    assert [a.status_code for a in answers] == [404] * 5
    # nothing tells a foreign object from a missing one
    assert len({re.search(r"<main.*</main>", a.content.decode(), re.S)[0] for a in answers}) == 1


# --- a unit administrator cannot lock itself out -------------------------------------------


def test_unit_admin_cannot_deactivate_its_own_unit(tree, users):
    client = token_client(users["haidian"])
    response = client.patch(f"/api/v1/organizations/{tree.haidian.code}/", {"is_active": False}, format="json")
    assert response.status_code == 400 and "停用" in response.json()["is_active"][0]
    tree.haidian.refresh_from_db()
    assert tree.haidian.is_active
    child = client.patch(f"/api/v1/organizations/{tree.haidian_school.code}/", {"is_active": False}, format="json")
    assert child.status_code == 200 and child.json()["is_active"] is False


# --- the schema tells the truth --------------------------------------------------------------


def test_member_without_branch_matches_schema(tree, users):
    make_member(tree.haidian, name="无分会", branch=None)
    schema = APIClient()
    schema.force_authenticate(users["municipal"])
    document = schema.get("/api/schema/?format=json").json()
    assert document["components"]["schemas"]["Member"]["properties"]["branch"].get("nullable") is True
    operation = document["paths"]["/api/v1/nominations/{id}/materials/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    members = document["paths"]["/api/v1/members/"]["get"]["responses"]
    assert {"400", "401", "403", "404"} <= set(members)
    assert token_client(users["haidian"]).get("/api/v1/members/").json()["results"][0]["branch"] is None


@pytest.mark.parametrize("value", ["1899-12-31", "0001-01-01", "3000-01-01"])
def test_dates_out_of_range_are_400(value, tree, users):
    client = token_client(users["haidian"])
    member = make_member(tree.haidian, name="日期")
    response = client.patch(f"/api/v1/members/{member.pk}/", {"joined_on": value}, format="json")
    assert response.status_code == 400 and "joined_on" in response.json()


def test_date_times_before_1901_are_400(users):
    with scopes_disabled():  # set-up
        edition = make_edition()
    client = token_client(users["municipal"])
    url = f"/api/v1/competitions/editions/{edition.pk}/"
    old = client.patch(url, {"registration_opens": "1899-06-01T08:00:00+08:00"}, format="json")
    assert old.status_code == 400 and "registration_opens" in old.json()
    fine = client.patch(url, {"registration_opens": "2025-06-01T08:00:00+08:00"}, format="json")
    assert fine.status_code == 200 and fine.json()["registration_opens"] == "2025-06-01T08:00:00+08:00"


# --- tokens ----------------------------------------------------------------------------------


def test_bad_tokens_are_401_with_www_authenticate(users):
    for header in ("Token nonsense", "Token " + "f" * 64, "Token", "Token a b", "Token \u00e9\u00e9"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
        response = client.get("/api/v1/members/")
        assert response.status_code == 401, header
        assert response["WWW-Authenticate"] == "Token"
    assert APIClient().get("/api/v1/members/").status_code == 401  # no credentials at all


def test_token_is_issued_with_an_expiry_and_expires(users, password):
    user = users["haidian"]
    user.set_password(password)
    user.save()
    issued = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": password})
    assert issued.status_code == 200
    expiry = dt.datetime.fromisoformat(issued.json()["expiry"])
    assert dt.timedelta(hours=23) < expiry - timezone.now() <= dt.timedelta(hours=24)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issued.json()['token']}")
    assert client.get("/api/v1/me/").status_code == 200
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me/").status_code == 401


def test_token_revocation(users):
    raw = [AuthToken.objects.create(user=users["haidian"])[1] for _ in range(3)]
    clients = []
    for key in raw:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        clients.append(client)
    assert clients[0].post("/api/v1/auth/token/revoke/").status_code == 204
    assert clients[0].get("/api/v1/me/").status_code == 401
    assert clients[1].get("/api/v1/me/").status_code == 200
    assert clients[1].post("/api/v1/auth/token/revoke-all/").status_code == 204
    assert [c.get("/api/v1/me/").status_code for c in clients] == [401, 401, 401]
    assert not AuthToken.objects.filter(user=users["haidian"]).exists()
    # a session is no credential for revoking
    assert login(users["haidian"]).post("/api/v1/auth/token/revoke/").status_code == 401


def test_superuser_revokes_tokens_in_the_admin(users):
    from apps.accounts.models import User

    AuthToken.objects.create(user=users["chaoyang"])
    root = User.objects.create_superuser("t_root_tokens", password=None)
    client = login(root)
    assert client.get("/admin/knox/authtoken/").status_code == 200
    assert client.get("/admin/knox/authtoken/add/").status_code == 403
    digests = list(AuthToken.objects.values_list("digest", flat=True))
    client.get("/admin/knox/authtoken/")
    response = client.post("/admin/knox/authtoken/", {"action": "revoke", "_selected_action": digests,
                                                      "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    assert not AuthToken.objects.exists()


def test_an_error_asked_for_as_a_spreadsheet_is_json(users):
    response = token_client(users["haidian"]).get("/api/v1/competitions/awards/yearbook/?format=xlsx")
    assert response.status_code == 403 and response["Content-Type"] == "application/json"
    assert "不能执行此操作" in response.json()["detail"]  # names the acting role
