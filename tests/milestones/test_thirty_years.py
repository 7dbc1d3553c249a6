"""从教30周年: the roll of a year per university (from 从教日期, missing dates apart), the unit's
confirmation (one audited transition), the municipal union's issue job (codes, PDFs, rosters)
and the certificates' downloads and public verification."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.accounts.enums import Role
from apps.core.enums import JobStatus
from apps.core.jobs import job_run
from apps.core.models import AuditLog, Job
from apps.core.scoping import scope, scopes_disabled
from apps.members.enums import EmploymentType
from apps.milestones.enums import RollStatus
from apps.milestones.issuing import certificates_issue, issue_rolls
from apps.milestones.models import ThirtyYearHonoree, ThirtyYearRoll
from apps.milestones.selectors import my_certificates, thirty_missing_dates
from apps.milestones.services import roll_build, roll_confirm, roll_reopen, roll_transition
from tests.conftest import login
from tests.factories.members import make_member, new_id_number
from tests.factories.orgs import make_user
from tests.milestones.factories import make_pku, make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def thu(tree):
    """清华: two teachers of 1995 (one in a branch union), one of 1996, one retired of 1995,
    one without a date (born 1970) and one too young to have taught 30 years without one."""
    people = {
        "a": make_teacher(tree.tsinghua, name="王一九"),
        "b": make_teacher(tree.tsinghua, name="李九五", started=dt.date(1995, 7, 1), branch=tree.tsinghua_branch),
        "late": make_teacher(tree.tsinghua, name="赵九六", started=dt.date(1996, 9, 1)),
        "retired": make_teacher(tree.tsinghua, name="钱退休", employment_type=EmploymentType.RETIRED),
        "missing": make_teacher(tree.tsinghua, name="孙缺日", started=None, born=dt.date(1970, 1, 1)),
        "young": make_teacher(tree.tsinghua, name="周年轻", started=None, born=dt.date(1990, 1, 1)),
    }
    return people


def _build(unit, year=2025):
    with scopes_disabled():
        return roll_build(organization=unit, year=year)


def test_roll_lists_those_reaching_30_years_and_the_missing_apart(tree, thu):
    roll = _build(tree.tsinghua)
    with scopes_disabled():
        names = sorted(roll.honorees.values_list("name", flat=True))
        missing = [m.name for m in thirty_missing_dates(organization=tree.tsinghua, year=2025)]
    assert names == ["李九五", "王一九"]
    assert roll.honoree_count == 2 and roll.status == RollStatus.DRAFT
    assert missing == ["孙缺日"]
    # Rebuilding after a correction follows the registry (and adds nothing twice).
    with scopes_disabled():
        from apps.members.services import member_update

        member_update(member=thu["missing"], teaching_since=dt.date(1995, 9, 1))
    roll = _build(tree.tsinghua)
    with scopes_disabled():
        assert sorted(roll.honorees.values_list("name", flat=True)) == ["孙缺日", "李九五", "王一九"]
        assert ThirtyYearRoll.objects.count() == 1


def test_roll_build_refuses_a_non_university_and_a_bad_year(tree):
    with pytest.raises(ValidationError) as error:
        _build(tree.haidian)
    assert "高等学校工会" in error.value.message_dict["organization"][0]
    with pytest.raises(ValidationError) as error:
        _build(tree.tsinghua, year=1899)
    assert "年度" in error.value.message_dict["year"][0]
    with scopes_disabled():
        assert not ThirtyYearRoll.objects.exists()


def test_confirm_is_one_audited_transition_and_acts_once(tree, users, thu):
    roll = _build(tree.tsinghua)
    admin = users["tsinghua"]
    with scope(paths=[tree.tsinghua.path]):
        confirmed = roll_confirm(roll=roll, actor=admin)
        again = roll_confirm(roll=roll, actor=admin)
        assert confirmed.status == again.status == RollStatus.CONFIRMED
        assert confirmed.confirmed_by_id == admin.pk
        with pytest.raises(ValidationError) as error:  # a confirmed roll is not rebuilt
            roll_build(organization=tree.tsinghua, year=2025, actor=admin)
        assert "已确认" in error.value.message_dict["year"][0]
        with pytest.raises(ValidationError):  # only the issue job moves it to issued … from confirmed
            roll_transition(roll=roll_reopen(roll=roll, actor=admin), to=RollStatus.ISSUED, actor=admin)
    with scopes_disabled():
        actions = list(AuditLog.objects.filter(action__startswith="milestones.roll_").values_list("action", flat=True))
    assert actions.count("milestones.roll_confirmed") == 1 and "milestones.roll_draft" in actions
    clerk = make_user("t_thu_clerk", tree.tsinghua, Role.UNIT_CLERK)
    with pytest.raises(PermissionDenied):
        roll_confirm(roll=roll, actor=clerk)


def _issue(rolls, actor, root):
    with scope(paths=[root.path]):
        job = certificates_issue(rolls=rolls, actor=actor, organization=root, run_now=True)
    job_run(str(job.pk), issue_rolls)
    with scopes_disabled():
        return Job.objects.get(pk=job.pk)


@pytest.mark.cjkfont
def test_issue_job_makes_codes_pdfs_and_rosters_then_the_page_verifies(tree, users, thu):
    pku = make_pku(tree)
    make_teacher(pku, name="北大师")
    rolls = [_build(tree.tsinghua), _build(pku)]
    with scopes_disabled():
        for roll in rolls:
            roll_confirm(roll=roll, actor=None)
        rolls = list(ThirtyYearRoll.objects.select_related("organization"))
    admin = users["municipal"]
    with pytest.raises(PermissionDenied):
        certificates_issue(rolls=rolls, actor=users["tsinghua"], organization=tree.tsinghua)
    job = _issue(rolls, admin, tree.root)
    assert job.status == JobStatus.SUCCEEDED and job.result == {"certificates": 3, "rolls": 2}
    assert job.done == job.total == 3 and job.percent == 100
    with scopes_disabled():
        honorees = list(ThirtyYearHonoree.objects.order_by("name"))
        assert {r.status for r in ThirtyYearRoll.objects.all()} == {RollStatus.ISSUED}
    codes = {h.code for h in honorees}
    assert len(codes) == 3 and all(len(c) == 12 for c in codes)
    with job.result_file.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = archive.namelist()
    assert sum(n.endswith(".pdf") for n in names) == 3 and sum(n.endswith(".xlsx") for n in names) == 2
    one = next(h for h in honorees if h.name == "王一九")
    pdf = archive.read(next(n for n in names if one.code in n))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in ("纪 念 证 书", "王一九", "1995", "2025", "清华大学工会", one.code, "北京市教育工会",
                     f"/verify/{one.code}/"):
        assert expected in text, expected
    # The roster: official heading, one row per person, codes as text.
    roster = load_workbook(io.BytesIO(archive.read(next(n for n in names if "清华" in n and n.endswith(".xlsx")))))
    sheet = roster.active
    assert sheet["A1"].value == "2025年从教30周年教职工名册" and "清华大学工会" in sheet["A2"].value
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1]]
    assert [r[1] for r in rows] == ["李九五", "王一九"] and {r[6] for r in rows} <= codes
    # The one public verification page knows the code (and the competitions' address does too).
    for url in (f"/verify/{one.code}/", f"/competitions/verify/{one.code.lower()}/"):
        body = Client().get(url).content.decode()
        assert "真实有效" in body and "王一九" in body and "从教30周年" in body and "清华大学工会" in body
    # Issuing again is refused (already issued), nothing changes.
    with pytest.raises(ValidationError), scope(paths=[tree.root.path]):
        certificates_issue(rolls=rolls, actor=admin, organization=tree.root)


@pytest.mark.cjkfont
def test_certificate_pdf_and_roster_downloads_are_scoped(tree, users, thu):
    roll = _build(tree.tsinghua)
    with scopes_disabled():
        roll_confirm(roll=roll, actor=None)
    _issue([roll], users["municipal"], tree.root)
    with scopes_disabled():
        one = ThirtyYearHonoree.objects.get(name="王一九")
    pdf_url = f"/milestones/certificates/{one.code}/pdf/"
    roster_url = f"/milestones/rolls/{roll.pk}/roster.xlsx"
    for key in ("tsinghua", "municipal"):
        response = login(users[key]).get(pdf_url)
        assert response.status_code == 200 and response.content.startswith(b"%PDF-"), key
        assert login(users[key]).get(roster_url).status_code == 200, key
    for key in ("haidian", "chaoyang", "haidian_clerk", "judge", "teacher"):
        assert login(users[key]).get(pdf_url).status_code == 404, key
        assert login(users[key]).get(roster_url).status_code == 404, key
    assert Client().get(pdf_url).status_code == 302


@pytest.mark.cjkfont
def test_my_certificates_lists_the_members_own(tree, users, thu):
    from apps.competitions.models import TeacherAccount

    roll = _build(tree.tsinghua)
    with scopes_disabled():
        roll_confirm(roll=roll, actor=None)
        TeacherAccount.objects.create(user=users["teacher"], member=thu["a"])
    assert my_certificates(user=users["teacher"]) == []  # not issued yet
    _issue([roll], users["municipal"], tree.root)
    mine = my_certificates(user=users["teacher"])
    assert [c["name"] for c in mine] == ["王一九"] and mine[0]["year"] == 2025
    assert login(users["teacher"]).get(mine[0]["pdf_url"]).status_code == 200
    with scopes_disabled():
        other = ThirtyYearHonoree.objects.get(name="李九五")
    assert login(users["teacher"]).get(f"/milestones/certificates/{other.code}/pdf/").status_code == 404
    assert my_certificates(user=users["haidian"]) == []


def test_roster_is_formula_safe(tree, users):
    make_member(tree.tsinghua, name="=HYPERLINK(1)", id_number=new_id_number(birth=dt.date(1971, 1, 1)),
                teaching_since=dt.date(1995, 9, 1))
    roll = _build(tree.tsinghua)
    response = login(users["tsinghua"]).get(f"/milestones/rolls/{roll.pk}/roster.xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cell = sheet["B4"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"
