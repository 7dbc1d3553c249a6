"""Access-matrix entries for apps/condolences (welfare: policies, campaigns, occasions,
distributions, grants, the member's own page). Found by name by test_access_matrix.

The foreign objects are 朝阳's: a draft cash campaign (冬送温暖), a generated goods campaign
(夏送清凉) with its distribution list and 朝阳会员's grant, and an occasion of 朝阳会员.
Policies are city-wide reference data: every welfare role reads them, only the municipal
administrator changes them."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from tests.core import test_access_matrix as m

MAKERS: list[Callable] = []
API = "api/v1/welfare/"
PDF = b"%PDF-1.4\n% test\n"


def condolence_objects(tree, users, member) -> dict:
    from apps.condolences.campaigns import campaign_create, campaign_generate
    from apps.condolences.models import Distribution, Grant, Policy
    from apps.condolences.occasions import occasion_record
    from apps.condolences.policies import policy_create
    from apps.core.scoping import scope

    start = dt.date(2025, 1, 1)
    policy = policy_create(actor=None, kind="winter_warmth", valid_from=start, amount="300", cap_per_occasion="300",
                           cap_per_year="300")
    policy_create(actor=None, kind="summer_cool", valid_from=start, form="goods", item_name="朝阳防暑用品",
                  item_unit_value="200", amount=None, cap_per_occasion="200", cap_per_year="400", times_per_year=2)
    policy_create(actor=None, kind="illness", valid_from=start, amount="500", cap_per_occasion="500",
                  cap_per_year="1000", times_per_year=2)
    with scope(paths=[tree.chaoyang.path]):
        draft = campaign_create(kind="winter_warmth", title="朝阳冬送温暖", date=dt.date(2025, 12, 1),
                                organization=tree.chaoyang, target={}, actor=users["chaoyang"])
        goods = campaign_create(kind="summer_cool", title="朝阳夏送清凉", date=dt.date(2025, 7, 1),
                                organization=tree.chaoyang, target={}, actor=users["chaoyang"])
        campaign_generate(campaign=goods, actor=users["chaoyang"])
        occasion = occasion_record(member=member, kind="illness", date=dt.date(2025, 3, 1), note="朝阳住院",
                                   actor=users["chaoyang"])
    from apps.condolences.models import Campaign, Occasion

    return {Policy: policy, Campaign: draft, Occasion: occasion,
            Distribution: Distribution._base_manager.get(campaign=goods),
            Grant: Grant._base_manager.get(campaign=goods, member=member)}


MAKERS.append(condolence_objects)


def _obj(name: str) -> Callable:
    def get(w):
        from apps.condolences import models

        return w.objects[getattr(models, name)]
    return get


def _text(response) -> str:
    if "spreadsheetml" in response.get("Content-Type", ""):
        return m._xlsx_text(response)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def check_get(url_for: Callable, marker: str, *, staff_404: bool = True, control: str = "municipal") -> Callable:
    """Outsiders are refused (404 for staff) and never shown the marker; the control sees it."""

    def check(w) -> None:
        url = url_for(w)
        response = w.client(control).get(url)
        assert response.status_code == 200 and marker in _text(response), f"control must see it at {url}"
        for key in m.OUTSIDERS:
            response = w.client(key).get(url)
            assert response.status_code == 200 or m.refused(response), (key, url, response.status_code)
            if staff_404 and key in m.STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
            assert marker not in _text(response), (key, url)
    return check


def check_post(url_for: Callable, payload: dict, obj_for: Callable, *, ok=(200, 201, 202),
               multipart: bool = False) -> Callable:
    """A POST on 朝阳's object: refused to outsiders (404 for staff), nothing changes, nothing
    audited; the control's same POST succeeds."""

    def post(client, url):
        if not multipart:
            return m.csrf_post(client, url, payload)
        client.get("/")
        upload = io.BytesIO(PDF)
        upload.name = "签收表.pdf"
        return client.post(url, {"file": upload}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    def check(w) -> None:
        url = url_for(w)
        before = m.state(obj_for(w))
        logs = m.AuditLog._base_manager.filter(action__startswith="condolences.").count()
        for key in m.OUTSIDERS:
            response = post(w.client(key), url)
            assert m.refused(response), (key, url, response.status_code)
            if key in m.STAFF_OUTSIDERS:  # another unit's object is a 404 (403: the role may never do it)
                assert response.status_code in (403, 404), (key, url, response.status_code)
        assert m.state(obj_for(w)) == before, "an outsider changed it"
        assert m.AuditLog._base_manager.filter(action__startswith="condolences.").count() == logs
        response = post(w.client("municipal"), url)
        assert response.status_code in ok, (url, response.status_code, response.content[:300])
    return check


def check_list_post(url: str, payload: dict, *, allowed: tuple[str, ...] = ()) -> Callable:
    """A create on a list: who may not is refused and nothing of 朝阳's is changed."""

    def check(w) -> None:
        from apps.condolences.models import Campaign, Occasion, Policy

        counts = lambda: (Policy._base_manager.count(), Campaign._base_manager.count(),  # noqa: E731
                          Occasion._base_manager.count())
        before = counts()
        for key in m.OUTSIDERS:
            if key in allowed:
                continue
            response = m.csrf_post(w.client(key), url, payload)
            assert m.refused(response) or response.status_code == 400, (key, url, response.status_code)
        assert counts() == before
    return check


def check_policy_admin(view: str) -> Callable:
    """City-wide reference data: staff outsiders may read a policy, never change it."""

    def check(w) -> None:
        policy = _obj("Policy")(w)
        url = m.admin_url(type(policy), view, policy.pk)
        assert w.client("municipal").get(url).status_code in (200, 403)  # 403: nobody deletes a version
        before = m.state(policy)
        for key in m.STAFF_OUTSIDERS:
            client = w.client(key)
            assert client.get(url).status_code in (200, 302, 403), (key, url)
            response = client.post(url, {"amount": "1", "post": "yes"})
            assert response.status_code in (403, 404) or (response.status_code == 200 and view == "history"), key
        for key in ("teacher", "judge"):
            assert m.is_login_redirect(w.client(key).get(url)), key
        assert m.state(policy) == before
    return check


def check_policy_list(w) -> None:
    """Every welfare role reads the city's policies; teachers and judges are sent to log in."""
    url = m.admin_url(type(_obj("Policy")(w)), "changelist")
    assert w.client("municipal").get(url).status_code == 200
    for key in m.STAFF_OUTSIDERS:
        assert w.client(key).get(url).status_code == 200, key
    for key in ("teacher", "judge"):
        assert m.is_login_redirect(w.client(key).get(url)), key


def check_mine(w) -> None:
    """The member's own page: a staff account sees no one's grants (its own note instead)."""
    for key in (*m.OUTSIDERS, "chaoyang", "municipal"):
        response = w.client(key).get("/welfare/mine/")
        assert response.status_code == 200, key
        assert "朝阳防暑用品" not in response.content.decode(), key


def entries() -> dict:
    camp = lambda suffix="": lambda w: f"/{API}campaigns/{_obj('Campaign')(w).pk}/{suffix}"  # noqa: E731
    occ = lambda suffix="": lambda w: f"/{API}occasions/{_obj('Occasion')(w).pk}/{suffix}"  # noqa: E731
    dist = lambda suffix="": lambda w: f"/{API}distributions/{_obj('Distribution')(w).pk}/{suffix}"  # noqa: E731
    pol = lambda suffix="": lambda w: f"/{API}policies/{_obj('Policy')(w).pk}/{suffix}"  # noqa: E731
    admin_object = lambda name, view: lambda w: m.check_admin_object(  # noqa: E731
        w, type(_obj(name)(w)), view)
    return {
        f"{API}^policies/$": check_list_post(f"/{API}policies/", {"kind": "new_year", "valid_from": "2025-01-01",
                                                                  "amount": "1", "cap_per_occasion": "1",
                                                                  "cap_per_year": "1"}),
        f"{API}^policies/(?P<pk>[0-9]+)/$": check_policy_api(pol()),
        f"{API}^campaigns/$": _both(check_get(lambda w: f"/{API}campaigns/", "朝阳冬送温暖", staff_404=False),
                                    check_list_post(f"/{API}campaigns/", {"kind": "winter_warmth", "title": "外单位",
                                                                          "date": "2025-12-01",
                                                                          "organization": "D-CHAOYANG"})),
        f"{API}^campaigns/(?P<pk>[0-9]+)/$": check_get(camp(), "朝阳冬送温暖"),
        f"{API}^campaigns/(?P<pk>[0-9]+)/preview/$": check_get(camp("preview/"), "朝阳区教育工会"),
        f"{API}^campaigns/(?P<pk>[0-9]+)/generate/$": check_post(camp("generate/"), {}, _obj("Campaign")),
        f"{API}^campaigns/(?P<pk>[0-9]+)/cancel/$": check_post(camp("cancel/"), {"reason": "测试"}, _obj("Campaign")),
        f"{API}^campaigns/(?P<pk>[0-9]+)/grants/$": check_get(
            lambda w: f"/{API}campaigns/{_obj('Grant')(w).campaign_id}/grants/", "朝阳会员"),
        f"{API}^campaigns/(?P<pk>[0-9]+)/export/$": check_get(
            lambda w: f"/{API}campaigns/{_obj('Grant')(w).campaign_id}/export/", "朝阳会员"),
        f"{API}^occasions/$": _both(check_get(lambda w: f"/{API}occasions/", "朝阳会员", staff_404=False),
                                    check_list_post(f"/{API}occasions/", {"member": 1, "kind": "illness",
                                                                          "date": "2025-03-01"},
                                                    allowed=("haidian", "haidian_clerk", "tsinghua"))),
        f"{API}^occasions/batch/$": check_list_post(f"/{API}occasions/batch/", {"unit": "D-CHAOYANG"}),
        f"{API}^occasions/(?P<pk>[0-9]+)/$": check_get(occ(), "朝阳会员"),
        f"{API}^occasions/(?P<pk>[0-9]+)/approve/$": check_post(occ("approve/"), {}, _obj("Occasion"), ok=(200, 400)),
        f"{API}^occasions/(?P<pk>[0-9]+)/reject/$": check_post(occ("reject/"), {"reason": "材料不全"}, _obj("Occasion")),
        f"{API}^distributions/$": check_get(lambda w: f"/{API}distributions/", "D-CHAOYANG", staff_404=False),
        f"{API}^distributions/(?P<pk>[0-9]+)/$": check_get(dist(), "D-CHAOYANG"),
        f"{API}^distributions/(?P<pk>[0-9]+)/grants/$": check_get(dist("grants/"), "朝阳会员"),
        f"{API}^distributions/(?P<pk>[0-9]+)/sheet/$": check_get(dist("sheet/"), "朝阳会员"),
        f"{API}^distributions/(?P<pk>[0-9]+)/confirm/$": check_post(
            dist("confirm/"), {}, _obj("Distribution"), ok=(400,)),
        f"{API}^distributions/(?P<pk>[0-9]+)/signed-sheet/$": check_post(
            dist("signed-sheet/"), {}, _obj("Distribution"), multipart=True),
        "welfare/mine/": check_mine,
        "admin/condolences/campaign/<path:object_id>/generate/": admin_object("Campaign", "preview_generate"),
        "admin/condolences/campaign/<path:object_id>/export/": admin_object("Campaign", "export_grants"),
        "admin/condolences/campaign/<path:object_id>/cancel/": admin_object("Campaign", "cancel"),
        "admin/condolences/occasion/<path:object_id>/approve/": admin_object("Occasion", "approve"),
        "admin/condolences/occasion/<path:object_id>/reject/": admin_object("Occasion", "reject"),
        "admin/condolences/distribution/<path:object_id>/sheet/": admin_object("Distribution", "sheet"),
        "admin/condolences/policy/<path:object_id>/change/": check_policy_admin("change"),
        "admin/condolences/policy/<path:object_id>/history/": check_policy_admin("history"),
        "admin/condolences/policy/<path:object_id>/delete/": check_policy_admin("delete"),
        "admin/condolences/policy/<path:object_id>/": lambda w: None,  # redirects to change (checked above)
        "admin/condolences/policy/": check_policy_list,
    }


def check_policy_api(url_for: Callable) -> Callable:
    def check(w) -> None:
        url = url_for(w)
        policy = _obj("Policy")(w)
        assert w.client("municipal").get(url).status_code == 200
        before = m.state(policy)
        for key in m.OUTSIDERS:
            client = w.client(key)
            client.get("/")
            token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
            response = client.patch(url, data='{"amount": "1"}', content_type="application/json",
                                    HTTP_X_CSRFTOKEN=token)
            assert m.refused(response), (key, response.status_code)
        assert m.state(policy) == before
    return check


def _both(*checks: Callable) -> Callable:
    def check(w) -> None:
        for c in checks:
            c(w)
    return check
