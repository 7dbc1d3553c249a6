"""The access matrix: every URL pattern × every role × objects owned by another unit.

Generated from ``get_resolver()``: a URL pattern with no entry here fails
``test_every_url_pattern_has_an_entry``, so a new page, admin model or API route cannot
land without saying how it keeps other units' data out.

The foreign objects all belong to 朝阳 (``tree.chaoyang`` and below). The outsiders are
海淀's admin and clerk, 清华's admin, a teacher and a judge. Each check also runs a control
(the owner, the municipal admin, or a superuser) on the same URL and requires it to see the
object, so a check can never pass just because the URL was wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from knox.models import AuthToken

from apps.accounts.models import RoleAssignment, User
from apps.core.audit import audit_record
from apps.core.enums import JobKind
from apps.core.models import AuditLog, Job
from apps.core.scoping import scopes_disabled
from apps.members.models import Member
from apps.organizations.enums import ClusterKind, CommitteeKind, CongressKind
from apps.organizations.models import Cluster, Committee, CommitteeMember, Congress, Organization
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

OUTSIDERS = ("haidian", "haidian_clerk", "tsinghua", "teacher", "judge")
STAFF_OUTSIDERS = ("haidian", "haidian_clerk", "tsinghua")


def walk(resolver=None, prefix="", namespace=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace and (f"{namespace}:{entry.namespace}" if namespace else entry.namespace)
            yield from walk(entry, prefix + str(entry.pattern), ns or namespace)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


# --- the foreign objects ---------------------------------------------------------------


@dataclass
class World:
    tree: object
    users: dict
    objects: dict  # model -> an instance owned by 朝阳
    superuser: User

    def client(self, key: str) -> Client:
        return login(self.users[key])

    def control(self, model) -> Client:
        """Someone who may see ``model`` rows of 朝阳: the municipal admin if the role holds
        the view permission, else a superuser."""
        opts = model._meta
        municipal = self.users["municipal"]
        if municipal.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return login(municipal)
        return login(self.superuser)


# Later apps add makers here: maker(tree, users, member) -> {model: an instance owned by 朝阳}.
FOREIGN_OBJECT_MAKERS: list[Callable] = []


def foreign_objects(tree, users) -> dict:
    with scopes_disabled():
        committee = Committee.objects.create(
            organization=tree.chaoyang, kind=CommitteeKind.UNION, term_start=dt.date(2024, 1, 1)
        )
        member = CommitteeMember.objects.create(committee=committee, name="朝阳委员", position="委员")
        congress = Congress.objects.create(
            organization=tree.chaoyang, kind=CongressKind.STAFF, session="朝阳第一次", date=dt.date(2025, 3, 1),
            delegates=99,
        )
        cluster = Cluster.objects.create(code="C-CY", name="朝阳片组", kind=ClusterKind.DISTRICT, lead=tree.chaoyang)
        cluster.units.set([tree.chaoyang])
        job = Job(kind=JobKind.ORGANIZATION_EXPORT, organization=tree.chaoyang, started_by=users["chaoyang"])
        job.save()
        log = audit_record(actor=users["chaoyang"], action="test.foreign", target=tree.chaoyang_school)
        attempt = AccessAttempt.objects.create(username="t_chaoyang", ip_address="10.0.0.9", failures_since_start=1)
        access_log = AccessLog.objects.create(username="t_chaoyang", ip_address="10.0.0.9")
        failure = AccessFailureLog.objects.create(username="t_chaoyang", ip_address="10.0.0.9", locked_out=False)
        assignment = RoleAssignment.objects.get(user=users["chaoyang"])
        api_token, _raw = AuthToken.objects.create(user=users["chaoyang"])
    member = make_member(tree.chaoyang, name="朝阳会员", branch=tree.chaoyang_school)
    extra = {}
    for maker in FOREIGN_OBJECT_MAKERS:
        with scopes_disabled():
            extra.update(maker(tree, users, member))
    return {
        **extra,
        Member: member,
        Organization: tree.chaoyang_school,
        Committee: committee,
        CommitteeMember: member,
        Congress: congress,
        Cluster: cluster,
        Job: job,
        AuditLog: log,
        User: users["chaoyang"],
        RoleAssignment: assignment,
        AccessAttempt: attempt,
        AccessLog: access_log,
        AccessFailureLog: failure,
        AuthToken: api_token,
    }


@pytest.fixture
def world(tree, users):
    superuser = User.objects.create_superuser("t_root", password=None)
    return World(tree, users, foreign_objects(tree, users), superuser)


# --- expectations -----------------------------------------------------------------------


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "login" in response["Location"]


def refused(response) -> bool:
    """Not readable: 404 (outside the scope), 403 (no permission) or sent to log in."""
    return response.status_code in (403, 404) or is_login_redirect(response)


def fresh(obj):
    with scopes_disabled():
        return type(obj)._base_manager.get(pk=obj.pk)


def state(obj) -> dict:
    row = fresh(obj)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}


# --- admin: one rule per admin view, applied to every registered model ------------------

ADMIN_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/(?P<rest>.*)$")


def admin_model(route: str):
    m = ADMIN_ROUTE.match(route)
    if not m:
        return None, None
    for model in admin.site._registry:
        if (model._meta.app_label, model._meta.model_name) == (m["app"], m["model"]):
            return model, m["rest"]
    return None, None


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def changelist_rows(client, url: str, first) -> list:
    """Every row of a changelist, page by page (the audit log's first page fills up with the
    entries the other foreign objects' makers write)."""
    rows, page, response = list(first.context["cl"].result_list), 1, first
    while page < min(response.context["cl"].paginator.num_pages, 20):
        page += 1
        response = client.get(url, {"p": page})
        rows += list(response.context["cl"].result_list)
    return rows


def check_admin_changelist(world: World, model) -> None:
    obj = world.objects[model]
    url = admin_url(model, "changelist")
    change = admin_url(model, "change", obj.pk)
    control_client = world.control(model)
    control = control_client.get(url)
    assert control.status_code == 200 and obj in changelist_rows(control_client, url, control), "control must list it"
    for key in OUTSIDERS:
        client = world.client(key)
        response = client.get(url)
        assert response.status_code in (200, 403) or is_login_redirect(response), (key, response.status_code)
        if response.status_code == 200:
            assert obj not in changelist_rows(client, url, response), key
            assert change not in response.content.decode(), key


def check_admin_add(world: World, model) -> None:
    url = admin_url(model, "add")
    foreign_name = world.tree.chaoyang.name
    for key in OUTSIDERS:
        response = world.client(key).get(url)
        assert response.status_code in (200, 403) or is_login_redirect(response), (key, response.status_code)
        if response.status_code == 200:  # its choices offer nothing of 朝阳
            assert foreign_name not in response.content.decode(), key


def superuser_only(model) -> bool:
    """Third-party admins that are not scoped (django-axes' logs) must be superuser-only:
    no role holds any permission on them."""
    from apps.accounts.permissions import ROLE_PERMISSIONS
    from apps.core.admin_base import ScopedAdmin

    if isinstance(admin.site._registry[model], ScopedAdmin):
        return False
    prefix = f"{model._meta.app_label}."
    suffix = f"_{model._meta.model_name}"
    held = [p for perms in ROLE_PERMISSIONS.values() for p in perms if p.startswith(prefix) and p.endswith(suffix)]
    assert held == [], f"{model._meta.label} is not scoped, yet roles hold {held}"
    return True


def check_admin_object(world: World, model, view: str) -> None:
    obj = world.objects[model]
    url = admin_url(model, view, obj.pk)
    # The control finds the object (200, or 403 where even it may not delete): not a 404.
    assert world.control(model).get(url).status_code in (200, 403), f"control must find {url}"
    before = state(obj)
    expected = 403 if superuser_only(model) else 404
    for key in STAFF_OUTSIDERS:
        client = world.client(key)
        assert client.get(url).status_code == expected, (key, url)
        if view in ("change", "delete"):
            post = client.post(url, {"post": "yes", "name": "改名", "is_active": ""})
            assert post.status_code in (403, 404), (key, url, post.status_code)
    for key in ("teacher", "judge"):
        assert is_login_redirect(world.client(key).get(url)), (key, url)
    assert state(obj) == before, "an outsider changed the object"


def check_admin_bare_object(world: World, model) -> None:
    """admin/<app>/<model>/<id>/ redirects to the change view, which must then be a 404."""
    obj = world.objects[model]
    url = reverse("admin:index") + f"{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/"
    expected = 403 if superuser_only(model) else 404
    for key in STAFF_OUTSIDERS:
        response = world.client(key).get(url, follow=True)
        assert response.status_code == expected, (key, url)


ADMIN_VIEWS: dict[str, Callable] = {
    "": check_admin_changelist,
    "add/": check_admin_add,
    "<path:object_id>/history/": lambda w, m: check_admin_object(w, m, "history"),
    "<path:object_id>/delete/": lambda w, m: check_admin_object(w, m, "delete"),
    "<path:object_id>/change/": lambda w, m: check_admin_object(w, m, "change"),
    "<path:object_id>/": check_admin_bare_object,
    "<path:object_id>/reveal/": lambda w, m: check_admin_object(w, m, "reveal"),
}


# --- everything else: one entry per URL pattern -----------------------------------------


def check_public(path: str, *, method: str = "get", ok=(200, 302, 405)):
    def check(world: World) -> None:
        for key in OUTSIDERS:
            response = getattr(world.client(key), method)(path)
            assert response.status_code in ok, (key, path, response.status_code)
    return check


def check_home(world: World) -> None:
    for key in OUTSIDERS:
        body = world.client(key).get("/").content.decode()
        assert world.tree.chaoyang.name not in body, key


def check_org_list(world: World, url: str, marker: Callable[[World], str]) -> Callable:
    def check(w: World) -> None:
        text = marker(w)
        assert text in w.client("municipal").get(url).content.decode(), "control must list it"
        for key in OUTSIDERS:
            response = w.client(key).get(url)
            assert response.status_code in (200, 403, 404) or is_login_redirect(response), key
            assert text not in response.content.decode(), (key, url)
    return check


def check_detail(url_for: Callable[[World], str], *, control: str = "municipal", patch: dict | None = None,
                 obj_for: Callable[[World], object] | None = None) -> Callable:
    def check(w: World) -> None:
        url = url_for(w)
        assert w.client(control).get(url).status_code == 200, f"control must open {url}"
        before = state(obj_for(w)) if obj_for else None
        for key in OUTSIDERS:
            client = w.client(key)
            response = client.get(url)
            assert response.status_code == 404 or refused(response), (key, url, response.status_code)
            if key in STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
            if patch is not None:
                r = client.patch(url, data=json.dumps(patch), content_type="application/json")
                assert refused(r), (key, url, r.status_code)
        if obj_for:
            assert state(obj_for(w)) == before
    return check


def check_org_export(world: World) -> None:
    """The export takes no unit parameter: a job is only ever started for one's own unit."""
    for key in OUTSIDERS:
        user = world.users[key]
        client = world.client(key)
        client.get("/")  # obtain the CSRF cookie
        response = client.post("/organizations/export/", {"csrfmiddlewaretoken": client.cookies["csrftoken"].value,
                                                          "organization": world.tree.chaoyang.code})
        if response.status_code == 302 and "/jobs/" in response["Location"]:
            with scopes_disabled():
                job = Job.objects.filter(started_by=user).latest("created_at")
            assert job.organization == user.acting_organization_for_test(), key
        else:
            assert refused(response), (key, response.status_code)


def check_switch_role(world: World) -> None:
    foreign = world.objects[RoleAssignment]
    for key in OUTSIDERS:
        client = world.client(key)
        client.get("/")
        response = client.post("/accounts/switch-role/", {"assignment": foreign.pk,
                                                          "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
        assert response.status_code == 404, key
        assert world.tree.chaoyang.name not in client.get("/").content.decode(), key


def check_view_on_site(world: World) -> None:
    obj = world.objects[Organization]
    ct = ContentType.objects.get_for_model(Organization)
    url = reverse("admin:view_on_site", args=[ct.pk, obj.pk])
    for key in OUTSIDERS:
        response = world.client(key).get(url)
        assert refused(response) or response.status_code == 404, key
    for key in STAFF_OUTSIDERS:  # another unit's object reads exactly like a missing one
        assert world.client(key).get(url).status_code == 404, key


def check_autocomplete(world: World) -> None:
    url = "/admin/autocomplete/?app_label=organizations&model_name=committee&field_name=organization&term="
    foreign = str(world.tree.chaoyang.pk)
    control = world.client("municipal").get(url)
    assert foreign in [r["id"] for r in control.json()["results"]], "control must find 朝阳"
    for key in OUTSIDERS:
        response = world.client(key).get(url)
        if response.status_code == 200:
            assert foreign not in [r["id"] for r in response.json()["results"]], key
        else:
            assert refused(response), key


def check_admin_search(world: World) -> None:
    url = "/admin/search/?s=" + "朝阳"
    change = admin_url(Organization, "change", world.tree.chaoyang.pk)
    for key in OUTSIDERS:
        response = world.client(key).get(url)
        assert change not in response.content.decode(), key


def check_app_list(world: World) -> None:
    for key in OUTSIDERS:
        response = world.client(key).get("/admin/organizations/")
        assert world.tree.chaoyang.name not in response.content.decode(), key


def check_api_me(world: World) -> None:
    for key in OUTSIDERS:
        data = world.client(key).get("/api/v1/me/").json()
        assert data["username"] == world.users[key].username


def chaoyang_school_code(w: World) -> str:
    return f'"{w.tree.chaoyang_school.code}"'


def foreign_job_id(w: World) -> str:
    return str(w.objects[Job].pk)


ENTRIES: dict[str, Callable[[World], None]] = {
    "": check_home,
    "healthz": check_public("/healthz", ok=(200, 503)),
    "favicon.ico": check_public("/favicon.ico", ok=(301,)),
    "accounts/login/": check_public("/accounts/login/"),
    "accounts/logout/": check_public("/accounts/logout/", method="post", ok=(302, 403)),
    "accounts/switch-role/": check_switch_role,
    "organizations/": check_org_list(None, "/organizations/", lambda w: w.tree.chaoyang_school.name),
    "organizations/export/": check_org_export,
    "organizations/<str:code>/": check_detail(lambda w: f"/organizations/{w.tree.chaoyang_school.code}/"),
    "jobs/": check_org_list(None, "/jobs/", lambda w: foreign_job_id(w)),
    "jobs/<uuid:pk>/": check_detail(lambda w: f"/jobs/{foreign_job_id(w)}/"),
    "jobs/<uuid:pk>/status/": check_detail(lambda w: f"/jobs/{foreign_job_id(w)}/status/"),
    "jobs/<uuid:pk>/download/": None,  # set below: needs a result file
    "admin/search/": check_admin_search,
    "admin/": check_public("/admin/", ok=(200, 302)),
    "admin/login/": check_public("/admin/login/", ok=(200, 302)),
    "admin/logout/": check_public("/admin/logout/", method="post", ok=(200, 302, 403)),  # 403: no CSRF token
    "admin/password_change/": check_public("/admin/password_change/", ok=(200, 302)),
    "admin/password_change/done/": check_public("/admin/password_change/done/", ok=(200, 302)),
    "admin/autocomplete/": check_autocomplete,
    "admin/jsi18n/": check_public("/admin/jsi18n/", ok=(200, 302)),
    "admin/r/<path:content_type_id>/<path:object_id>/": check_view_on_site,
    "admin/(?P<url>.*)$": check_public("/admin/no-such-page/", ok=(302, 404)),
    "api/v1/auth/token/": check_public("/api/v1/auth/token/", method="post", ok=(400,)),
    # Token-only: a session (even a logged-in one) is no credential here.
    "api/v1/auth/token/revoke/": check_public("/api/v1/auth/token/revoke/", method="post", ok=(401,)),
    "api/v1/auth/token/revoke-all/": check_public("/api/v1/auth/token/revoke-all/", method="post", ok=(401,)),
    "api/v1/me/": check_api_me,
    "api/v1/^organizations/$": check_org_list(None, "/api/v1/organizations/", chaoyang_school_code),
    r"api/v1/^organizations\.(?P<format>[a-z0-9]+)/?$": check_org_list(
        None, "/api/v1/organizations.json", chaoyang_school_code
    ),
    "api/v1/^organizations/(?P<code>[^/.]+)/$": check_detail(
        lambda w: f"/api/v1/organizations/{w.tree.chaoyang_school.code}/", patch={"name": "改名"},
        obj_for=lambda w: w.tree.chaoyang_school,
    ),
    r"api/v1/^organizations/(?P<code>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": check_detail(
        lambda w: f"/api/v1/organizations/{w.tree.chaoyang_school.code}.json", patch={"name": "改名"},
        obj_for=lambda w: w.tree.chaoyang_school,
    ),
    "api/v1/^clusters/$": check_org_list(None, "/api/v1/clusters/", lambda w: '"C-CY"'),
    r"api/v1/^clusters\.(?P<format>[a-z0-9]+)/?$": check_org_list(None, "/api/v1/clusters.json", lambda w: '"C-CY"'),
    "api/v1/^clusters/(?P<code>[^/.]+)/$": check_detail(lambda w: "/api/v1/clusters/C-CY/"),
    r"api/v1/^clusters/(?P<code>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": check_detail(
        lambda w: "/api/v1/clusters/C-CY.json"
    ),
    "api/v1/^jobs/$": check_org_list(None, "/api/v1/jobs/", foreign_job_id),
    r"api/v1/^jobs\.(?P<format>[a-z0-9]+)/?$": check_org_list(None, "/api/v1/jobs.json", foreign_job_id),
    "api/v1/^jobs/(?P<pk>[^/.]+)/$": check_detail(lambda w: f"/api/v1/jobs/{foreign_job_id(w)}/"),
    r"api/v1/^jobs/(?P<pk>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": check_detail(
        lambda w: f"/api/v1/jobs/{foreign_job_id(w)}.json"
    ),
    "api/schema/": check_public("/api/schema/", ok=(200,)),
    "api/docs/": check_public("/api/docs/", ok=(200,)),
}


def csrf_post(client: Client, url: str, payload: dict):
    client.get("/")  # the CSRF cookie: the request must fail on scope, not on CSRF
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token)


def check_api_post(url_for: Callable[[World], str], payload: dict, *, ok=(200, 201)) -> Callable:
    """A POST action on a foreign object: refused to outsiders (404 for staff), nothing
    changes; then the control's same POST succeeds (so the URL was right)."""

    def check(w: World) -> None:
        url = url_for(w)
        obj = w.objects[Member]
        before = state(obj)
        logs = AuditLog._base_manager.filter(action__startswith="member.").count()
        for key in OUTSIDERS:
            response = csrf_post(w.client(key), url, payload)
            assert refused(response), (key, url, response.status_code)
            if key in STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
        assert state(obj) == before and AuditLog._base_manager.filter(action__startswith="member.").count() == logs, "an outsider changed or revealed it"
        control = csrf_post(w.client("municipal"), url, payload)
        assert control.status_code in ok, (url, control.status_code, control.content[:200])
    return check


def member_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/members/{w.objects[Member].pk}/{suffix}"


def member_list_marker(w: World) -> str:
    return f'"id":{w.objects[Member].pk},'


ENTRIES.update({
    "api/v1/^members/$": check_org_list(None, "/api/v1/members/", member_list_marker),
    r"api/v1/^members\.(?P<format>[a-z0-9]+)/?$": check_org_list(None, "/api/v1/members.json", member_list_marker),
    "api/v1/^members/(?P<pk>[^/.]+)/$": check_detail(member_url(), patch={"name": "改名"},
                                                    obj_for=lambda w: w.objects[Member]),
    r"api/v1/^members/(?P<pk>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": check_detail(
        lambda w: f"/api/v1/members/{w.objects[Member].pk}.json", patch={"name": "改名"},
        obj_for=lambda w: w.objects[Member]),
    "api/v1/^members/(?P<pk>[^/.]+)/reveal/$": check_api_post(member_url("reveal/"), {"reason": "核对"}),
    r"api/v1/^members/(?P<pk>[^/.]+)/reveal\.(?P<format>[a-z0-9]+)/?$": check_api_post(
        lambda w: f"/api/v1/members/{w.objects[Member].pk}/reveal.json", {"reason": "核对"}),
    "api/v1/^members/(?P<pk>[^/.]+)/status/$": check_api_post(member_url("status/"), {"status": "retired"}),
    r"api/v1/^members/(?P<pk>[^/.]+)/status\.(?P<format>[a-z0-9]+)/?$": check_api_post(
        lambda w: f"/api/v1/members/{w.objects[Member].pk}/status.json", {"status": "retired"}),
    "api/v1/^members/(?P<pk>[^/.]+)/transfer/$": check_api_post(
        member_url("transfer/"), {"to_organization": "D-HAIDIAN"}, ok=(201,)),
    r"api/v1/^members/(?P<pk>[^/.]+)/transfer\.(?P<format>[a-z0-9]+)/?$": check_api_post(
        lambda w: f"/api/v1/members/{w.objects[Member].pk}/transfer.json", {"to_organization": "D-HAIDIAN"},
        ok=(201,)),
})


# --- members import entries (admin import views, template download) ---


MEMBER_IMPORT_URL = "/admin/members/member/import-members/"
MEMBER_TEMPLATE_URL = "/admin/members/member/download-template/"


def _chaoyang_members() -> int:
    with scopes_disabled():
        path = Organization._base_manager.get(code="D-CHAOYANG").path
        return Member._base_manager.filter(organization__path__startswith=path).count()


def _import_post(client: Client, data: dict, sheet: bytes | None = None):
    import io

    client.get("/")  # the CSRF cookie: refused on scope, not on CSRF
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    payload = {**data, "csrfmiddlewaretoken": token}
    if sheet is not None:
        payload["file"] = io.BytesIO(sheet)
        payload["file"].name = "members.xlsx"
    return client.post(MEMBER_IMPORT_URL, payload)


def check_member_import(world: World) -> None:
    """Nobody outside 朝阳 imports into it: 朝阳 is not a choice, a row naming 朝阳's code is
    refused, a made-up confirm token imports nothing. The control (朝阳's own admin) sees
    朝阳 offered, previews and confirms, so the URL and the form were right."""
    from apps.accounts.acting import acting_organization
    from tests.members.sheets import member_rows, xlsx_bytes

    chaoyang = world.tree.chaoyang
    before = _chaoyang_members()
    for key in OUTSIDERS:
        client = world.client(key)
        response = client.get(MEMBER_IMPORT_URL)
        assert response.status_code == 200 or refused(response), (key, response.status_code)
        assert chaoyang.name not in response.content.decode(), key
        response = _import_post(client, {"organization": chaoyang.pk}, xlsx_bytes(member_rows(2, start=900)))
        assert response.status_code == 200 or refused(response), (key, response.status_code)
        if response.status_code == 200:
            assert response.context["form"].errors.get("organization"), key
        own = acting_organization(world.users[key])
        rows = member_rows(2, start=910)
        rows[1]["所属工会编码"] = chaoyang.code
        response = _import_post(client, {"organization": own.pk}, xlsx_bytes(rows))
        assert response.status_code == 200 or refused(response), (key, response.status_code)
        if response.status_code == 200:
            assert not response.context.get("token"), key
            assert "所属工会不在您的管理范围内" in response.content.decode(), key
            assert chaoyang.name not in response.content.decode(), key
        response = _import_post(client, {"token": "0" * 32})
        assert response.status_code == 302 or refused(response), (key, response.status_code)
        if response.status_code == 302:
            assert response["Location"].endswith("/admin/members/member/") or is_login_redirect(response), key
    assert _chaoyang_members() == before, "an outsider imported into 朝阳"

    control = world.client("chaoyang")
    page = control.get(MEMBER_IMPORT_URL)
    assert page.status_code == 200 and chaoyang.name in page.content.decode(), "control must be offered 朝阳"
    preview = _import_post(control, {"organization": chaoyang.pk}, xlsx_bytes(member_rows(2, start=920)))
    assert preview.status_code == 200 and preview.context["token"], "control must preview"
    done = _import_post(control, {"token": preview.context["token"]})
    assert done.status_code == 302 and _chaoyang_members() == before + 2, "control must import"


def check_member_template(world: World) -> None:
    """The template is the same empty workbook for everyone; non-staff are refused."""
    import io

    from openpyxl import load_workbook

    def cells(response) -> str:
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        text = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                        for v in row if v is not None)
        book.close()
        return text

    control = world.client("municipal").get(MEMBER_TEMPLATE_URL)
    assert control.status_code == 200 and "姓名" in cells(control), "control must download it"
    before = _chaoyang_members()
    for key in OUTSIDERS:
        response = world.client(key).get(MEMBER_TEMPLATE_URL)
        assert response.status_code == 200 or refused(response), (key, response.status_code)
        if key in ("teacher", "judge"):
            assert refused(response), key
        if response.status_code == 200:
            assert world.tree.chaoyang.name not in cells(response), key
    assert _chaoyang_members() == before


ENTRIES[MEMBER_IMPORT_URL.lstrip("/")] = check_member_import
ENTRIES[MEMBER_TEMPLATE_URL.lstrip("/")] = check_member_template

# --- members export entries (admin export, /api/v1/members/export/) ---


def _xlsx_text(response) -> str:
    """The sheet XML of an xlsx response ('' when the response is not a workbook)."""
    import io
    import zipfile

    if response.status_code != 200 or "spreadsheetml" not in response.get("Content-Type", ""):
        return ""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        return "\n".join(archive.read(n).decode() for n in sheets)


def check_member_export(fetch: Callable[[Client, World], object]) -> Callable:
    """An export never holds 朝阳's member for an outsider (refused, or a workbook without
    it); the municipal control's export of the same URL holds it."""

    def check(w: World) -> None:
        member = w.objects[Member]
        control = _xlsx_text(fetch(w.client("municipal"), w))
        assert member.name in control, "control must export it"
        assert member.id_number_masked in control or member.id_number in control, "control must export it"
        for key in OUTSIDERS:
            response = fetch(w.client(key), w)
            if refused(response):
                continue
            assert response.status_code == 200, (key, response.status_code)
            text = _xlsx_text(response)
            assert text, (key, "expected a workbook")
            for marker in (member.name, member.id_number_masked, member.id_number):
                assert marker not in text, key
    return check


def _api_export_probing(path: str) -> Callable:
    """Plain, asking for 朝阳 by unit, and with reveal: each must keep 朝阳 out."""

    def check(w: World) -> None:
        check_member_export(lambda client, _w: client.get(path))(w)
        member = w.objects[Member]
        for key in OUTSIDERS:
            for query in (f"?unit={w.tree.chaoyang.code}", f"?unit={w.tree.chaoyang.code}&reveal=1"):
                response = w.client(key).get(path + query)
                assert refused(response) or member.name not in _xlsx_text(response), (key, query)
    return check


def _admin_full_export(client: Client, w: World):
    client.get("/")  # the CSRF cookie
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post("/admin/members/member/export-members-full/", {"csrfmiddlewaretoken": token,
                                                                       "reason": "核对会员信息"})


def _api_reveal_export_probing(path: str) -> Callable:
    """The revealing export (a POST with a reason): 朝阳 stays out, also asked for by unit."""

    def check(w: World) -> None:
        reason = {"reason": "核对会员信息"}
        check_member_export(lambda client, _w: csrf_post(client, path, reason))(w)
        member = w.objects[Member]
        for key in OUTSIDERS:
            response = csrf_post(w.client(key), f"{path}?unit={w.tree.chaoyang.code}", reason)
            assert refused(response) or member.name not in _xlsx_text(response), key
    return check


ENTRIES.update({
    "api/v1/^members/export/reveal/$": _api_reveal_export_probing("/api/v1/members/export/reveal/"),
    r"api/v1/^members/export/reveal\.(?P<format>[a-z0-9]+)/?$": _api_reveal_export_probing(
        "/api/v1/members/export/reveal.json"),
    "api/v1/^members/export/$": _api_export_probing("/api/v1/members/export/"),
    r"api/v1/^members/export\.(?P<format>[a-z0-9]+)/?$": _api_export_probing("/api/v1/members/export.json"),
    "admin/members/member/export-members/": check_member_export(
        lambda client, w: client.get("/admin/members/member/export-members/")),
    "admin/members/member/export-members-full/": check_member_export(_admin_full_export),
})


# --- payments entries (foreign objects via FOREIGN_OBJECT_MAKERS, admin and API routes) ---


def payment_objects(tree, users, member) -> dict:
    """A draft batch of 朝阳 with one item (the 朝阳 member), created by 朝阳's admin."""
    from apps.payments.models import PaymentBatch, PaymentItem

    batch = PaymentBatch.objects.create(organization=tree.chaoyang, title="朝阳春节慰问批次", purpose="festival_condolence",
                                        created_by=users["chaoyang"], item_count=1, total_amount=100)
    item = PaymentItem.objects.create(batch=batch, member=member, amount=100)
    return {PaymentBatch: batch, PaymentItem: item}


FOREIGN_OBJECT_MAKERS.append(payment_objects)


def _payment_batch(w: World):
    from apps.payments.models import PaymentBatch

    return w.objects[PaymentBatch]


def batch_url(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/payment-batches/{_payment_batch(w).pk}/{suffix}"


def check_batch_post(suffix: str, payload: dict, *, perm: str, ok=(200,)) -> Callable:
    """A POST on 朝阳's batch: refused to outsiders — a 404 for every staff outsider who holds
    ``perm`` (a 海淀 payment approver is added so approve/disburse meet one) — and nothing
    changes; the municipal admin's same POST gets past the scope (``ok``)."""

    def check(w: World) -> None:
        from apps.accounts.enums import Role
        from apps.payments.models import PaymentItem
        from tests.factories.orgs import make_user

        batch = _payment_batch(w)
        url = f"/api/v1/payment-batches/{batch.pk}/{suffix}"
        before, items = state(batch), PaymentItem._base_manager.filter(batch=batch).count()
        approver = make_user("t_haidian_approver", w.tree.haidian, Role.PAYMENT_APPROVER)
        clients = [(key, w.users[key], w.client(key)) for key in OUTSIDERS] + [("approver", approver, login(approver))]
        for key, user, client in clients:
            response = csrf_post(client, url, payload)
            assert refused(response), (key, url, response.status_code)
            if (key in STAFF_OUTSIDERS or key == "approver") and user.has_perm(perm):
                assert response.status_code == 404, (key, url, response.status_code)
        assert state(batch) == before and PaymentItem._base_manager.filter(batch=batch).count() == items
        control = csrf_post(w.client("municipal"), url, payload)
        assert control.status_code in ok, (url, control.status_code, control.content[:300])
    return check


def _payment_entries() -> dict:
    from apps.payments.models import PaymentBatch

    maker, approve, disburse = ("payments.change_paymentbatch", "payments.approve_paymentbatch",
                                "payments.disburse_paymentbatch")
    title = lambda w: _payment_batch(w).title  # noqa: E731
    base = "api/v1/^payment-batches/(?P<pk>[^/.]+)/"
    posts = {
        "submit": ({}, maker, (200,)),
        "cancel": ({"reason": "测试"}, maker, (200,)),
        "approve": ({"password": "x"}, approve, (400, 403)),  # a draft: found, then refused on state
        "disburse": ({}, disburse, (400,)),
        "return-file": ({}, disburse, (400,)),
    }
    entries = {
        "api/v1/^payment-batches/$": check_org_list(None, "/api/v1/payment-batches/", title),
        r"api/v1/^payment-batches\.(?P<format>[a-z0-9]+)/?$": check_org_list(
            None, "/api/v1/payment-batches.json", title),
        base + "$": check_detail(batch_url()),
        base[:-1] + r"\.(?P<format>[a-z0-9]+)/?$": check_detail(
            lambda w: f"/api/v1/payment-batches/{_payment_batch(w).pk}.json"),
        base + "items/$": lambda w: (check_detail(batch_url("items/"))(w), check_batch_post(
            "items/", {"items": [{"member": w.objects[Member].pk, "amount": "1.00"}]},
            perm="payments.add_paymentitem", ok=(400,))(w)),
        base + r"items\.(?P<format>[a-z0-9]+)/?$": check_detail(batch_url("items.json")),
    }
    for name, (payload, perm, ok) in posts.items():
        entries[base + f"{name}/$"] = check_batch_post(f"{name}/", payload, perm=perm, ok=ok)
        entries[base + name + r"\.(?P<format>[a-z0-9]+)/?$"] = check_batch_post(f"{name}.json", payload, perm=perm,
                                                                                 ok=ok)
    for view, path in (("submit", "submit"), ("approve", "approve"), ("cancel", "cancel"), ("disburse", "disburse"),
                       ("reissue", "reissue"), ("return_file", "return-file"), ("transfer_csv", "transfer-csv"),
                       ("transfer_xlsx", "transfer-xlsx")):
        entries[f"admin/payments/paymentbatch/<path:object_id>/{path}/"] = (
            lambda w, view=view: check_admin_object(w, PaymentBatch, view))
    return entries


ENTRIES.update(_payment_entries())


def check_batch_export(path: str) -> Callable:
    """The batch list export never holds 朝阳's batch for an outsider (refused, or a workbook
    without it, whatever the filter); the municipal control's export holds it."""

    def check(w: World) -> None:
        title = _payment_batch(w).title
        assert title in _xlsx_text(w.client("municipal").get(path)), "control must export it"
        for key in OUTSIDERS:
            for query in ("", "?status=draft", "?purpose=festival_condolence"):
                response = w.client(key).get(path + query)
                assert refused(response) or (response.status_code == 200 and title not in _xlsx_text(response)), (
                    key, query, response.status_code)
    return check


def check_items_export(suffix: str) -> Callable:
    """朝阳's items export: a 404 for staff outsiders, masked or revealed; the control gets 朝阳's member."""

    def check(w: World) -> None:
        for query in ("", "?reveal=1"):
            check_detail(lambda w, q=query: batch_url(suffix)(w) + q)(w)
        assert w.objects[Member].name in _xlsx_text(w.client("municipal").get(batch_url(suffix)(w)))
    return check


def check_items_reveal(suffix: str) -> Callable:
    """朝阳's items with full accounts (a POST with a reason): refused to every outsider; the
    control gets 朝阳's member."""

    def check(w: World) -> None:
        url = batch_url(suffix)(w)
        for key in OUTSIDERS:
            response = csrf_post(w.client(key), url, {"reason": "核对账号"})
            assert refused(response), (key, response.status_code)
        control = csrf_post(w.client("municipal"), url, {"reason": "核对账号"})
        assert w.objects[Member].name in _xlsx_text(control), control.status_code
    return check


def _payment_export_entries() -> dict:
    from apps.payments.models import PaymentBatch

    base = "api/v1/^payment-batches/(?P<pk>[^/.]+)/"
    fmt = r"\.(?P<format>[a-z0-9]+)/?$"
    entries = {
        "api/v1/^payment-batches/export/$": check_batch_export("/api/v1/payment-batches/export/"),
        "api/v1/^payment-batches/export" + fmt: check_batch_export("/api/v1/payment-batches/export.json"),
        base + "items/export/$": check_items_export("items/export/"),
        base + "items/export" + fmt: check_items_export("items/export.json"),
        base + "items/export/reveal/$": check_items_reveal("items/export/reveal/"),
        base + "items/export/reveal" + fmt: check_items_reveal("items/export/reveal.json"),
        base + "reissue/$": check_batch_post("reissue/", {}, perm="payments.change_paymentbatch", ok=(400,)),
        base + "reissue" + fmt: check_batch_post("reissue.json", {}, perm="payments.change_paymentbatch", ok=(400,)),
    }
    for view, path in (("export_items", "export-items"), ("export_items_full", "export-items-full")):
        entries[f"admin/payments/paymentbatch/<path:object_id>/{path}/"] = (
            lambda w, view=view: check_admin_object(w, PaymentBatch, view))
    return entries


ENTRIES.update(_payment_export_entries())


# --- honours entries (foreign objects via FOREIGN_OBJECT_MAKERS, admin and API routes) ---


def honour_objects(tree, users, member) -> dict:
    """An honour of 朝阳's member, an activity 朝阳 organised, and a title (city-wide data that
    only the municipal admin's role may see in the admin: a 404 for everyone else)."""
    from apps.honours.models import Activity, Honour, HonourTitle
    from apps.honours.services import honour_create
    from apps.honours.titles import seed_titles

    seed_titles(HonourTitle)
    medal = HonourTitle.objects.get(code="capital_labour_medal")
    honour = honour_create(title=medal, year=2024, member=member, certificate_no="CY-2024-1",
                           actor=users["municipal"])
    activity = Activity.objects.create(kind="lecture_tour", date=dt.date(2025, 5, 1), title="朝阳劳模宣讲团",
                                       organization=tree.chaoyang)
    activity.participants.set([member])
    return {HonourTitle: medal, Honour: honour, Activity: activity}


FOREIGN_OBJECT_MAKERS.append(honour_objects)


def _honour(w: World):
    from apps.honours.models import Honour

    return w.objects[Honour]


def check_honour_list(url: str) -> Callable:
    """The list never holds 朝阳's honour for an outsider, whatever the filter; creating one for
    朝阳's member is refused to outsiders and works for the municipal control."""

    def check(w: World) -> None:
        from apps.honours.models import Honour

        marker = lambda w: f'"id":{_honour(w).pk},'  # noqa: E731
        check_org_list(w, url, marker)(w)
        for query in (f"?unit={w.tree.chaoyang.code}", "?roll=true", "?status=on_roll&level=municipal"):
            check_org_list(w, url + query, marker)(w)
        payload = {"title": "beijing_model_worker", "year": 2025, "member": w.objects[Member].pk}
        count = Honour._base_manager.count()
        for key in OUTSIDERS:
            response = csrf_post(w.client(key), url, payload)
            assert response.status_code in (400, 403, 404) or is_login_redirect(response), (key, response.status_code)
        assert Honour._base_manager.count() == count, "an outsider created an honour"
        assert csrf_post(w.client("municipal"), url, payload).status_code == 201, "control must create"
    return check


ENTRIES.update({
    "api/v1/^honours/$": check_honour_list("/api/v1/honours/"),
    r"api/v1/^honours\.(?P<format>[a-z0-9]+)/?$": check_honour_list("/api/v1/honours.json"),
    "api/v1/^honours/(?P<pk>[^/.]+)/$": check_detail(lambda w: f"/api/v1/honours/{_honour(w).pk}/",
                                                     obj_for=_honour),
    r"api/v1/^honours/(?P<pk>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": check_detail(
        lambda w: f"/api/v1/honours/{_honour(w).pk}.json", obj_for=_honour),
})


def nomination_objects(tree, users, member) -> dict:
    """A draft nomination of 朝阳's member in an open campaign (朝阳 has places left)."""
    from apps.honours.models import HonourTitle, Nomination, NominationCampaign, NominationQuota
    from apps.honours.titles import seed_titles

    seed_titles(HonourTitle)
    worker = HonourTitle.objects.get(code="beijing_advanced_worker")
    today = dt.date.today()
    campaign = NominationCampaign.objects.create(year=today.year, name="朝阳测试评选", opens_on=today - dt.timedelta(days=5),
                                                 closes_on=today + dt.timedelta(days=5))
    campaign.titles.set([worker])
    NominationQuota.objects.create(campaign=campaign, organization=tree.chaoyang, quota=5)
    nomination = Nomination.objects.create(campaign=campaign, title=worker, organization=tree.chaoyang, member=member,
                                           deed_summary="朝阳事迹", submitted_by=users["chaoyang"])
    return {Nomination: nomination, NominationCampaign: campaign}


FOREIGN_OBJECT_MAKERS.append(nomination_objects)


def _nomination(w: World):
    from apps.honours.models import Nomination

    return w.objects[Nomination]


def check_nomination_list(url: str) -> Callable:
    """Outsiders never list 朝阳's nomination nor nominate 朝阳's member; 朝阳's own admin nominates."""

    def check(w: World) -> None:
        from apps.honours.models import Nomination

        marker = lambda w: f'"id":{_nomination(w).pk},'  # noqa: E731
        check_org_list(w, url, marker)(w)
        check_org_list(w, url + "?status=draft", marker)(w)
        nomination = _nomination(w)
        payload = {"campaign": nomination.campaign_id, "title": "beijing_advanced_worker", "deed_summary": "事迹",
                   "member": make_member(w.tree.chaoyang, name="朝阳新人").pk}
        count = Nomination._base_manager.count()
        for key in OUTSIDERS:
            response = csrf_post(w.client(key), url, payload)
            assert response.status_code in (400, 403, 404) or is_login_redirect(response), (key, response.status_code)
        assert Nomination._base_manager.count() == count, "an outsider nominated"
        control = csrf_post(w.client("chaoyang"), url, payload)
        assert control.status_code == 201, control.content[:300]
    return check


def check_nomination_post(suffix: str, payload: dict, *, perm: str, control: str, status: str = "draft",
                          **fields) -> Callable:
    """A cascade step on 朝阳's nomination (first put in ``status``): refused to outsiders — a 404
    for every staff outsider holding ``perm`` — with nothing changed or audited; then ``control``'s
    same POST succeeds (so the URL was right)."""

    def check(w: World) -> None:
        from apps.honours.models import Nomination

        nomination = _nomination(w)
        Nomination._base_manager.filter(pk=nomination.pk).update(status=status, **fields)
        url = f"/api/v1/nominations/{nomination.pk}/{suffix}"
        before = state(nomination)
        logs = AuditLog._base_manager.filter(action__startswith="nomination.").count()
        for key in OUTSIDERS:
            response = csrf_post(w.client(key), url, payload)
            assert refused(response), (key, url, response.status_code)
            if key in STAFF_OUTSIDERS and w.users[key].has_perm(perm):
                assert response.status_code == 404, (key, url, response.status_code)
        assert state(nomination) == before, "an outsider moved it"
        assert AuditLog._base_manager.filter(action__startswith="nomination.").count() == logs
        response = csrf_post(w.client(control), url, payload)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return check


def _nomination_entries() -> dict:
    from django.utils import timezone

    today = timezone.localdate()
    start, past = today + dt.timedelta(days=1), today - dt.timedelta(days=10)  # a day's margin either side
    review = "honours.change_nomination"
    steps = {  # action: (payload, keywords for check_nomination_post)
        "submit": ({}, {"perm": "honours.add_nomination", "control": "chaoyang"}),
        "review": ({"result": "return", "reason": "材料不全"},
                   {"perm": review, "control": "municipal", "status": "recommended"}),
        "notice": ({"notice_start": start.isoformat(), "notice_end": (start + dt.timedelta(days=7)).isoformat()},
                   {"perm": review, "control": "municipal", "status": "initial_approved"}),
        "objection": ({"text": "事迹有出入"}, {"perm": review, "control": "municipal", "status": "notice",
                                              "notice_start": past, "notice_end": past}),
        "decide": ({"decision": "approve"}, {"perm": review, "control": "municipal", "status": "notice",
                                             "notice_start": past, "notice_end": past}),
    }
    base = "api/v1/^nominations/(?P<pk>[^/.]+)/"
    entries = {
        "api/v1/^nominations/$": check_nomination_list("/api/v1/nominations/"),
        r"api/v1/^nominations\.(?P<format>[a-z0-9]+)/?$": check_nomination_list("/api/v1/nominations.json"),
        base + "$": check_detail(lambda w: f"/api/v1/nominations/{_nomination(w).pk}/", obj_for=_nomination),
        r"api/v1/^nominations/(?P<pk>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": check_detail(
            lambda w: f"/api/v1/nominations/{_nomination(w).pk}.json", obj_for=_nomination),
    }
    for name, (payload, keywords) in steps.items():
        entries[f"{base}{name}/$"] = check_nomination_post(f"{name}/", payload, **keywords)
        entries[base + name + r"\.(?P<format>[a-z0-9]+)/?$"] = check_nomination_post(f"{name}.json", payload,
                                                                                        **keywords)
    return entries


ENTRIES.update(_nomination_entries())


def form_post(client: Client, url: str, payload: dict):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, data=payload, HTTP_X_CSRFTOKEN=token)


def check_admin_nomination_step(suffix: str, payload: dict, *, perm: str, control: str, status: str,
                                to: str, **fields) -> Callable:
    """An admin detail button on 朝阳's nomination: a 404 for staff outsiders holding ``perm``
    (refused for all), nothing changed or audited; ``control``'s POST moves it to ``to``."""

    def check(w: World) -> None:
        from apps.honours.models import Nomination

        nomination = _nomination(w)
        Nomination._base_manager.filter(pk=nomination.pk).update(status=status, **fields)
        url = admin_url(Nomination, "change", nomination.pk).removesuffix("change/") + suffix
        before = state(nomination)
        logs = AuditLog._base_manager.filter(action__startswith="nomination.").count()
        for key in OUTSIDERS:
            client = w.client(key)
            for response in (client.get(url), form_post(client, url, payload)):
                assert refused(response), (key, url, response.status_code)
                if key in STAFF_OUTSIDERS and w.users[key].has_perm(perm):
                    assert response.status_code == 404, (key, url, response.status_code)
        assert state(nomination) == before, "an outsider moved it"
        assert AuditLog._base_manager.filter(action__startswith="nomination.").count() == logs
        client = w.client(control)
        assert client.get(url).status_code == 200, f"control must open {url}"
        response = form_post(client, url, payload)
        assert response.status_code == 302, (url, response.status_code, response.content[:500])
        assert fresh(nomination).status == to
    return check


def _admin_nomination_entries() -> dict:
    from django.utils import timezone

    start, past = timezone.localdate() + dt.timedelta(days=1), timezone.localdate() - dt.timedelta(days=10)
    review = "honours.change_nomination"
    base = "admin/honours/nomination/<path:object_id>/"
    steps = {
        "submit/": ({}, dict(perm="honours.add_nomination", control="chaoyang", status="draft", to="recommended")),
        "review-pass/": ({}, dict(perm=review, control="municipal", status="recommended", to="initial_approved")),
        "return/": ({"reason": "材料不全"}, dict(perm=review, control="municipal", status="recommended",
                                              to="returned")),
        "notice/": ({"notice_start": start.isoformat(), "notice_end": (start + dt.timedelta(days=7)).isoformat()},
                    dict(perm=review, control="municipal", status="initial_approved", to="notice")),
        "decide/": ({"decision": "approve"}, dict(perm=review, control="municipal", status="notice",
                                                  notice_start=past, notice_end=past, to="approved")),
    }
    return {base + suffix: check_admin_nomination_step(suffix, payload, **kw) for suffix, (payload, kw) in steps.items()}


ENTRIES.update(_admin_nomination_entries())


def check_material_upload(suffix: str) -> Callable:
    """Uploading a document to 朝阳's nomination: refused to every outsider (a 404 for staff
    holding the permission), nothing stored; 朝阳's admin uploads."""

    def check(w: World) -> None:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from apps.honours.models import NominationMaterial

        url = f"/api/v1/nominations/{_nomination(w).pk}/{suffix}"

        def upload(client):
            client.get("/")
            token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
            return client.post(url, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 test")},
                               HTTP_X_CSRFTOKEN=token)

        for key in OUTSIDERS:
            response = upload(w.client(key))
            assert refused(response), (key, url, response.status_code)
            if key in STAFF_OUTSIDERS and w.users[key].has_perm("honours.add_nomination"):
                assert response.status_code == 404, (key, url, response.status_code)
        assert NominationMaterial._base_manager.count() == 0, "an outsider uploaded"
        response = upload(w.client("chaoyang"))
        assert response.status_code == 201, response.content[:300]
    return check


def check_material_list(suffix: str) -> Callable:
    """Listing 朝阳's nomination's documents: refused to every outsider (a 404 for staff holding
    the view permission), never naming the file; 朝阳's admin and the municipal admin list it."""

    def check(w: World) -> None:
        url = f"/api/v1/nominations/{_nomination(w).pk}/{suffix}"
        for key in OUTSIDERS:
            response = w.client(key).get(url)
            assert refused(response), (key, url, response.status_code)
            if key in STAFF_OUTSIDERS and w.users[key].has_perm("honours.view_nomination"):
                assert response.status_code == 404, (key, url, response.status_code)
            assert "a.pdf" not in response.content.decode(), key
        for control in ("chaoyang", "municipal"):
            response = w.client(control).get(url)
            assert response.status_code == 200 and "a.pdf" in response.content.decode(), (control, url)
    return check


def check_materials(suffix: str) -> Callable:
    """The materials URL: POST uploads, GET lists (both scoped)."""
    return lambda w: (check_material_upload(suffix)(w), check_material_list(suffix)(w))


def _foreign_material(w: World):
    from django.core.files.base import ContentFile

    from apps.honours.models import NominationMaterial

    material = NominationMaterial(nomination=_nomination(w), name="朝阳事迹.pdf", kind="pdf", size=12)
    material.file.save("foreign.pdf", ContentFile(b"%PDF-foreign"), save=False)
    material.save()
    return material


def check_material_download(w: World) -> None:
    """A 404 for every outsider (staff or not), like a missing file; the control downloads it."""
    material = _foreign_material(w)
    check_detail(lambda w: f"/honours/materials/{material.pk}/download/")(w)
    response = w.client("chaoyang").get(f"/honours/materials/{material.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-foreign"


ENTRIES.update({
    "api/v1/^nominations/(?P<pk>[^/.]+)/materials/$": check_materials("materials/"),
    r"api/v1/^nominations/(?P<pk>[^/.]+)/materials\.(?P<format>[a-z0-9]+)/?$": check_materials("materials.json"),
    "honours/materials/<int:pk>/download/": check_material_download,
})

HONOUR_IMPORT_URL = "/admin/honours/honour/import-honours/"
HONOUR_TEMPLATE_URL = "/admin/honours/honour/download-template/"


def _honour_import_post(client: Client, data: dict, sheet: bytes | None = None):
    import io

    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    payload = {**data, "csrfmiddlewaretoken": token}
    if sheet is not None:
        payload["file"] = io.BytesIO(sheet)
        payload["file"].name = "roll.xlsx"
    return client.post(HONOUR_IMPORT_URL, payload)


def check_honour_import(w: World) -> None:
    """The roll import is the municipal admin's: every outsider is refused (page, upload and a
    made-up confirm token) and nothing is written; the control previews and confirms a row
    for 朝阳's member, so the URL and the form were right."""
    from apps.honours.importing import HEADERS
    from apps.honours.models import Honour
    from tests.members.sheets import xlsx_bytes

    member = w.objects[Member]
    sheet = xlsx_bytes([{"姓名": member.name, "身份证号": member.id_number, "荣誉称号": "北京市劳动模范",
                         "授予年份": 2025}], HEADERS)
    before = Honour._base_manager.count()
    for key in OUTSIDERS:
        client = w.client(key)
        for response in (client.get(HONOUR_IMPORT_URL), _honour_import_post(client, {}, sheet),
                         _honour_import_post(client, {"token": "0" * 32})):
            assert refused(response), (key, response.status_code)
            assert member.name not in response.content.decode(), key
    assert Honour._base_manager.count() == before, "an outsider imported"
    control = w.client("municipal")
    preview = _honour_import_post(control, {}, sheet)
    assert preview.status_code == 200 and preview.context["token"], "control must preview"
    done = _honour_import_post(control, {"token": preview.context["token"]})
    assert done.status_code == 302 and Honour._base_manager.count() == before + 1, "control must import"


def check_honour_template(w: World) -> None:
    """The empty template, for the municipal admin only."""
    control = w.client("municipal").get(HONOUR_TEMPLATE_URL)
    assert control.status_code == 200 and "spreadsheetml" in control["Content-Type"], "control must download it"
    for key in OUTSIDERS:
        assert refused(w.client(key).get(HONOUR_TEMPLATE_URL)), key


def _honour_export_probing(path: str) -> Callable:
    """Plain and asking for 朝阳 by unit: an outsider's workbook never holds 朝阳's honour holder
    (name or masked ID); the municipal control's does."""

    def check(w: World) -> None:
        check_member_export(lambda client, _w: client.get(path))(w)
        member = w.objects[Member]
        for key in OUTSIDERS:
            for query in (f"?unit={w.tree.chaoyang.code}", "?roll=true", "?level=municipal"):
                response = w.client(key).get(path + query)
                text = _xlsx_text(response)
                assert refused(response) or (text and member.name not in text), (key, query)
    return check


ENTRIES.update({
    HONOUR_IMPORT_URL.lstrip("/"): check_honour_import,
    HONOUR_TEMPLATE_URL.lstrip("/"): check_honour_template,
    "admin/honours/honour/export-honours/": _honour_export_probing("/admin/honours/honour/export-honours/"),
    "api/v1/^honours/export/$": _honour_export_probing("/api/v1/honours/export/"),
    r"api/v1/^honours/export\.(?P<format>[a-z0-9]+)/?$": _honour_export_probing("/api/v1/honours/export.json"),
})


def _campaign(w: World):
    from apps.honours.models import NominationCampaign

    return w.objects[NominationCampaign]


def check_campaign_page(w: World) -> None:
    """The campaign page never shows outsiders 朝阳's quota row nor its nominee; 朝阳's admin
    sees both, the municipal admin sees 朝阳's row."""
    url = f"/honours/campaigns/{_campaign(w).pk}/"
    name = w.objects[Member].name
    assert name in w.client("chaoyang").get(url).content.decode(), "the owner must see its nominee"
    check_org_list(w, url, lambda w: w.tree.chaoyang.name)(w)
    for key in OUTSIDERS:
        assert name not in w.client(key).get(url).content.decode(), key


def check_campaign_list(w: World) -> None:
    """Campaigns are city-wide: every holder of the view permission sees the list (the quota
    and nominations live on the scoped campaign page); nothing of 朝阳's is on it."""
    url = "/honours/campaigns/"
    assert _campaign(w).name in w.client("municipal").get(url).content.decode(), "control must list it"
    for key in OUTSIDERS:
        response = w.client(key).get(url)
        assert response.status_code in (200, 404) or is_login_redirect(response), key
        body = response.content.decode()
        assert w.tree.chaoyang.name not in body and w.objects[Member].name not in body, key


def check_notice_page(w: World) -> None:
    """Public by design (a 公示): anyone sees a nominee on notice by name, unit and title —
    never the ID number (full or masked) — and nothing not on notice."""
    from apps.honours.models import Nomination

    nomination = _nomination(w)
    member = w.objects[Member]
    url = f"/honours/notice/{_campaign(w).pk}/"
    for key in OUTSIDERS:
        assert member.name not in w.client(key).get(url).content.decode(), key  # a draft: not shown
    today = dt.date.today()
    Nomination._base_manager.filter(pk=nomination.pk).update(status="notice", notice_start=today,
                                                             notice_end=today + dt.timedelta(days=7))
    for client in [w.client(key) for key in OUTSIDERS] + [Client()]:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == 200 and member.name in body
        assert member.id_number not in body and member.id_number_masked not in body


def check_campaign_api(url_for: Callable[[World], str], *, many: bool) -> Callable:
    """Campaigns are city-wide, but the quota shown is only ever the acting unit's own: no
    outsider sees 朝阳's places (its own ``my_quota`` is null), nor creates or edits one;
    朝阳's admin sees its 5 places with 1 used, the municipal admin edits."""

    def check(w: World) -> None:
        campaign = _campaign(w)
        url = url_for(w)

        def row(response):
            data = response.json()
            rows = data["results"] if many else [data]
            return next(r for r in rows if r["id"] == campaign.pk)

        assert row(w.client("chaoyang").get(url))["my_quota"] == {"quota": 5, "used": 1, "left": 4}
        before = state(campaign)
        for key in OUTSIDERS:
            client = w.client(key)
            response = client.get(url)
            if response.status_code == 200:
                assert row(response)["my_quota"] is None, key
            else:
                assert refused(response), (key, response.status_code)
            if many:
                r = csrf_post(client, url, {"year": 2030, "name": "越权评选", "titles": [], "opens_on": "2030-01-01",
                                            "closes_on": "2030-02-01"})
            else:
                client.get("/")
                r = client.patch(url, data=json.dumps({"name": "改名"}), content_type="application/json",
                                 HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value if "csrftoken" in client.cookies
                                 else "")
            assert refused(r), (key, url, r.status_code)
        assert state(campaign) == before
        if not many:
            municipal = w.client("municipal")
            municipal.get("/")
            r = municipal.patch(url, data=json.dumps({"name": "朝阳测试评选（改）"}), content_type="application/json",
                                HTTP_X_CSRFTOKEN=municipal.cookies["csrftoken"].value)
            assert r.status_code == 200, r.content[:300]
    return check


ENTRIES.update({
    "honours/campaigns/": lambda w: check_campaign_list(w),
    "honours/campaigns/<int:pk>/": lambda w: check_campaign_page(w),
    "honours/notice/<int:pk>/": lambda w: check_notice_page(w),
    "api/v1/^nomination-campaigns/$": check_campaign_api(lambda w: "/api/v1/nomination-campaigns/", many=True),
    r"api/v1/^nomination-campaigns\.(?P<format>[a-z0-9]+)/?$": check_campaign_api(
        lambda w: "/api/v1/nomination-campaigns.json", many=True),
    "api/v1/^nomination-campaigns/(?P<pk>[^/.]+)/$": check_campaign_api(
        lambda w: f"/api/v1/nomination-campaigns/{_campaign(w).pk}/", many=False),
    r"api/v1/^nomination-campaigns/(?P<pk>[^/.]+)\.(?P<format>[a-z0-9]+)/?$": check_campaign_api(
        lambda w: f"/api/v1/nomination-campaigns/{_campaign(w).pk}.json", many=False),
})


# --- allowance schedules (global, municipal only; like the honour titles) ---


def allowance_objects(tree, users, member) -> dict:
    """A city-wide allowance schedule: only the municipal admin's role may see it (a 404 or
    403 for everyone else); it pays the municipal level, which 朝阳's member holds."""
    from apps.honours.allowance_models import AllowanceSchedule
    from apps.honours.allowances import allowance_schedule_create

    schedule = allowance_schedule_create(name="劳模春节慰问", kind="spring_festival",
                                         rates={"national": "2000.00", "municipal": "1000.00"},
                                         actor=users["municipal"])
    return {AllowanceSchedule: schedule}


FOREIGN_OBJECT_MAKERS.append(allowance_objects)


def _schedule(w: World):
    from apps.honours.allowance_models import AllowanceSchedule

    return w.objects[AllowanceSchedule]


def check_allowance_get(url_for: Callable[[World], str], marker: Callable[[World], str] | None = None) -> Callable:
    """Refused (403/404/log in) to every outsider, with nothing of the schedule in the answer;
    the municipal control opens it."""

    def check(w: World) -> None:
        url = url_for(w)
        control = w.client("municipal").get(url)
        assert control.status_code == 200, (url, control.status_code, control.content[:300])
        text = marker(w) if marker else None
        if text:
            assert text in control.content.decode(), "control must see it"
        for key in OUTSIDERS:
            response = w.client(key).get(url)
            assert refused(response), (key, url, response.status_code)
            if text:
                assert text not in response.content.decode(), (key, url)
    return check


def check_allowance_post(url_for: Callable[[World], str], payload: dict, *, ok=(201,)) -> Callable:
    """A POST refused to every outsider with nothing created (schedules, runs, batches); the
    municipal control's same POST gets through."""

    def check(w: World) -> None:
        from apps.honours.allowance_models import AllowanceRun, AllowanceSchedule
        from apps.payments.models import PaymentBatch

        url = url_for(w)
        counts = lambda: (AllowanceSchedule._base_manager.count(), AllowanceRun._base_manager.count(),  # noqa: E731
                          PaymentBatch._base_manager.count())
        before = counts()
        for key in OUTSIDERS:
            response = csrf_post(w.client(key), url, payload)
            assert refused(response), (key, url, response.status_code)
        assert counts() == before, "an outsider created something"
        control = csrf_post(w.client("municipal"), url, payload)
        assert control.status_code in ok, (url, control.status_code, control.content[:300])
    return check


def _allowance_entries() -> dict:
    from apps.honours.allowance_models import AllowanceSchedule

    fmt = r"\.(?P<format>[a-z0-9]+)/?$"
    base = "api/v1/^allowance-schedules/(?P<pk>[^/.]+)/"
    name = lambda w: _schedule(w).name  # noqa: E731
    detail = lambda suffix: lambda w: f"/api/v1/allowance-schedules/{_schedule(w).pk}/{suffix}"  # noqa: E731
    create = {"name": "新标准", "kind": "bonus", "rates": [{"level": "national", "amount": "500.00"}]}

    def listing(url):
        return lambda w: (check_allowance_get(lambda w: url, name)(w),
                          check_allowance_post(lambda w: url, create)(w))

    return {
        "api/v1/^allowance-schedules/$": listing("/api/v1/allowance-schedules/"),
        "api/v1/^allowance-schedules" + fmt: listing("/api/v1/allowance-schedules.json"),
        base + "$": check_allowance_get(detail(""), name),
        base[:-1] + fmt: check_allowance_get(lambda w: f"/api/v1/allowance-schedules/{_schedule(w).pk}.json", name),
        base + "preview/$": check_allowance_get(lambda w: detail("preview/")(w) + "?period=2026"),
        base + "preview" + fmt: check_allowance_get(lambda w: detail("preview.json")(w) + "?period=2026"),
        base + "generate-batch/$": check_allowance_post(detail("generate-batch/"), {"period": "2026-春节"}),
        base + "generate-batch" + fmt: check_allowance_post(detail("generate-batch.json"), {"period": "2026-春节"}),
        "api/v1/^allowance-schedules/report/$": check_allowance_get(
            lambda w: "/api/v1/allowance-schedules/report/?year=2026"),
        "api/v1/^allowance-schedules/report" + fmt: check_allowance_get(
            lambda w: "/api/v1/allowance-schedules/report.json?year=2026"),
        "admin/honours/allowanceschedule/<path:object_id>/generate-batch/": (
            lambda w: check_admin_object(w, AllowanceSchedule, "generate_batch")),
    }


ENTRIES.update(_allowance_entries())


def check_job_download(world: World) -> None:
    from django.core.files.base import ContentFile

    job = world.objects[Job]
    with scopes_disabled():
        job.result_file.save("foreign.xlsx", ContentFile(b"PK-foreign"), save=True)
    check_detail(lambda w: f"/jobs/{job.pk}/download/")(world)


ENTRIES["jobs/<uuid:pk>/download/"] = check_job_download

# User and role management (apps/accounts/admin.py): 朝阳's user and grant are a 404 to outsiders.
ENTRIES["admin/accounts/user/<path:object_id>/set-password/"] = lambda w: check_admin_object(w, User, "set_password")
ENTRIES["admin/accounts/user/<path:object_id>/deactivate/"] = lambda w: check_admin_object(w, User, "deactivate")
ENTRIES["admin/accounts/roleassignment/<path:object_id>/revoke/"] = (
    lambda w: check_admin_object(w, RoleAssignment, "revoke"))

# Competitions keep their entries and foreign objects in tests/core/access_competitions.py.
from tests.core import access_competitions  # noqa: E402

FOREIGN_OBJECT_MAKERS.extend(access_competitions.MAKERS)
ENTRIES.update(access_competitions.entries())

# Every other app keeps its entries and foreign objects in tests/core/access_<app>.py, found here by name:
# a module defines MAKERS (a list) and entries() (a dict of route → check).
import importlib  # noqa: E402
import pkgutil  # noqa: E402

import tests.core as _core_tests  # noqa: E402

for _info in sorted(pkgutil.iter_modules(_core_tests.__path__), key=lambda i: i.name):
    if _info.name.startswith("access_") and _info.name != "access_competitions":
        _module = importlib.import_module(f"tests.core.{_info.name}")
        FOREIGN_OBJECT_MAKERS.extend(_module.MAKERS)
        ENTRIES.update(_module.entries())


def entry_for(route: str):
    if route in ENTRIES:
        return ENTRIES[route]
    if route.startswith("admin/^(?P<app_label>"):  # the app index; its alternatives follow the registry
        return check_app_list
    model, rest = admin_model(route)
    if model is not None and rest in ADMIN_VIEWS:
        return lambda world: ADMIN_VIEWS[rest](world, model)
    return None


ALL_ROUTES = sorted(set(walk()))


def test_every_url_pattern_has_an_entry():
    missing = [route for route in ALL_ROUTES if entry_for(route) is None]
    assert missing == [], f"URL patterns without an access-matrix entry: {missing}"


def test_every_admin_model_has_a_foreign_object(tree, users):
    objects = foreign_objects(tree, users)
    assert sorted(m._meta.label for m in admin.site._registry if m not in objects) == []


def test_matrix_covers_new_patterns():
    """The guard itself: an unknown route is reported as missing."""
    assert entry_for("reports/<int:pk>/secret/") is None
    assert entry_for("admin/organizations/nosuchmodel/") is None


# Routes whose control renders a certificate PDF (needs the CJK font: marker cjkfont).
PDF_ROUTES = {"competitions/certificates/<str:code>/pdf/"}


@pytest.mark.parametrize("route", [pytest.param(r, marks=pytest.mark.cjkfont) if r in PDF_ROUTES else r
                                   for r in ALL_ROUTES])
def test_foreign_objects_stay_out(route, world, monkeypatch):
    monkeypatch.setattr(User, "acting_organization_for_test", _acting_org, raising=False)
    check = entry_for(route)
    assert check is not None, route
    check(world)


def _acting_org(user):
    from apps.accounts.acting import acting_organization

    return acting_organization(user)


def test_control_sees_what_outsiders_do_not(world):
    """Guard against a vacuous matrix: the owner sees each foreign object in the admin."""
    owner = world.client("chaoyang")
    for model in (Organization, Committee, Congress, Cluster, Job):
        obj = world.objects[model]
        assert owner.get(admin_url(model, "change", obj.pk)).status_code == 200, model
        assert world.client("haidian").get(admin_url(model, "change", obj.pk)).status_code == 404, model


def test_uuid_of_missing_job_is_same_404(world):
    client = world.client("haidian")
    assert client.get(f"/jobs/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/jobs/{world.objects[Job].pk}/").status_code == 404
