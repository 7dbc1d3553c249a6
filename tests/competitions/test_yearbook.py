"""The yearbook across editions (figures and the Excel file), and the talent pool export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from apps.competitions.enums import AwardKind, EntryKind, EntryStatus, PrizeLevel
from apps.competitions.models import Group
from apps.competitions.services.yearbook import YEARBOOK_HEADERS, yearbook_rows, yearbook_totals, yearbook_xlsx
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_entry
from tests.competitions.results_factories import make_award, make_talent, make_team_entry, published_edition
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_editions(tree):
    qjs = published_edition(series="qjs", number=14, year=2025,
                            groups=(("文科", "humanities"), ("理科", "science"), ("教学教法论文", "paper")))
    humanities, science, paper = qjs.groups.all()
    people = [make_member(org, name=f"老师{i}") for i, org in enumerate(
        [tree.tsinghua, tree.tsinghua, tree.haidian, tree.chaoyang, tree.haidian, tree.tsinghua])]
    e0 = make_entry(humanities, people[0], supervisor_name="导师甲")
    e1 = make_entry(humanities, people[1])
    e2 = make_entry(science, people[2], supervisor_name="导师乙")
    make_entry(science, people[3], status=EntryStatus.SUBMITTED)  # not approved: not counted
    e4 = make_entry(paper, people[4])
    first = make_award(entry=e0, level=PrizeLevel.FIRST, rank=1)
    make_award(entry=e1, level=PrizeLevel.THIRD, rank=2)
    make_award(entry=e0, kind=AwardKind.SINGLE)
    make_award(entry=e2, level=PrizeLevel.SECOND, rank=1)
    make_award(entry=e0, kind=AwardKind.SUPERVISOR)
    make_award(entry=e2, kind=AwardKind.SUPERVISOR)
    make_award(entry=e4, level=PrizeLevel.FIRST, rank=1)
    make_award(edition=qjs, kind=AwardKind.ORGANISATION, organization=tree.tsinghua)
    make_talent(first)

    qgs = published_edition(series="qgs", number=3, year=2025, groups=(("党政管理组", "admin"),),
                            entry_kind=EntryKind.TEAM, team_size=3)
    team_group = qgs.groups.get()
    mates = [make_member(tree.chaoyang, name=f"队员{i}") for i in range(5)]
    t1 = make_team_entry(team_group, mates[0], mates[1:3])
    make_team_entry(team_group, mates[3], [mates[4]])  # approved, no prize
    make_award(entry=t1, level=PrizeLevel.FIRST, rank=1)

    older = published_edition(series="qjs", number=13, year=2023, groups=(("=HYPERLINK(\"x\")", "formula"),))
    make_entry(older.groups.get(), people[5])
    return qjs, qgs, older


def test_yearbook_rows_per_group_and_edition(two_editions):
    qjs, qgs, older = two_editions
    rows = yearbook_rows()
    assert [(r["year"], r["group"]) for r in rows] == [
        (2023, '=HYPERLINK("x")'), (2023, "合计"),
        (2025, "党政管理组"), (2025, "合计"),  # 青管赛 (qgs) sorts before 青教赛 (qjs)
        (2025, "文科"), (2025, "理科"), (2025, "教学教法论文"), (2025, "合计"),
    ]
    by = {(r["edition_id"], r["group"]): r for r in rows}
    humanities = by[(qjs.pk, "文科")]
    assert (humanities["entries"], humanities["units"], humanities["first"], humanities["third"],
            humanities["single"], humanities["individual_prizes"], humanities["supervisors"]) == (2, 1, 1, 1, 1, 3, 1)
    science = by[(qjs.pk, "理科")]
    assert (science["entries"], science["second"], science["individual_prizes"]) == (1, 1, 1)
    paper = by[(qjs.pk, "教学教法论文")]
    assert (paper["papers"], paper["first"], paper["individual_prizes"]) == (1, 1, 0)
    total = by[(qjs.pk, "合计")]
    assert (total["entries"], total["units"], total["individual_prizes"], total["supervisors"], total["papers"],
            total["organisations"], total["first"]) == (4, 2, 4, 2, 1, 1, 2)
    team = by[(qgs.pk, "党政管理组")]
    assert (team["entries"], team["teams"], team["team_people"], team["individual_prizes"]) == (2, 1, 3, 0)
    assert yearbook_totals(year=2025)["team_people"] == 3
    assert yearbook_totals(year=2025)["individual_prizes"] == 4
    assert yearbook_totals(year=2023)["entries"] == 1


def test_yearbook_xlsx_reads_back(two_editions):
    book = load_workbook(io.BytesIO(yearbook_xlsx()))
    sheet = book["历届赛事年鉴统计表"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == YEARBOOK_HEADERS
    assert len(values) == 1 + len(yearbook_rows())
    formula = values[1]
    assert formula[4] == '=HYPERLINK("x")' and sheet.cell(row=2, column=5).data_type == "s"  # text, never a formula
    total_2025 = [v for v in values if v[0] == 2025 and v[1] == "青教赛" and v[4] == "合计"][0]
    header = {h: i for i, h in enumerate(YEARBOOK_HEADERS)}
    assert total_2025[header["个人奖项"]] == 4 and total_2025[header["优秀指导教师奖"]] == 2
    assert total_2025[header["论文获奖"]] == 1 and total_2025[header["优秀组织奖"]] == 1


def test_yearbook_download_municipal_only(two_editions, as_user):
    for url in ("/competitions/yearbook.xlsx", "/api/v1/competitions/awards/yearbook/"):
        response = as_user("municipal").get(url)
        assert response.status_code == 200, url
        assert "spreadsheetml" in response["Content-Type"] and "attachment" in response["Content-Disposition"]
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.active.cell(row=1, column=1).value == "年度"
        for key in ("tsinghua", "haidian", "haidian_clerk", "teacher", "judge"):
            assert as_user(key).get(url).status_code == 403, (key, url)


def test_talent_pool_export_scoped_and_masked(two_editions, as_user, tree):
    qjs, _, _ = two_editions
    with scopes_disabled():
        e = make_entry(qjs.groups.get(code="science"), make_member(tree.chaoyang, name="朝阳一等"))
    make_talent(make_award(entry=e, level=PrizeLevel.FIRST, rank=1))

    def export(key):
        response = as_user(key).get("/competitions/talent-pool/export/")
        if response.status_code != 200:
            return response.status_code, []
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        return 200, list(book.active.iter_rows(values_only=True))

    status, rows = export("municipal")
    assert status == 200 and {r[4] for r in rows[1:]} == {"老师0", "朝阳一等"}
    status, rows = export("tsinghua")
    assert status == 200 and [r[4] for r in rows[1:]] == ["老师0"]
    masked = rows[1][6]
    with scopes_disabled():
        member = qjs.entries.get(member__name="老师0").member
    assert masked == member.id_number_masked and member.id_number not in str(rows)
    assert "*" in masked
    status, rows = export("haidian")
    assert status == 200 and rows[1:] == []
    for key in ("teacher", "judge"):
        assert export(key)[0] == 404
    assert AuditLog._base_manager.filter(action="talent_pool.export").count() == 3
    assert Group.objects.filter(edition=qjs).count() == 3
