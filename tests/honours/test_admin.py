from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.scoping import scopes_disabled
from apps.honours.enums import ActivityKind
from apps.honours.models import Activity, Honour
from tests.conftest import login
from tests.factories.members import make_member

from .factories import make_honour, title

pytestmark = pytest.mark.django_db


def test_honour_changelist_shows_the_member_masked(tree, users):
    member = make_member(tree.chaoyang, name="赵劳模")
    make_honour(member=member)
    body = login(users["chaoyang"]).get(reverse("admin:honours_honour_changelist")).content.decode()
    assert "赵劳模" in body and member.id_number_masked in body and member.id_number not in body


def test_title_admin_is_the_municipal_admins_only(tree, users):
    medal = title("capital_labour_medal")
    change = reverse("admin:honours_honourtitle_change", args=[medal.pk])
    assert login(users["municipal"]).get(change).status_code == 200
    assert login(users["haidian"]).get(change).status_code == 404
    assert login(users["haidian"]).get(reverse("admin:honours_honourtitle_changelist")).status_code == 403


def test_municipal_admin_adds_an_honour_through_the_admin(tree, users):
    member = make_member(tree.haidian, name="孙劳模")
    client = login(users["municipal"])
    url = reverse("admin:honours_honour_add")
    client.get(url)
    response = client.post(url, {"title": title("beijing_model_worker").pk, "year": 2024, "certificate_no": "A-1",
                                 "member": member.pk, "collective_name": "", "organization": "", "notes": "",
                                 "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        honour = Honour.objects.get()
    assert (honour.member, honour.organization.code, honour.created_by) == (member, "D-HAIDIAN", users["municipal"])


def test_status_action_goes_through_the_service(tree, users):
    honour = make_honour(member=make_member(tree.haidian))
    client = login(users["municipal"])
    url = reverse("admin:honours_honour_changelist")
    client.get(url)
    client.post(url, {"action": "mark_deceased", "_selected_action": [honour.pk],
                      "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    with scopes_disabled():
        assert Honour.objects.get(pk=honour.pk).status == "deceased"


def test_activity_records_participants(tree, users):
    a, b = make_member(tree.haidian, name="甲"), make_member(tree.haidian, name="乙")
    client = login(users["municipal"])
    url = reverse("admin:honours_activity_add")
    client.get(url)
    response = client.post(url, {"kind": ActivityKind.LECTURE_TOUR, "date": "2025-07-01", "title": "劳模宣讲团",
                                 "organization": tree.root.pk, "participants": [a.pk, b.pk], "notes": "",
                                 "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        activity = Activity.objects.get()
        assert sorted(activity.participants.values_list("name", flat=True)) == ["乙", "甲"]
    assert login(users["haidian"]).get(reverse("admin:honours_activity_change", args=[activity.pk])).status_code == 404
