"""Two factors: enrolment of an authenticator at the first login (QR code), a code at each login,
single-use recovery codes; the page where anyone (a party, who is not obliged to) turns them on.
Invitations: the page where an invitee creates his account and takes his seat. The language
switcher, which remembers the choice on the account of a logged-in user."""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import LANGUAGE_QUERY_PARAMETER
from django.views.i18n import set_language as django_set_language
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from accounts.models import has_two_factors, needs_two_factors
from accounts.security import client_ip, logger
from accounts.services import (
    invitation_accept,
    invitation_for_token,
    invitation_refusal,
    totp_confirm,
    totp_device_pending,
    user_language_set,
)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@never_cache
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if any(devices_for_user(user, confirmed=True)):
        return redirect("accounts:otp_verify") if not user.is_verified() else redirect(_next(request))
    device = totp_device_pending(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = totp_confirm(device=device, token=form.cleaned_data["token"].strip())
        if codes is not None:
            otp_login(request, device)
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("token", _("Code incorrect : vérifiez l'heure de votre téléphone et saisissez le code affiché."))
    context = {
        "form": form,
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=5, omitsize=False),
        "secret": b32encode(device.bin_key).decode(),
        "next": _next(request),
    }
    return render(request, "registration/otp_setup.html", context)


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    if not any(devices_for_user(request.user, confirmed=True)):
        return redirect("accounts:otp_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].strip().replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            logger.info(
                "second factor user=%s device=%s ip=%s",
                request.user.get_username(),
                device.persistent_id,
                client_ip(request),
            )
            return redirect(_next(request))
        logger.warning("second factor failed user=%s ip=%s", request.user.get_username(), client_ip(request))
        form.add_error("token", _("Code incorrect ou déjà utilisé."))
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The account's security: whether two factors are on, and the way to turn them on. Required for
    the roles that open other people's medical documents; offered to parties, and required at
    their next logins once they turn it on."""
    return render(
        request,
        "accounts/security.html",
        {"enabled": has_two_factors(request.user), "required": needs_two_factors(request.user)},
    )


# --- Invitations -----------------------------------------------------------------------------------


class InvitationAcceptForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Votre nom, tel qu'il apparaîtra dans les missions"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Mot de passe (confirmation)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        return data


@never_cache
@sensitive_post_parameters("password1", "password2")
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an invitation e-mail: the invitee chooses his name and password, which creates
    his account (the invitation's e-mail and role) and takes the seat, once."""
    found = invitation_for_token(token)
    refusal = invitation_refusal(found)
    if refusal:
        return render(request, "accounts/invitation.html", {"refusal": refusal}, status=410 if found else 404)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accepted = invitation_accept(
                token=token, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(
                        "password1" if field == "password" else (field if field in form.fields else None), errors
                    )
            else:
                form.add_error(None, exc)
        else:
            if request.user.is_authenticated:
                logout(request)  # whoever was logged in on this browser is not the invitee
            messages.success(
                request,
                _("Votre compte est créé. Connectez-vous avec l'identifiant %(username)s et votre mot de passe.")
                % {"username": accepted.user.username},
            )
            target = accepted.invitation.mission.get_absolute_url()
            return redirect(f"{reverse('login')}?next={target}")
    context = {"form": form, "invitation": found}
    return render(request, "accounts/invitation.html", context)


# --- Language --------------------------------------------------------------------------------------


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (the language cookie, then back to `next`), which also remembers the
    choice on the account of a logged-in user: his saved language wins over his browser's."""
    response = django_set_language(request)
    language = request.POST.get(LANGUAGE_QUERY_PARAMETER, "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES) and check_for_language(language):
        user_language_set(user=request.user, language=language)
    return response
