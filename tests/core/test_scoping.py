from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.scoping import ScopeError, in_scope, scope, scopes_disabled
from apps.organizations.enums import ClusterKind
from apps.organizations.models import Cluster, Committee, Organization
from apps.organizations.selectors import organization_subtree

pytestmark = pytest.mark.django_db


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_scoped_query_outside_a_scope_raises(tree):
    qs = Organization.objects.all()  # building is allowed (forms declare fields at import)
    with pytest.raises(ScopeError):
        list(qs)
    with pytest.raises(ScopeError):
        qs.count()
    with pytest.raises(ScopeError):
        Organization.objects.filter(code="D-CHAOYANG").exists()
    with pytest.raises(ScopeError):
        Organization.objects.get(code="D-CHAOYANG")
    with pytest.raises(ScopeError):
        Organization.objects.filter(code="X").update(name="Y")


def test_unscoped_queryset_used_as_subquery_raises(tree):
    inner = Organization.objects.values("pk")  # built outside any scope
    with pytest.raises(ScopeError):
        with scopes_disabled():
            list(Committee.objects.filter(organization__in=inner))


def test_scope_is_the_subtree(tree):
    with scope(paths=[tree.haidian.path]):
        assert codes(Organization.objects.all()) == {"D-HAIDIAN", "D-HAIDIAN-S01"}
    with scope(paths=[tree.tsinghua.path]):
        assert codes(Organization.objects.all()) == {"U-THU", "U-THU-B01", "U-THU-B01-G1"}
    with scope(paths=[tree.root.path]):
        assert Organization.objects.count() == 8


def test_scope_snapshot_is_taken_when_the_query_is_built(tree):
    with scope(paths=[tree.haidian.path]):
        qs = Organization.objects.all()
    with scope(paths=[tree.root.path]):
        assert codes(qs) == {"D-HAIDIAN", "D-HAIDIAN-S01"}


def test_empty_scope_sees_nothing(tree):
    with scope(paths=[]):
        assert Organization.objects.count() == 0


def test_scopes_disabled_sees_everything(tree):
    with scopes_disabled():
        assert Organization.objects.count() == 8


def test_in_scope_fails_closed(tree):
    with pytest.raises(ScopeError):
        in_scope(tree.haidian.path)
    with scope(paths=[tree.haidian.path]):
        assert in_scope(tree.haidian_school.path)
        assert not in_scope(tree.chaoyang.path)


def test_related_managers_are_scoped_too(tree):
    with scopes_disabled():
        cluster = Cluster.objects.create(code="C-X", name="片组", kind=ClusterKind.DISTRICT, lead=tree.haidian)
        cluster.units.set([tree.haidian, tree.chaoyang])
    with scope(paths=[tree.haidian.path]):
        visible = Cluster.objects.get(code="C-X")
        assert codes(visible.units.all()) == {"D-HAIDIAN"}
    with scope(paths=[tree.root.path]):
        assert codes(Cluster.objects.get(code="C-X").units.all()) == {"D-HAIDIAN", "D-CHAOYANG"}


def test_to_many_scope_does_not_repeat_rows(tree):
    with scopes_disabled():
        cluster = Cluster.objects.create(code="C-Y", name="片组", kind=ClusterKind.DISTRICT, lead=tree.haidian)
        cluster.units.set([tree.haidian, tree.chaoyang])
    with scope(paths=[tree.root.path]):
        assert Cluster.objects.count() == 1
    with scope(paths=[tree.tsinghua.path]):
        assert Cluster.objects.count() == 0


def test_subtree_is_one_query(tree):
    with scopes_disabled():
        with CaptureQueriesContext(connection) as queries:
            units = list(organization_subtree(root=tree.tsinghua))
    assert [u.code for u in units] == ["U-THU", "U-THU-B01", "U-THU-B01-G1"]
    assert len(queries) == 1
