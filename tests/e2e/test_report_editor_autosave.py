"""The report editor loses no text and keeps the expert's place (issue 14, item 9), in a real
browser: what is typed is kept in the browser until it is saved and put back with a notice after a
reload; leaving with unsaved changes asks first; the calculators answer in place, without reloading
the page nor moving it; the section index stays in view on the long page. The calculators' JSON
door is checked through the Django client too: the experts of the mission only (the report is
theirs until it is sent, CPC art. 282), outsiders get the 404 of a mission that does not exist."""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import Role
from cases.choices import MissionStatus
from cases.services.missions import designation_respond, mission_transition
from reports.builder import report_for
from tests import factories
from tests.e2e.conftest import login

DRAFTS = "Object.keys(localStorage).filter(k => k.startsWith('report-draft:'))"


def _mission():
    expert = factories.expert(username="dr.martin", first_name="Paul", last_name="Martin")
    mission = factories.mission(expert_user=expert, rg="26/01234", title="Dupont c/ Atlas", ordered_on=date(2026, 9, 1))
    with transaction.atomic():
        designation_respond(by=expert, mission=mission, accept=True)
        mission_transition(by=expert, mission=mission, to=MissionStatus.IN_PROGRESS)
    factories.party(mission, name="Alice Dupont", is_victim=True)
    return mission, expert


def _open(page, mission):
    login(page, "dr.martin", factories.PASSWORD)
    page.goto(reverse("reports:mission_report", args=[mission.pk]))
    page.locator("#report-editor").wait_for()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_unsaved_text_is_kept_restored_with_a_notice_guarded_and_cleared_once_saved(page):
    mission, _expert = _mission()
    _open(page, mission)
    facts = page.locator("#id_facts")
    facts.fill("Accident du 14 mars 2026 : piéton renversé.")
    page.locator("#draft-status").filter(has_text="conservées dans ce navigateur").wait_for()
    assert len(page.evaluate(DRAFTS)) == 1

    # leaving with unsaved changes asks first; staying keeps the text
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    url = page.url
    page.get_by_role("link", name="Pièces").first.click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert page.url == url and facts.input_value() == "Accident du 14 mars 2026 : piéton renversé."

    # the browser closed or the page reloaded anyway: the draft comes back, with a notice
    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    notice = page.locator("#draft-notice")
    notice.wait_for(state="visible")
    assert "Brouillon non enregistré restauré" in notice.inner_text()
    assert "Brouillon non enregistré restauré" in page.locator("#draft-status").inner_text()  # the bar at the foot
    assert page.locator("#id_facts").input_value() == "Accident du 14 mars 2026 : piéton renversé."
    assert report_for(mission).facts == ""  # nothing saved on the server by the browser

    # saved: the server has it, the browser's draft is gone, nothing to restore or guard
    page.get_by_role("button", name="Enregistrer le rapport").click()
    page.get_by_text("Rapport enregistré.").wait_for()
    assert report_for(mission).facts == "Accident du 14 mars 2026 : piéton renversé."
    assert page.evaluate(DRAFTS) == []
    assert not page.locator("#draft-notice").is_visible()
    page.get_by_role("link", name="Pièces").first.click()  # no dialog: the page is saved
    page.wait_for_url("**/pieces/**")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_discarding_a_draft_brings_back_the_saved_report(page):
    mission, _expert = _mission()
    _open(page, mission)
    page.locator("#id_complaints").fill("Texte abandonné.")
    page.locator("#draft-status").filter(has_text="conservées").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.reload()
    page.locator("#draft-notice").wait_for(state="visible")
    page.get_by_role("button", name="Abandonner ce brouillon").click()
    page.wait_for_load_state()
    page.locator("#report-editor").wait_for()
    assert page.locator("#id_complaints").input_value() == ""
    assert page.evaluate(DRAFTS) == []
    assert not page.locator("#draft-notice").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_calculator_answers_in_place_keeping_the_scroll_position(page):
    mission, _expert = _mission()
    _open(page, mission)
    page.locator("#id_facts").fill("Texte en cours de saisie.")
    page.locator("#calculator").evaluate("e => e.scrollIntoView({block: 'center', behavior: 'instant'})")
    page.evaluate("window.notReloaded = true")
    page.locator("#id_calc-method").select_option("balthazard")
    page.locator("#id_calc-values").fill("60 ; 20 ; 10")
    before = page.evaluate("window.scrollY")
    assert before > 500
    page.get_by_role("button", name="Calculer").click()
    result = page.locator("#calc-result")
    result.wait_for()
    assert "Proposition : 71,2 %" in result.inner_text() and "Règle de Balthazard" in result.inner_text()
    assert page.evaluate("window.notReloaded") is True  # no reload
    assert abs(page.evaluate("window.scrollY") - before) < 5
    assert page.locator("#id_facts").input_value() == "Texte en cours de saisie."

    page.get_by_role("button", name="Reprendre ce taux et ce raisonnement").click()
    assert page.locator("#id_ipp_rate").input_value() == "71.20"
    assert "Règle de Balthazard" in page.locator("#id_ipp_reasoning").input_value()
    assert abs(page.evaluate("window.scrollY") - before) < 5

    # a refused input is said at its field, in place too
    page.locator("#id_calc-method").select_option("gabrielli")
    page.locator("#id_calc-values").fill("15 ; 70")
    page.get_by_role("button", name="Calculer").click()
    page.locator("#calc-error").filter(has_text="ne peut dépasser la capacité avant").wait_for()
    assert "is-invalid" in page.locator("#id_calc-values").get_attribute("class")
    assert page.evaluate("window.notReloaded") is True

    # the rate taken is saved with the report, like a typed one
    page.get_by_role("button", name="Enregistrer le rapport").click()
    page.get_by_text("Rapport enregistré.").wait_for()
    assert str(report_for(mission).ipp_rate) == "71.20"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_section_index_stays_in_view_and_leads_to_each_section(page):
    mission, _expert = _mission()
    _open(page, mission)
    index = page.locator("#report-index")
    page.evaluate("window.scrollTo({top: document.body.scrollHeight, behavior: 'instant'})")
    assert page.evaluate("window.scrollY") > 2000
    box = index.bounding_box()
    assert 0 <= box["y"] < 900, box  # still in the window at the foot of the page
    index.get_by_role("link", name="Tierce personne, appareillages, soins futurs").click()
    # the page scrolls (smoothly) to the card, the index stays in view
    page.wait_for_function(
        "() => { const y = document.getElementById('section-tierce-personne').getBoundingClientRect().top;"
        " return y >= 0 && y < 100; }"
    )
    assert 0 <= index.bounding_box()["y"] < 900


