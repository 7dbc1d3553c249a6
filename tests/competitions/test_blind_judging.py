"""Blind judging that is really blind: every path a judge reads an entry through — the entries
API (list and detail), the score-sheet API (list, detail, entries, create, submit answers),
the judge pages (home, group, score form) and the documents' downloads — carries no name,
unit name or code, supervisor, team member, ID number nor upload file name. The same walk in a
non-blind edition finds them (so the check can fail), and unit staff still see everything."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from django.core.files.base import ContentFile

from apps.competitions.models import Criterion, Entry, ScoreSheet, TeamMember
from apps.competitions.visibility import IDENTIFYING, entry_visible_fields
from apps.core.scoping import scope, scopes_disabled
from tests.competitions.test_judging_support import build_world, submit
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

ENTRIES = "/api/v1/competitions/entries/"
SHEETS = "/api/v1/competitions/score-sheets/"
PDF = b"%PDF-1.4 a lesson plan"


def _dress(world, tree) -> dict:
    """Give 清华甲's entry every identifying thing an entry can carry; return what must not leak."""
    entry = world.thu_entry
    mate = make_member(tree.tsinghua, name="清华队友")
    with scopes_disabled():
        entry = Entry.objects.get(pk=entry.pk)
        entry.lesson_plan.save("x.pdf", ContentFile(PDF), save=False)
        entry.teaching_design.save("y.pdf", ContentFile(PDF), save=False)
        entry.lesson_plan_name, entry.teaching_design_name = "清华甲的教案.pdf", "清华甲教学设计终稿.pdf"
        entry.supervisor_name, entry.team_name, entry.decision_reason = "导师王五", "", "清华甲材料已核"
        entry.save()
        TeamMember.objects.create(entry=entry, member=mate, status="accepted")
        # course titles are shown by design: give them no names
        for other, title in ((world.thu_branch_entry, "线性代数"), (world.cy_entry, "数论"), (world.pku_entry, "概率论")):
            Entry.objects.filter(pk=other.pk).update(course_title=title)
        Entry.objects.filter(pk=entry.pk).update(course_title="微积分")
    world.thu_entry = entry
    member = entry.member
    secrets = ["清华甲", "清华乙", "朝阳丁", "清华队友", "导师王五", "清华甲的教案", "清华甲教学设计终稿", "清华甲材料已核",
               tree.tsinghua.name, tree.tsinghua.code, tree.chaoyang.name, tree.chaoyang.code,
               tree.tsinghua_branch.name, tree.tsinghua_branch.code, member.id_number]
    return {"secrets": secrets}


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and (s in text or quote(s) in text or quote(s).lower() in text.lower())]


