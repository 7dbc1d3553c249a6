"""Every admin changelist and API list (outside competitions) runs as many queries for 10 rows
as for 2: a query per row (an N+1) fails here.

Each model has a maker that adds its i-th row (owned inside the municipal admin's subtree);
a model registered in the admin or an API list without a maker fails the suite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.enums import Role
from apps.core.audit import audit_record
from apps.core.enums import JobKind
from apps.core.scoping import scopes_disabled
from tests.conftest import login
from tests.factories.members import make_member
from tests.factories.orgs import make_user

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 10


@dataclass
class Ctx:
    tree: object
    users: dict
    cache: dict = field(default_factory=dict)

    def once(self, key: str, make: Callable):
        if key not in self.cache:
            with scopes_disabled():
                self.cache[key] = make()
        return self.cache[key]

    def unit(self, i: int):
        """Rows spread over three units and their relations (so a per-row query shows)."""
        return (self.tree.haidian, self.tree.chaoyang, self.tree.tsinghua)[i % 3]

    def member(self, i: int):
        return make_member(self.unit(i), name=f"会员{i:02d}", branch=None)

    def titles(self):
        from apps.honours.models import HonourTitle
        from apps.honours.titles import seed_titles

        def make():
            seed_titles(HonourTitle)
            return list(HonourTitle.objects.filter(holder_kind="person").order_by("rank")[:3])
        return self.once("titles", make)

    def campaign(self):
        from apps.honours.models import NominationCampaign, NominationQuota

        def make():
            today = dt.date.today()
            campaign = NominationCampaign.objects.create(
                year=today.year, name="查询测试评选", opens_on=today - dt.timedelta(days=5),
                closes_on=today + dt.timedelta(days=5))
            campaign.titles.set(self.titles())
            for unit in (self.tree.haidian, self.tree.chaoyang, self.tree.tsinghua):
                NominationQuota.objects.create(campaign=campaign, organization=unit, quota=20)
            return campaign
        return self.once("campaign", make)

    def batch(self):
        from apps.payments.models import PaymentBatch

        return self.once("batch", lambda: PaymentBatch.objects.create(
            organization=self.tree.root, title="查询测试批次", purpose="festival_condolence",
            created_by=self.users["municipal"], item_count=0, total_amount=0))

    def nomination(self):
        return self.once("nomination", lambda: make_nomination(self, 99))


def make_nomination(ctx: Ctx, i: int):
    from apps.honours.models import Nomination

    member = ctx.member(i)
    with scopes_disabled():
        return Nomination.objects.create(
            campaign=ctx.campaign(), title=ctx.titles()[i % 3], organization=member.organization, member=member,
            deed_summary=f"事迹{i}", submitted_by=ctx.users["municipal"])


def _organization(ctx, i):
    from apps.organizations.enums import OrgKind
    from apps.organizations.services import organization_create

    with scopes_disabled():
        organization_create(parent=ctx.unit(i), code=f"Q-{i:02d}", name=f"查询测试学校{i}工会", kind=OrgKind.BRANCH)


def _committee(ctx, i):
    from apps.organizations.models import Committee

    Committee.objects.create(organization=ctx.unit(i), kind="union", term_start=dt.date(2020 + i % 5, 1, 1))


def _congress(ctx, i):
    from apps.organizations.models import Congress

    Congress.objects.create(organization=ctx.unit(i), kind="staff", session=f"第{i}次", date=dt.date(2025, 3, 1),
                            delegates=50 + i)


def _cluster(ctx, i):
    from apps.organizations.models import Cluster

    cluster = Cluster.objects.create(code=f"C-Q{i:02d}", name=f"查询片组{i}", kind="district", lead=ctx.unit(i))
    cluster.units.set([ctx.unit(i), ctx.unit(i + 1)])


def _user(ctx, i):
    make_user(f"q_user{i:02d}", ctx.unit(i), Role.UNIT_CLERK)


def _role_assignment(ctx, i):
    make_user(f"q_role{i:02d}", ctx.unit(i), Role.UNIT_CLERK)


def _audit_log(ctx, i):
    audit_record(actor=ctx.users["haidian"], action=f"test.q{i}", target=ctx.unit(i))


def _job(ctx, i):
    from apps.core.models import Job

    job = Job(kind=JobKind.ORGANIZATION_EXPORT, organization=ctx.unit(i), started_by=ctx.users["municipal"])
    job.save()


def _member(ctx, i):
    ctx.member(i)


def _payment_batch(ctx, i):
    from apps.payments.models import PaymentApproval, PaymentBatch

    batch = PaymentBatch.objects.create(organization=ctx.unit(i), title=f"批次{i}", purpose="festival_condolence",
                                        created_by=ctx.users["municipal"], item_count=0, total_amount=0)
    PaymentApproval.objects.create(batch=batch, approver=ctx.users["haidian"])  # the list counts approvals


def _payment_item(ctx, i):
    from apps.payments.models import PaymentItem

    PaymentItem.objects.create(batch=ctx.batch(), member=ctx.member(i), amount=Decimal("100.00") + i)


def _honour_title(ctx, i):
    from apps.honours.models import HonourTitle

    ctx.titles()
    HonourTitle.objects.create(code=f"q_title_{i}", name=f"查询称号{i}", level="municipal", holder_kind="person",
                               rank=900 + i)


def _honour(ctx, i):
    from apps.honours.services import honour_create

    honour_create(title=ctx.titles()[i % 3], year=2000 + i, member=ctx.member(i), certificate_no=f"Q-{i}",
                  actor=ctx.users["municipal"])


def _activity(ctx, i):
    from apps.honours.models import Activity

    activity = Activity.objects.create(kind="lecture_tour", date=dt.date(2025, 5, 1 + i), title=f"宣讲{i}",
                                       organization=ctx.unit(i))
    activity.participants.set([ctx.member(i)])


def _campaign(ctx, i):
    from apps.honours.models import NominationCampaign, NominationQuota

    today = dt.date.today()
    campaign = NominationCampaign.objects.create(year=today.year, name=f"评选{i}", opens_on=today,
                                                 closes_on=today + dt.timedelta(days=9))
    campaign.titles.set(ctx.titles())
    NominationQuota.objects.create(campaign=campaign, organization=ctx.unit(i), quota=3)


def _nomination(ctx, i):
    make_nomination(ctx, i)


def _allowance_schedule(ctx, i):
    from apps.honours.models import AllowanceSchedule

    AllowanceSchedule.objects.create(name=f"津贴{i}", kind=AllowanceSchedule._meta.get_field("kind").choices[0][0])


def _material(ctx, i):
    from apps.honours.models import NominationMaterial

    NominationMaterial.objects.create(nomination=ctx.nomination(), file=ContentFile(b"%PDF-1.4 q", name=f"m{i}.pdf"),
                                      name=f"材料{i}.pdf", kind="pdf", size=10, uploaded_by=ctx.users["municipal"])


def _axes(model_name):
    def make(ctx, i):
        model = apps.get_model("axes", model_name)
        extra = {"failures_since_start": 1} if model_name == "AccessAttempt" else {}
        model.objects.create(username=f"q{i}", ip_address=f"10.0.0.{i + 1}", **extra)
    return make


def _case(ctx, i):
    from apps.petitions.enums import Action, Urgency
    from apps.petitions.models import Category
    from apps.petitions.services import case_receive, case_transition

    received = dt.datetime(2025, 9, 1 + i, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    case, _ = case_receive(source="12351", order_no=f"Q{i:04d}", received_at=received, petitioner_name=f"诉求人{i}",
                           petitioner_phone=f"139{i:08d}", category=Category.objects.filter(parent__isnull=False)
                           .order_by("code")[i % 3], title=f"诉求{i}", content="内容",
                           urgency=(Urgency.NORMAL, Urgency.URGENT, Urgency.COMPLEX)[i % 3])
    case_transition(case=case, action=Action.DISPATCH, unit=ctx.unit(i), at=received)


def _category(ctx, i):
    from apps.petitions.models import Category

    parent = Category.objects.filter(parent__isnull=True).order_by("code")[i % 3]
    Category.objects.create(code=f"q-{i:02d}", name=f"查询测试分类{i}", parent=parent, rank=i)


def _deadline_rule(ctx, i):
    from apps.petitions.enums import CaseKind, Stage, Urgency
    from apps.petitions.models import DeadlineRule

    if i == 0:
        DeadlineRule.objects.all().delete()  # the loaded rules take every combination
    combos = [(k, u, st) for k in CaseKind.values for u in Urgency.values for st in Stage.values]
    kind, urgency, stage = combos[i]
    DeadlineRule.objects.create(case_kind=kind, urgency=urgency, stage=stage, minutes=60 * (i + 1))


def _calendar_year(ctx, i):
    from apps.petitions.models import CalendarYear

    CalendarYear.objects.create(year=2100 + i)


def _calendar_day(ctx, i):
    from apps.petitions.models import CalendarDay

    CalendarDay.objects.create(date=dt.date(2101, 1, 1 + i), name=f"测试假日{i}")


def _platform_account(ctx, i):
    from apps.petitions.services import account_register

    account_register(organization=ctx.unit(i), holder_name=f"账号人{i}", phone=f"137{i:08d}",
                     opened_on=dt.date(2025, 1, 1 + i))


def _auth_token(ctx, i):
    from knox.models import AuthToken

    AuthToken.objects.create(user=make_user(f"q_token{i}", ctx.unit(i), Role.UNIT_CLERK))


ADMIN_MAKERS: dict[str, Callable] = {
    "axes.AccessAttempt": _axes("AccessAttempt"),
    "axes.AccessLog": _axes("AccessLog"),
    "axes.AccessFailureLog": _axes("AccessFailureLog"),
    "core.AuditLog": _audit_log,
    "core.Job": _job,
    "organizations.Organization": _organization,
    "organizations.Committee": _committee,
    "organizations.Congress": _congress,
    "organizations.Cluster": _cluster,
    "accounts.User": _user,
    "accounts.RoleAssignment": _role_assignment,
    "members.Member": _member,
    "payments.PaymentBatch": _payment_batch,
    "payments.PaymentItem": _payment_item,
    "honours.NominationCampaign": _campaign,
    "honours.Nomination": _nomination,
    "honours.HonourTitle": _honour_title,
    "honours.Honour": _honour,
    "honours.Activity": _activity,
    "honours.AllowanceSchedule": _allowance_schedule,
    "petitions.Case": _case,
    "petitions.Category": _category,
    "petitions.DeadlineRule": _deadline_rule,
    "petitions.CalendarYear": _calendar_year,
    "petitions.CalendarDay": _calendar_day,
    "petitions.PlatformAccount": _platform_account,
    "knox.AuthToken": _auth_token,
}

# API list → (maker, the list's URL for the context)
API_LISTS: dict[str, tuple[Callable, Callable[[Ctx], str]]] = {
    "organizations": (_organization, lambda ctx: "/api/v1/organizations/"),
    "clusters": (_cluster, lambda ctx: "/api/v1/clusters/"),
    "jobs": (_job, lambda ctx: "/api/v1/jobs/"),
    "members": (_member, lambda ctx: "/api/v1/members/"),
    "payment-batches": (_payment_batch, lambda ctx: "/api/v1/payment-batches/"),
    "payment-batches/items": (_payment_item, lambda ctx: f"/api/v1/payment-batches/{ctx.batch().pk}/items/"),
    "honours": (_honour, lambda ctx: "/api/v1/honours/"),
    "nominations": (_nomination, lambda ctx: "/api/v1/nominations/"),
    "nomination-campaigns": (_campaign, lambda ctx: "/api/v1/nomination-campaigns/"),
    "allowance-schedules": (_allowance_schedule, lambda ctx: "/api/v1/allowance-schedules/"),
    "nominations/materials": (_material, lambda ctx: f"/api/v1/nominations/{ctx.nomination().pk}/materials/"),
    "petitions/cases": (_case, lambda ctx: "/api/v1/petitions/cases/"),
    "petitions/categories": (_category, lambda ctx: "/api/v1/petitions/categories/"),
    "petitions/accounts": (_platform_account, lambda ctx: "/api/v1/petitions/accounts/"),
}

# Newer apps keep their makers in tests/core/querycount_<app>.py, found here by name: a module defines
# ADMIN_MAKERS (model label → maker(ctx, i)) and API_LISTS (name → (maker, url(ctx))).
import importlib  # noqa: E402
import pkgutil  # noqa: E402

import tests.core as _core_tests  # noqa: E402

for _info in sorted(pkgutil.iter_modules(_core_tests.__path__), key=lambda i: i.name):
    if _info.name.startswith("querycount_"):
        _module = importlib.import_module(f"tests.core.{_info.name}")
        ADMIN_MAKERS.update(getattr(_module, "ADMIN_MAKERS", {}))
        API_LISTS.update(getattr(_module, "API_LISTS", {}))


def admin_labels() -> list[str]:
    return sorted(m._meta.label for m in admin.site._registry if m._meta.app_label != "competitions")


@pytest.fixture
def ctx(tree, users):
    return Ctx(tree, users)


def viewer(ctx: Ctx, label: str):
    """The municipal admin when the role may view the model, else a superuser."""
    from apps.accounts.models import User

    app_label, model_name = label.lower().split(".")
    if ctx.users["municipal"].has_perm(f"{app_label}.view_{model_name}"):
        return login(ctx.users["municipal"])
    return login(User.objects.create_superuser("q_root", password=None))


def queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), response


def add_rows(ctx: Ctx, make: Callable, start: int, stop: int) -> None:
    for i in range(start, stop):
        with scopes_disabled():
            make(ctx, i)


def test_every_admin_model_and_api_list_has_a_maker():
    assert set(admin_labels()) == set(ADMIN_MAKERS)
    from union_portal.api_urls import router

    prefixes = {prefix for prefix, _viewset, _basename in router.registry}
    assert prefixes <= set(API_LISTS), prefixes - set(API_LISTS)


@pytest.mark.parametrize("label", sorted(ADMIN_MAKERS))
def test_admin_changelist_queries_do_not_grow_with_rows(ctx, label):
    model = apps.get_model(label)
    make = ADMIN_MAKERS[label]
    add_rows(ctx, make, 0, FEW)
    client = viewer(ctx, label)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    client.get(url)  # warm caches (content types, permissions, session)
    few, _ = queries(client, url)
    add_rows(ctx, make, FEW, MANY)
    many, response = queries(client, url)
    shown = response.context["cl"].result_count
    assert shown >= MANY, f"{label}: the list shows {shown} rows"
    assert many == few, f"{label}: {few} queries for {FEW} rows, {many} for {MANY} (a query per row)"


@pytest.mark.parametrize("name", sorted(API_LISTS))
def test_api_list_queries_do_not_grow_with_rows(ctx, name):
    make, url_for = API_LISTS[name]
    add_rows(ctx, make, 0, FEW)
    client = login(ctx.users["municipal"])
    url = url_for(ctx)
    client.get(url)
    few, response = queries(client, url)
    add_rows(ctx, make, FEW, MANY)
    many, response = queries(client, url)
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    assert len(rows) >= MANY, f"{name}: the list shows {len(rows)} rows"
    assert many == few, f"{name}: {few} queries for {FEW} rows, {many} for {MANY} (a query per row)"
