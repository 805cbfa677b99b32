"""Two factors: enrolment of an authenticator at the first login (QR code), a code at each login,
single-use recovery codes."""

from base64 import b32encode

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login

from accounts.security import client_ip, logger
from accounts.services import totp_confirm, totp_device_pending


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code",
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
        form.add_error("token", "Code incorrect : vérifiez l'heure de votre téléphone et saisissez le code affiché.")
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
        form.add_error("token", "Code incorrect ou déjà utilisé.")
    return render(request, "registration/otp_verify.html", {"form": form, "next": _next(request)})
