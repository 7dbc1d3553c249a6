"""Labour-relations warnings: the same workflow and deadlines as petitions, limits by warning
kind as data, closed with an outcome (never called back), scoped, listed by deadline."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.core.scoping import scope, scopes_disabled
from apps.petitions.deadlines import case_deadlines
from apps.petitions.enums import Action, CaseKind, CaseStatus, Stage, Urgency, WarningKind, WarningLevel
from apps.petitions.models import Case, DeadlineRule
from apps.petitions.warnings import warning_report, warnings_queue
from tests.conftest import login

from .factories import at, move

pytestmark = pytest.mark.django_db


def report(unit, *, kind=WarningKind.WAGES, level=WarningLevel.SERIOUS, when=None, title="民办学校欠薪预警"):
    with scopes_disabled():
        case, _ = warning_report(actor=None, warning_kind=kind, warning_level=level, title=title,
                                 content="两个月未发工资", reporter="区教育工会", steps="已约谈举办者",
                                 unit=unit, received_at=when or at(2025, 9, 29, 9))
    return case


def test_warning_deadlines_come_from_its_kind_rules_and_follow_corrections(tree):
    wages = report(tree.haidian_school)  # 较重 → 一般 urgency; 欠薪 normal: sign within 2 working hours
    other = report(tree.haidian_school, kind=WarningKind.OTHER, title="其他预警")  # the kind-less warning rule
    assert wages.kind == CaseKind.WARNING and wages.urgency == Urgency.NORMAL and wages.status == CaseStatus.DISPATCHED
    with scopes_disabled():
        due = case_deadlines(wages, now=at(2025, 9, 29, 9)).stages[Stage.SIGN].due_at
        assert due == at(2025, 9, 29, 11)
        assert case_deadlines(other, now=at(2025, 9, 29, 9)).stages[Stage.SIGN].due_at == at(2025, 9, 29, 14)
        reply = case_deadlines(wages, now=at(2025, 9, 29, 9)).stages[Stage.REPLY].due_at
        assert reply == at(2025, 10, 9, 9)  # 2 working days, across National Day + Mid-Autumn 2025
        DeadlineRule.objects.filter(case_kind="warning", warning_kind="wages", urgency="normal",
                                    stage="sign").update(minutes=60)
        assert case_deadlines(wages, now=at(2025, 9, 29, 9)).stages[Stage.SIGN].due_at == at(2025, 9, 29, 10)


def test_warning_closes_with_an_outcome_once_and_is_never_called_back(tree):
    case = report(tree.haidian_school, level=WarningLevel.SEVERE)
    assert case.urgency == Urgency.URGENT
    t = at(2025, 9, 29, 9, 30)
    for action, extra in ((Action.SIGN, {}), (Action.CONTACT, {}),
                          (Action.REPLY, {"reply_text": "已督促补发", "steps": "协调人社部门介入"})):
        case = move(case, action, at=t, **extra)
    assert case.steps == "协调人社部门介入"
    with pytest.raises(ValidationError) as exc:
        move(case, Action.CLOSE, at=t)
    assert exc.value.message_dict["outcome"] == ["预警办结应填写处置结果。"]
    with scopes_disabled():
        assert Case.objects.get(pk=case.pk).status == CaseStatus.REPLIED
    case = move(case, Action.CLOSE, at=t, outcome="工资已补发，预警解除")
    again = move(case, Action.CLOSE, at=t, outcome="再次点击")
    assert again.outcome == "工资已补发，预警解除" and again.status == CaseStatus.CLOSED
    with scopes_disabled():
        assert case.events.filter(action=Action.CLOSE).count() == 1
    with pytest.raises(ValidationError) as exc:
        move(case, Action.CALLBACK, satisfaction="satisfied")
    assert exc.value.message_dict["action"] == ["劳动关系预警以处置结果办结，无需回访。"]


def test_another_units_warning_is_a_404_and_the_unit_sees_its_queue(tree, users):
    warning = report(tree.chaoyang_school, title="朝阳民办学校预警")
    report(tree.haidian_school, title="海淀民办学校预警")
    haidian, chaoyang = login(users["haidian"]), login(users["chaoyang"])
    assert haidian.get(f"/admin/petitions/labourwarning/{warning.pk}/change/").status_code == 404
    assert haidian.get(f"/api/v1/petitions/cases/{warning.pk}/").status_code == 404
    listing = haidian.get("/api/v1/petitions/cases/?kind=warning").json()["results"]
    assert [r["title"] for r in listing] == ["海淀民办学校预警"]
    page = chaoyang.get(f"/admin/petitions/labourwarning/{warning.pk}/change/")
    assert page.status_code == 200 and "朝阳民办学校预警" in page.content.decode()
    from apps.accounts.acting import bind
    from apps.core.scoping import activate, deactivate

    token = activate(bind(users["chaoyang"]))
    try:
        assert {i.label: i.count for i in warnings_queue(users["chaoyang"])}["待签收劳动关系预警"] == 1
    finally:
        deactivate(token)


def test_the_admin_lists_warnings_by_deadline(tree, users):
    late = report(tree.haidian_school, level=WarningLevel.GENERAL, title="一般预警")  # complex: a working day to sign
    soon = report(tree.haidian_school, kind=WarningKind.COLLECTIVE, level=WarningLevel.SEVERE, title="严重预警")
    signed = report(tree.haidian_school, title="已签收预警")  # 欠薪: first contact due 4 working hours after
    move(signed, Action.SIGN, at=at(2025, 9, 29, 9, 10))
    response = login(users["municipal"]).get("/admin/petitions/labourwarning/")
    rows = list(response.context["cl"].result_list)
    # due: 严重 09:30 (sign), signed 13:10 (contact), 一般 the next working day 09:00 (sign)
    assert [r.pk for r in rows] == [soon.pk, signed.pk, late.pk]
    assert response.content.decode().index("严重预警") < response.content.decode().index("一般预警")
    with scope(paths=[tree.root.path]):
        assert Case.objects.filter(kind=CaseKind.WARNING).count() == 3
