"""structure.py: edition status moves, edits, quotas and copying — locked, checked, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.competitions.selectors import quota_summary
from apps.competitions.services import structure
from apps.competitions.enums import EditionStatus, EntryStatus
from apps.competitions.models import Edition, Group, PrizeRule, UnitQuota
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from tests.competitions.factories import make_edition, make_entry, make_quota
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


def audits(action: str) -> list[AuditLog]:
    return list(AuditLog._base_manager.filter(action=action).order_by("id"))


def test_edition_moves_draft_open_judging_each_audited(users):
    edition = make_edition(status=EditionStatus.DRAFT)
    structure.edition_open(edition=edition, actor=users["municipal"])
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.OPEN
    structure.edition_close(edition=edition, actor=users["municipal"])
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.JUDGING
    (opened,) = audits("edition.open")
    (closed,) = audits("edition.close_registration")
    assert (opened.data, opened.actor) == ({"from": "draft", "to": "open"}, users["municipal"])
    assert closed.data == {"from": "open", "to": "judging"} and closed.object_id == str(edition.pk)


def test_edition_move_twice_is_a_no_op(users):
    edition = make_edition(status=EditionStatus.DRAFT)
    structure.edition_open(edition=edition, actor=users["municipal"])
    structure.edition_open(edition=edition, actor=users["municipal"])
    assert len(audits("edition.open")) == 1


@pytest.mark.parametrize(("start", "to"), [(EditionStatus.DRAFT, EditionStatus.JUDGING),
                                           (EditionStatus.JUDGING, EditionStatus.OPEN),
                                           (EditionStatus.PUBLISHED, EditionStatus.OPEN),
                                           (EditionStatus.OPEN, EditionStatus.DRAFT)])
def test_edition_refuses_moves_out_of_order(users, start, to):
    edition = make_edition(status=start)
    with pytest.raises(ValidationError) as exc:
        structure.edition_transition(edition=edition, to=to, actor=users["municipal"])
    assert "不能改为" in exc.value.messages[0]
    assert Edition.objects.get(pk=edition.pk).status == start
    assert AuditLog._base_manager.filter(action__startswith="edition.").count() == 0


def test_edition_without_groups_cannot_open(users):
    edition = make_edition(status=EditionStatus.DRAFT, groups=())
    with pytest.raises(ValidationError) as exc:
        structure.edition_open(edition=edition, actor=users["municipal"])
    assert exc.value.messages == ["请先设置至少一个组别，再开放报名。"]
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.DRAFT


def test_edition_save_checks_dates_and_keeps_status(users):
    edition = make_edition(status=EditionStatus.OPEN)
    edition.registration_closes = edition.registration_opens - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        structure.edition_save(edition=edition, actor=users["municipal"])
    assert exc.value.message_dict == {"registration_closes": ["报名截止时间应晚于报名开始时间。"]}
    edition = Edition.objects.get(pk=edition.pk)
    edition.name = "改名"
    edition.status = EditionStatus.PUBLISHED  # an edit never moves the status
    structure.edition_save(edition=edition, actor=users["municipal"])
    fresh = Edition.objects.get(pk=edition.pk)
    assert (fresh.name, fresh.status) == ("改名", EditionStatus.OPEN)
    assert [a.data["name"] for a in audits("edition.update")] == ["改名"]


def test_new_edition_starts_in_preparation(users):
    from apps.competitions.models import Series
    from apps.competitions.services.series import series_seed

    series_seed(model=Series)
    now = timezone.now()
    edition = structure.edition_save(edition=Edition(
        series=Series.objects.get(code="jjb"), number=5, year=2026, name="第五届京教杯", status=EditionStatus.OPEN,
        registration_opens=now, registration_closes=now + dt.timedelta(days=3)), actor=users["municipal"])
    assert edition.status == EditionStatus.DRAFT and len(audits("edition.create")) == 1


def test_published_edition_structure_is_locked(users):
    edition = make_edition(status=EditionStatus.PUBLISHED)
    group = edition.groups.get()
    group.name = "改名"
    with pytest.raises(ValidationError) as exc:
        structure.structure_save(obj=group, actor=users["municipal"])
    assert exc.value.messages == [structure.PUBLISHED_LOCKED]
    with pytest.raises(ValidationError):
        structure.edition_save(edition=edition, actor=users["municipal"])
    assert Group.objects.get(pk=group.pk).name == "理科"


def test_structure_save_audits_and_checks_prize_rules(users):
    edition = make_edition()
    group = edition.groups.get()
    with pytest.raises(ValidationError):
        structure.structure_save(obj=PrizeRule(group=group, level="first", ratio=Decimal("0.1"), count=3),
                                 actor=users["municipal"])
    with pytest.raises(ValidationError):
        structure.structure_save(obj=PrizeRule(group=group, level="first", ratio=Decimal("1.5")),
                                 actor=users["municipal"])
    rule = structure.structure_save(obj=PrizeRule(group=group, level="first", ratio=Decimal("0.15")),
                                    actor=users["municipal"])
    assert PrizeRule.objects.get().pk == rule.pk
    assert [a.data["edition"] for a in audits("competition_prizerule.create")] == [edition.pk]


def test_quota_set_creates_then_changes_audited(tree, users):
    group = make_edition().groups.get()
    with scope(paths=[tree.root.path]):
        row = structure.quota_set(group=group, organization=tree.tsinghua, quota=3, actor=users["municipal"])
        structure.quota_set(group=group, organization=tree.tsinghua, quota=5, actor=users["municipal"])
        structure.quota_set(group=group, organization=tree.tsinghua, quota=5, actor=users["municipal"])  # no-op
    with scopes_disabled():
        assert list(UnitQuota.objects.values_list("pk", "quota")) == [(row.pk, 5)]
    assert [(a.data["from"], a.data["to"]) for a in audits("competition_quota.set")] == [(None, 3), (3, 5)]


def test_quota_goes_to_grassroots_unions_in_scope_only(tree, users):
    group = make_edition().groups.get()
    with scope(paths=[tree.root.path]):
        with pytest.raises(ValidationError) as exc:
            structure.quota_set(group=group, organization=tree.tsinghua_branch, quota=2, actor=users["municipal"])
    assert exc.value.message_dict == {"organization": [structure.NOT_GRASSROOTS]}
    with scope(paths=[tree.haidian.path]):
        with pytest.raises(ValidationError) as exc:
            structure.quota_set(group=group, organization=tree.chaoyang, quota=2, actor=users["haidian"])
    assert exc.value.message_dict == {"organization": [structure.OUT_OF_SCOPE]}
    with scopes_disabled():
        assert UnitQuota.objects.count() == 0


def test_quota_never_below_the_entries_already_approved(tree, users):
    group = make_edition().groups.get()
    make_quota(group, tree.tsinghua, 3)
    for i in range(2):
        make_entry(group, make_member(tree.tsinghua, name=f"教师{i}"))
    make_entry(group, make_member(tree.tsinghua, name="待审"), status=EntryStatus.SUBMITTED)
    assert quota_summary(group=group, organization=tree.tsinghua) == {"quota": 3, "used": 2, "left": 1}
    with scope(paths=[tree.root.path]), pytest.raises(ValidationError) as exc:
        structure.quota_set(group=group, organization=tree.tsinghua, quota=1, actor=users["municipal"])
    assert exc.value.message_dict == {"quota": ["该单位在本组已审核通过 2 人，名额不能少于 2。"]}
    assert quota_summary(group=group, organization=tree.haidian) is None


def test_edition_copy_takes_the_structure_not_the_entries(tree, users):
    edition = make_edition(groups=(("理科", "science"), ("文科", "arts")), stages=(("初赛", 10), ("决赛", None)))
    science = edition.groups.get(code="science")
    make_quota(science, tree.tsinghua, 4)
    PrizeRule.objects.create(group=science, level="first", count=2)
    make_entry(science, make_member(tree.tsinghua))
    new = structure.edition_copy(edition=edition, number=15, year=2026, name="第15届", actor=users["municipal"])
    assert (new.status, new.number, new.age_cutoff) == (EditionStatus.DRAFT, 15, dt.date(2026, 12, 31))
    assert list(new.groups.values_list("code", flat=True)) == ["science", "arts"]
    assert [(s.name, s.advance_count, s.criteria.count()) for s in new.stages.order_by("order")] == [
        ("初赛", 10, 3), ("决赛", None, 3)]
    copied = new.groups.get(code="science")
    with scopes_disabled():
        assert list(UnitQuota.objects.filter(group=copied).values_list("organization__code", "quota")) == [
            ("U-THU", 4)]
        assert new.entries.count() == 0
    assert list(copied.prize_rules.values_list("level", "count")) == [("first", 2)]
    assert audits("edition.copy")[0].data == {"from": edition.pk, "name": "第15届"}
    with pytest.raises(ValidationError):
        structure.edition_copy(edition=edition, number=15, year=2026, name="again", actor=users["municipal"])
