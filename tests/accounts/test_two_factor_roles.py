"""Anyone who may open another person's medical document signs in with a second factor (avocats
included: they open their client's whole file); a party is offered it and, once he turned it on,
gives a code at each login."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import TWO_FACTOR_ROLES, Role, needs_two_factors
from tests import factories

pytestmark = pytest.mark.django_db


def _login(client, user):
    response = client.post("/connexion/", {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]


@pytest.mark.parametrize(
    ("role", "required"),
    [
        (Role.EXPERT, True),
        (Role.MEDECIN_CONSEIL, True),
        (Role.CLERK, True),
        (Role.JUDGE, True),
        (Role.AVOCAT, True),
        (Role.PARTY, False),
    ],
)
def test_who_must_sign_in_with_two_factors(role, required):
    court = factories.CourtFactory()
    user = factories.UserFactory(role=role, court=court if role in (Role.CLERK, Role.JUDGE) else None)
    assert needs_two_factors(user) is required
    assert (role in TWO_FACTOR_ROLES) is required


@override_settings(OTP_REQUIRED=True)
def test_an_avocat_opens_nothing_of_his_client_s_file_with_a_password_alone(client):
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    document = factories.medical(m, victim)
    avocat = factories.represent(victim)
    _login(client, avocat)
    for url in (
        reverse("cases:mission_detail", args=[m.pk]),
        reverse("cases:mission_documents", args=[m.pk]),
        reverse("cases:document_download", args=[document.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_setup")), url

    assert client.get(reverse("accounts:otp_setup")).status_code == 200
    device = TOTPDevice.objects.get(user=avocat, confirmed=False)
    client.post(reverse("accounts:otp_setup"), {"token": f"{totp(device.bin_key):06d}"})
    assert client.get(reverse("cases:document_download", args=[document.pk])).status_code == 200


@override_settings(OTP_REQUIRED=True)
def test_a_party_may_turn_two_factors_on_and_must_then_use_them(client):
    m = factories.mission()
    account = factories.UserFactory(role=Role.PARTY)
    factories.party(m, is_victim=True, account=account)
    page = reverse("cases:mission_detail", args=[m.pk])
    _login(client, account)
    assert client.get(page).status_code == 200  # offered, not imposed

    security = client.get(reverse("accounts:security"))
    assert security.status_code == 200
    body = security.content.decode()
    assert "Activer la double authentification" in body
    assert reverse("accounts:security") in client.get(page).content.decode()  # reachable from every page

    client.get(reverse("accounts:otp_setup"))  # started, then abandoned: not yet required
    client.logout()
    _login(client, account)
    assert client.get(page).status_code == 200

    device = TOTPDevice.objects.get(user=account, confirmed=False)
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        done = client.post(
            reverse("accounts:otp_setup"),
            {"token": f"{totp(device.bin_key):06d}", "next": reverse("accounts:security")},
        )
    assert len(done.context["codes"]) == 10
    assert "est activée" in client.get(reverse("accounts:security")).content.decode()
    assert needs_two_factors(account)

    client.logout()
    _login(client, account)
    response = client.get(page)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:otp_verify"))
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        code = f"{totp(device.bin_key):06d}"
        assert client.post(reverse("accounts:otp_verify"), {"token": code, "next": page})["Location"] == page
        assert client.get(page).status_code == 200
