"""The demo: the report's service points and recognitions, resources teacher1 can book; a
second run changes nothing."""

from __future__ import annotations

import pytest

from apps.accounts.demo import seed_users
from apps.accounts.models import User
from apps.core.scoping import scope, scopes_disabled
from apps.organizations.demo import seed_organizations
from apps.service_points.demo import HOME_TITLE, seed_service_points
from apps.service_points.models import Recognition, Resource, ServicePoint, Slot
from apps.service_points.services import slot_book

pytestmark = pytest.mark.django_db


def test_demo_reproduces_the_report_and_reruns_change_nothing():
    seed_organizations()
    seed_users()
    figures = seed_service_points()
    assert figures == {"homes_universities": 100, "homes_schools": 50, "mother_baby_2025": 6,
                       "counselling_2026": 5, "resources": 5}
    with scopes_disabled():
        homes = Recognition.objects.filter(year=2025, title=HOME_TITLE)
        assert homes.count() == 150 and homes.filter(nominated_by__isnull=True).count() == 0
        assert homes.values("nominated_by").distinct().count() == 9  # 6 university + 3 district clusters
        assert ServicePoint.objects.filter(kind="reading").count() == 2
        assert ServicePoint.objects.filter(kind="bookshelf").count() == 2
        assert Recognition.objects.filter(point__kind="childcare", amount__gt=0).count() == 7
        counts = (ServicePoint.objects.count(), Recognition.objects.count(), Slot.objects.count())
        assert Slot.objects.count() > 40
    assert seed_service_points() == figures
    with scopes_disabled():
        assert (ServicePoint.objects.count(), Recognition.objects.count(), Slot.objects.count()) == counts
        teacher = User.objects.get(username="teacher1")
    with scope(person="teacher", user_id=teacher.pk):
        visible = set(Resource.objects.values_list("name", flat=True))
        assert "北大教职工活动中心会议室" in visible and "清华综合体育馆羽毛球场" in visible
        assert "北大邱德拔体育馆健身房" not in visible  # 北大's own staff only
        slot = Slot.objects.filter(resource__name="北大教职工阅览室").order_by("-starts_at").first()
    booking, created = slot_book(slot=slot, user=teacher)
    assert created and not booking.own_staff
