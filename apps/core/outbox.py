"""The outbox: messages to people, delivered through a channel, each exactly once.

Any app puts messages in (``outbox_enqueue`` / ``outbox_enqueue_many``): one row per thing to
tell, keyed by a ``dedup_key`` that is unique in the database, so producing the same message
again adds nothing. After commit each new message is handed to the delivery task; the beat
task ``outbox_deliver_due`` (every minute) picks up whatever is due (retries, lost tasks).

Delivery (``outbox_deliver``):

1. claim: 待发送 → 发送中 through ``outbox_transition`` (row lock, re-check that it is still
   pending and due). Only one deliverer wins; the others do nothing — a message is never
   sent twice, even by two workers at once.
2. send through its channel, outside any transaction.
3. 发送中 → 已发送 (``sent_at``), or, on a transient error (HTTP 5xx, a time-out, WeCom's
   rate limit), back to 待发送 with ``next_attempt_at`` = now + ``OUTBOX_BACKOFF_SECONDS`` × 2^(tries−1);
   after ``OUTBOX_MAX_TRIES`` tries, or on a permanent error (4xx, a refused message), 发送失败
   with the error on the message. A failed message can be put back (发送失败 → 待发送) by an
   administrator (admin action "重新发送").

Channels: ``log`` (development: writes the message to the log) and ``wecom`` (a WeCom group
robot: HTTP POST of ``{"msgtype": "markdown", "markdown": {"content": …}}`` to
``OUTBOX_WECOM_WEBHOOK_URL``). Apps may register more with ``register_channel``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import requests
from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .audit import audit_record
from .enums import OutboxStatus
from .models import OutboxMessage
from .scoping import scopes_disabled

log = logging.getLogger(__name__)

# The only allowed moves; ``outbox_transition`` is the one writer of a message's status.
OUTBOX_MOVES: dict[str, frozenset[str]] = {
    OutboxStatus.PENDING: frozenset({OutboxStatus.SENDING}),
    OutboxStatus.SENDING: frozenset({OutboxStatus.SENT, OutboxStatus.PENDING, OutboxStatus.FAILED}),
    OutboxStatus.FAILED: frozenset({OutboxStatus.PENDING}),
    OutboxStatus.SENT: frozenset(),
}


class DeliveryError(Exception):
    """A channel could not deliver; ``transient`` errors are retried, the others are final."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class Channel:
    """A way out. ``send`` returns when the message is delivered, else raises DeliveryError."""

    name = ""
    label = ""

    def send(self, message: OutboxMessage) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class LogChannel(Channel):
    name = "log"
    label = "日志（开发环境）"

    def send(self, message: OutboxMessage) -> None:
        log.info("outbox message %s to member %s: %s", message.pk, message.recipient_member_id, message.subject)


class WeComRobotChannel(Channel):
    """A WeCom (企业微信) group robot: the message as markdown to its webhook address."""

    name = "wecom"
    label = "企业微信群机器人"
    RATE_LIMITED = {45009, -1}  # WeCom's "too many calls" and "system busy": try again later

    def __init__(self, url: str | None = None):
        self._url = url

    @property
    def url(self) -> str:
        return self._url or getattr(settings, "OUTBOX_WECOM_WEBHOOK_URL", "")

    def send(self, message: OutboxMessage) -> None:
        if not self.url:
            raise DeliveryError("未配置企业微信群机器人地址（OUTBOX_WECOM_WEBHOOK_URL）。", transient=False)
        content = f"**{message.subject}**\n{message.body}"
        try:
            response = requests.post(self.url, json={"msgtype": "markdown", "markdown": {"content": content}},
                                     timeout=getattr(settings, "OUTBOX_HTTP_TIMEOUT", 10))
        except requests.RequestException as exc:
            raise DeliveryError(f"连接企业微信失败：{exc.__class__.__name__}", transient=True) from exc
        if response.status_code >= 500:
            raise DeliveryError(f"企业微信返回 HTTP {response.status_code}", transient=True)
        if response.status_code >= 400:
            raise DeliveryError(f"企业微信拒绝了消息：HTTP {response.status_code}", transient=False)
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
        if code:
            text = f"企业微信返回错误 {code}：{str(answer.get('errmsg', ''))[:200]}"
            raise DeliveryError(text, transient=code in self.RATE_LIMITED)


