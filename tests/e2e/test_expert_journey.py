"""The expert's main journey in a real browser: log in, create a mission from the court order,
add two parties, upload a PDF and find it in the bordereau."""

import pytest

from cases.models import Mission
from cases.pdfgen import simple_pdf
from tests import factories
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expert_creates_a_mission_adds_parties_and_uploads_a_piece(page, tmp_path):
    factories.CourtFactory(code="tj-lyon", name="Tribunal judiciaire de Lyon")
    factories.expert(username="dr.martin", name="Dr Paul Martin")
    login(page, "dr.martin", factories.PASSWORD)

    page.get_by_role("link", name="Nouvelle mission").first.click()
    page.get_by_label("Juridiction", exact=True).select_option(label="Tribunal judiciaire de Lyon")
    page.get_by_label("Numéro RG").fill("26/01234")
    page.get_by_label("Intitulé de l'affaire").fill("Dupont c/ Atlas Assurances")
    page.get_by_label("Cadre").select_option("road_accident")
    page.get_by_label("Date de la décision").fill("2026-09-01")
    page.get_by_label("Date limite de dépôt du rapport").fill("2027-01-15")
    questions = page.get_by_label("Questions de la mission")
    assert "Examiner la victime." in questions.input_value()  # the framework's template is proposed
    page.get_by_label("Type de mission").select_option("aggravation")
    assert "précédent rapport" in questions.input_value()
    page.get_by_role("button", name="Créer la mission").click()

    page.get_by_text("Mission créée").wait_for()
    mission = Mission.objects.get(rg="26/01234")
    assert mission.questions.first().text == "Examiner la victime."

    page.locator("#id_party-name").fill("Alice Dupont")
    page.locator("#id_party-role").select_option("demandeur")
    page.get_by_label("Victime (personne examinée)").check()
    page.get_by_role("button", name="Ajouter la partie").click()
    page.get_by_text("Partie « Alice Dupont » ajoutée.").wait_for()
    page.locator("#id_party-name").fill("Atlas Assurances")
    page.locator("#id_party-role").select_option("defendeur")
    page.locator("#id_party-is_insurer").check()
    page.get_by_role("button", name="Ajouter la partie").click()
    page.get_by_text("Partie « Atlas Assurances » ajoutée.").wait_for()
    assert list(mission.parties.values_list("name", flat=True)) == ["Alice Dupont", "Atlas Assurances"]

    page.get_by_role("link", name="Pièces").click()
    scan = tmp_path / "Certificat médical initial.pdf"
    scan.write_bytes(simple_pdf(["Certificat médical initial", "Entorse cervicale"]))
    page.get_by_label("Fichiers").set_input_files(str(scan))
    page.locator("#id_produced_by").select_option(label="Alice Dupont")
    page.get_by_label("Pièce(s) médicale(s)").check()
    page.get_by_label("Personne concernée").select_option(label="Alice Dupont")
    page.get_by_role("button", name="Déposer").click()

    page.get_by_text("1 pièce(s) ajoutée(s) au bordereau (n° 1).").wait_for()
    row = page.locator("#bordereau tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "1"
    assert "Certificat médical initial" in row.inner_text()
    assert "Alice Dupont" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="Ouvrir").click()
    assert download.value.suggested_filename == "Certificat médical initial.pdf"
    page.screenshot(path=str(tmp_path / "bordereau.png"), full_page=True)
