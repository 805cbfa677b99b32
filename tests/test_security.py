"""Hardening for health data (OWASP ASVS L2 V6-V8, V14; CNIL; PGSSI-S): headers on every page,
two factors, lockout that a forged X-Forwarded-For does not bypass, session timeouts, the
authentication events logged, and the production settings passing `check --deploy`."""

import logging
import os
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from cases.services.convocations import convocation_create
from reports.models import RenderJob
from tests import factories
from tests.cases.test_views import _routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_url(lyon_report):
    """Every named route of the app, with ids of the worked example filled in."""
    mission, users = lyon_report
    expert = users["dr.martin"]
    convocation = convocation_create(
        by=expert, mission=mission, meeting_at=timezone.now(), place="Cabinet", confirm_warnings=True
    )
    version = factories.report_version(mission, expert)
    job = RenderJob.objects.create(mission=mission, kind="draft", requested_by=expert, report_revision=0)
    ids = {
        "pk": mission.pk,
        "recipient_id": convocation.recipients.first().pk,
        "token": "x",
        "job_id": job.pk,
        "version_id": version.pk,
        "kind": "draft",
    }
    urls = []
    for name, converters in _routes():
        if name.startswith("admin:"):
            continue
        kwargs = {c: ids[c] for c in converters}
        if name.startswith("cases:document"):
            kwargs["pk"] = mission.documents.order_by("number").first().pk
        urls.append(reverse(name, kwargs=kwargs))
    urls += ["/", "/missions/nouvelle/", "/agenda/", "/admin/", "/connexion/"]
    return users, urls


def _check_headers(response, url, logged_in):
    csp = response.get("Content-Security-Policy", "")
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    if response.get("Content-Disposition", "").startswith("attachment"):
        assert "default-src 'none'" in csp and "sandbox" in csp, url  # a file runs nothing
    else:
        assert "default-src 'self'" in csp, url
    assert "frame-ancestors 'none'" in csp or "sandbox" in csp, url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["X-Content-Type-Options"] == "nosniff", url
    if logged_in:
        assert "no-store" in response.get("Cache-Control", ""), url


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_every_page_and_file_carries_the_security_headers(client, every_url):
    users, urls = every_url
    assert len(urls) >= 25
    for user in (users["dr.martin"], users["me.atlas"], users["greffe.lyon"]):
        client.force_login(user)
        for url in urls:
            response = client.get(url, secure=True)
            _check_headers(response, url, logged_in=True)
            assert "max-age=31536000" in response["Strict-Transport-Security"], url
    client.logout()
    response = client.get("/connexion/", secure=True)
    _check_headers(response, "/connexion/", logged_in=True)


def test_no_template_has_inline_script_or_style():
    from pathlib import Path

    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        if "pdf" in path.parts:
            continue
        html = path.read_text(encoding="utf-8")
        assert "style=" not in html and "<style" not in html, path
        assert "<script>" not in html and " on" + "click=" not in html, path


