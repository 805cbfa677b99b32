"""Authentication events: who logged in, failed, logged out, from which address. The address is
REMOTE_ADDR only: a client-supplied X-Forwarded-For is never believed (lockout, logs)."""

import logging

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger("accounts.auth")


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(timezone.now().timestamp())
        request.session["auth_started"] = now
        request.session["auth_seen"] = now
    logger.info("login user=%s ip=%s", user.get_username(), client_ip(request) if request else None)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    logger.warning(
        "login failed user=%s ip=%s", (credentials or {}).get("username", "?"), client_ip(request) if request else None
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    logger.info("logout user=%s ip=%s", user.get_username() if user else None, client_ip(request) if request else None)
