"""Authentication events: who logged in, failed, logged out, from which address; and the lockout.
The address is REMOTE_ADDR only: a client-supplied X-Forwarded-For is never believed (lockout, logs).

Lockout (django-axes, AXES_HANDLER): five failures lock an account, from every address, for the
cool-off. A court, a law firm or a hospital shares one address, so one person's typos must not
lock the others out: an address alone is locked only at a much higher count of failures over all
the usernames tried from it (LOCKOUT_ADDRESS_FAILURE_LIMIT, against password spraying).
"""

import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger("accounts.auth")

DEFAULT_ADDRESS_FAILURE_LIMIT = 50


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler (locks per AXES_LOCKOUT_PARAMETERS at AXES_FAILURE_LIMIT), plus a
    lock of the address alone at LOCKOUT_ADDRESS_FAILURE_LIMIT failures within the cool-off."""

    @staticmethod
    def address_failure_limit() -> int:
        return getattr(settings, "LOCKOUT_ADDRESS_FAILURE_LIMIT", DEFAULT_ADDRESS_FAILURE_LIMIT)

    def address_failures(self, request: HttpRequest) -> int:
        """The failures recorded from the request's address within the cool-off, whatever the username."""
        ip_address = getattr(request, "axes_ip_address", None)
        if not ip_address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=ip_address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0

    def address_locked(self, request: HttpRequest) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self.address_failures(request) >= self.address_failure_limit()

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials) or not self.address_locked(request):
            return
        logger.warning("address locked out ip=%s", request.axes_ip_address)
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )


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
