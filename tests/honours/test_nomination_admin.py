"""Campaign and nomination admin, and the campaign API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.honours.models import Nomination, NominationCampaign
from tests.conftest import login
from tests.factories.members import make_member

from .test_nominations import make_campaign, submit

pytestmark = pytest.mark.django_db


def post(client, url, data):
    client.get("/")
    return client.post(url, data, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


def test_campaign_admin_is_the_municipal_admins_only(tree, users):
    campaign = make_campaign(tree)
    change = reverse("admin:honours_nominationcampaign_change", args=[campaign.pk])
    body = login(users["municipal"]).get(change)
    assert body.status_code == 200 and "朝阳区教育工会" in body.content.decode()  # the quota inline
    for key in ("haidian", "chaoyang"):
        assert login(users[key]).get(change).status_code == 404, key
        assert login(users[key]).get(reverse("admin:honours_nominationcampaign_changelist")).status_code == 403


def test_municipal_admin_edits_a_campaign_audited(tree, users):
    campaign = make_campaign(tree)
    client = login(users["municipal"])
    url = reverse("admin:honours_nominationcampaign_change", args=[campaign.pk])
    with scopes_disabled():
        quota = campaign.quotas.get()
    data = {"year": campaign.year, "name": "改名评选", "titles": [t.pk for t in campaign.titles.all()],
            "opens_on": campaign.opens_on.isoformat(), "closes_on": campaign.closes_on.isoformat(),
            "quotas-TOTAL_FORMS": "1", "quotas-INITIAL_FORMS": "1", "quotas-MIN_NUM_FORMS": "0",
            "quotas-MAX_NUM_FORMS": "1000", "quotas-0-id": quota.pk, "quotas-0-campaign": campaign.pk,
            "quotas-0-organization": tree.chaoyang.pk, "quotas-0-quota": "7"}
    response = post(client, url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        assert NominationCampaign.objects.get().name == "改名评选"
        assert campaign.quotas.get().quota == 7
        actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"nomination_campaign.update", "nomination_quota.update"} <= actions


def test_nomination_admin_masks_the_nominee_and_shows_allowed_buttons_only(tree, users):
    campaign = make_campaign(tree)
    member = make_member(tree.chaoyang, name="钱先进")
    nomination = submit(tree, campaign, member, actor=users["chaoyang"])
    change = reverse("admin:honours_nomination_change", args=[nomination.pk])
    body = login(users["chaoyang"]).get(change).content.decode()
    assert "钱先进" in body and member.id_number_masked in body and member.id_number not in body
    assert "/submit/" in body and "/review-pass/" not in body  # a draft: the unit may submit it
    body = login(users["municipal"]).get(change).content.decode()
    assert "/submit/" not in body and "/review-pass/" not in body and "/decide/" not in body
    assert login(users["haidian"]).get(change).status_code == 404


def test_admin_buttons_move_the_nomination_through_the_service(tree, users):
    campaign = make_campaign(tree)
    nomination = submit(tree, campaign, make_member(tree.chaoyang), actor=users["chaoyang"])
    base = reverse("admin:honours_nomination_change", args=[nomination.pk]).removesuffix("change/")
    unit, city = login(users["chaoyang"]), login(users["municipal"])
    assert post(unit, base + "submit/", {}).status_code == 302
    assert post(unit, base + "review-pass/", {}).status_code == 403  # the unit does not review
    refused = post(city, base + "return/", {"reason": ""})
    assert refused.status_code == 200 and "退回原因" in refused.content.decode()  # the form again
    assert post(city, base + "return/", {"reason": "材料不全"}).status_code == 302
    with scopes_disabled():
        nomination = Nomination.objects.get()
    assert (nomination.status, nomination.return_reason) == ("returned", "材料不全")
    assert post(unit, base + "submit/", {}).status_code == 302
    assert post(city, base + "review-pass/", {}).status_code == 302
    start = dt.date.today() + dt.timedelta(days=1)
    early = post(city, base + "notice/", {"notice_start": (start - dt.timedelta(days=5)).isoformat(),
                                          "notice_end": start.isoformat()})
    assert early.status_code == 200 and "不能早于今天" in early.content.decode()
    assert post(city, base + "notice/", {"notice_start": start.isoformat(),
                                         "notice_end": (start + dt.timedelta(days=5)).isoformat()}).status_code == 302
    assert post(city, base + "decide/", {"decision": "reject", "reason": "异议属实"}).status_code == 302
    with scopes_disabled():
        assert Nomination.objects.get().status == "rejected"
        assert AuditLog.objects.filter(action="nomination.transition").count() == 6


def test_campaign_api_shows_the_units_own_quota(tree, users):
    campaign = make_campaign(tree, quota=3)
    submit(tree, campaign, make_member(tree.chaoyang), actor=users["chaoyang"])
    row = login(users["chaoyang"]).get(f"/api/v1/nomination-campaigns/{campaign.pk}/").json()
    assert row["my_quota"] == {"quota": 3, "used": 1, "left": 2}
    assert row["titles"] == ["beijing_advanced_worker", "beijing_model_collective"]
    assert login(users["haidian"]).get("/api/v1/nomination-campaigns/").json()["results"][0]["my_quota"] is None


def test_campaign_api_create_is_the_municipal_admins(tree, users):
    payload = {"year": dt.date.today().year, "name": "新评选", "titles": ["beijing_advanced_worker"],
               "opens_on": "2030-01-01", "closes_on": "2030-02-01"}
    make_campaign(tree)  # seeds the titles
    for key, expected in (("chaoyang", 403), ("municipal", 201)):
        client = login(users[key])
        client.get("/")
        response = client.post("/api/v1/nomination-campaigns/", data=json.dumps(payload),
                               content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        assert response.status_code == expected, (key, response.content[:300])
    client = login(users["municipal"])
    client.get("/")
    bad = client.post("/api/v1/nomination-campaigns/", data=json.dumps({**payload, "closes_on": "2029-01-01"}),
                      content_type="application/json", HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert bad.status_code == 400 and "closes_on" in bad.json()
    with scopes_disabled():
        assert AuditLog.objects.filter(action="nomination_campaign.create").count() == 1


def test_approve_and_return_buttons_look_different(tree, users):
    """初审通过 is a success button, 退回 a danger one (unfold action variants), not two alike links."""
    import re

    campaign = make_campaign(tree)
    nomination = submit(tree, campaign, make_member(tree.chaoyang), actor=users["chaoyang"])
    base = reverse("admin:honours_nomination_change", args=[nomination.pk]).removesuffix("change/")
    assert post(login(users["chaoyang"]), base + "submit/", {}).status_code == 302
    body = login(users["municipal"]).get(base + "change/").content.decode()

    def classes(url_part: str) -> str:
        match = re.search(r'<li class="([^"]*)"[^>]*>\s*<a href="[^"]*' + re.escape(url_part), body)
        assert match, url_part
        return match.group(1)

    approve, refuse = classes("/review-pass/"), classes("/return/")
    assert approve != refuse
    assert "green" in approve and "red" in refuse
