"""A second mission with the same RG at the same court, and the list of courts (issue #14, items 6
and 7).

A second order in the same case is a complement of the first (linked to it) or a mistake (nothing
created). Only missions the expert has a place in are named: another expert's mission is never
revealed, not even its existence (DOMAIN.md §3 rule 1, art. 160 CPC: the operations are not
public). The courts are the administrators' list, with their addresses; an expert proposes a
missing one, used at once for his own missions and offered to the others once checked.
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from cases.choices import MissionKind
from cases.models import Court, Mission
from cases.services.courts import court_propose, courts_offered
from cases.services.missions import mission_create
from tests import factories

pytestmark = pytest.mark.django_db


def _form(court: Court | None, rg: str = "26/00001", **extra) -> dict:
    data = {
        "court": court.pk if court else "",
        "rg": rg,
        "title": "Martin c/ Assurances du Centre",
        "framework": "road_accident",
        "kind": "initial",
        "ordered_on": "2026-10-01",
        "report_due": "2027-03-01",
        "judge": "",
        "questions": "Examiner la victime.",
    }
    data.update(extra)
    return data


@pytest.fixture
def first():
    court = factories.CourtFactory(name="Tribunal judiciaire de Lyon")
    m = factories.mission(court=court, title="Martin c/ Assurances du Centre (première)")
    return m, factories.lead_expert(m)


# --- duplicates ------------------------------------------------------------------------------------


def test_the_same_rg_at_the_same_court_asks_complement_or_mistake(client, first):
    m, expert = first
    client.force_login(expert)
    response = client.post(reverse("cases:mission_create"), _form(m.court))
    assert response.status_code == 400
    page = response.content.decode()
    assert "complément" in page and "erreur" in page and m.title in page
    assert "duplicate" in response.context["form"].errors
    assert Mission.objects.count() == 1


def test_a_complement_is_linked_to_the_first_mission(client, first):
    m, expert = first
    client.force_login(expert)
    response = client.post(reverse("cases:mission_create"), _form(m.court, rg=" 26/00001 ", duplicate="complement"))
    assert response.status_code == 302
    second = Mission.objects.exclude(pk=m.pk).get()
    assert second.previous == m and second.kind == MissionKind.COMPLEMENT
    detail = client.get(second.get_absolute_url()).content.decode()
    assert m.get_absolute_url() in detail


def test_a_mistake_creates_nothing(client, first):
    m, expert = first
    client.force_login(expert)
    response = client.post(reverse("cases:mission_create"), _form(m.court, duplicate="mistake"))
    assert response.status_code == 302 and response["Location"] == m.get_absolute_url()
    assert Mission.objects.count() == 1


def test_with_several_missions_of_that_rg_the_expert_chooses_the_one_completed(client, first):
    m, expert = first
    other = mission_create(
        created_by=expert,
        court=m.court,
        rg="26/00001",
        title="Martin c/ Assurances du Centre (contre-expertise)",
        framework="road_accident",
        ordered_on=date(2026, 9, 15),
        report_due=date(2027, 1, 15),
        questions=["Examiner."],
        kind="counter",
    )
    client.force_login(expert)
    refused = client.post(reverse("cases:mission_create"), _form(m.court, duplicate="complement"))
    assert refused.status_code == 400 and "previous" in refused.context["form"].errors
    done = client.post(reverse("cases:mission_create"), _form(m.court, duplicate="complement", previous=other.pk))
    assert done.status_code == 302
    assert Mission.objects.get(kind=MissionKind.COMPLEMENT).previous == other


def test_another_experts_mission_with_that_rg_is_never_revealed(client, first):
    """Rule 1 (art. 160 CPC): even the existence of another expert's case is secret."""
    m, _ = first
    stranger = factories.expert()
    client.force_login(stranger)
    response = client.post(reverse("cases:mission_create"), _form(m.court, title="Dupont c/ Atlas"))
    assert response.status_code == 302  # created without a word about the other mission
    mine = Mission.objects.get(title="Dupont c/ Atlas")
    assert mine.previous is None and mine.kind == MissionKind.INITIAL
    page = client.get(mine.get_absolute_url()).content.decode()
    assert m.title not in page
    # and a forged "complement" of it is refused without naming it
    forged = client.post(
        reverse("cases:mission_create"), _form(m.court, rg="26/55", duplicate="complement", previous=m.pk)
    )
    assert forged.status_code == 400 and m.title not in forged.content.decode()
    assert not Mission.objects.filter(rg="26/55").exists()
    with pytest.raises(ValidationError) as exc:
        mission_create(
            created_by=stranger,
            court=m.court,
            rg="26/00001",
            title="X",
            framework="civil",
            ordered_on=date(2026, 10, 1),
            report_due=date(2027, 1, 1),
            questions=["Q"],
            previous=m,
        )
    assert m.title not in str(exc.value)