def _send(client, method, url, payload):
    client.get("/")
    return getattr(client, method)(url, data=json.dumps(payload), content_type="application/json",
                                   HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


def _lines(stage, *numbers):
    crits = Criterion.objects.filter(stage=stage).order_by("order", "id")
    return [{"criterion": c.pk, "value": str(n)} for c, n in zip(crits, numbers, strict=True)]


def judge_walk(world) -> dict[str, str]:
    """Everything judge_pku (北大) can read about 清华甲's entry and the group, by path."""
    client = login(world.judge_pku)
    entry, stage = world.thu_entry, world.stage
    out: dict[str, str] = {}
    created = _send(client, "post", SHEETS, {"entry": entry.pk, "stage": stage.pk, "scores": _lines(stage, 10, 50, 3)})
    assert created.status_code == 201, created.content
    sheet_id = created.json()["id"]
    out["api sheet create"] = created.content.decode()
    out["api sheet submit"] = _send(client, "post", f"{SHEETS}{sheet_id}/submit/",
                                    {"scores": _lines(stage, 10, 50, 3)}).content.decode()
    submit(world.judge_pku, world.cy_entry, stage, 12, 60, 4)
    for name, url in (("api entries", ENTRIES), ("api entry", f"{ENTRIES}{entry.pk}/"), ("api sheets", SHEETS),
                      ("api sheet", f"{SHEETS}{sheet_id}/"), ("api judge entries", f"{SHEETS}entries/"),
                      ("page home", "/competitions/judge/"),
                      ("page group", f"/competitions/judge/stages/{stage.pk}/groups/{world.group.pk}/"),
                      ("page sheet", f"/competitions/judge/sheets/{entry.pk}/{stage.pk}/")):
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        out[name] = response.content.decode()
    for kind in ("lesson_plan", "teaching_design"):
        response = client.get(f"/competitions/entries/{entry.pk}/files/{kind}/")
        assert response.status_code == 200, kind
        assert b"".join(response.streaming_content) == PDF
        out[f"download {kind}"] = response["Content-Disposition"]
    return out


def test_a_judge_of_a_blind_edition_sees_nothing_that_identifies(tree, users):
    world = build_world(tree, users, blind=True)
    secrets = _dress(world, tree)["secrets"]
    walk = judge_walk(world)
    for path, text in walk.items():
        assert not _leaks(text, secrets), (path, _leaks(text, secrets))
    code = world.thu_entry.code
    assert code in walk["api entry"] and code in walk["page group"] and code in walk["page sheet"]
    assert "微积分" in walk["page sheet"]  # the work itself is shown
    assert quote(f"{code}-教案.pdf") in walk["download lesson_plan"]
    assert quote(f"{code}-教学设计.pdf") in walk["download teaching_design"]
    detail = json.loads(walk["api entry"])
    assert detail["organization"] == "" and detail["member_name"] == "" and detail["team_members"] == []
    assert detail["lesson_plan_name"] == f"{code}-教案.pdf"
    sheet = json.loads(walk["api sheet"])
    assert sheet["entrant"] is None and sheet["unit"] is None


def test_the_same_walk_in_an_open_edition_shows_the_names(tree, users):
    """Control: the walk above would catch a leak (here names are meant to be shown)."""
    world = build_world(tree, users, blind=False)
    secrets = _dress(world, tree)["secrets"]
    walk = judge_walk(world)
    assert "清华甲" in walk["api entry"] and tree.tsinghua.code in walk["api entry"]
    assert "清华甲" in walk["page group"] and tree.tsinghua.name in walk["page sheet"]
    assert _leaks(walk["download lesson_plan"], secrets) == ["清华甲", "清华甲的教案"]
    assert "清华队友" in walk["api entry"]


def test_unit_staff_and_the_teacher_still_see_the_names_in_a_blind_edition(tree, users):
    world = build_world(tree, users, blind=True)
    _dress(world, tree)
    entry = world.thu_entry
    for user in (users["tsinghua"], users["municipal"]):
        body = login(user).get(f"{ENTRIES}{entry.pk}/").json()
        assert body["member_name"] == "清华甲" and body["organization"] == tree.tsinghua.code
        assert body["lesson_plan_name"] == "清华甲的教案.pdf"
        disposition = login(user).get(f"/competitions/entries/{entry.pk}/files/lesson_plan/")["Content-Disposition"]
        assert quote("清华甲的教案.pdf") in disposition


def test_visible_fields_empties_every_identifying_key(tree, users):
    world = build_world(tree, users, blind=True)
    _dress(world, tree)
    with scopes_disabled():
        entry = Entry.objects.select_related("edition", "group", "organization", "member").get(pk=world.thu_entry.pk)
    with scope(person="judge", user_id=world.judge_pku.pk):  # each viewer in their own scope
        blind = entry_visible_fields(entry=entry, viewer=world.judge_pku)
    with scope(paths=[tree.tsinghua.path]):
        full = entry_visible_fields(entry=entry, viewer=users["tsinghua"])
    assert blind["blind"] is True and full["blind"] is False
    for key in IDENTIFYING:
        assert blind[key] in ("", []) or blind[key].startswith(entry.code), key
        assert full[key] not in ("", []) or key == "team_name", key  # an individual entry has no team name
    assert not ScoreSheet._base_manager.exists()
