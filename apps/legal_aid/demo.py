"""Legal-aid demo: teacher1 (清华) asks three questions from the phone; the centre assigns
lawyer1; two are answered (one followed up and answered again, then closed), one waits for
the lawyer. Plus labour-relations warnings at private schools. All through the services;
idempotent (fixed submit tokens; each move only from the state before it)."""

from __future__ import annotations

import datetime as dt
import uuid

from apps.accounts.models import User
from apps.core.scoping import scope, scopes_disabled
from apps.organizations.models import Organization
from apps.petitions.enums import Action, CaseKind, CaseStatus, WarningKind, WarningLevel
from apps.petitions.models import Case, Category
from apps.petitions.services import case_transition
from apps.petitions.warnings import warning_report

from .enums import ConsultationAction as A
from .enums import ConsultationStatus as S
from .models import Consultation
from .services import consultation_ask, consultation_transition

NS = uuid.UUID("6f1d1c5e-2026-4a1d-9f00-000000012351")
# (token key, category, title, question, answer, follow-up, second answer, close)
QUESTIONS = [
    ("q1", "contract", "合同到期不续签有补偿吗", "我在学校工作满五年，合同下月到期，学校口头说不再续签。请问我能拿到经济补偿吗？",
     "劳动合同期满，用人单位不同意续订的，应当支付经济补偿，按工作年限每满一年支付一个月工资。您工作满五年，可主张五个月工资的补偿。",
     "学校说我是劳务派遣的，也适用吗？", "劳务派遣同样适用，由派遣单位支付；如用工单位有过错，承担连带责任。建议保留工作证明。", True),
    ("q2", "wages", "绩效工资被扣发怎么办", "本学期绩效工资被扣发一半，学校没有说明理由，我该怎么维权？",
     "用人单位扣发工资应有依据并告知本人。建议先向学校工会和人事部门书面了解扣发依据，必要时向劳动保障监察部门投诉。", "", "", False),
    ("q3", "insurance", "产假期间社保谁来缴", "我下个月开始休产假，产假期间的社会保险由谁缴纳？", "", "", "", False),
]
WARNINGS = [
    ("YJ-2026-001", WarningKind.WAGES, WarningLevel.SEVERE, "某民办学校拖欠教职工工资两个月",
     "约 40 名教职工反映学校连续两个月未发工资，情绪较大。", "民办行业工会联合会", "已约谈学校举办者，督促制定发放计划。",
     "P-MINBAN", True),
    ("YJ-2026-002", WarningKind.LAYOFF, WarningLevel.SERIOUS, "某民办培训学校拟停办",
     "学校计划下学期停办，涉及 25 名教职工劳动合同处理。", "民办行业工会联合会", "已了解停办方案，指导依法制定安置方案。",
     "P-MINBAN", False),
    ("YJ-2026-003", WarningKind.COLLECTIVE, WarningLevel.GENERAL, "某民办幼儿园教师集体反映社保问题",
     "12 名教师联名反映幼儿园未足额缴纳社会保险。", "区教育工会", "", "P-MINBAN", False),
]


def _user(username: str) -> User | None:
    with scopes_disabled():  # the demo's own users
        return User.objects.filter(username=username).first()


def seed_legal_aid() -> None:
    teacher, lawyer, admin = _user("teacher1"), _user("lawyer1"), _user("admin")
    if not (teacher and lawyer and admin):
        return
    root = Organization._base_manager.get(depth=1)
    for key, category, title, question, answer, follow_up, answer2, close in QUESTIONS:
        with scope(person="teacher", user_id=teacher.pk):
            c, _ = consultation_ask(actor=teacher, category=category, title=title, question=question,
                                    token=uuid.uuid5(NS, key))
        with scope(paths=[root.path]):
            if c.status == S.SUBMITTED:
                c = consultation_transition(consultation=c, action=A.ASSIGN, actor=admin, lawyer=lawyer)
        if not answer or c.status == S.CLOSED:
            continue  # waits for the lawyer, or was seeded to its end by an earlier run
        with scope(person="lawyer", user_id=lawyer.pk):
            c = consultation_transition(consultation=c, action=A.ANSWER, actor=lawyer, text=answer)
        if follow_up:
            with scope(person="teacher", user_id=teacher.pk):
                c = consultation_transition(consultation=c, action=A.FOLLOW_UP, actor=teacher, text=follow_up)
            with scope(person="lawyer", user_id=lawyer.pk):
                c = consultation_transition(consultation=c, action=A.ANSWER, actor=lawyer, text=answer2)
        if close:
            with scope(person="teacher", user_id=teacher.pk):
                consultation_transition(consultation=c, action=A.CLOSE, actor=teacher)


def seed_warnings() -> None:
    admin = _user("admin")
    # Like the petitions demo: without the reference data (categories, loaded by migration; a test
    # database flushed by an earlier transactional test has none) there is nothing to report under.
    if admin is None or not Category.objects.exists():
        return
    root = Organization._base_manager.get(depth=1)
    with scope(paths=[root.path]):
        for order_no, kind, level, title, content, reporter, steps, unit_code, done in WARNINGS:
            unit = Organization.objects.get(code=unit_code)
            received = dt.datetime(2026, 3, 2 + 7 * int(order_no[-1]), 1, 0, tzinfo=dt.UTC)  # Mondays, 09:00 Beijing
            case, created = warning_report(actor=admin, warning_kind=kind, warning_level=level, title=title,
                                           content=content, reporter=reporter, steps=steps, unit=unit,
                                           received_at=received, order_no=order_no)
            if not (created and done):
                continue
            t = received
            for action, extra in ((Action.SIGN, {}), (Action.CONTACT, {}),
                                  (Action.REPLY, {"reply_text": "已督促学校补发拖欠工资，教职工情绪稳定。",
                                                  "steps": steps + "协调区人社部门介入。"}),
                                  (Action.CLOSE, {"outcome": "学校已补发全部拖欠工资，预警解除。"})):
                t += dt.timedelta(hours=2)
                case = case_transition(case=case, action=action, actor=admin, at=t, **extra)


def demo_seeder(options: dict) -> list[str]:
    seed_legal_aid()
    seed_warnings()
    return []


def consultations_line() -> str:
    with scopes_disabled():  # the run's summary counts the whole city
        total = Consultation.objects.count()
        answered = Consultation.objects.exclude(status__in=[S.SUBMITTED, S.ASSIGNED]).count()
        warnings = Case.objects.filter(kind=CaseKind.WARNING).count()
        closed = Case.objects.filter(kind=CaseKind.WARNING, status=CaseStatus.CLOSED).count()
    return f"{total} 件（已答复或结束 {answered} 件），劳动关系预警 {warnings} 件（已办结 {closed} 件）"