# --- the calculators' door (Django client) ----------------------------------------------------------


@pytest.mark.django_db
def test_the_calculator_door_answers_the_mission_s_experts_in_json(client):
    mission, expert = _mission()
    url = reverse("reports:report_calculate", args=[mission.pk])
    client.force_login(expert)
    answer = client.post(url, {"calc-method": "balthazard", "calc-values": "60 ; 20 ; 10"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] and body["rate"] == "71.20" and body["proposal"] == "Proposition : 71,2 %"
    assert "Règle de Balthazard" in body["reasoning"]
    refused = client.post(url, {"calc-method": "gabrielli", "calc-values": "15 ; 70"})
    assert refused.status_code == 400
    assert "ne peut dépasser" in refused.json()["errors"]["calc-values"][0]
    assert client.get(url).status_code == 405
    assert report_for(mission).ipp_rate is None  # a proposal, never saved


@pytest.mark.django_db
def test_the_calculator_door_is_closed_to_the_parties_and_hidden_from_outsiders(client):
    mission, _expert = _mission()
    url = reverse("reports:report_calculate", args=[mission.pk])
    avocat = factories.represent(mission.parties.get(), user=factories.UserFactory(role=Role.AVOCAT))
    client.force_login(avocat)
    assert client.post(url, {"calc-values": "10"}).status_code == 403
    client.force_login(factories.expert())
    assert client.post(url, {"calc-values": "10"}).status_code == 404
    client.logout()
    assert client.post(url, {"calc-values": "10"}).status_code == 302
