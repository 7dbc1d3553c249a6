"""Units nominate from the admin: the add form goes through nomination_submit (quota under a
lock, window, once per campaign), its Chinese messages are shown, and nothing is written."""

from __future__ import annotations

import pytest

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.honours.models import Nomination
from apps.honours.services import ALREADY_NOMINATED, QUOTA_FULL
from tests.conftest import login
from tests.factories.members import make_member

from .factories import title
from .test_nominations import make_campaign

pytestmark = pytest.mark.django_db
ADD = "/admin/honours/nomination/add/"


def nominate(client, campaign, member=None, *, code="beijing_advanced_worker", **extra):
    client.get("/")
    data = {"campaign": campaign.pk, "title": title(code).pk, "member": member.pk if member else "",
            "collective_name": "", "organization": "", "deed_summary": "扎根一线三十年",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value, **extra}
    return client.post(ADD, data)


def test_a_unit_nominates_within_its_quota_and_the_next_is_refused_in_chinese(tree, users):
    campaign = make_campaign(tree, quota=2)
    client = login(users["chaoyang"])
    page = client.get(ADD)
    assert page.status_code == 200 and "提交推荐" in page.content.decode()
    first, second, third = (make_member(tree.chaoyang, name=n) for n in ("甲老师", "乙老师", "丙老师"))
    response = nominate(client, campaign, first)
    assert response.status_code == 302, response.content.decode()[:1500]
    response = nominate(client, campaign, second)
    assert response.status_code == 302
    followed = client.get(response["Location"])
    assert "本单位名额剩余 0 个" in followed.content.decode()
    refused = nominate(client, campaign, third)
    assert refused.status_code == 200 and QUOTA_FULL in refused.content.decode()
    again = nominate(client, campaign, first)
    assert again.status_code == 200
    with scopes_disabled():
        nominations = Nomination.objects.filter(campaign=campaign)
        assert sorted(n.member.name for n in nominations) == ["乙老师", "甲老师"]
        assert {n.submitted_by for n in nominations} == {users["chaoyang"]}
        assert AuditLog.objects.filter(action="nomination.submit").count() == 2


def test_collectives_and_duplicates_and_closed_windows(tree, users):
    campaign = make_campaign(tree, quota=5)
    client = login(users["chaoyang"])
    ok = nominate(client, campaign, code="beijing_model_collective", collective_name="朝阳实验小学语文组",
                  organization=tree.chaoyang.pk)
    assert ok.status_code == 302, ok.content.decode()[:1500]
    twice = nominate(client, campaign, code="beijing_model_collective", collective_name="朝阳实验小学语文组",
                     organization=tree.chaoyang.pk)
    assert ALREADY_NOMINATED in twice.content.decode()
    closed = make_campaign(tree, opens=-10, closes=-1)
    response = nominate(client, closed, make_member(tree.chaoyang))
    assert response.status_code == 200 and "campaign" in response.context["form"].errors  # not offered


def test_outsiders_cannot_nominate_anothers_member_and_viewers_without_the_right_cannot_add(tree, users):
    campaign = make_campaign(tree, quota=5)
    foreign = make_member(tree.chaoyang, name="朝阳会员")
    response = nominate(login(users["haidian"]), campaign, foreign)
    assert response.status_code == 200 and "member" in response.context["form"].errors  # not a choice
    assert "朝阳会员" not in login(users["haidian"]).get(ADD).content.decode()
    assert login(users["municipal"]).get(ADD).status_code == 403  # the city reviews; units nominate
    assert login(users["teacher"]).get(ADD).status_code == 302  # not staff: to the log-in
    with scopes_disabled():
        assert Nomination.objects.count() == 0
