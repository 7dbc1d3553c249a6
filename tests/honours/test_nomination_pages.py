"""The campaign page (staff) and the public notice page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from apps.core.scoping import scopes_disabled
from apps.honours.models import Nomination
from tests.conftest import login
from tests.factories.members import make_member

from .test_nominations import make_campaign, submit

pytestmark = pytest.mark.django_db


def test_campaign_page_shows_the_units_quota_and_its_nominations(tree, users):
    campaign = make_campaign(tree, quota=3)
    member = make_member(tree.chaoyang, name="孙先进")
    submit(tree, campaign, member, actor=users["chaoyang"])
    body = login(users["chaoyang"]).get(f"/honours/campaigns/{campaign.pk}/").content.decode()
    assert "共 3 个，已推荐 1 个，剩余 2 个" in body
    assert "孙先进" in body and member.id_number_masked in body and member.id_number not in body
    other = login(users["haidian"]).get(f"/honours/campaigns/{campaign.pk}/")
    assert other.status_code == 200 and "孙先进" not in other.content.decode()
    assert tree.chaoyang.name not in other.content.decode()
    assert login(users["teacher"]).get(f"/honours/campaigns/{campaign.pk}/").status_code in (302, 404)


def test_campaign_page_gives_the_municipal_admin_counts_per_unit(tree, users):
    campaign = make_campaign(tree, quota=3)
    submit(tree, campaign, make_member(tree.chaoyang, name="周先进"), actor=users["chaoyang"])
    body = login(users["municipal"]).get(f"/honours/campaigns/{campaign.pk}/").content.decode()
    assert (f'<td data-label="单位">{tree.chaoyang.name}</td><td data-label="名额">3</td>'
            '<td data-label="已推荐">1</td><td data-label="剩余">2</td>') in body
    assert "周先进" not in body  # counts, not the list


def test_notice_page_is_public_and_shows_no_personal_data(tree, users):
    campaign = make_campaign(tree)
    member = make_member(tree.chaoyang, name="吴先进")
    hidden = make_member(tree.chaoyang, name="郑草稿")
    nomination = submit(tree, campaign, member, actor=users["chaoyang"])
    submit(tree, campaign, hidden, actor=users["chaoyang"])
    today = dt.date.today()
    with scopes_disabled():
        Nomination.objects.filter(pk=nomination.pk).update(status="notice", notice_start=today,
                                                           notice_end=today + dt.timedelta(days=7))
    response = Client().get(f"/honours/notice/{campaign.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "吴先进" in body and tree.chaoyang.name in body and "北京市先进工作者" in body
    assert "郑草稿" not in body  # not on notice
    assert member.id_number not in body and member.id_number_masked not in body
    phone = getattr(member, "phone", "")
    assert not phone or phone not in body
    assert "扎根一线" not in body  # no deeds either
    assert Client().get("/honours/notice/999999/").status_code == 404