def test_production_settings_pass_check_deploy_and_refuse_two_factors_off(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "expertise.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "expertise.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    for name in ("OTP_REQUIRED", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"):
        env.pop(name, None)  # set by other tests of the run (the browser tests), never in production
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    ok = subprocess.run(command, env=env, capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert ok.returncode == 0, ok.stderr
    off = subprocess.run(
        command, env={**env, "OTP_REQUIRED": "false"}, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert off.returncode != 0 and "accounts.E001" in off.stderr


# --- Two factors ------------------------------------------------------------------------------------


def _login(client, username):
    return client.post("/connexion/", {"username": username, "password": factories.PASSWORD})


@override_settings(OTP_REQUIRED=True)
def test_expert_enrols_an_authenticator_at_first_login_then_gives_a_code_each_time(client):
    m = factories.mission()
    expert = m.assignments.get().expert
    page = reverse("cases:mission_detail", args=[m.pk])

    _login(client, expert.username)
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_setup"))
    setup = client.get(response["Location"])
    assert "<svg" in setup.content.decode()  # the QR code, drawn inline
    device = TOTPDevice.objects.get(user=expert, confirmed=False)

    wrong = client.post(reverse("accounts:otp_setup"), {"token": "00000a"})
    assert "Code incorrect" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # a failure delays the next try
        done = client.post(reverse("accounts:otp_setup"), {"token": f"{totp(device.bin_key):06d}", "next": page})
    codes = done.context["codes"]
    assert len(codes) == 10 and all(c in done.content.decode() for c in codes)
    assert client.get(page).status_code == 200

    client.logout()
    _login(client, expert.username)
    assert client.get(page)["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.post(reverse("accounts:otp_verify"), {"token": codes[0], "next": page})["Location"] == page
    assert client.get(page).status_code == 200
    client.logout()
    _login(client, expert.username)
    device.refresh_from_db()
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        code = f"{totp(device.bin_key):06d}"
        assert client.post(reverse("accounts:otp_verify"), {"token": code, "next": page})["Location"] == page
        client.logout()
        _login(client, expert.username)
        again = client.post(reverse("accounts:otp_verify"), {"token": code})
        assert "Code incorrect ou déjà utilisé." in again.content.decode()  # a TOTP code serves once
    client.logout()
    _login(client, expert.username)
    reused = client.post(reverse("accounts:otp_verify"), {"token": codes[0]})
    assert "Code incorrect ou déjà utilisé." in reused.content.decode()  # recovery codes are single-use
    assert client.get(page).status_code == 302


@override_settings(OTP_REQUIRED=True)
def test_the_admin_requires_the_second_factor_and_parties_are_only_offered_one(client):
    staff = factories.UserFactory(role=Role.EXPERT, is_staff=True, is_superuser=True)
    _login(client, staff.username)
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:otp_setup"))
    client.logout()
    m = factories.mission()
    account = factories.UserFactory(role=Role.PARTY)
    factories.party(m, account=account)
    _login(client, account.username)
    assert client.get(reverse("cases:mission_detail", args=[m.pk])).status_code == 200
    # Avocats open their client's whole medical file: two factors (tests/accounts/test_two_factor_roles.py).


# --- Lockout, sessions, logs ------------------------------------------------------------------------


def test_repeated_failures_lock_the_account_even_from_forged_addresses(client):
    user = factories.expert()
    for i in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/connexion/", {"username": user.username, "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        )
        assert response.status_code in (200, 429)
    locked = client.post(
        "/connexion/", {"username": user.username, "password": factories.PASSWORD}, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert locked.status_code == 429 and "temporairement bloquée" in locked.content.decode()
    assert not client.session.get("_auth_user_id")


def test_failures_do_not_lock_after_a_success_resets_them(client):
    user = factories.expert()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/connexion/", {"username": user.username, "password": "wrong"})
    assert _login(client, user.username).status_code == 302


def test_sessions_end_after_30_idle_minutes_and_after_10_hours_whatever_the_activity(client):
    m = factories.mission()
    page = reverse("cases:mission_detail", args=[m.pk])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _login(client, m.assignments.get().expert.username)
        clock.shift(timedelta(minutes=29))
        assert client.get(page).status_code == 200
        clock.shift(timedelta(minutes=31))
        assert client.get(page)["Location"].startswith("/connexion/")

        _login(client, m.assignments.get().expert.username)
        for _ in range(21):  # active every 29 minutes for more than 10 hours
            clock.shift(timedelta(minutes=29))
            response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_logins_failures_and_logouts_are_logged_with_the_address(client, caplog):
    user = factories.expert()
    with caplog.at_level(logging.INFO, logger="accounts.auth"):
        client.post("/connexion/", {"username": user.username, "password": "wrong"}, REMOTE_ADDR="192.0.2.10")
        _login(client, user.username)
        client.post("/deconnexion/")
    messages = [r.getMessage() for r in caplog.records if r.name == "accounts.auth"]
    assert f"login failed user={user.username} ip=192.0.2.10" in messages
    assert f"login user={user.username} ip=127.0.0.1" in messages
    assert f"logout user={user.username} ip=127.0.0.1" in messages


def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("123456")
