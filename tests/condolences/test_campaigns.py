"""Policies, campaigns (preview, caps, cash batch, goods lists), occasions and the job."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.condolences import campaigns as svc
from apps.condolences import distributions, exporting, occasions
from apps.condolences.caps import usage_read
from apps.condolences.models import Distribution, Grant
from apps.condolences.policies import policy_create, policy_in_force, policy_update
from apps.core.scoping import scope, scopes_disabled
from apps.members.services import member_change_status, member_transfer
from apps.payments.enums import BatchPurpose, BatchStatus, ItemStatus
from apps.payments.models import PaymentItem
from tests.factories.members import make_member

from .conftest import DAY, campaign, pay, people, policy

pytestmark = pytest.mark.django_db


def test_policies_are_versioned_by_date_and_edited_by_the_municipal_admin_only(tree, users):
    old = policy("winter_warmth", amount="300")
    new = policy("winter_warmth", valid_from=dt.date(2025, 11, 1), amount="400", cap_per_occasion="400",
                 cap_per_year="400")
    with scopes_disabled():
        assert policy_in_force("winter_warmth", dt.date(2025, 6, 1)) == old
        assert policy_in_force("winter_warmth", DAY) == new
        with pytest.raises(ValidationError) as err:
            policy_in_force("winter_warmth", dt.date(2024, 12, 31))
        assert "没有生效的「冬送温暖」慰问标准" in str(err.value)
        with pytest.raises(PermissionDenied):
            policy_create(actor=users["haidian"], kind="new_year", valid_from=DAY, amount="100",
                          cap_per_occasion="100", cap_per_year="100")
        with pytest.raises(ValidationError) as err:
            policy_create(actor=users["municipal"], kind="new_year", valid_from=DAY, amount="300",
                          cap_per_occasion="100", cap_per_year="100")
        assert "cap_per_occasion" in err.value.message_dict
    campaign(tree.haidian, users["haidian"])  # uses the November version
    with scopes_disabled(), pytest.raises(ValidationError) as err:
        policy_update(policy=new, actor=users["municipal"], amount="450")
    assert "已被使用" in str(err.value)
    with scopes_disabled():
        assert policy_update(policy=old, actor=users["municipal"], note="改").note == "改"


@pytest.mark.django_db(transaction=True)
def test_preview_names_who_is_left_out_and_why_then_one_batch_is_paid_once(tree, users, approvers):
    policy("winter_warmth", amount="300", amount_front_line="500")
    front = people(tree.haidian, 3, prefix="一线")
    make_member(tree.haidian, name="无账号", post="语文教师", bank_account="")
    gone = make_member(tree.haidian, name="已退会", post="语文教师")
    with scopes_disabled():
        member_change_status(member=gone, to_status="withdrawn", on=DAY, reason="退会")
    make_member(tree.haidian, name="行政", post="行政管理人员")  # not front-line: not targeted
    # the municipal union already paid 冬送温暖 to the first of them this year
    city = campaign(tree.root, users["municipal"], title="市级冬送温暖",
                    target={"units": ["D-HAIDIAN"], "front_line": True})
    with scope(paths=[tree.root.path]):
        svc.campaign_generate(campaign=city, actor=users["municipal"])
    # … then a new person joins haidian; the district runs its own campaign
    late = make_member(tree.haidian, name="新入职", post="数学教师")
    mine = campaign(tree.haidian, users["haidian_clerk"], title="海淀冬送温暖")
    with scope(paths=[tree.haidian.path]):
        preview = svc.campaign_preview(campaign=mine)
    reasons = {row["name"]: row["reason"] for row in preview["excluded"]}
    assert preview["count"] == 1 and preview["sum"] == "500.00"
    assert reasons["一线00"] == "已达「冬送温暖」2025 年度次数上限（1 次，本年已领 1 次）"
    assert reasons["无账号"] == "无银行账号，不能发放慰问金"
    assert reasons["已退会"].startswith("非在会会员")
    assert "行政" not in reasons
    with scope(paths=[tree.haidian.path]):
        done = svc.campaign_generate(campaign=mine, actor=users["haidian_clerk"])
        with pytest.raises(ValidationError):
            svc.campaign_generate(campaign=mine, actor=users["haidian_clerk"])
    batch = done.batch
    assert batch.purpose == BatchPurpose.CONDOLENCE and batch.source == done and batch.item_count == 1
    with scopes_disabled():
        assert list(PaymentItem.objects.filter(batch=batch).values_list("member_id", "amount")) == [
            (late.pk, Decimal("500.00"))]
    paid = pay(batch, approvers)
    assert paid.status == BatchStatus.COMPLETED
    with scopes_disabled():
        assert PaymentItem.objects.filter(member=late, status=ItemStatus.PAID).count() == 1
        used = usage_read(kind="winter_warmth", year=2025, hashes=[late.id_hash], lock=False)
        assert used[late.id_hash] == (Decimal("500.00"), 1)


def test_a_transfer_does_not_dodge_the_yearly_cap(tree, users):
    policy("spring_festival", amount="500", cap_per_occasion="500", cap_per_year="500")
    [member] = people(tree.haidian, 1)
    first = campaign(tree.haidian, users["haidian"], kind="spring_festival", title="海淀春节")
    with scope(paths=[tree.haidian.path]):
        svc.campaign_generate(campaign=first, actor=users["haidian"])
    with scopes_disabled():
        moved = member_transfer(member=member, to_organization=tree.chaoyang, reason="调动")
    second = campaign(tree.chaoyang, users["chaoyang"], kind="spring_festival", title="朝阳春节")
    with scope(paths=[tree.chaoyang.path]):
        preview = svc.campaign_preview(campaign=second)
        assert preview["count"] == 0
        assert preview["excluded"][0]["member"] == moved.pk
        assert "已达「春节慰问」2025 年度" in preview["excluded"][0]["reason"]
        with pytest.raises(ValidationError):
            svc.campaign_generate(campaign=second, actor=users["chaoyang"])
    with scopes_disabled():
        assert Grant.objects.filter(person_hash=member.id_hash).count() == 1


def test_goods_make_a_list_per_unit_a_printable_sheet_and_receipts(tree, users):
    policy("summer_cool", form="goods", item_name="防暑降温用品", item_unit_value="200", cap_per_occasion="200",
           cap_per_year="400", times_per_year=2)
    people(tree.haidian, 2)
    people(tree.chaoyang, 3, prefix="朝阳")
    make_member(tree.chaoyang, name="无账号也领", post="护士", bank_account="")
    city = campaign(tree.root, users["municipal"], kind="summer_cool", title="夏送清凉",
                    target={"front_line": True})
    with scope(paths=[tree.root.path]):
        done = svc.campaign_generate(campaign=city, actor=users["municipal"])
    assert done.batch is None and done.summary["count"] == 6 and done.summary["sum"] == "1200.00"
    with scope(paths=[tree.chaoyang.path]):
        [chaoyang] = Distribution.objects.all()  # 朝阳 sees its own list only
        assert chaoyang.people == 4
        handle = io.BytesIO()
        assert exporting.signoff_sheet(chaoyang, handle) == 4
        sheet = openpyxl.load_workbook(io.BytesIO(handle.getvalue())).active
        assert "夏送清凉 慰问品签收表" in sheet["A1"].value and "A1:H1" in {str(r) for r in sheet.merged_cells.ranges}
        assert sheet.print_title_rows == "$1:$3" and sheet.page_setup.paperSize == 9
        assert "第 &P 页 共 &N 页" in sheet.oddFooter.center.text
        assert sheet["C4"].value.count("*") == 8  # ID numbers masked
        grants = list(Grant.objects.filter(distribution=chaoyang).order_by("id"))
        assert distributions.distribution_confirm(distribution=chaoyang, grant_ids=[grants[0].pk], actor=users["chaoyang"]) == 1
        assert distributions.distribution_confirm(distribution=chaoyang, grant_ids=[grants[0].pk], actor=users["chaoyang"]) == 0
        pdf = SimpleUploadedFile("签收表.pdf", b"%PDF-1.4\n% signed\n")
        assert distributions.distribution_upload_sheet(distribution=chaoyang, upload=pdf, actor=users["chaoyang"]) == 3
        assert not Grant.objects.filter(distribution=chaoyang, received_at__isnull=True).exists()
        with pytest.raises(ValidationError):
            distributions.distribution_upload_sheet(distribution=chaoyang, upload=SimpleUploadedFile("x.pdf", b"MZ"),
                                                    actor=users["chaoyang"])


@pytest.mark.django_db(transaction=True)
def test_an_occasion_is_approved_by_the_unit_admin_within_the_caps_and_paid(tree, users, approvers):
    policy("illness", amount="500", cap_per_occasion="500", cap_per_year="1000", times_per_year=2, payer="grassroots")
    [member] = people(tree.haidian, 1)
    clerk, admin = users["haidian_clerk"], users["haidian"]
    with scope(paths=[tree.haidian.path]):
        records = [occasions.occasion_record(member=member, kind="illness", date=dt.date(2025, d, 1), actor=clerk,
                                             evidence=SimpleUploadedFile("诊断.pdf", b"%PDF-1.4\n"))
                   for d in (3, 6, 9)]
        with pytest.raises(PermissionDenied):
            occasions.occasion_transition(occasion=records[0], to="approved", actor=clerk)
        for record in records[:2]:
            occasions.occasion_transition(occasion=record, to="approved", actor=admin)
        with pytest.raises(ValidationError) as err:
            occasions.occasion_transition(occasion=records[2], to="approved", actor=admin)
        assert "已达「生病住院慰问」2025 年度次数上限（2 次" in str(err.value)
        records[2].refresh_from_db()
        assert records[2].status == "submitted"
        batch = occasions.occasion_batch_create(unit=tree.haidian, actor=clerk)
        assert batch.item_count == 1  # one item per member a batch: the second waits for the next
        second = occasions.occasion_batch_create(unit=tree.haidian, actor=clerk)
        with pytest.raises(ValidationError):
            occasions.occasion_batch_create(unit=tree.haidian, actor=clerk)
    assert pay(batch, approvers).status == BatchStatus.COMPLETED
    assert pay(second, approvers).status == BatchStatus.COMPLETED
    with scopes_disabled():
        assert PaymentItem.objects.filter(member=member, status=ItemStatus.PAID).count() == 2


def _many(unit, n):
    """``n`` active members with a salary card at ``unit``, in bulk (the members' own generator)."""
    import random

    from django.utils import timezone

    from apps.members.demo import MemberGenerator
    from apps.members.models import Member

    generator = MemberGenerator(random.Random("campaign-queries"), today=timezone.localdate(), taken=set(),
                                counter=10_000)
    made = []
    for _ in range(n):
        member = generator.member(unit, [])
        member.status = "active"
        member.bank_name, member.bank_account = generator.bank()
        made.append(member)
    with scopes_disabled():
        Member._base_manager.bulk_create(made, batch_size=500)


def test_generation_queries_do_not_grow_with_people(tree, users):
    """Preview + generate, the payments batch included: the same statements for 3 people as for
    1,200 (more than the 1,000 rows a chunked INSERT would write per statement)."""
    policy("all_staff", amount="300", cap_per_occasion="300", cap_per_year="300")
    people(tree.haidian, 3, prefix="少")
    _many(tree.chaoyang, 1_200)
    from django.contrib.contenttypes.models import ContentType

    from apps.condolences.models import Campaign

    ContentType.objects.get_for_model(Campaign)  # cached from then on, as in a running portal
    counts, sizes = [], []
    for unit, actor in ((tree.haidian, users["haidian"]), (tree.chaoyang, users["chaoyang"])):
        made = campaign(unit, actor, kind="all_staff", title="全员慰问", target={})
        with scope(paths=[unit.path]), CaptureQueriesContext(connection) as captured:
            svc.campaign_preview(campaign=made)
            done = svc.campaign_generate(campaign=made, actor=actor)
        counts.append(len(captured))
        with scopes_disabled():
            assert done.batch.item_count == done.summary["count"] == Grant.objects.filter(campaign=done).count()
            assert done.batch.total_amount == Decimal("300.00") * done.summary["count"]
        sizes.append(done.summary["count"])
    assert sizes[0] == 3 and sizes[1] > 1_000, sizes
    assert counts[0] == counts[1], counts


def test_a_large_campaign_is_generated_by_a_job(tree, users, settings):
    from apps.condolences.tasks import generate_campaign
    from apps.core.models import Job

    settings.CONDOLENCE_JOB_THRESHOLD = 2
    policy("all_staff", amount="300", cap_per_occasion="300", cap_per_year="300")
    people(tree.haidian, 3)
    made = campaign(tree.haidian, users["haidian"], kind="all_staff", title="全员慰问", target={})
    with scope(paths=[tree.haidian.path]):
        job = svc.campaign_generate_start(campaign=made, actor=users["haidian"], enqueue=False)
        assert svc.campaign_generate_start(campaign=made, actor=users["haidian"], enqueue=False) == job
    generate_campaign(job_id=str(job.pk))
    with scopes_disabled():
        job = Job.objects.get(pk=job.pk)
        made.refresh_from_db()
    assert job.status == "succeeded" and (job.done, job.total) == (4, 4)
    assert made.status == "generated" and made.batch.item_count == 3
