"""Celery tasks of core (Celery autodiscovers this module): outbox delivery lives with the
outbox (``apps/core/outbox.py``); importing it here registers its tasks."""

from .outbox import outbox_deliver_due, outbox_deliver_task  # noqa: F401
