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


@pytest.mark.postgresql  # the trigger exists on PostgreSQL only
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


def test_dashboard_counts_active_members_of_the_subtree(users, tree):
    from tests.factories.members import make_member

    make_member(tree.haidian, name="甲")
    make_member(tree.chaoyang, name="乙")
    assert 'data-figure="在会会员">1<' in login(users["haidian"]).get("/admin/").content.decode()
    assert 'data-figure="在会会员">2<' in login(users["municipal"]).get("/admin/").content.decode()


def test_log_records_never_carry_full_ids_accounts_or_phones(caplog):
    """The redact filter sits on the console handler: what reaches a log is masked."""
    import logging

    from apps.core.logging import RedactPersonalData, redact

    text = "会员 11010519491231002X 手机 13800138000 账号 6222020200112233445"
    assert redact(text) == "会员 110105********002X 手机 138****8000 账号 622202****3445"
    record = logging.LogRecord("apps", logging.INFO, __file__, 1, "导入 %s", (text,), None)
    RedactPersonalData().filter(record)
    assert "11010519491231002X" not in record.getMessage() and "6222020200112233445" not in record.getMessage()
    from django.conf import settings

    assert "redact" in settings.LOGGING["handlers"]["console"]["filters"]
