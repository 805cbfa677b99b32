"""Celery application. Tasks run in-process (eager) when no REDIS_URL is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expertise.settings.dev")

app = Celery("expertise")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
