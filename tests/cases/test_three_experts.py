"""DOMAIN.md §8 and the CPCC (quoted in the Tunisian seed): "si l'État ou une autre collectivité
publique est partie à un procès, l'expertise ne peut se faire que par trois experts à moins que les
parties ne consentent qu'il y soit procédé par un seul". The mission page warns until three experts
(the lead expert and co-experts; a sapiteur is no expert of the mission) are seated or the parties'
agreement to one expert is recorded; a French mission knows no such rule."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cases import countries
from cases.choices import ExpertRole, PartyRole
from cases.models import Party
from cases.services.missions import assignment_add
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tunis():
    court = factories.CourtFactory(code="tpi-tunis", name="Tribunal de première instance de Tunis", country="TN")
    m = factories.mission(court=court, rg="2026/7", title="Sassi c/ Ministère de la Santé")
    factories.party(m, name="Karim Sassi", is_victim=True)
    factories.party(m, name="Ministère de la Santé", role=PartyRole.DEFENDEUR, public_body=True)
    return m


def _warning(client, mission) -> bool:
    html = client.get(reverse("cases:mission_detail", args=[mission.pk])).content.decode()
    return 'id="three-experts"' in html


def test_a_public_body_in_a_tunisian_case_calls_for_three_experts(client, tunis):
    lead = factories.lead_expert(tunis)
    client.force_login(lead)
    response = client.get(reverse("cases:mission_detail", args=[tunis.pk]))
    html = response.content.decode()
    assert 'id="three-experts"' in html
    assert f"({countries.cite('three_experts', tunis)})" in html and "Experts désignés : 1 sur 3." in html
    assert "CPC)" not in html
    assert tunis.three_experts_missing()

    assignment_add(mission=tunis, expert=factories.expert(), role=ExpertRole.SAPITEUR)
    assignment_add(mission=tunis, expert=factories.expert(), role=ExpertRole.CO_EXPERT)
    assert _warning(client, tunis)  # two experts; a sapiteur does not count
    assignment_add(mission=tunis, expert=factories.expert(), role=ExpertRole.CO_EXPERT)
    assert not _warning(client, tunis) and not tunis.three_experts_missing()


def test_the_agreement_of_the_parties_to_one_expert_ends_the_warning(client, tunis):
    lead = factories.lead_expert(tunis)
    client.force_login(lead)
    url = reverse("cases:mission_single_expert", args=[tunis.pk])
    tomorrow = countries.today(tunis) + timedelta(days=1)
    client.post(url, {"agreed_on": tomorrow.isoformat()})
    tunis.refresh_from_db()
    assert tunis.single_expert_agreed_on is None and _warning(client, tunis)

    response = client.post(url, {"agreed_on": "2026-06-15"})
    assert response.status_code == 302
    tunis.refresh_from_db()
    assert tunis.single_expert_agreed_on == date(2026, 6, 15)
    html = client.get(reverse("cases:mission_detail", args=[tunis.pk])).content.decode()
    assert 'id="three-experts"' not in html and "15/06/2026" in html

    client.post(url, {"agreed_on": ""})  # withdrawn
    tunis.refresh_from_db()
    assert tunis.single_expert_agreed_on is None and _warning(client, tunis)


def test_only_the_experts_record_the_agreement(client, tunis):
    clerk = factories.clerk(tunis.court)
    client.force_login(clerk)
    assert _warning(client, tunis)  # the clerk sees the warning...
    html = client.get(reverse("cases:mission_detail", args=[tunis.pk])).content.decode()
    assert reverse("cases:mission_single_expert", args=[tunis.pk]) not in html  # ...not the form
    response = client.post(reverse("cases:mission_single_expert", args=[tunis.pk]), {"agreed_on": "2026-06-15"})
    assert response.status_code == 403
    tunis.refresh_from_db()
    assert tunis.single_expert_agreed_on is None


def test_no_warning_without_a_public_body_or_outside_tunisia(client):
    tunis = factories.CourtFactory(code="tpi-tunis", name="Tribunal de première instance de Tunis", country="TN")
    private = factories.mission(court=tunis, rg="2026/8")
    factories.party(private, name="Société Tunisienne d'Assurances", role=PartyRole.DEFENDEUR, is_insurer=True)
    lyon = factories.mission(court=factories.CourtFactory(code="tj-lyon", country="FR"), rg="26/9")
    factories.party(lyon, name="État français", role=PartyRole.DEFENDEUR, public_body=True)
    for m in (private, lyon):
        client.force_login(factories.lead_expert(m))
        assert not _warning(client, m) and not m.three_experts_missing()
    assert countries.cite("three_experts", lyon) == ""


def test_the_party_form_records_a_public_body(client):
    court = factories.CourtFactory(code="tpi-sfax", name="Tribunal de première instance de Sfax", country="TN")
    m = factories.mission(court=court, rg="2026/10")
    client.force_login(factories.lead_expert(m))
    form = client.get(reverse("cases:mission_parties", args=[m.pk])).content.decode()
    assert 'name="party-public_body"' in form and "État ou autre personne publique" in form
    response = client.post(
        reverse("cases:mission_parties", args=[m.pk]),
        {"form": "party", "party-name": "Commune de Sfax", "party-role": "defendeur", "party-public_body": "on"},
    )
    assert response.status_code == 302
    assert Party.objects.get(mission=m).public_body is True
    assert _warning(client, m)
    page = client.get(reverse("cases:mission_parties", args=[m.pk])).content.decode()
    assert "personne publique" in page
