"""Thin Celery tasks: a report is laid out in a worker, never in a web process (in-process only
when no Redis is configured, for the local demo)."""

from celery import shared_task
from django.conf import settings

from reports.services import render_job_run


@shared_task(
    acks_late=True,
    name="reports.render",
    soft_time_limit=settings.REPORT_RENDER_TIME_LIMIT,
    time_limit=settings.REPORT_RENDER_TIME_LIMIT + 30,
)
def render_report(job_id: int) -> str:
    """Builds the PDF of one job; run twice, it does nothing the second time."""
    return render_job_run(job_id).status
