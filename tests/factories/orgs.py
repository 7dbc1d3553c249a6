"""Small trees for tests: a root, two districts with schools, a university with a branch."""

from __future__ import annotations

from dataclasses import dataclass

from apps.accounts.enums import Role
from apps.accounts.services import role_assign, user_ensure
from apps.core.scoping import scopes_disabled
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization
from apps.organizations.services import organization_create

PASSWORD = "Test-pass-2026"


@dataclass
class Tree:
    root: Organization
    haidian: Organization
    haidian_school: Organization
    chaoyang: Organization
    chaoyang_school: Organization
    tsinghua: Organization
    tsinghua_branch: Organization
    tsinghua_group: Organization


def build_tree() -> Tree:
    with scopes_disabled():
        root = organization_create(parent=None, code="BJEU", name="北京市教育工会", kind=OrgKind.MUNICIPAL)
        haidian = organization_create(parent=root, code="D-HAIDIAN", name="海淀区教育工会", kind=OrgKind.DISTRICT)
        chaoyang = organization_create(parent=root, code="D-CHAOYANG", name="朝阳区教育工会", kind=OrgKind.DISTRICT)
        tsinghua = organization_create(parent=root, code="U-THU", name="清华大学工会", kind=OrgKind.UNIVERSITY)
        haidian_school = organization_create(
            parent=Organization.objects.get(pk=haidian.pk), code="D-HAIDIAN-S01",
            name="北京市第一〇一中学工会", kind=OrgKind.BRANCH,
        )
        chaoyang_school = organization_create(
            parent=Organization.objects.get(pk=chaoyang.pk), code="D-CHAOYANG-S01",
            name="北京市朝阳区实验小学工会", kind=OrgKind.BRANCH,
        )
        branch = organization_create(
            parent=Organization.objects.get(pk=tsinghua.pk), code="U-THU-B01", name="计算机系分工会",
            kind=OrgKind.BRANCH,
        )
        group = organization_create(
            parent=Organization.objects.get(pk=branch.pk), code="U-THU-B01-G1", name="第一工会小组",
            kind=OrgKind.GROUP,
        )
        return Tree(root, haidian, haidian_school, chaoyang, chaoyang_school, tsinghua, branch, group)


def make_user(username: str, organization: Organization, role: str = Role.UNIT_ADMIN, *, password=None):
    """Tests log in with force_login; pass ``password`` only to test real log-ins."""
    user = user_ensure(username=username, full_name=username, password=password)
    with scopes_disabled():
        role_assign(user=user, organization=organization, role=role)
    return user
