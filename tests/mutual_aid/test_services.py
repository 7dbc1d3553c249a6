"""Mutual aid: enrolment (query, women's plan, model workers automatically, Excel all or
nothing), claims computed by the plan's rule and capped, refused when not enrolled, tiers, pay."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.core.scoping import scope, scopes_disabled
from apps.members.models import Member
from apps.mutual_aid.enums import ClaimStatus
from apps.mutual_aid.importing import import_enrolments
from apps.mutual_aid.models import Claim, Enrolment
from apps.mutual_aid.services import claim_transition, enrol_members, enrol_model_workers
from apps.payments.enums import BatchPurpose, BatchStatus
from apps.payments.models import PaymentBatch
from tests.factories.members import make_member, new_id_number
from tests.members.sheets import xlsx_bytes
from tests.mutual_aid.factories import enrol, make_claim, make_model_worker, plan

pytestmark = pytest.mark.django_db


def test_enrol_by_query_is_idempotent_and_the_womens_plan_takes_women_only(tree, users):
    man = make_member(tree.haidian, name="男职工")
    woman = make_member(tree.haidian, name="女职工", id_number=new_id_number(female=True))
    with scope(paths=[tree.haidian.path]):
        args = {"year": 2026, "organization": tree.haidian, "members": Member.objects.all(), "actor": users["haidian"]}
        assert enrol_members(plan=plan("hospital"), **args) == 2
        assert enrol_members(plan=plan("hospital"), **args) == 0
        assert enrol_members(plan=plan("women-illness"), **args) == 1
        women = set(Enrolment.objects.filter(plan__code="women-illness").values_list("member_id", flat=True))
    assert women == {woman.pk} and man.pk not in women


def test_model_workers_on_the_roll_are_enrolled_automatically_once(tree, users):
    worker = make_member(tree.haidian, name="劳模甲")
    make_member(tree.haidian, name="普通职工")
    make_model_worker(worker, users["municipal"])
    with scope(paths=[tree.root.path]):
        assert enrol_model_workers(year=2026, actor=users["municipal"]) == 1
        assert enrol_model_workers(year=2026, actor=users["municipal"]) == 0
        enrolled = list(Enrolment.objects.filter(plan__code="model-workers").values_list("member_id", "source"))
    assert enrolled == [(worker.pk, "auto")]


def test_a_member_not_enrolled_cannot_claim(tree):
    member = make_member(tree.haidian, name="未参保")
    enrol(member, year=2025)
    with pytest.raises(ValidationError) as exc:
        make_claim(member, on=dt.date(2026, 3, 1))
    assert "未参加 2026 年度“住院医疗互助”" in exc.value.message_dict["member"][0]


def test_claims_follow_the_rule_and_stop_at_the_yearly_cap(tree):
    member = enrol(make_member(tree.haidian, name="住院者"))  # 50 元/天, 起付 3 天, cap 3000
    first = make_claim(member, days=40)
    assert (first.computed_amount, first.amount) == (Decimal("2000.00"), Decimal("2000.00"))
    second = make_claim(member, days=30)
    assert (second.computed_amount, second.amount) == (Decimal("1500.00"), Decimal("1000.00"))
    with pytest.raises(ValidationError) as exc:
        make_claim(member, days=5)
    assert "已达每人每年给付上限 3000.00 元" in exc.value.message_dict["plan"][0]
    with pytest.raises(ValidationError) as exc:
        make_claim(enrol(make_member(tree.haidian, name="短住院")), days=2)
    assert "起付天数" in exc.value.message_dict["days"][0]


def test_tiers_and_pay_through_a_batch(tree, users, settings):
    settings.MUTUAL_AID_MUNICIPAL_ABOVE = "5000.00"
    member = enrol(make_member(tree.haidian, name="大病者"), code="critical-illness")
    claim = make_claim(member, code="critical-illness", days=None, diagnosis="恶性肿瘤")
    assert claim.amount == Decimal("10000.00")
    with scope(paths=[tree.haidian.path]):
        claim = claim_transition(claim=claim, action="unit_approve", actor=users["haidian"])
        assert claim.status == ClaimStatus.UNIT_APPROVED
        with pytest.raises(Exception, match="权限"):
            claim_transition(claim=claim, action="municipal_approve", actor=users["haidian"])
    with scope(paths=[tree.root.path]):
        claim = claim_transition(claim=claim, action="municipal_approve", actor=users["municipal"])
        claim = claim_transition(claim=claim, action="pay", actor=users["municipal"])
        claim_transition(claim=claim, action="pay", actor=users["municipal"])
    with scopes_disabled():
        batches = list(PaymentBatch.objects.filter(purpose=BatchPurpose.MUTUAL_AID))
    assert len(batches) == 1 and batches[0].status == BatchStatus.SUBMITTED
    assert batches[0].source_id == str(claim.pk) and batches[0].total_amount == Decimal("10000.00")


def test_import_is_all_or_nothing_with_row_and_column_errors(tree, users):
    good = make_member(tree.haidian, name="导入甲", id_number=(good_id := new_id_number()))
    other = make_member(tree.chaoyang, name="朝阳人", id_number=(other_id := new_id_number()))
    rows = [{"姓名": "导入甲", "身份证号": good_id}, {"姓名": "错名字", "身份证号": good_id},
            {"姓名": "朝阳人", "身份证号": other_id}, {"姓名": "无号", "身份证号": ""}]
    data = xlsx_bytes(rows, headers=["姓名", "身份证号"], sheet="参保名单")
    with scope(paths=[tree.haidian.path]):
        report = import_enrolments(io.BytesIO(data), plan=plan("hospital"), year=2026, organization=tree.haidian,
                                   actor=users["haidian"])
        assert not report.ok and report.created == 0
        found = {(e.row, e.column) for e in report.errors}
        assert found == {(3, "身份证号"), (4, "身份证号"), (5, "身份证号")}, report.lines()
        assert Enrolment.objects.count() == 0
        data = xlsx_bytes(rows[:1], headers=["姓名", "身份证号"], sheet="参保名单")
        report = import_enrolments(io.BytesIO(data), plan=plan("hospital"), year=2026, organization=tree.haidian,
                                   actor=users["haidian"])
        assert report.ok and report.created == 1
    assert other.pk and good.pk


def test_a_double_submit_files_one_claim(tree):
    member = enrol(make_member(tree.haidian, name="重复提交"))
    assert make_claim(member, days=10).pk == make_claim(member, days=10).pk
    with scopes_disabled():
        assert Claim.objects.count() == 1
