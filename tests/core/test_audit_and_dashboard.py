from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from apps.core.audit import audit_record
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_audit_log_is_append_only_in_the_model(tree, users):
    entry = audit_record(actor=users["haidian"], action="test.action", target=tree.haidian_school)
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with scopes_disabled():
        with pytest.raises(PermissionError):
            AuditLog.objects.filter(pk=entry.pk).update(action="tampered")
        with pytest.raises(PermissionError):
            AuditLog.objects.filter(pk=entry.pk).delete()
        assert AuditLog.objects.get(pk=entry.pk).action == "test.action"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_audit_log_is_append_only_in_the_database(tree, users):
    entry = audit_record(actor=users["haidian"], action="test.action", target=tree.haidian_school)
    for sql in ("UPDATE core_auditlog SET action = 'x' WHERE id = %s", "DELETE FROM core_auditlog WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [entry.pk])
    with scopes_disabled():
        assert AuditLog.objects.get(pk=entry.pk).action == "test.action"


def test_audit_entries_are_scoped_to_their_unit(tree, users):
    audit_record(actor=users["chaoyang"], action="test.chaoyang", target=tree.chaoyang_school)
    audit_record(actor=users["haidian"], action="test.haidian", target=tree.haidian_school)
    with scope(paths=[tree.haidian.path]):
        assert set(AuditLog.objects.filter(action__startswith="test.").values_list("action", flat=True)) == {
            "test.haidian"}


def test_admin_dashboard_shows_the_acting_units_figures(users):
    body = login(users["haidian"]).get("/admin/").content.decode()
    assert "当前身份：海淀区教育工会" in body
    assert 'data-figure="单位总数">2<' in body
    body = login(users["municipal"]).get("/admin/").content.decode()
    assert 'data-figure="单位总数">8<' in body
