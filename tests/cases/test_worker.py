"""The reminder scan on a real Celery worker over the real Redis that `make test` starts."""

import os
import subprocess
import sys
import uuid
from datetime import date

import pytest
from django.db import connection

from cases.models import Reminder
from cases.tasks import scan_deadlines
from expertise.celery import app
from tests import factories

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis started by 'make test'"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(tmp_path):
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("the worker shares the PostgreSQL test database")
    queue = f"test-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "expertise.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "expertise",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        env=env,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue, tmp_path / "mail"
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        process.wait(timeout=30)


def test_duplicate_deliveries_send_each_reminder_once(worker):
    queue, mailbox = worker
    factories.mission(expert_user=factories.expert(email="expert@example.org"), report_due=date(2027, 1, 15))
    results = [scan_deadlines.apply_async(args=["2027-01-10"], queue=queue) for _ in range(3)]
    counts = sorted(r.get(timeout=60) for r in results)
    assert counts == [0, 0, 1]
    assert Reminder.objects.get().sent_at is not None
    assert len(list(mailbox.iterdir())) == 1
