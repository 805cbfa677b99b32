"""Tests: PostgreSQL when DATABASE_URL is set (as `make test` does), SQLite otherwise."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# Tests that log in through the test client skip the second factor; the two-factor tests switch it on.
os.environ.setdefault("OTP_REQUIRED", "false")

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A Celery worker started by a test is another process: it is told to write its e-mails to files.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "test-mail"))
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Unit tests run tasks in-process; the tests that need a real worker start one against REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
