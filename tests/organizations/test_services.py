from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.organizations.enums import ClusterKind, OrgKind
from apps.organizations.models import Cluster, Organization
from apps.organizations.services import cluster_save, organization_create, organization_update

pytestmark = pytest.mark.django_db


def test_create_child_inside_scope_is_audited(tree, users):
    with scope(paths=[tree.haidian.path]):
        school = organization_create(
            parent=tree.haidian, code="d-haidian-s99", name="海淀实验学校工会", kind=OrgKind.BRANCH,
            actor=users["haidian"],
        )
    assert school.code == "D-HAIDIAN-S99"
    assert school.path.startswith(tree.haidian.path) and school.depth == 3
    with scopes_disabled():
        entry = AuditLog.objects.get(action="organization.create", object_id=str(school.pk))
    assert entry.actor == users["haidian"]
    assert entry.organization_path == school.path


def test_create_under_foreign_parent_is_refused(tree, users):
    with scope(paths=[tree.haidian.path]):
        with pytest.raises(ValidationError, match="不在您的管理范围内"):
            organization_create(parent=tree.chaoyang, code="X1", name="越权", kind=OrgKind.BRANCH,
                                actor=users["haidian"])
    with scopes_disabled():
        assert not Organization.objects.filter(code="X1").exists()


@pytest.mark.parametrize(
    ("parent_attr", "kind"),
    [("haidian", OrgKind.UNIVERSITY), ("tsinghua_group", OrgKind.BRANCH), ("root", OrgKind.BRANCH)],
)
def test_tree_shape_is_enforced(tree, parent_attr, kind):
    with scopes_disabled(), pytest.raises(ValidationError, match="下不能设立"):
        organization_create(parent=getattr(tree, parent_attr), code="BAD", name="错误", kind=kind)


def test_codes_are_unique_city_wide(tree):
    with scope(paths=[tree.haidian.path]), pytest.raises(ValidationError, match="已被使用"):
        organization_create(parent=tree.haidian, code="D-CHAOYANG-S01", name="重复", kind=OrgKind.BRANCH)


def test_update_changes_only_editable_fields_and_audits(tree, users):
    with scope(paths=[tree.haidian.path]):
        org = organization_update(organization=tree.haidian_school, actor=users["haidian"], short_name="101中学")
        with pytest.raises(ValidationError):
            organization_update(organization=tree.haidian_school, actor=users["haidian"], code="HACK")
    assert org.short_name == "101中学"
    with scopes_disabled():
        entry = AuditLog.objects.get(action="organization.update")
    assert entry.data == {"before": {"short_name": ""}, "after": {"short_name": "101中学"}}


def test_update_of_foreign_unit_is_not_found(tree, users):
    with scope(paths=[tree.haidian.path]), pytest.raises(Organization.DoesNotExist):
        organization_update(organization=tree.chaoyang, actor=users["haidian"], name="改名")
    with scopes_disabled():
        assert Organization.objects.get(pk=tree.chaoyang.pk).name == "朝阳区教育工会"


def test_cluster_lead_must_be_a_member(tree):
    with scopes_disabled():
        with pytest.raises(ValidationError, match="组长单位"):
            cluster_save(code="C-D9", name="片组", kind=ClusterKind.DISTRICT, lead=tree.haidian,
                         units=[tree.chaoyang])
        with pytest.raises(ValidationError, match="基层工会"):
            cluster_save(code="C-D9", name="片组", kind=ClusterKind.DISTRICT, lead=tree.haidian,
                         units=[tree.haidian, tree.haidian_school])
        cluster = cluster_save(code="C-D9", name="片组", kind=ClusterKind.DISTRICT, lead=tree.haidian,
                               units=[tree.haidian, tree.chaoyang])
        assert set(cluster.units.values_list("code", flat=True)) == {"D-HAIDIAN", "D-CHAOYANG"}
        assert Cluster.objects.count() == 1