_channels: dict[str, Channel] = {}


def register_channel(channel: Channel) -> None:
    _channels[channel.name] = channel


def channel_for(name: str) -> Channel | None:
    return _channels.get(name)


def channel_choices() -> list[tuple[str, str]]:
    return [(c.name, c.label) for c in _channels.values()]


register_channel(LogChannel())
register_channel(WeComRobotChannel())


def default_channel() -> str:
    return getattr(settings, "OUTBOX_CHANNEL", "log") or "log"


# --- writing ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewMessage:
    organization_id: int
    dedup_key: str
    subject: str
    body: str
    recipient_member_id: int | None = None
    recipient_user_id: int | None = None
    channel: str = ""


def _enqueue_after_commit(ids: list[int]) -> None:
    if not ids:
        return
    def send() -> None:
        for message_id in ids:
            outbox_deliver_task.delay(message_id=message_id)

    transaction.on_commit(send)


def outbox_enqueue_many(*, messages: Iterable[NewMessage], deliver: bool = True) -> int:
    """Put messages in the outbox; those whose ``dedup_key`` is already there are left out
    (the unique constraint decides, also against a concurrent run). Returns how many are new."""
    messages = list(messages)
    if not messages:
        return 0
    channel = default_channel()
    with scopes_disabled(), transaction.atomic():  # producers (beat tasks, services) write city-wide
        keys = [m.dedup_key for m in messages]
        before = set(OutboxMessage.objects.filter(dedup_key__in=keys).values_list("dedup_key", flat=True))
        rows = [OutboxMessage(organization_id=m.organization_id, recipient_member_id=m.recipient_member_id,
                              recipient_user_id=m.recipient_user_id, channel=m.channel or channel,
                              subject=m.subject[:200], body=m.body, dedup_key=m.dedup_key)
                for m in messages if m.dedup_key not in before]
        OutboxMessage.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        new_keys = [r.dedup_key for r in rows]
        created = list(OutboxMessage.objects.filter(dedup_key__in=new_keys, tries=0,
                                                    status=OutboxStatus.PENDING).values_list("id", flat=True))
        if deliver:
            _enqueue_after_commit(created)
    return len(created)


def outbox_enqueue(*, organization, dedup_key: str, subject: str, body: str, recipient_member=None,
                   recipient_user=None, channel: str = "", deliver: bool = True) -> bool:
    """One message (see ``outbox_enqueue_many``); True when it is new."""
    return bool(outbox_enqueue_many(messages=[NewMessage(
        organization_id=organization.pk, dedup_key=dedup_key, subject=subject, body=body,
        recipient_member_id=getattr(recipient_member, "pk", None), recipient_user_id=getattr(recipient_user, "pk", None),
        channel=channel)], deliver=deliver))


# --- the one status writer --------------------------------------------------------------------


def outbox_transition(*, message_id: int, to: str, actor=None, now: dt.datetime | None = None,
                      **fields) -> bool:
    """Move message ``message_id`` to ``to`` (row lock, re-check against ``OUTBOX_MOVES``, write
    ``fields``, audit). Claiming (→ 发送中) also needs the message to be due. A move that is not
    allowed any more (another deliverer was first): nothing changes, returns False."""
    now = now or timezone.now()
    with scopes_disabled(), transaction.atomic():  # deliverers act on a message by id
        message = (OutboxMessage.objects.select_for_update(of=("self",)).select_related("organization")
                   .filter(pk=message_id).first())
        if message is None or to not in OUTBOX_MOVES[message.status]:
            return False
        if to == OutboxStatus.SENDING and message.next_attempt_at and message.next_attempt_at > now:
            return False  # not due yet
        OutboxMessage.objects.filter(pk=message.pk).update(status=to, **fields)
        audit_record(actor=actor, action=f"outbox.{to}", target=message,
                     data={"from": message.status, "tries": fields.get("tries", message.tries),
                           "channel": message.channel})
    return True


