"""The edition page's "预览获奖名单" and "发布结果" buttons: the municipal admin previews (nothing
written), then publishes by a confirmed, CSRF-checked POST (audited, once); for anyone else
the pages are a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.competitions.enums import EditionStatus
from apps.competitions.models import Award, Edition
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.competitions.test_judging_support import pw  # noqa: F401  (a judged edition: 理科 + 教学论文)
from tests.conftest import login

pytestmark = pytest.mark.django_db


def preview_url(edition) -> str:
    return reverse("admin:competitions_edition_prize_preview", args=[edition.pk])


def publish_url(edition) -> str:
    return reverse("admin:competitions_edition_publish_results", args=[edition.pk])


def awards() -> int:
    with scopes_disabled():
        return Award.objects.count()


def test_preview_shows_ranking_and_prizes_and_writes_nothing(pw, users):  # noqa: F811
    client = login(users["municipal"])
    change = client.get(reverse("admin:competitions_edition_change", args=[pw.edition.pk])).content.decode()
    assert preview_url(pw.edition) in change and publish_url(pw.edition) in change  # the two buttons
    response = client.get(preview_url(pw.edition))
    body = response.content.decode()
    assert response.status_code == 200
    for text in ("理科", "教学论文", "理一", "一等奖", "论文二等奖", "最佳教学设计奖", "王导师", "优秀组织奖", "北京大学工会"):
        assert text in body, text
    assert body.index("理一") < body.index("理二")  # by rank
    assert awards() == 0 and Edition.objects.get(pk=pw.edition.pk).status == EditionStatus.JUDGING


def test_publish_needs_the_confirmation_then_publishes_once(pw, users):  # noqa: F811
    client = login(users["municipal"])
    page = client.get(publish_url(pw.edition))
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    token = client.cookies["csrftoken"].value
    unconfirmed = client.post(publish_url(pw.edition), {"csrfmiddlewaretoken": token})
    assert unconfirmed.status_code == 200 and "请勾选确认后再发布。" in unconfirmed.content.decode()
    assert awards() == 0
    done = client.post(publish_url(pw.edition), {"csrfmiddlewaretoken": token, "confirm": "1"})
    assert done.status_code == 302
    edition = Edition.objects.get(pk=pw.edition.pk)
    assert (edition.status, edition.published_by) == (EditionStatus.PUBLISHED, users["municipal"])
    assert awards() == 15
    assert list(AuditLog._base_manager.filter(action="edition.publish").values_list("actor", flat=True)) == [
        users["municipal"].pk]
    again = client.post(publish_url(pw.edition), {"csrfmiddlewaretoken": token, "confirm": "1"})
    assert again.status_code == 200 and "已发布" in again.content.decode() and awards() == 15


def test_publish_without_csrf_is_refused(pw, users):  # noqa: F811
    client = login(users["municipal"])
    assert client.post(publish_url(pw.edition), {"confirm": "1"}).status_code == 403
    assert awards() == 0


def test_preview_and_publish_are_404_for_units(pw, users):  # noqa: F811
    for key in ("haidian", "tsinghua", "haidian_clerk"):
        client = login(users[key])
        assert client.get(preview_url(pw.edition)).status_code == 404, key
        client.get("/")
        response = client.post(publish_url(pw.edition), {"csrfmiddlewaretoken": client.cookies["csrftoken"].value,
                                                         "confirm": "1"})
        assert response.status_code == 404, key
    for key in ("teacher", "judge"):
        response = login(users[key]).get(publish_url(pw.edition))
        assert response.status_code == 302 and "login" in response["Location"], key
    assert Client().get(preview_url(pw.edition)).status_code == 302
    assert awards() == 0 and Edition.objects.get(pk=pw.edition.pk).status == EditionStatus.JUDGING
