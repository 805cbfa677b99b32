"""The history page of a mission ("Historique", issue #14 item 1): what changed, who, when, before
and after, why; newest first, 50 a page, in the court's time.

Who reads it (DOMAIN.md §8, one door for actions): the experts all of it; the court staff (clerk and
judge) what is not medical (DOMAIN.md §3 rule 8: they never read medical content; L1110-4 CSP);
the parties' sides and the sapiteur do not have the tab; outsiders get the 404 of a mission that
does not exist (rule 1, art. 160 CPC).
"""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases import history
from cases.models import Change, ChangeAction
from cases.services.missions import assignment_add
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def situation():
    m = factories.mission()
    users = {"lead": factories.lead_expert(m), "co_expert": factories.expert(), "sapiteur": factories.expert()}
    assignment_add(mission=m, expert=users["co_expert"], role="co_expert")
    assignment_add(mission=m, expert=users["sapiteur"], role="sapiteur")
    users["clerk"] = factories.clerk(m.court)
    users["judge"] = factories.UserFactory(role=Role.JUDGE, court=m.court)
    victim = factories.party(m, is_victim=True, account=factories.UserFactory(role=Role.PARTY))
    users["victim"] = victim.account
    users["avocat"] = factories.represent(victim)
    users["doctor"] = factories.represent(victim, "medecin_conseil")
    return m, users


def _medical_change(m, by):
    return history.record(
        mission=m,
        by=by,
        action=ChangeAction.CORRECTED,
        label="Compte rendu psychiatrique",
        changes={"date": ["01/09/2026", "02/09/2026"]},
        reason="Date de la pièce",
        court_visible=False,
    )


@pytest.mark.parametrize("seat", ["lead", "co_expert", "clerk", "judge"])
def test_the_experts_and_the_court_staff_have_the_tab(client, situation, seat):
    m, users = situation
    client.force_login(users[seat])
    url = reverse("cases:mission_history", args=[m.pk])
    assert client.get(url).status_code == 200
    assert url in client.get(m.get_absolute_url()).content.decode()


@pytest.mark.parametrize("seat", ["sapiteur", "victim", "avocat", "doctor"])
def test_the_parties_sides_and_the_sapiteur_do_not_have_the_tab(client, situation, seat):
    """DOMAIN.md §8: the history is the experts' and the court's; a refused tab answers 403."""
    m, users = situation
    client.force_login(users[seat])
    url = reverse("cases:mission_history", args=[m.pk])
    assert client.get(url).status_code == 403
    assert url not in client.get(m.get_absolute_url()).content.decode()


def test_an_outsider_gets_a_404(client, situation):
    m, _ = situation
    client.force_login(factories.expert())
    assert client.get(reverse("cases:mission_history", args=[m.pk])).status_code == 404


def test_a_clerk_does_not_see_a_medical_change_and_the_expert_does(client, situation):
    """DOMAIN.md §3 rule 8: the court staff never read medical content, not even a piece's title."""
    m, users = situation
    _medical_change(m, users["lead"])
    url = reverse("cases:mission_history", args=[m.pk])
    for seat in ("clerk", "judge"):
        client.force_login(users[seat])
        page = client.get(url).content.decode()
        assert "Compte rendu psychiatrique" not in page and "Date de la pièce" not in page, seat
        assert "Création" in page  # what is not medical stays visible
    client.force_login(users["co_expert"])
    page = client.get(url).content.decode()
    assert "Compte rendu psychiatrique" in page and "01/09/2026" in page and "02/09/2026" in page


def test_newest_first_and_fifty_a_page(client, situation):
    m, users = situation
    for i in range(60):
        history.record(mission=m, by=users["lead"], action=ChangeAction.CORRECTED, label=f"Ligne {i:02d}", reason="x")
    client.force_login(users["lead"])
    url = reverse("cases:mission_history", args=[m.pk])
    first = client.get(url)
    labels = [c.label for c in first.context["page"]]
    assert len(labels) == 50 and labels[0] == "Ligne 59" and labels[1] == "Ligne 58"
    second = client.get(url, {"page": 2})
    oldest = list(second.context["page"])[-1]
    assert (oldest.action, oldest.subject) == ("created", "mission")  # the creation is the oldest line
    assert 'href="?page=2"' in first.content.decode()


def test_times_are_those_of_the_court(client):
    """DOMAIN.md §11: a Tunisian mission's history is read in Tunis's time."""
    tunis = factories.mission(court=factories.CourtFactory(code="tpi-tunis", country="TN"))
    paris = factories.mission(court=factories.CourtFactory(code="tj-paris", country="FR"))
    moment = datetime(2026, 7, 10, 8, 0, tzinfo=UTC)
    Change.objects.update(at=moment)
    client.force_login(factories.lead_expert(tunis))
    assert "10/07/2026 09:00" in client.get(reverse("cases:mission_history", args=[tunis.pk])).content.decode()
    client.force_login(factories.lead_expert(paris))
    assert "10/07/2026 10:00" in client.get(reverse("cases:mission_history", args=[paris.pk])).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("seat", ["lead", "clerk"])
def test_the_page_costs_the_same_queries_with_one_row_or_thirty(client, situation, seat, django_assert_num_queries):
    m, users = situation
    Change.objects.filter(mission=m).delete()
    history.record(mission=m, by=users["lead"], action=ChangeAction.CORRECTED, label="Une", reason="x")
    client.force_login(users[seat])
    url = reverse("cases:mission_history", args=[m.pk])
    one = _queries(client, url)
    for i in range(29):
        by = users["lead"] if i % 2 else users["co_expert"]
        history.record(mission=m, by=by, action=ChangeAction.CORRECTED, label=f"L{i}", changes={"a": ["1", "2"]})
    with django_assert_num_queries(one):
        response = client.get(url)
    assert len(response.context["page"]) == 30
