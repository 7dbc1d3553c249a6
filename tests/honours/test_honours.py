from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.honours.enums import HonourStatus, TitleLevel
from apps.honours.models import Honour, HonourTitle
from apps.honours.selectors import honour_roll
from apps.honours.services import CERTIFICATE_TAKEN, honour_change_status, honour_create, honour_update
from apps.members.services import member_transfer
from tests.factories.members import make_member

from .factories import make_honour, title

pytestmark = pytest.mark.django_db


def test_initial_titles_are_seeded_with_national_above_municipal():
    with scopes_disabled():
        titles = list(HonourTitle.objects.order_by("rank").values_list("name", "level", "holder_kind"))
    assert [name for name, _, _ in titles] == ["全国劳动模范", "全国先进工作者", "北京市劳动模范", "北京市先进工作者",
                                               "首都劳动奖章", "北京市模范集体"]
    levels = [level for _, level, _ in titles]
    assert levels == sorted(levels, key=lambda lv: lv != TitleLevel.NATIONAL)
    assert [kind for _, _, kind in titles].count("collective") == 1


def test_honour_create_person_takes_the_members_unit_and_is_audited(tree, users):
    member = make_member(tree.chaoyang, name="李劳模", branch=tree.chaoyang_school)
    honour = make_honour(member=member, certificate_no="BJ-2020-001", actor=users["municipal"])
    assert (honour.organization, honour.status, honour.holder_name) == (tree.chaoyang, HonourStatus.ON_ROLL, "李劳模")
    with scopes_disabled():
        entry = AuditLog.objects.get(action="honour.create", object_id=str(honour.pk))
    assert entry.organization_path == tree.chaoyang.path


def test_honour_create_collective_needs_a_name_and_unit(tree):
    with pytest.raises(ValidationError) as exc:
        make_honour(code="beijing_model_collective", collective_name="", organization=tree.chaoyang)
    assert "collective_name" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_honour(code="beijing_model_collective", collective_name="朝阳实验小学教研组")
    assert "organization" in exc.value.message_dict
    honour = make_honour(code="beijing_model_collective", collective_name="朝阳实验小学教研组",
                         organization=tree.chaoyang_school)
    assert (honour.member, honour.organization) == (None, tree.chaoyang_school)


def test_honour_create_person_title_refuses_a_collective(tree):
    with pytest.raises(ValidationError) as exc:
        make_honour(code="national_model_worker", collective_name="某集体", organization=tree.chaoyang)
    assert "member" in exc.value.message_dict


def test_honour_create_outside_scope_is_refused(tree):
    member = make_member(tree.chaoyang)
    with scope(paths=[tree.haidian.path]), pytest.raises(ValidationError) as exc:
        honour_create(title=title("capital_labour_medal"), year=2021, member=member)
    assert "organization" in exc.value.message_dict


def test_database_refuses_a_holder_that_is_both_member_and_collective(tree):
    member = make_member(tree.haidian)
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Honour.objects.create(title=title("beijing_model_worker"), year=2020, member=member,
                              collective_name="又是集体", organization=tree.haidian)
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Honour.objects.create(title=title("beijing_model_worker"), year=2020, organization=tree.haidian)


def test_certificate_number_is_unique_per_title(tree):
    a, b = make_member(tree.haidian, name="甲"), make_member(tree.chaoyang, name="乙")
    make_honour(member=a, certificate_no="NO-1")
    with pytest.raises(ValidationError) as exc:
        make_honour(member=b, certificate_no="NO-1")
    assert exc.value.message_dict == {"certificate_no": [CERTIFICATE_TAKEN]}
    make_honour(code="capital_labour_medal", member=b, certificate_no="NO-1")  # another title: fine
    make_honour(member=b, certificate_no="")  # blank numbers never collide
    with scopes_disabled(), pytest.raises(IntegrityError), transaction.atomic():
        Honour.objects.create(title=title("beijing_advanced_worker"), year=2019, member=b,
                              organization=tree.chaoyang, certificate_no="NO-1")


def test_honour_change_status_follows_the_allowed_moves_and_is_audited(tree, users):
    honour = make_honour(member=make_member(tree.haidian))
    with scopes_disabled():
        moved = honour_change_status(honour=honour, to_status=HonourStatus.MOVED_OUT, actor=users["municipal"])
        again = honour_change_status(honour=moved, to_status=HonourStatus.MOVED_OUT, actor=users["municipal"])
        back = honour_change_status(honour=honour, to_status=HonourStatus.ON_ROLL, actor=users["municipal"])
        honour_change_status(honour=honour, to_status=HonourStatus.REVOKED, actor=users["municipal"])
        with pytest.raises(ValidationError):
            honour_change_status(honour=honour, to_status=HonourStatus.ON_ROLL, actor=users["municipal"])
        actions = list(AuditLog.objects.filter(action="honour.status", object_id=str(honour.pk))
                       .order_by("id").values_list("data__to", flat=True))
        assert Honour.objects.get(pk=honour.pk).status == HonourStatus.REVOKED
    assert (moved.status, again.status, back.status) == ("moved_out", "moved_out", "on_roll")
    assert actions == ["moved_out", "on_roll", "revoked"]


def test_honour_update_changes_only_editable_fields(tree):
    honour = make_honour(member=make_member(tree.haidian))
    with scopes_disabled():
        updated = honour_update(honour=honour, certificate_no=" C-9 ", notes="补录")
        with pytest.raises(ValidationError):
            honour_update(honour=honour, status=HonourStatus.DECEASED)
    assert (updated.certificate_no, updated.notes, updated.status) == ("C-9", "补录", HonourStatus.ON_ROLL)


def test_roll_shows_each_person_once_with_the_highest_title(tree):
    wang = make_member(tree.haidian, name="王")
    li = make_member(tree.chaoyang, name="李")
    zhao = make_member(tree.chaoyang, name="赵")
    make_honour(code="beijing_advanced_worker", year=2015, member=wang)
    best = make_honour(code="national_model_worker", year=2020, member=wang)
    make_honour(code="capital_labour_medal", year=2010, member=wang)
    medal = make_honour(code="capital_labour_medal", year=2018, member=li)
    gone = make_honour(code="national_advanced_worker", year=2015, member=zhao)
    make_honour(code="beijing_model_collective", collective_name="某集体", organization=tree.chaoyang)
    with scopes_disabled():
        honour_change_status(honour=gone, to_status=HonourStatus.DECEASED)
        roll = [(h.member.name, h.title.name) for h in honour_roll()]
    assert roll == [("王", "全国劳动模范"), ("李", "首都劳动奖章")]
    with scope(paths=[tree.chaoyang.path]):
        assert [h.pk for h in honour_roll()] == [medal.pk]
    assert best.title.level == TitleLevel.NATIONAL


def test_roll_counts_a_transferred_person_once(tree):
    person = make_member(tree.haidian, name="钱")
    make_honour(code="beijing_model_worker", year=2012, member=person)
    with scopes_disabled():
        moved = member_transfer(member=person, to_organization=tree.chaoyang, reason="调动")
    make_honour(code="capital_labour_medal", year=2022, member=moved)
    with scopes_disabled():
        roll = [(h.member.name, h.title.code) for h in honour_roll()]
    assert roll == [("钱", "beijing_model_worker")]