def test_the_same_rg_at_another_court_is_another_case(client, first):
    _m, expert = first
    client.force_login(expert)
    other_court = factories.CourtFactory(name="Tribunal judiciaire de Vienne")
    assert client.post(reverse("cases:mission_create"), _form(other_court)).status_code == 302


# --- courts ----------------------------------------------------------------------------------------


def test_an_expert_proposes_a_missing_court_and_uses_it_at_once(client):
    expert = factories.expert()
    client.force_login(expert)
    response = client.post(
        reverse("cases:mission_create"),
        _form(
            None,
            new_court_name="Tribunal judiciaire de Bourg-en-Bresse",
            new_court_country="FR",
            new_court_address="32 avenue Alsace-Lorraine\n01000 Bourg-en-Bresse",
        ),
    )
    assert response.status_code == 302
    court = Court.objects.get(name="Tribunal judiciaire de Bourg-en-Bresse")
    assert (court.approved, court.proposed_by, court.country) == (False, expert, "FR")
    assert "Alsace-Lorraine" in court.address
    assert Mission.objects.get().court == court
    assert court in courts_offered(expert)
    # offered to him on the next form, not to another expert until the administrators checked it
    assert court in client.get(reverse("cases:mission_create")).context["form"].fields["court"].queryset
    other = factories.expert()
    client.force_login(other)
    assert court not in client.get(reverse("cases:mission_create")).context["form"].fields["court"].queryset
    refused = client.post(reverse("cases:mission_create"), _form(court, rg="26/2"))
    assert refused.status_code == 400 and "court" in refused.context["form"].errors
    Court.objects.filter(pk=court.pk).update(approved=True)
    assert court in courts_offered(other)


def test_the_court_is_chosen_or_proposed_not_both_and_not_neither(client):
    listed = factories.CourtFactory(name="Tribunal judiciaire de Lyon")
    client.force_login(factories.expert())
    neither = client.post(reverse("cases:mission_create"), _form(None))
    assert neither.status_code == 400 and "court" in neither.context["form"].errors
    both = client.post(
        reverse("cases:mission_create"), _form(listed, new_court_name="Tribunal de X", new_court_country="FR")
    )
    assert both.status_code == 400 and "new_court_name" in both.context["form"].errors
    no_country = client.post(reverse("cases:mission_create"), _form(None, new_court_name="Tribunal de X"))
    assert no_country.status_code == 400 and "new_court_country" in no_country.context["form"].errors
    again = client.post(
        reverse("cases:mission_create"),
        _form(None, new_court_name="tribunal judiciaire de lyon", new_court_country="FR"),
    )
    assert again.status_code == 400 and "figure déjà" in again.content.decode()
    assert not Mission.objects.exists() and Court.objects.count() == 1


def test_a_proposed_tunisian_court_allows_arabic_documents(client):
    client.force_login(factories.expert())
    response = client.post(
        reverse("cases:mission_create"),
        _form(None, new_court_name="Tribunal de première instance de Gabès", new_court_country="TN", language="ar"),
    )
    assert response.status_code == 302
    assert Mission.objects.get().language == "ar"


def test_clerks_and_judges_keep_their_court():
    court = factories.CourtFactory()
    clerk = factories.clerk(court)
    judge = factories.UserFactory(role=Role.JUDGE, court=court)
    factories.CourtFactory(name="Autre juridiction")
    for user in (clerk, judge):
        assert list(courts_offered(user)) == [court]
        with pytest.raises(PermissionDenied):
            court_propose(by=user, name="Tribunal de Y", country="FR")


def test_the_admin_lists_courts_with_addresses_filters_them_and_approves_proposals(client):
    admin = factories.UserFactory(role=Role.EXPERT, is_staff=True, is_superuser=True)
    proposed = court_propose(
        by=factories.expert(), name="Tribunal judiciaire de Gap", country="FR", address="Place Saint-Arnoux, Gap"
    )
    factories.CourtFactory(code="tpi-sfax", name="Tribunal de première instance de Sfax", country="TN")
    client.force_login(admin)
    url = reverse("admin:cases_court_changelist")
    listing = client.get(url).content.decode()
    assert "Place Saint-Arnoux, Gap" in listing
    assert "Sfax" not in client.get(url, {"country__exact": "FR"}).content.decode()
    assert "Gap" in client.get(url, {"approved__exact": "0"}).content.decode()
    assert "Sfax" in client.get(url, {"q": "Sfax"}).content.decode()
    client.post(url, {"action": "approve", "_selected_action": [proposed.pk]})
    proposed.refresh_from_db()
    assert proposed.approved
