"""/api/v1/competitions/score-sheets/ and /results/{edition}/…"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from apps.competitions.enums import EditionStatus, SheetStatus
from apps.competitions.models import Award, Criterion, Edition, ScoreSheet, StageResult
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.competitions.test_judging_support import blind_jw, jw, pw, submit  # noqa: F401
from tests.conftest import login

pytestmark = pytest.mark.django_db

SHEETS = "/api/v1/competitions/score-sheets/"


def send(client, method: str, url: str, payload: dict | None = None):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return getattr(client, method)(url, data=json.dumps(payload or {}), content_type="application/json",
                                   HTTP_X_CSRFTOKEN=token)


def lines(stage, *numbers) -> list[dict]:
    crits = Criterion.objects.filter(stage=stage).order_by("order", "id")
    return [{"criterion": c.pk, "value": str(n)} for c, n in zip(crits, numbers, strict=True)]


def test_judge_creates_updates_and_submits_own_sheet(jw):
    client = login(jw.judge_pku)
    created = send(client, "post", SHEETS, {"entry": jw.thu_entry.pk, "stage": jw.stage.pk,
                                            "scores": lines(jw.stage, 18, 70, "")})
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "draft" and data["entry_code"] == jw.thu_entry.code and data["entrant"] == "清华甲"
    assert [s["value"] for s in data["scores"]] == ["18.00", "70.00", None]
    again = send(client, "post", SHEETS, {"entry": jw.thu_entry.pk, "stage": jw.stage.pk, "scores": []})
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    url = f"{SHEETS}{data['id']}/"
    patched = send(client, "patch", url, {"scores": lines(jw.stage, 19, 70, 5)})
    assert patched.status_code == 200 and patched.json()["scores"][0]["value"] == "19.00"
    submitted = send(client, "post", url + "submit/", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["total"] == "94.00"
    twice = send(client, "post", url + "submit/", {})
    assert twice.status_code == 200 and AuditLog._base_manager.filter(action="score_sheet.submit").count() == 1
    locked = send(client, "patch", url, {"scores": lines(jw.stage, 1, 1, 1)})
    assert locked.status_code == 400 and "评分已提交，不能修改" in locked.content.decode()
    listing = client.get(SHEETS).json()
    assert [r["id"] for r in listing["results"]] == [data["id"]]


def test_out_of_range_is_a_400_in_chinese(jw):
    response = send(login(jw.judge_pku), "post", SHEETS, {"entry": jw.thu_entry.pk, "stage": jw.stage.pk,
                                                          "scores": lines(jw.stage, 30, 70, 5)})
    assert response.status_code == 400
    assert "“教学设计”的分数应在 0 到 20 之间" in response.json()["scores"][0]
    assert not ScoreSheet._base_manager.exists()


def test_tsinghua_judge_gets_404_for_tsinghua_entries_and_never_lists_them(jw):
    client = login(jw.judge_thu)
    for entry in (jw.thu_entry, jw.thu_branch_entry):
        response = send(client, "post", SHEETS, {"entry": entry.pk, "stage": jw.stage.pk,
                                                 "scores": lines(jw.stage, 20, 75, 5)})
        assert response.status_code == 404
    assert not ScoreSheet._base_manager.exists()
    entries = client.get(SHEETS + "entries/").json()
    assert sorted(e["id"] for e in entries) == sorted([jw.pku_entry.pk, jw.cy_entry.pk])
    # the 北大 judge's sheet on a 清华 entry is invisible to the 清华 judge
    sheet = submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    assert client.get(f"{SHEETS}{sheet.pk}/").status_code == 404
    assert send(client, "post", f"{SHEETS}{sheet.pk}/submit/", {}).status_code == 404
    assert client.get(SHEETS).json()["results"] == []


def test_declared_conflict_hides_an_existing_sheet(jw, tree, users):
    from apps.competitions.services.judging import conflict_declare

    sheet = submit(jw.judge_pku, jw.cy_entry, jw.stage, 10, 60, 5)
    client = login(jw.judge_pku)
    assert client.get(f"{SHEETS}{sheet.pk}/").status_code == 200
    conflict_declare(judge=jw.judge_pku, organization=tree.chaoyang, reason="", actor=users["municipal"])
    assert client.get(f"{SHEETS}{sheet.pk}/").status_code == 404


def test_blind_mode_hides_names_and_units_from_judges_not_from_the_admin(blind_jw, users):
    w = blind_jw
    submit(w.judge_pku, w.thu_entry, w.stage, 18, 70, 5)
    client = login(w.judge_pku)
    body = client.get(SHEETS).content.decode() + client.get(SHEETS + "entries/").content.decode()
    assert w.thu_entry.code in body and "清华甲的微积分" in body
    assert "清华大学工会" not in body and "朝阳区教育工会" not in body
    assert "清华甲\"" not in body and "朝阳丁\"" not in body
    row = client.get(SHEETS).json()["results"][0]
    assert row["entrant"] is None and row["unit"] is None
    admin_row = login(users["municipal"]).get(SHEETS).json()["results"][0]
    assert admin_row["entrant"] == "清华甲" and admin_row["unit"] == "清华大学工会"


def test_municipal_admin_reads_all_sheets_but_cannot_write(jw, users):
    submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    submit(jw.judge_thu, jw.cy_entry, jw.stage, 18, 70, 4)
    client = login(users["municipal"])
    data = client.get(SHEETS).json()
    assert data["count"] == 2 and {r["judge"] for r in data["results"]} == {"t_judge_pku", "t_judge_thu"}
    sheet_id = data["results"][0]["id"]
    assert send(client, "post", SHEETS, {"entry": jw.pku_entry.pk, "stage": jw.stage.pk}).status_code == 403
    assert send(client, "patch", f"{SHEETS}{sheet_id}/", {"scores": []}).status_code == 403
    assert send(client, "post", f"{SHEETS}{sheet_id}/submit/", {}).status_code == 403


@pytest.mark.parametrize("key", ["tsinghua", "haidian", "haidian_clerk", "teacher"])
def test_units_and_teachers_see_no_sheets(jw, users, key):
    submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    assert login(users[key]).get(SHEETS).status_code == 403


def results_url(edition, action: str) -> str:
    return f"/api/v1/competitions/results/{edition.pk}/{action}/"


def test_preview_aggregate_and_publish_through_the_api(pw, users):
    client = login(users["municipal"])
    preview = client.get(results_url(pw.edition, "preview"))
    assert preview.status_code == 200
    data = preview.json()
    assert data["totals"]["awards"] == 15 and data["groups"][0]["rows"][0]["award_name"] == "一等奖"
    assert data["groups"][0]["rows"][0]["score"] == "98.000"
    aggregated = send(client, "post", results_url(pw.edition, "aggregate"), {"stage": pw.stage.pk})
    assert aggregated.status_code == 200 and len(aggregated.json()) == 14
    assert aggregated.json()[0]["rank"] == 1
    published = send(client, "post", results_url(pw.edition, "publish"))
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "published" and published.json()["awards"] == 15
    again = send(client, "post", results_url(pw.edition, "publish"))
    assert again.status_code == 400 and "本届结果已发布" in again.content.decode()
    with scopes_disabled():
        assert Award.objects.count() == 15


def test_advance_through_the_api(tree, users):
    from tests.competitions.factories import make_edition, make_entry
    from tests.competitions.test_judging_support import panel
    from tests.factories.members import make_member

    edition = make_edition(series="jjb", number=5, groups=(("中学英语", "english"),),
                           stages=(("区级初赛", 1), ("市级决赛", None)), status=EditionStatus.JUDGING)
    group = edition.groups.get()
    prelim, final = edition.stages.order_by("order")
    a, b = (make_entry(group, make_member(tree.tsinghua, name=n)) for n in ("甲", "乙"))
    (judge,) = panel(tree, users, prelim, group, 1)
    submit(judge, a, prelim, 10, 60, 5)
    submit(judge, b, prelim, 20, 60, 5)
    client = login(users["municipal"])
    response = send(client, "post", results_url(edition, "advance"), {"stage": prelim.pk})
    assert response.status_code == 200 and [r["entry"] for r in response.json()] == [b.pk]
    refused = send(client, "post", results_url(edition, "advance"), {"stage": final.pk})
    assert refused.status_code == 400 and "最后一轮不设晋级" in refused.content.decode()
    other = make_edition(number=20, year=2030)
    wrong = send(client, "post", results_url(other, "advance"), {"stage": prelim.pk})
    assert wrong.status_code == 400


@pytest.mark.parametrize("key", ["tsinghua", "haidian", "haidian_clerk", "teacher", "judge"])
def test_results_actions_are_for_the_municipal_admin_only(pw, users, key):
    client = login(users[key])
    assert client.get(results_url(pw.edition, "preview")).status_code == 403
    for action, payload in (("aggregate", {"stage": pw.stage.pk}), ("advance", {"stage": pw.stage.pk}),
                            ("publish", {})):
        assert send(client, "post", results_url(pw.edition, action), payload).status_code == 403
    assert Edition.objects.get(pk=pw.edition.pk).status == EditionStatus.JUDGING
    with scopes_disabled():
        assert StageResult.objects.count() == 0 and Award.objects.count() == 0


def test_sheet_submit_sends_final_scores(jw):
    client = login(jw.judge_pku)
    created = send(client, "post", SHEETS, {"entry": jw.cy_entry.pk, "stage": jw.stage.pk}).json()
    response = send(client, "post", f"{SHEETS}{created['id']}/submit/", {"scores": lines(jw.stage, 20, 75, 5)})
    assert response.status_code == 200 and response.json()["total"] == "100.00"
    missing = send(client, "post", SHEETS, {"entry": jw.thu_entry.pk, "stage": jw.stage.pk}).json()
    incomplete = send(client, "post", f"{SHEETS}{missing['id']}/submit/", {})
    assert incomplete.status_code == 400 and "尚未打分" in incomplete.content.decode()
    assert ScoreSheet._base_manager.get(pk=missing["id"]).status == SheetStatus.DRAFT
    assert Decimal(response.json()["total"]) == Decimal("100")
