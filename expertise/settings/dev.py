"""Local development and the demo (`make run`): DEBUG on, SQLite and in-process tasks by default."""

import os

os.environ.setdefault("DEBUG", "true")
# The local demo logs in without a second factor; OTP_REQUIRED=true make run shows the enrolment.
os.environ.setdefault("OTP_REQUIRED", "false")

from .base import *  # noqa: F403
from .base import env

ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]  # noqa: F405
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