def _claim(message_id: int, now: dt.datetime) -> bool:
    return outbox_transition(message_id=message_id, to=OutboxStatus.SENDING, now=now)


def backoff_seconds(tries: int) -> float:
    return float(getattr(settings, "OUTBOX_BACKOFF_SECONDS", 30)) * (2 ** max(0, tries - 1))


def outbox_deliver(*, message_id: int, now: dt.datetime | None = None) -> str:
    """Deliver one message if it is pending and due. Answers what happened: ``sent``,
    ``retry`` (a transient error; pending again, due after the back-off), ``failed``
    (given up: the error is on the message) or ``skipped`` (not ours to send)."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return "skipped"
    with scopes_disabled():  # the claimed message, by id
        message = OutboxMessage.objects.get(pk=message_id)
    tries = message.tries + 1
    channel = channel_for(message.channel)
    try:
        if channel is None:
            raise DeliveryError(f"未知的发送渠道：{message.channel}", transient=False)
        channel.send(message)
    except DeliveryError as exc:
        max_tries = int(getattr(settings, "OUTBOX_MAX_TRIES", 5))
        if exc.transient and tries < max_tries:
            outbox_transition(message_id=message_id, to=OutboxStatus.PENDING, tries=tries, last_error=str(exc),
                              next_attempt_at=now + dt.timedelta(seconds=backoff_seconds(tries)))
            return "retry"
        error = str(exc) if not exc.transient else f"{exc}（已尝试 {tries} 次，放弃）"
        outbox_transition(message_id=message_id, to=OutboxStatus.FAILED, tries=tries, last_error=error)
        return "failed"
    except Exception as exc:  # an unexpected fault of a channel: recorded, never sent twice
        log.exception("outbox channel %s failed", message.channel)
        outbox_transition(message_id=message_id, to=OutboxStatus.FAILED, tries=tries,
                          last_error=f"{exc.__class__.__name__}: {exc}"[:2000])
        return "failed"
    outbox_transition(message_id=message_id, to=OutboxStatus.SENT, tries=tries, last_error="", sent_at=timezone.now())
    return "sent"


def outbox_retry(*, message: OutboxMessage, actor) -> bool:
    """An administrator puts a failed message back (发送失败 → 待发送, tries reset)."""
    moved = outbox_transition(message_id=message.pk, to=OutboxStatus.PENDING, actor=actor, tries=0,
                              next_attempt_at=None)
    if moved:
        _enqueue_after_commit([message.pk])
    return moved


def outbox_due_ids(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    now = now or timezone.now()
    with scopes_disabled():  # the sweeper looks at every unit's messages
        due = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).exclude(next_attempt_at__gt=now)
        return list(due.order_by("id").values_list("id", flat=True)[:limit])


# --- tasks (registered through apps/core/tasks.py) ------------------------------------------------


@shared_task(name="apps.core.tasks.outbox_deliver_task", acks_late=True, ignore_result=True)
def outbox_deliver_task(*, message_id: int) -> str:
    """Deliver one message; after a transient error, try again after its back-off."""
    outcome = outbox_deliver(message_id=message_id)
    if outcome == "retry":
        with scopes_disabled():  # the message, by id
            tries = OutboxMessage.objects.filter(pk=message_id).values_list("tries", flat=True).first() or 1
        outbox_deliver_task.apply_async(kwargs={"message_id": message_id}, countdown=backoff_seconds(tries))
    return outcome


@shared_task(name="apps.core.tasks.outbox_deliver_due", ignore_result=True)
def outbox_deliver_due() -> int:
    """Beat, every minute: deliver every pending message that is due (retries, lost tasks)."""
    ids = outbox_due_ids()
    for message_id in ids:
        outbox_deliver(message_id=message_id)
    return len(ids)
