"""Thin Celery tasks: they take plain values, call a service, and can run twice safely."""

from datetime import date

from celery import shared_task

from cases.services.reminders import reminders_scan


@shared_task(acks_late=True, name="cases.scan_deadlines")
def scan_deadlines(today: str | None = None) -> int:
    """The daily scan (Celery beat). Idempotent: a reminder already sent is never sent again."""
    # no date given: each mission's deadlines on its own court's date (Europe/Paris, Africa/Tunis)
    return reminders_scan(today=date.fromisoformat(today) if today else None)
