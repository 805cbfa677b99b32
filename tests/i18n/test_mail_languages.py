"""E-mails are written in the language each recipient reads the application in (DOMAIN.md §11:
Arabic for the Tunisian users who choose it), one message per language, never a mix."""

from datetime import date

import pytest
from django.core import mail
from django.utils import translation

from cases.services.missions import consignation_record
from cases.services.reminders import reminders_scan
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_reminder_reaches_each_reader_in_his_own_language():
    tunis = factories.CourtFactory(code="tpi-tunis", country="TN")
    expert = factories.expert(email="expert@exemple.tn", language="fr")
    clerk = factories.clerk(tunis, email="greffe@exemple.tn", language="ar")
    m = factories.mission(court=tunis, expert_user=expert)
    consignation_record(by=expert, mission=m, amount=450, due=date(2026, 10, 1))
    assert reminders_scan(today=date(2026, 10, 2)) == 1
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {expert.email, clerk.email}
    assert "RG 26/00001" in by_address[expert.email].subject
    with translation.override("ar"):
        overdue = translation.gettext("dépassée")
    assert overdue != "dépassée"
    assert overdue in by_address[clerk.email].body and "dépassée" not in by_address[clerk.email].body
    assert "dépassée" in by_address[expert.email].body
    # the amount in the court's currency, whatever the language
    assert "450,000 DT" in by_address[clerk.email].body and "450,000 DT" in by_address[expert.email].body
