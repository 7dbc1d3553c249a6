"""Judges' pages: assignments, the entries to score (conflicts out, blind mode), the score form."""

from __future__ import annotations

from decimal import Decimal

import pytest

from apps.competitions.enums import SheetStatus
from apps.competitions.models import Criterion, Entry, Score, ScoreSheet
from apps.core.scoping import scopes_disabled
from tests.competitions.test_judging_support import blind_jw, jw, submit  # noqa: F401
from tests.conftest import login

pytestmark = pytest.mark.django_db


def group_url(w) -> str:
    return f"/competitions/judge/stages/{w.stage.pk}/groups/{w.group.pk}/"


def sheet_url(w, entry) -> str:
    return f"/competitions/judge/sheets/{entry.pk}/{w.stage.pk}/"


def post(client, url, data):
    client.get("/")
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def form(w, *numbers, action="save") -> dict:
    crits = Criterion.objects.filter(stage=w.stage).order_by("order", "id")
    return {**{f"c{c.pk}": str(n) for c, n in zip(crits, numbers, strict=True)}, "action": action}


def test_home_lists_assignments_with_progress(jw):
    submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    body = login(jw.judge_pku).get("/competitions/judge/").content.decode()
    assert jw.edition.name in body and "理科 · 决赛" in body
    assert "已提交 1 / 3" in body
    assert group_url(jw) in body


def test_group_page_lists_entries_without_the_judges_own_union(jw):
    response = login(jw.judge_pku).get(group_url(jw))
    body = response.content.decode()
    assert response.status_code == 200
    for entry in (jw.thu_entry, jw.thu_branch_entry, jw.cy_entry):
        assert entry.code in body and sheet_url(jw, entry) in body
    assert "清华甲" in body and "清华大学工会" in body  # not blind: names and units shown
    assert jw.pku_entry.code not in body and "北大丙" not in body


def test_tsinghua_judge_never_sees_tsinghua_entries_on_any_page(jw):
    client = login(jw.judge_thu)
    body = client.get(group_url(jw)).content.decode()
    assert jw.pku_entry.code in body and jw.cy_entry.code in body
    for entry in (jw.thu_entry, jw.thu_branch_entry):
        assert entry.code not in body and entry.member.name not in body
        assert client.get(sheet_url(jw, entry)).status_code == 404
        assert post(client, sheet_url(jw, entry), form(jw, 20, 75, 5, action="submit")).status_code == 404
    assert "已提交 0 / 2" in client.get("/competitions/judge/").content.decode()
    assert not ScoreSheet._base_manager.exists()


def test_declared_conflict_hides_the_entry_from_the_pages(jw, tree, users):
    from apps.competitions.services.judging import conflict_declare

    conflict_declare(judge=jw.judge_pku, organization=tree.chaoyang, reason="亲属", actor=users["municipal"])
    client = login(jw.judge_pku)
    assert jw.cy_entry.code not in client.get(group_url(jw)).content.decode()
    assert client.get(sheet_url(jw, jw.cy_entry)).status_code == 404


def test_blind_mode_shows_only_code_and_course_title(blind_jw):
    w = blind_jw
    client = login(w.judge_pku)
    for url in (group_url(w), sheet_url(w, w.thu_entry)):
        body = client.get(url).content.decode()
        assert w.thu_entry.code in body and "清华甲的微积分" in body
        for hidden in ("清华甲", "清华乙", "朝阳丁", "清华大学工会", "朝阳区教育工会"):
            assert hidden not in body.replace("清华甲的微积分", "").replace("清华乙的线性代数", "").replace(
                "朝阳丁的数论", ""), (url, hidden)
        assert "盲评" in body or url != group_url(w)


def test_score_form_saves_a_draft_then_submits_and_locks(jw):
    client = login(jw.judge_pku)
    url = sheet_url(jw, jw.thu_entry)
    page = client.get(url).content.decode()
    assert "教学设计（满分 20）" in page and "课堂教学（满分 75）" in page and 'max="75"' in page
    response = post(client, url, form(jw, "18.5", "", "4"))
    assert response.status_code == 302 and response["Location"] == url
    sheet = ScoreSheet._base_manager.get()
    assert sheet.status == SheetStatus.DRAFT
    assert sorted(Score._base_manager.filter(sheet=sheet).values_list("value", flat=True)) == [Decimal("4"),
                                                                                        Decimal("18.5")]
    assert 'value="18.50"' in client.get(url).content.decode()
    response = post(client, url, form(jw, 18, 70, 5, action="submit"))
    assert response.status_code == 302 and response["Location"] == group_url(jw)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED and sheet.total == Decimal("93.00")
    locked = client.get(url).content.decode()
    assert "评分已提交并锁定" in locked and "<form method=\"post\" class=\"form narrow\"" not in locked
    again = post(client, url, form(jw, 1, 1, 1))
    assert again.status_code == 200 and "评分已提交，不能修改" in again.content.decode()
    sheet.refresh_from_db()
    assert sheet.total == Decimal("93.00")
    assert "已提交 93.00 分" in client.get(group_url(jw)).content.decode()


def test_out_of_range_score_is_shown_and_nothing_saved(jw):
    client = login(jw.judge_pku)
    response = post(client, sheet_url(jw, jw.cy_entry), form(jw, 25, 70, 5, action="submit"))
    body = response.content.decode()
    assert response.status_code == 200 and "“教学设计”的分数应在 0 到 20 之间" in body
    assert 'value="25"' in body  # what was typed is shown again
    assert not Score._base_manager.exists() and not ScoreSheet._base_manager.filter(status=SheetStatus.SUBMITTED).exists()


def test_entry_files_are_linked(jw):
    with scopes_disabled():
        Entry.objects.filter(pk=jw.thu_entry.pk).update(lesson_plan="competitions/2025/x.pdf")
    body = login(jw.judge_pku).get(sheet_url(jw, jw.thu_entry)).content.decode()
    assert f"/competitions/entries/{jw.thu_entry.pk}/files/lesson_plan/" in body


@pytest.mark.parametrize("key", ["municipal", "tsinghua", "haidian_clerk", "teacher"])
def test_pages_are_for_judges_only(jw, users, key):
    client = login(users[key])
    for url in ("/competitions/judge/", group_url(jw), sheet_url(jw, jw.thu_entry)):
        assert client.get(url).status_code == 404, (key, url)


def test_unassigned_judge_gets_404(jw, users):
    client = login(users["judge"])  # 海淀's judge, not assigned
    assert client.get(group_url(jw)).status_code == 404
    assert client.get(sheet_url(jw, jw.thu_entry)).status_code == 404
    assert "暂无评审任务" in client.get("/competitions/judge/").content.decode()


def test_anonymous_is_sent_to_log_in(jw):
    from django.test import Client

    response = Client().get(group_url(jw))
    assert response.status_code == 302 and "login" in response["Location"]
