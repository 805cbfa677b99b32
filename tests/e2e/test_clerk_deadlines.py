"""The clerk's journey in a real browser: the court's missions by deadline, a payment and a
judge's decision on an extension recorded, the deadline moving accordingly."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.services.missions import consignation_record, extension_request
from tests import factories
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_tracks_deadlines_records_a_payment_and_an_extension(page):
    today = timezone.localdate()
    court = factories.CourtFactory(code="tj-lyon", name="Tribunal judiciaire de Lyon")
    factories.clerk(court, username="greffe.lyon")
    late = factories.mission(
        court=court,
        rg="26/00001",
        title="Dupont c/ Atlas",
        ordered_on=today - timedelta(days=90),
        report_due=today + timedelta(days=60),
    )
    consignation_record(by=factories.lead_expert(late), mission=late, amount=1200, due=today - timedelta(days=3))
    extension_request(
        by=factories.lead_expert(late),
        mission=late,
        requested_on=today,
        requested_due=today + timedelta(days=120),
        reason="Attente de l'avis du sapiteur",
    )
    factories.mission(
        court=court,
        rg="26/00002",
        title="Bernard c/ Clinique",
        ordered_on=today - timedelta(days=10),
        report_due=today + timedelta(days=200),
    )

    login(page, "greffe.lyon", factories.PASSWORD)
    assert "Missions de la juridiction" in page.locator("h1").inner_text()
    page.locator("#id_state").select_option("overdue")
    page.get_by_role("button", name="Filtrer").click()
    rows = page.locator("#missions tbody tr")
    assert rows.count() == 1 and "Consignation" in rows.first.inner_text() and "dépassée" in rows.first.inner_text()

    rows.first.get_by_role("link", name="26/00001").click()
    page.get_by_role("link", name="Échéances").click()
    page.get_by_role("button", name="Enregistrer le versement").click()
    page.get_by_text("Enregistré.").wait_for()
    assert "versée le" in page.locator("main").inner_text()

    page.locator("#id_dec-granted").select_option("1")
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("Enregistré.").wait_for()
    new_due = today + timedelta(days=120)
    deadlines = page.locator("#deadlines").inner_text()
    assert f"{new_due:%d/%m/%Y}" in deadlines
    assert "Prorogation accordée" in page.locator("main").inner_text()
    assert late.extensions.get().new_due == new_due
    assert late.consignations.get().paid_on == today
