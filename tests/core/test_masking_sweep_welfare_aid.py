"""The masking sweep for mutual aid and hardship aid: a clerk's lists, details and Excel
exports carry no full ID, phone or account (same world and checks as test_masking_sweep)."""

from __future__ import annotations

import datetime as dt

import pytest

from apps.core.scoping import scopes_disabled
from apps.hardship.fund import fund_create, fund_donate
from apps.hardship.services import application_submit, file_open
from apps.members.models import Member
from apps.mutual_aid.models import Plan
from apps.mutual_aid.services import claim_file, enrol_members
from tests.conftest import login
from tests.core.test_masking_sweep import assert_masked, text_of, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_welfare_aid_lists_and_exports_are_masked(world, tree, users):  # noqa: F811
    member = world["members"][0]
    with scopes_disabled():
        plan = Plan.objects.get(code="hospital")
        enrol_members(plan=plan, year=2026, organization=tree.haidian, members=Member.objects.filter(pk=member.pk))
        claim = claim_file(member=member, plan=plan, event_date=dt.date(2026, 2, 1), days=5, diagnosis="住院")
        file = file_open(member=member, level="deep", causes="致困", household_size=2, household_income="1000")
        fund = fund_create(organization=tree.root, name="市爱心基金")
        fund_donate(fund=fund, amount="1000", donor_kind="unit", donor_unit=tree.root)
        application = application_submit(member=member, kind="living", amount="100", reason="困难",
                                         applied_on=dt.date(2026, 2, 1))
    clerk = login(users["haidian_clerk"])
    api = "/api/v1/welfare/"
    gets = {
        "enrolments": f"{api}mutual-aid/enrolments/",
        "enrolments export": f"{api}mutual-aid/enrolments/export/",
        "claims": f"{api}mutual-aid/claims/",
        "claim": f"{api}mutual-aid/claims/{claim.pk}/",
        "claims export": f"{api}mutual-aid/claims/export/",
        "files": f"{api}hardship/files/",
        "file": f"{api}hardship/files/{file.pk}/",
        "files export": f"{api}hardship/files/export/",
        "applications": f"{api}hardship/applications/",
        "application": f"{api}hardship/applications/{application.pk}/",
        "applications export": f"{api}hardship/applications/export/",
        "admin claims": "/admin/mutual_aid/claim/",
        "admin files": "/admin/hardship/hardshipfile/",
        "admin file": f"/admin/hardship/hardshipfile/{file.pk}/change/",
        "admin applications": "/admin/hardship/aidapplication/",
    }
    reached = set()
    for label, url in gets.items():
        response = clerk.get(url)
        assert response.status_code in (200, 403, 404), (label, response.status_code)
        if response.status_code == 200:
            reached.add(label)
            assert_masked(label, text_of(response), world)
    assert {"enrolments export", "claims export", "files export", "applications export", "file"} <= reached, reached
    # the file list masks the name; its detail (audited) shows it
    assert member.name not in text_of(clerk.get(f"{api}hardship/files/"))
    assert member.name not in text_of(clerk.get(f"{api}hardship/files/export/"))
