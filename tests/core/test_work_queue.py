"""The role homes: the work queue (apps/core/work_queue.py, filled by the apps) on the portal
home and the admin home, scoped to the acting subtree, at a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.payments.services import payment_batch_submit
from tests.conftest import login
from tests.factories.orgs import make_user
from tests.payments.conftest import approvers, make_batch  # noqa: F401  (fixtures)

pytestmark = pytest.mark.postgresql


def _count(html: str, label: str) -> int:
    match = re.search(rf'data-queue-item="{label}"[^>]*>.*?data-count="(\d+)"', html, re.S)
    assert match, f"{label} not on the page"
    return int(match.group(1))


def test_teacher_home_shows_entries_and_certificates_and_no_api_card(users):
    html = login(users["teacher"]).get("/").content.decode()
    assert "我的报名" in html or "绑定会员信息" in html
    assert "API 文档" not in html and "待提交的发放批次" not in html


def test_judge_home_shows_scoring_tasks(users):
    html = login(users["judge"]).get("/").content.decode()
    assert _count(html, "评审任务") == 0 and _count(html, "未提交的评分") == 0
    assert "API 文档" not in html and "待审核参赛报名" not in html


def test_unit_clerk_home_counts_its_own_subtree_only(users, make_batch, tree):
    make_batch(2)  # 海淀 draft
    make_batch(1, org=tree.chaoyang, actor=users["chaoyang"])  # another unit's draft
    html = login(users["haidian_clerk"]).get("/").content.decode()
    assert _count(html, "待提交的发放批次") == 1
    assert "/admin/payments/paymentbatch/?status__exact=draft" in html
    assert "API 文档" in html  # staff use the API


def test_approver_queue_leaves_out_own_and_already_approved_batches(users, make_batch, approvers, tree):
    mine = make_batch(1, actor=approvers[0])  # an approver may also create (maker)
    other = make_batch(1)
    with scopes_disabled():
        payment_batch_submit(batch=mine, actor=approvers[0])
        payment_batch_submit(batch=other, actor=users["haidian"])
    html = login(approvers[0]).get("/").content.decode()
    assert _count(html, "待我审批的发放批次") == 1
    html = login(users["municipal"]).get("/").content.decode()
    assert _count(html, "待我审批的发放批次") == 2
    assert _count(html, "待市级初审的推荐") == 0
    admin_html = login(users["municipal"]).get("/admin/").content.decode()
    assert _count(admin_html, "待我审批的发放批次") == 2


def test_home_costs_a_fixed_number_of_queries(users, make_batch, tree):
    client = login(users["municipal"])
    make_batch(1)
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for n in range(4):
        make_batch(2, org=tree.chaoyang if n % 2 else tree.haidian,
                   actor=users["chaoyang"] if n % 2 else users["haidian"])
    make_user("t_extra_clerk", tree.haidian, Role.UNIT_CLERK)
    with CaptureQueriesContext(connection) as many:
        html = client.get("/").content.decode()
    assert _count(html, "待提交的发放批次") == 5
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
