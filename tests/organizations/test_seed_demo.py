from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.accounts.models import RoleAssignment, User
from apps.core.scoping import scopes_disabled
from apps.organizations.enums import ClusterKind, OrgKind
from apps.organizations.models import Cluster, Organization

pytestmark = pytest.mark.django_db(transaction=True)  # seed_demo pays the demo batches outside its transaction


def counts() -> dict:
    with scopes_disabled():
        return {
            "units": Organization.objects.count(),
            "clusters": Cluster.objects.count(),
            "users": User.objects.count(),
            "roles": RoleAssignment.objects.count(),
        }


def test_seed_demo_loads_the_real_structure_once(capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first  # idempotent
    with scopes_disabled():
        kinds = Organization.objects.values_list("kind", flat=True)
        districts = set(Organization.objects.filter(kind=OrgKind.DISTRICT).values_list("short_name", flat=True))
        assert districts == {"东城", "西城", "朝阳", "海淀", "丰台", "石景山", "门头沟", "房山", "通州", "顺义",
                             "昌平", "大兴", "怀柔", "平谷", "密云", "延庆", "燕山"}
        assert 55 <= list(kinds).count(OrgKind.UNIVERSITY) <= 66
        for name in ("清华大学工会", "北京大学工会", "北京大学第一医院工会", "北京教育科学研究院工会"):
            assert Organization.objects.filter(name=name).exists(), name
        assert Cluster.objects.filter(kind=ClusterKind.UNIVERSITY).count() == 6
        assert Cluster.objects.filter(kind=ClusterKind.DISTRICT).count() == 3
        thu = Organization.objects.get(code="U-THU")
        assert Organization.objects.filter(path__startswith=thu.path, kind=OrgKind.BRANCH).count() >= 3
        roles = {(a.user.username, a.organization.code, a.role) for a in RoleAssignment.objects.select_related(
            "user", "organization")}
    assert {("admin", "BJEU", "municipal_admin"), ("haidian", "D-HAIDIAN", "unit_admin"),
            ("chaoyang", "D-CHAOYANG", "unit_admin"), ("tsinghua", "U-THU", "unit_admin"),
            ("teacher1", "U-THU", "teacher"), ("judge1", "U-PKU", "judge")} <= roles
    assert "haidian" in capsys.readouterr().out
