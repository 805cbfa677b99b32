"""The expert's report in a real browser: the certificates' proposals taken, a rate proposed by
Balthazard and kept, the conclusions answered in the mission's order, a draft PDF followed to the
end, then the pre-report sent out with its dires deadline."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from cases.choices import CertificateKind, MissionStatus
from cases.services.missions import designation_respond, mission_transition
from reports.models import ReportVersion
from tests import factories
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expert_writes_the_report_renders_a_draft_and_sends_the_pre_report(page):
    expert = factories.expert(username="dr.martin", first_name="Paul", last_name="Martin")
    mission = factories.mission(expert_user=expert, rg="26/01234", title="Dupont c/ Atlas")
    with transaction.atomic():
        lead = mission.assignments.get(role="expert").expert
        designation_respond(by=lead, mission=mission, accept=True)
        mission_transition(by=lead, mission=mission, to=MissionStatus.IN_PROGRESS)
    victim = factories.party(mission, name="Alice Dupont", is_victim=True)
    initial = factories.medical(mission, victim, title="Certificat médical initial")
    factories.certificate(initial, issued_on=date(2026, 3, 14), stoppage_days=30, lesions="Entorse cervicale")
    closing = factories.medical(mission, victim, title="Certificat de consolidation")
    factories.certificate(
        closing, kind=CertificateKind.CONSOLIDATION, issued_on=date(2026, 9, 30), consolidation_date=date(2026, 9, 15)
    )

    login(page, "dr.martin", factories.PASSWORD)
    page.get_by_role("link", name="26/01234").first.click()
    page.get_by_role("link", name="Rapport").click()

    assert "consolidation au 15/09/2026" in page.locator("#proposals").inner_text()
    page.get_by_role("button", name="Reprendre ces propositions").click()
    assert page.locator("#id_consolidation_date").input_value() == "2026-09-15"
    assert page.locator("#id_periods-0-start").input_value() == "2026-03-14"
    assert page.locator("#id_periods-0-end").input_value() == "2026-04-12"

    page.locator("#id_discussion").fill("Entorse cervicale imputable à l'accident du 14 mars 2026.")
    page.locator("#id_suffering").select_option(label="3/7 (modéré)")
    page.locator("#id_calc-method").select_option("balthazard")
    page.locator("#id_calc-values").fill("60 ; 20 ; 10")
    page.get_by_role("button", name="Calculer").click()
    assert "71,2 %" in page.locator("#calc-result").inner_text()
    page.get_by_role("button", name="Reprendre ce taux et ce raisonnement").click()
    assert page.locator("#id_ipp_rate").input_value() == "71.20"

    answers = page.locator("#conclusions textarea")
    assert answers.count() == 2
    answers.nth(0).fill("Victime examinée le 10 octobre 2026.")
    answers.nth(1).fill("Consolidation au 15 septembre 2026.")
    page.get_by_role("button", name="Enregistrer le rapport").click()
    page.get_by_text("Rapport enregistré.").wait_for()
    assert page.locator("#id_ipp_rate").input_value() == "71.20"
    assert "Révision 1" in page.locator("#report-editor").inner_text()

    page.get_by_role("button", name="Générer un projet (PDF)").click()
    link = page.get_by_role("link", name="Télécharger le PDF")
    link.wait_for()
    assert "100 %" in page.locator("#render-progress").inner_text()
    pdf = page.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    page.get_by_role("link", name="Retour au rapport").click()
    page.locator("#id_dires_due").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Diffuser le pré-rapport").click()
    for box in page.locator("#guards-asks input[type=checkbox]").all():  # the guards' page (reports.guards)
        box.check()
    page.get_by_role("button", name="Confirmer la diffusion du pré-rapport").click()
    page.get_by_role("link", name="Télécharger le PDF").wait_for()
    page.get_by_role("link", name="Retour au rapport").click()
    assert "Pré-rapport n° 1" in page.locator("#versions").inner_text()
    assert ReportVersion.objects.get().kind == "pre_report"
    assert "Pré-rapport diffusé" in page.locator("main").inner_text()
