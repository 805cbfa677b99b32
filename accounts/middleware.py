"""Session and response hardening: idle and absolute session timeouts, two factors before any
page for the roles that need them, and no caching of anything shown to a logged-in user. And the
language of a logged-in user's pages: the one saved on his account."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django_otp import devices_for_user

from accounts.models import needs_two_factors

SEEN_PRECISION = 60  # seconds: the idle timeout is counted to the minute


def account_language(user) -> str | None:
    """The interface language saved on a logged-in user's account, if it is one of LANGUAGES."""
    if user is None or not user.is_authenticated:
        return None
    language = getattr(user, "language", "") or ""
    return language if language in dict(settings.LANGUAGES) else None


class UserLanguageMiddleware:
    """After LocaleMiddleware (which chose from the language cookie, then the browser's
    Accept-Language, then LANGUAGE_CODE) and authentication: for a logged-in user, the language
    saved on his account wins. The language cookie is brought in line with it, so that the pages
    after his logout (and before his next login, on his own computer) stay in his language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = account_language(getattr(request, "user", None))
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # The account's language after the view (the switcher may have changed it; after a logout,
        # the one he had), unless the view set the cookie itself.
        language = account_language(getattr(request, "user", None)) or language
        cookie = settings.LANGUAGE_COOKIE_NAME
        if language and cookie not in response.cookies and request.COOKIES.get(cookie) != language:
            response.set_cookie(
                cookie,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


class SessionTimeoutMiddleware:
    """Logs out after SESSION_IDLE_TIMEOUT seconds without a request, and SESSION_ABSOLUTE_TIMEOUT
    seconds after the login whatever the activity (OWASP ASVS V7.3)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(timezone.now().timestamp())
            started = request.session.get("auth_started", now)
            seen = request.session.get("auth_seen", now)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                messages.info(request, _("Votre session a expiré : reconnectez-vous."))
                return redirect(f"{reverse('login')}?next={request.path}")
            if "auth_started" not in request.session:
                request.session["auth_started"] = started
            if now - seen >= SEEN_PRECISION or "auth_seen" not in request.session:
                request.session["auth_seen"] = now  # written at most once a minute, not at every request
        return self.get_response(request)


def _signing_in(request) -> bool:
    """The pages of logging in and out and of the second factor (by URL name, after resolution)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and (match.namespace == "accounts" or match.url_name in ("login", "logout"))


class TwoFactorMiddleware:
    """With OTP_REQUIRED, experts, médecins-conseils, avocats, clerks, judges and staff reach no view
    (the admin included) before their second factor: enrolment at the first login, a code
    afterwards. A party who turned two factors on gives a code too (accounts.models.needs_two_factors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if settings.OTP_REQUIRED and needs_two_factors(user) and not user.is_verified() and not _signing_in(request):
            target = "accounts:otp_verify" if any(devices_for_user(user)) else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return None


# Opened in a browser tab anyway, a served file can run nothing (a polyglot image stays an image).
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'none'; sandbox"


class NoStoreMiddleware:
    """Nothing shown to a logged-in user is kept by a browser or a proxy cache (medical data);
    a file sent as an attachment gets a policy under which it can run nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Disposition", "").startswith("attachment"):
            response.headers.setdefault("Content-Security-Policy", FILE_CSP)
        if "no-store" in response.get("Cache-Control", ""):
            return response
        if request.user.is_authenticated or _signing_in(request):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        return response
