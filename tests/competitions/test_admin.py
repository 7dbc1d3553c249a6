"""The competitions admin: every page renders for the municipal admin; the structure is the
municipal admin's only; units see their subtree's entries and quotas (masked, 朝阳's a 404)
and approve within their quota; status moves, preview and publish go through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from apps.competitions.enums import EditionStatus, EntryStatus
from apps.competitions.models import Edition, Entry, Group, JudgeAssignment, UnitQuota
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry, make_judge, make_quota
from tests.conftest import login
from tests.core import test_access_matrix  # noqa: F401  (imports access_competitions in its order)
from tests.core.access_competitions import structure_objects  # noqa: E402
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree, users):
    member = make_member(tree.chaoyang, name="朝阳教师", branch=tree.chaoyang_school)
    with scopes_disabled():
        return structure_objects(tree, users, member)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:competitions_{model._meta.model_name}_{view}", args=args)


def post(client, path: str, data: dict, **kwargs):
    client.get("/")
    return client.post(path, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}, **kwargs)


def audits(prefix: str) -> list[str]:
    return list(AuditLog._base_manager.filter(action__startswith=prefix).order_by("id").values_list("action",
                                                                                                    flat=True))


COMPETITION_MODELS = [m for m in admin.site._registry if m._meta.app_label == "competitions"]
CAN_ADD = {"edition", "group", "stage", "prizerule", "prizebonus", "unitquota", "judgeassignment",
           "conflictdeclaration"}


def test_every_competitions_admin_page_renders_for_the_municipal_admin(world, users):
    client = login(users["municipal"])
    assert {m._meta.model_name for m in COMPETITION_MODELS} >= CAN_ADD | {"entry", "scoresheet", "award"}
    for model in (m for m in COMPETITION_MODELS if m in world):  # every one of them: see the access matrix
        obj = world[model]
        listing = client.get(url(model, "changelist"))
        assert listing.status_code == 200, model
        assert obj in list(listing.context["cl"].result_list), model
        assert client.get(url(model, "change", obj.pk)).status_code == 200, model
        add = client.get(url(model, "add"))
        assert add.status_code == (200 if model._meta.model_name in CAN_ADD else 403), model


@pytest.mark.parametrize("model", [Edition, Group, JudgeAssignment])
def test_structure_is_the_municipal_admins_only(world, users, model):
    obj = world[model]
    for key in ("haidian", "chaoyang", "haidian_clerk"):
        client = login(users[key])
        assert client.get(url(model, "change", obj.pk)).status_code == 404, key
        assert client.get(url(model, "changelist")).status_code == 403, key


def test_units_see_their_own_entries_masked_and_get_404_for_chaoyangs(world, users):
    entry = world[Entry]
    member = entry.member
    own = login(users["chaoyang"])
    body = own.get(url(Entry, "changelist")).content.decode()
    assert entry.code in body and member.id_number_masked in body and member.id_number not in body
    detail = own.get(url(Entry, "change", entry.pk))
    assert detail.status_code == 200 and member.id_number not in detail.content.decode()
    for key in ("haidian", "tsinghua", "haidian_clerk"):
        client = login(users[key])
        listing = client.get(url(Entry, "changelist"))
        assert listing.status_code == 200 and entry not in list(listing.context["cl"].result_list), key
        assert client.get(url(Entry, "change", entry.pk)).status_code == 404, key


def test_units_read_their_quota_only_and_cannot_change_it(world, users):
    quota = world[UnitQuota]
    own = login(users["chaoyang"])
    listing = own.get(url(UnitQuota, "changelist"))
    assert [(q.pk, q.quota) for q in listing.context["cl"].result_list] == [(quota.pk, 3)]
    assert own.get(url(UnitQuota, "change", quota.pk)).status_code == 200  # read-only view
    assert post(own, url(UnitQuota, "change", quota.pk), {"quota": 30}).status_code == 403
    assert own.get(url(UnitQuota, "add")).status_code == 403
    haidian = login(users["haidian"])
    assert list(haidian.get(url(UnitQuota, "changelist")).context["cl"].result_list) == []
    assert haidian.get(url(UnitQuota, "change", quota.pk)).status_code == 404
    with scopes_disabled():
        assert UnitQuota.objects.get(pk=quota.pk).quota == 3


def test_municipal_admin_sets_a_quota_through_the_service(world, users, tree):
    client = login(users["municipal"])
    group = world[Group]
    response = post(client, url(UnitQuota, "add"), {"group": group.pk, "organization": tree.tsinghua_branch.pk,
                                                     "quota": 2})
    assert response.status_code == 200 and "单位名额只能分配给基层工会。" in response.content.decode()
    response = post(client, url(UnitQuota, "add"), {"group": group.pk, "organization": tree.tsinghua.pk, "quota": 2})
    assert response.status_code == 302, response.content.decode()[:1500]
    with scopes_disabled():
        assert UnitQuota.objects.get(group=group, organization=tree.tsinghua).quota == 2
    assert audits("competition_quota.") == ["competition_quota.set"]
    quota = world[UnitQuota]  # 朝阳: 1 approved
    response = post(client, url(UnitQuota, "change", quota.pk), {"quota": 0})
    assert response.status_code == 200 and "名额不能少于 1" in response.content.decode()


def _two_submitted(tree, quota: int):
    edition = make_edition()
    group = edition.groups.get()
    make_quota(group, tree.tsinghua, quota)
    return [make_entry(group, make_member(tree.tsinghua, name=f"清华教师{i}"), status=EntryStatus.SUBMITTED)
            for i in range(2)]


def test_approve_action_stops_at_the_units_quota(tree, users):
    entries = _two_submitted(tree, 1)
    client = login(users["tsinghua"])
    response = post(client, url(Entry, "changelist"), {"action": "approve_entries",
                                                        "_selected_action": [e.pk for e in entries]}, follow=True)
    body = response.content.decode()
    with scopes_disabled():
        statuses = sorted(Entry.objects.filter(pk__in=[e.pk for e in entries]).values_list("status", flat=True))
    assert statuses == [EntryStatus.APPROVED, EntryStatus.SUBMITTED]
    assert "已审核通过：1 条。" in body and "名额" in body
    assert audits("entry.approve") == ["entry.approve"]


def test_approve_action_cannot_reach_another_units_entry(world, users):
    entry = world[Entry]
    with scopes_disabled():
        Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.SUBMITTED)
    post(login(users["haidian"]), url(Entry, "changelist"), {"action": "approve_entries",
                                                            "_selected_action": [entry.pk]})
    with scopes_disabled():
        assert Entry.objects.get(pk=entry.pk).status == EntryStatus.SUBMITTED
    assert audits("entry.") == []


def test_reject_action_asks_for_a_reason_then_rejects(tree, users):
    entries = _two_submitted(tree, 1)
    client = login(users["tsinghua"])
    changelist = url(Entry, "changelist")
    page = post(client, changelist, {"action": "reject_entries", "_selected_action": [entries[0].pk]})
    assert page.status_code == 200 and "未通过原因" in page.content.decode()
    again = post(client, changelist, {"action": "reject_entries", "_selected_action": [entries[0].pk], "apply": "1",
                                      "reason": ""})
    assert again.status_code == 200 and "该字段是必填项" in again.content.decode()
    done = post(client, changelist, {"action": "reject_entries", "_selected_action": [entries[0].pk], "apply": "1",
                                     "reason": "课程不符合要求"})
    assert done.status_code == 302
    with scopes_disabled():
        rejected = Entry.objects.get(pk=entries[0].pk)
    assert (rejected.status, rejected.decision_reason) == (EntryStatus.REJECTED, "课程不符合要求")


def test_edition_status_actions_move_and_audit(users):
    edition = make_edition(status=EditionStatus.DRAFT)
    client = login(users["municipal"])
    changelist = url(Edition, "changelist")
    post(client, changelist, {"action": "open_registration", "_selected_action": [edition.pk]})
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.OPEN
    post(client, changelist, {"action": "close_registration", "_selected_action": [edition.pk]})
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.JUDGING
    response = post(client, changelist, {"action": "open_registration", "_selected_action": [edition.pk]},
                    follow=True)
    assert "不能改为" in response.content.decode()
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.JUDGING
    assert audits("edition.") == ["edition.open", "edition.close_registration"]


def test_copy_action_starts_the_next_edition(users):
    edition = make_edition(name="第14届北京高校青年教师教学基本功比赛")
    post(login(users["municipal"]), url(Edition, "changelist"), {"action": "copy_next", "_selected_action": [edition.pk]})
    new = Edition.objects.get(number=15)
    assert (new.name, new.year, new.status, new.groups.count()) == (
        "第15届北京高校青年教师教学基本功比赛", 2026, EditionStatus.DRAFT, 1)


def test_judge_assignment_takes_the_unit_from_the_judges_role(tree, users):
    edition = make_edition()
    group, stage = edition.groups.get(), edition.stages.get()
    judge = make_judge("t_judge_pku", tree.tsinghua)
    client = login(users["municipal"])
    add = client.get(url(JudgeAssignment, "add")).content.decode()
    assert "t_judge_pku" in add and "t_haidian" not in add  # only judges are offered
    response = post(client, url(JudgeAssignment, "add"), {"stage": stage.pk, "group": group.pk, "judge": judge.pk})
    assert response.status_code == 302, response.content.decode()[:1500]
    assignment = JudgeAssignment._base_manager.get()
    assert (assignment.judge, assignment.organization) == (judge, tree.tsinghua)
    assert audits("judge.") == ["judge.assign"]
    not_a_judge = post(client, url(JudgeAssignment, "add"), {"stage": stage.pk, "group": group.pk,
                                                             "judge": users["haidian"].pk})
    assert not_a_judge.status_code == 200 and JudgeAssignment._base_manager.count() == 1


def test_published_edition_is_read_only(users):
    edition = make_edition(status=EditionStatus.PUBLISHED)
    client = login(users["municipal"])
    assert client.get(url(Edition, "change", edition.pk)).status_code == 200
    assert post(client, url(Edition, "change", edition.pk), {"name": "改名"}).status_code == 403
    group = edition.groups.get()
    assert post(client, url(Group, "change", group.pk), {"name": "改名"}).status_code == 403
    assert Edition.objects.get(pk=edition.pk).name != "改名"


def test_dashboard_shows_entries_waiting_for_approval(tree, users):
    _two_submitted(tree, 1)
    body = login(users["tsinghua"]).get(reverse("admin:index")).content.decode()
    assert 'data-figure="待审核参赛报名">2<' in body
    assert 'data-figure="待审核参赛报名">0<' in login(users["haidian"]).get(reverse("admin:index")).content.decode()


def _management(prefix: str, total: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": 0, f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000}


def test_municipal_admin_adds_an_edition_with_groups_and_stages(users, tree):
    from apps.competitions.models import Series
    from apps.competitions.services.series import series_seed

    series_seed(model=Series)
    data = {"series": Series.objects.get(code="jjb").pk, "number": 5, "year": 2026, "name": "第五届京教杯",
            "registration_opens_0": "2026-03-01", "registration_opens_1": "08:00:00",
            "registration_closes_0": "2026-04-01", "registration_closes_1": "08:00:00",
            "age_limit": 40, "age_cutoff": "2026-12-31", "participating_units": [tree.haidian.pk],
            "requires_course_title": "on", "requires_lesson_plan": "on", "trim_min_judges": 5,
            "supervisor_award_levels": "first",
            **_management("groups", 2), **_management("stages", 1), **_management("bonuses"),
            "groups-0-name": "中学英语", "groups-0-code": "en", "groups-0-track": "teaching",
            "groups-0-entry_kind": "individual", "groups-0-team_size": 1, "groups-0-order": 0,
            "groups-1-name": "小学语文", "groups-1-code": "cn", "groups-1-track": "teaching",
            "groups-1-entry_kind": "individual", "groups-1-team_size": 1, "groups-1-order": 1,
            "stages-0-order": 1, "stages-0-name": "区级初赛", "stages-0-level": "district",
            "stages-0-advance_count": 10}
    client = login(users["municipal"])
    bad = post(client, url(Edition, "add"), {**data, "registration_closes_0": "2026-02-01"})
    assert bad.status_code == 200 and "报名截止时间应晚于报名开始时间。" in bad.content.decode()
    response = post(client, url(Edition, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    edition = Edition.objects.get(number=5, series__code="jjb")
    assert edition.status == EditionStatus.DRAFT
    assert list(edition.groups.values_list("name", flat=True)) == ["中学英语", "小学语文"]
    assert list(edition.stages.values_list("name", "advance_count")) == [("区级初赛", 10)]
    with scopes_disabled():
        assert list(edition.participating_units.values_list("code", flat=True)) == ["D-HAIDIAN"]
    assert audits("edition.") == ["edition.create"]
    assert audits("competition_group.") == ["competition_group.create"] * 2


def test_group_page_sets_quotas_and_prize_rules(world, users, tree):
    group = world[Group]
    data = {"name": group.name, "code": group.code, "track": "teaching", "entry_kind": "individual",
            "team_size": 1, "capacity": 100, "order": 0,
            "quotas-TOTAL_FORMS": 2, "quotas-INITIAL_FORMS": 1, "quotas-MIN_NUM_FORMS": 0,
            "quotas-MAX_NUM_FORMS": 1000,
            "quotas-0-id": world[UnitQuota].pk, "quotas-0-group": group.pk,
            "quotas-0-organization": tree.chaoyang.pk, "quotas-0-quota": 4,
            "quotas-1-group": group.pk, "quotas-1-organization": tree.tsinghua.pk, "quotas-1-quota": 6,
            "prize_rules-TOTAL_FORMS": 2, "prize_rules-INITIAL_FORMS": 1, "prize_rules-MIN_NUM_FORMS": 0,
            "prize_rules-MAX_NUM_FORMS": 1000,
            "prize_rules-0-id": group.prize_rules.get().pk, "prize_rules-0-group": group.pk,
            "prize_rules-0-level": "first", "prize_rules-0-count": 1,
            "prize_rules-1-group": group.pk, "prize_rules-1-level": "second", "prize_rules-1-ratio": "0.2"}
    client = login(users["municipal"])
    bad = post(client, url(Group, "change", group.pk), {**data, "prize_rules-1-count": 3})
    assert bad.status_code == 200 and "比例和名额须填且只填一项" in bad.content.decode()
    response = post(client, url(Group, "change", group.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    with scopes_disabled():
        assert sorted(UnitQuota.objects.filter(group=group).values_list("organization__code", "quota")) == [
            ("D-CHAOYANG", 4), ("U-THU", 6)]
    assert sorted(group.prize_rules.values_list("level", "count", "ratio")) == [
        ("first", 1, None), ("second", None, Decimal("0.200"))]
    assert Group.objects.get(pk=group.pk).capacity == 100
    assert audits("competition_quota.") == ["competition_quota.set"] * 2
