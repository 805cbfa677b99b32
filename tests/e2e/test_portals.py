"""The other users' journeys in a real browser: the insurer's médecin-conseil and the clerk."""

import json

import pytest

from cases.scenarios import load_scenario
from tests.e2e.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lyon(lyon_scenario):
    return json.loads(json.dumps(load_scenario(lyon_scenario)))


def test_insurer_doctor_sees_what_the_victim_consented_to_and_prepares_a_dire(page, lyon):
    login(page, "dr.atlas", "demo-conseil-2026")
    page.get_by_role("link", name="26/01234").click()
    page.get_by_role("link", name="Pièces").click()
    table = page.locator("#bordereau")
    text = table.inner_text()
    assert "Certificat médical initial" in text  # consented in writing (C1)
    assert "Compte rendu d'hospitalisation" not in text  # quarantined
    assert "accident de ski" not in text  # unrelated to the mission
    assert text.count("Pièce médicale — secret médical") == 2
    with page.expect_download() as download:
        table.get_by_role("row").filter(has_text="Certificat médical initial").get_by_role(
            "link", name="Ouvrir"
        ).click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.get_by_role("link", name="Dires").click()
    page.get_by_label("Observations").fill("La consolidation au 15 septembre paraît prématurée.")
    page.get_by_role("button", name="Enregistrer le projet").click()
    page.get_by_text("Projet de dire enregistré").wait_for()
    assert "prématurée" in page.locator("main").inner_text()

    page.get_by_role("button", name="Se déconnecter").click()
    login(page, "me.atlas", "demo-avocat2-2026")
    page.goto(lyon["missions"]["M1"]["url"] + "dires/")
    page.get_by_role("button", name="Déposer ce dire").click()
    page.get_by_text("Dire déposé.").wait_for()
    assert "Dire de Atlas Assurances par Me Jean Morel" in page.locator("main").inner_text()


def test_clerk_follows_the_missions_of_his_court_without_reading_medical_content(page, lyon):
    login(page, "greffe.lyon", "demo-greffe-2026")
    dashboard = page.locator("main").inner_text()
    assert "26/01234" in dashboard and "26/00077" not in dashboard  # Vienne's mission is not his
    page.get_by_role("link", name="26/01234").click()
    assert "Dépôt du rapport avant le" in page.locator("main").inner_text()
    page.get_by_role("link", name="Pièces").click()
    text = page.locator("#bordereau").inner_text()
    assert "Ordonnance de référé désignant l'expert" in text
    assert text.count("Pièce médicale — secret médical") == 4
    for title in ("Certificat médical initial", "hospitalisation", "ski", "consolidation"):
        assert title not in text
    response = page.request.get(lyon["documents"]["M1/D2"]["download_url"])
    assert response.status == 403
    assert page.request.get(lyon["missions"]["M2"]["url"]).status == 404
