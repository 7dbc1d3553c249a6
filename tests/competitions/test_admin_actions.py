"""The admin's round and money actions: "按名次晋级下一轮" on a stage and "生成奖金发放批次" on
a published edition, through the real changelist POST (CSRF, the action form)."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.competitions.models import Entry, StageResult
from apps.core.scoping import scopes_disabled
from apps.payments.models import PaymentBatch
from tests.competitions.factories import make_entry
from tests.competitions.results_factories import make_award, make_rates, published_edition
from tests.competitions.test_judging_support import panel, submit
from tests.competitions.test_scoring import SPLIT, jjb  # noqa: F401  (fixture)
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db


def run_action(user, url: str, action: str, pks: list[int]):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(url)
    token = client.cookies["csrftoken"].value
    return client.post(url, {"action": action, "_selected_action": pks, "csrfmiddlewaretoken": token}, follow=True)


def test_advance_by_rank_from_the_stage_changelist(tree, users, jjb):  # noqa: F811
    edition, group, (prelim, semi, final), entries = jjb
    (judge,) = panel(tree, users, prelim, group, 1)
    for entry, total in zip(entries, (70, 95, 80, 90, 85), strict=True):
        submit(judge, entry, prelim, *SPLIT[total])
    url = "/admin/competitions/stage/"
    body = run_action(users["municipal"], url, "advance_by_rank", [prelim.pk]).content.decode()
    assert "已按名次晋级：1 条。" in body
    with scopes_disabled():
        moved = set(Entry.objects.filter(current_stage=semi).values_list("pk", flat=True))
        assert moved == {entries[1].pk, entries[3].pk, entries[4].pk}
        assert StageResult.objects.filter(stage=prelim).count() == 5
    # the final round has no advancement: the Chinese refusal is shown, nothing moves
    body = run_action(users["municipal"], url, "advance_by_rank", [final.pk]).content.decode()
    assert "最后一轮不设晋级" in body
    with scopes_disabled():
        assert not Entry.objects.filter(current_stage=final).exists()
    # a unit admin has no stage admin at all
    assert run_action(users["tsinghua"], url, "advance_by_rank", [prelim.pk]).status_code in (403, 404)


def test_bonus_batch_from_the_edition_changelist_once(tree, users):
    edition = published_edition()
    make_rates(edition)
    winner = make_member(tree.tsinghua, name="获奖甲")
    make_award(entry=make_entry(edition.groups.get(), winner), rank=1)
    url = "/admin/competitions/edition/"
    body = run_action(users["municipal"], url, "bonus_batch", [edition.pk]).content.decode()
    assert "已生成奖金发放批次（草稿，待提交审批）：1 条。" in body
    with scopes_disabled():
        edition.refresh_from_db()
        assert edition.bonus_batch_id is not None and PaymentBatch.objects.count() == 1
    body = run_action(users["municipal"], url, "bonus_batch", [edition.pk]).content.decode()
    assert "本届奖金已生成发放批次" in body
    with scopes_disabled():
        assert PaymentBatch.objects.count() == 1
