"""The no-show sweep (Celery beat, every 30 minutes): a booking still 'booked' after its slot
ended becomes a no-show through booking_transition (no-shows above the limit block booking)."""

from __future__ import annotations

from celery import shared_task

from .services import bookings_mark_no_shows


@shared_task(name="apps.service_points.tasks.mark_no_shows", acks_late=True)
def mark_no_shows() -> int:
    return bookings_mark_no_shows()
