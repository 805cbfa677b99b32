"""`make bench`: production-like (DEBUG off, PostgreSQL, Redis) on loopback, without the second
factor (the load test logs in with passwords); django-guardian installed for the side-by-side."""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production")
os.environ.setdefault("OTP_REQUIRED", "false")

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, LOGGING, STORAGES

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = [*INSTALLED_APPS, "guardian"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
AXES_ENABLED = False  # twenty simulated users log in from the same address
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
