"""Prize bonuses: the preview per kind/level and per person, and the one payments batch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.competitions.services.bonuses import ALREADY, NOT_PUBLISHED, bonus_batch_create, bonus_preview
from apps.competitions.enums import AwardKind, EditionStatus, EntryKind, PrizeLevel
from apps.competitions.models import Edition, Group
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.members.services import member_change_status
from apps.payments.enums import BatchPurpose, BatchStatus
from apps.payments.models import PaymentBatch, PaymentItem
from tests.competitions.factories import make_entry
from tests.competitions.results_factories import make_award, make_rates, make_team_entry, published_edition
from tests.core.test_access_matrix import csrf_post
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(tree):
    edition = published_edition()
    make_rates(edition)
    science = edition.groups.get()
    team_group = Group.objects.create(edition=edition, name="团队组", code="team", entry_kind=EntryKind.TEAM,
                                      team_size=3, order=1)
    a = make_member(tree.tsinghua, name="甲老师")
    b = make_member(tree.haidian, name="乙老师")
    sup = make_member(tree.tsinghua, name="丙导师")
    captain, m1, m2 = (make_member(tree.chaoyang, name=n) for n in ("丁队长", "戊队员", "己队员"))
    entry_a = make_entry(science, a, supervisor_name="丙导师")
    entry_b = make_entry(science, b, supervisor_name="外校导师")
    make_award(entry=entry_a, level=PrizeLevel.FIRST, rank=1)
    make_award(entry=entry_a, kind=AwardKind.SINGLE)
    make_award(entry=entry_b, level=PrizeLevel.SECOND, rank=2)
    make_award(entry=entry_a, kind=AwardKind.SUPERVISOR, members=[sup])  # linked to a member
    make_award(entry=entry_b, kind=AwardKind.SUPERVISOR, members=[None])  # not linked: skipped
    team = make_team_entry(team_group, captain, [m1, m2])
    make_award(entry=team, level=PrizeLevel.THIRD, rank=1)
    make_award(edition=edition, kind=AwardKind.ORGANISATION, organization=tree.tsinghua)
    return {"edition": edition, "a": a, "b": b, "sup": sup, "team": (captain, m1, m2)}


def test_bonus_preview_counts_and_sums(results):
    preview = bonus_preview(edition=results["edition"])
    rows = {(r["kind"], r["level"]): (r["count"], r["sum"]) for r in preview["rows"]}
    assert rows == {
        ("prize", "first"): (1, Decimal("5000.00")),
        ("prize", "second"): (1, Decimal("3000.00")),
        ("prize", "third"): (3, Decimal("6000.00")),  # a team of 3: each person paid
        ("single", ""): (1, Decimal("1000.00")),
        ("supervisor", ""): (1, Decimal("800.00")),
    }
    assert preview["count"] == 7 and preview["people"] == 6
    assert preview["sum"] == Decimal("15800.00")
    per_person = {p["name"]: p["amount"] for p in preview["persons"]}
    assert per_person["甲老师"] == Decimal("6000.00")  # 一等奖 + 单项奖, one payment
    assert per_person["丙导师"] == Decimal("800.00")
    assert {p for p in per_person} == {"甲老师", "乙老师", "丙导师", "丁队长", "戊队员", "己队员"}
    reasons = {s["recipient"]: s["reason"] for s in preview["skipped"]}
    assert reasons == {"外校导师": "指导教师未关联会员，无法发放", "清华大学工会": "单位奖项不发个人奖金"}
    assert preview["already_generated"] is False


def test_bonus_batch_create_builds_one_batch(results, tree, users):
    edition = results["edition"]
    with scope(paths=[tree.root.path]):
        batch = bonus_batch_create(edition=edition, actor=users["municipal"])
    with scopes_disabled():
        batch = PaymentBatch.objects.get(pk=batch.pk)
        assert batch.purpose == BatchPurpose.AWARD_BONUS and batch.status == BatchStatus.DRAFT
        assert batch.organization == tree.root and batch.source_id == str(edition.pk)
        items = {i.member.name: i.amount for i in PaymentItem.objects.filter(batch=batch).select_related("member")}
    assert items == {"甲老师": Decimal("6000.00"), "乙老师": Decimal("3000.00"), "丙导师": Decimal("800.00"),
                     "丁队长": Decimal("2000.00"), "戊队员": Decimal("2000.00"), "己队员": Decimal("2000.00")}
    assert (batch.item_count, batch.total_amount) == (6, Decimal("15800.00"))
    assert Edition.objects.get(pk=edition.pk).bonus_batch_id == batch.pk
    log = AuditLog._base_manager.get(action="competition.bonus_batch_create")
    assert log.data["batch"] == batch.pk and log.data["sum"] == "15800.00"
    with scope(paths=[tree.root.path]), pytest.raises(ValidationError) as err:
        bonus_batch_create(edition=edition, actor=users["municipal"])
    assert ALREADY in err.value.messages[0]
    assert PaymentBatch._base_manager.count() == 1
    assert bonus_preview(edition=Edition.objects.get(pk=edition.pk))["already_generated"] is True


def test_bonus_skips_members_no_longer_active(results, tree, users):
    with scopes_disabled():
        member_change_status(member=results["b"], to_status="retired", actor=users["municipal"], reason="退休")
    preview = bonus_preview(edition=results["edition"])
    assert "乙老师" not in {p["name"] for p in preview["persons"]}
    assert any("乙老师" in s["reason"] for s in preview["skipped"])


def test_bonus_refused_before_publication(tree, users):
    edition = published_edition(status=EditionStatus.JUDGING)
    make_rates(edition)
    with scope(paths=[tree.root.path]), pytest.raises(ValidationError) as err:
        bonus_batch_create(edition=edition, actor=users["municipal"])
    assert NOT_PUBLISHED in err.value.messages[0]
    assert PaymentBatch._base_manager.count() == 0


def test_bonus_api_preview_and_generate_municipal_only(results, users, as_user):
    edition = results["edition"]
    preview = as_user("municipal").get(f"/api/v1/competitions/bonuses/{edition.pk}/preview/")
    assert preview.status_code == 200
    assert preview.json()["sum"] == "15800.00" and preview.json()["people"] == 6
    for key in ("tsinghua", "haidian", "teacher", "judge"):
        assert as_user(key).get(f"/api/v1/competitions/bonuses/{edition.pk}/preview/").status_code == 403, key
        assert csrf_post(as_user(key), f"/api/v1/competitions/bonuses/{edition.pk}/generate/", {}).status_code == 403
    assert PaymentBatch._base_manager.count() == 0
    created = csrf_post(as_user("municipal"), f"/api/v1/competitions/bonuses/{edition.pk}/generate/", {})
    assert created.status_code == 201, created.content
    assert created.json()["item_count"] == 6 and created.json()["total_amount"] == "15800.00"
    again = csrf_post(as_user("municipal"), f"/api/v1/competitions/bonuses/{edition.pk}/generate/", {})
    assert again.status_code == 400 and ALREADY in again.content.decode()
    assert PaymentBatch._base_manager.count() == 1
