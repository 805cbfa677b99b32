"""The experts' answers to the dires (issue #14, items 1 and 5): given and corrected until the
deposit, each correction in the history with its before and after; refused after the deposit.
A dire's receipt and its answer are dated on a day that has come, never before the order.

Legal basis: CPC art. 276 (the dires; al. 2: the report mentions the follow-up given to them);
DOMAIN.md §6 (the deposited report is frozen) and §8 (the experts record and answer dires; the
avocat files them); rules 4 and 8 (the court reads the dires with the deposited report)."""

import html
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import countries, history
from cases.models import Change, ChangeAction
from cases.services.dires import dire_answer, dire_file, dire_prepare, dire_record
from cases.services.missions import assignment_add
from reports.models import ReportVersion
from tests import factories

pytestmark = pytest.mark.django_db

FUTURE = timezone.localdate() + timedelta(days=3)


@pytest.fixture
def case():
    """A college, the court's clerk, a victim and an insurer each with an avocat and a médecin-conseil;
    a dire of the insurer received on 2 November 2026. The order is of 1 September 2026."""
    m = factories.mission()
    users = {"lead": factories.lead_expert(m), "co_expert": factories.expert(), "sapiteur": factories.expert()}
    assignment_add(mission=m, expert=users["co_expert"], role="co_expert")
    assignment_add(mission=m, expert=users["sapiteur"], role="sapiteur")
    users["clerk"] = factories.clerk(m.court)
    victim = factories.party(m, is_victim=True, account=factories.UserFactory(role=Role.PARTY))
    insurer = factories.party(m, name="Atlas Assurances", role="defendeur", is_insurer=True)
    users["victim_avocat"] = factories.represent(victim, "avocat")
    users["insurer_avocat"] = factories.represent(insurer, "avocat")
    users["insurer_doctor"] = factories.represent(insurer, "medecin_conseil")
    dire = dire_record(
        by=users["insurer_avocat"],
        mission=m,
        party=insurer,
        received_on=date(2026, 11, 2),
        text="La durée est excessive.",
    )
    return m, users, victim, insurer, dire


def _deposit(m, by):
    return ReportVersion.objects.create(
        mission=m,
        number=1,
        kind="final",
        pdf=b"%PDF",
        sha256="0" * 64,
        size=4,
        pages=1,
        report_revision=1,
        created_by=by,
    )


def _flat(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def test_the_experts_answer_and_correct_their_answer_with_a_trail(case):
    """CPC art. 276 al. 2: the experts answer each dire; until the deposit they may correct their
    answer, each correction a line of the history with before and after, kept from the court."""
    m, users, _victim, _insurer, dire = case
    dire_answer(by=users["lead"], dire=dire, answer="La durée est justifiée.", answered_on=date(2026, 11, 5))
    assert not Change.objects.filter(mission=m, subject="dire").exists()  # a first answer is no correction
    dire_answer(
        by=users["co_expert"], dire=dire, answer="La durée est justifiée par les certificats.", reason="Précision."
    )
    dire.refresh_from_db()
    assert dire.answer == "La durée est justifiée par les certificats."
    assert dire.answered_on == date(2026, 11, 5)  # a correction keeps the date unless given
    change = Change.objects.get(mission=m, subject="dire", action=ChangeAction.CORRECTED)
    assert change.by == users["co_expert"] and change.reason == "Précision." and not change.court_visible
    assert change.changes == {
        "réponse de l'expert": ["La durée est justifiée.", "La durée est justifiée par les certificats."]
    }
    assert change not in history.for_mission(m, court_staff=True)
    dire_answer(by=users["lead"], dire=dire, answer=dire.answer, answered_on=date(2026, 11, 6))
    assert Change.objects.get(mission=m, subject="dire", changes__has_key="répondu le").changes["répondu le"] == [
        "05/11/2026",
        "06/11/2026",
    ]


def test_only_the_experts_answer_a_dire(case):
    """DOMAIN.md §8: the experts (lead and co-expert) answer; never the sapiteur, an avocat, a party's
    doctor or the clerk."""
    _m, users, _victim, _insurer, dire = case
    for name in ("sapiteur", "victim_avocat", "insurer_avocat", "insurer_doctor", "clerk"):
        with pytest.raises(PermissionDenied):
            dire_answer(by=users[name], dire=dire, answer="Réponse.")
    dire.refresh_from_db()
    assert dire.answer == ""


def test_no_answer_is_given_or_corrected_after_the_deposit(client, case):
    """CPC art. 276 al. 2 and DOMAIN.md §6: the deposited report, which mentions the follow-up given
    to the dires, is frozen; the answer is neither corrected nor given after it, with the reason."""
    m, users, _victim, insurer, dire = case
    late = dire_record(by=users["lead"], mission=m, party=insurer, received_on=date(2026, 11, 3), text="Autre dire.")
    dire_answer(by=users["lead"], dire=dire, answer="Réponse.", answered_on=date(2026, 11, 5))
    url = reverse("cases:mission_dires", args=[m.pk])
    client.force_login(users["lead"])
    assert "Corriger la réponse" in client.get(url).content.decode()
    _deposit(m, users["lead"])
    for target in (dire, late):
        with pytest.raises(ValidationError) as caught:
            dire_answer(by=users["lead"], dire=target, answer="Réponse corrigée.")
        assert "art. 276 CPC" in caught.value.message_dict["answer"][0]
    page = _flat(client.get(url))
    assert "Corriger la réponse" not in page and "ce dire est resté sans réponse" in page
    response = client.post(url, {"form": "answer", "dire": dire.pk, "answer": "Réponse corrigée."}, follow=True)
    assert "Le rapport est déposé" in " ".join(str(msg) for msg in response.context["messages"])
    dire.refresh_from_db()
    assert dire.answer == "Réponse."


def test_the_dires_tab_shows_the_correction_form_to_the_experts_only(client, case):
    """DOMAIN.md §8: the Dires tab offers the experts their answer's correction (with its date and
    reason); the avocats read the answer, without the form."""
    m, users, _victim, _insurer, dire = case
    dire_answer(by=users["lead"], dire=dire, answer="Réponse initiale.", answered_on=date(2026, 11, 5))
    url = reverse("cases:mission_dires", args=[m.pk])
    client.force_login(users["co_expert"])
    page = client.get(url).content.decode()
    assert "Corriger la réponse" in page and 'name="reason"' in page and "Réponse initiale." in page
    response = client.post(
        url,
        {
            "form": "answer",
            "dire": dire.pk,
            "answer": "Réponse corrigée.",
            "answered_on": "2026-11-07",
            "reason": "Coquille.",
        },
    )
    assert response.status_code == 302
    dire.refresh_from_db()
    assert dire.answer == "Réponse corrigée." and dire.answered_on == date(2026, 11, 7)
    assert Change.objects.get(mission=m, subject="dire").reason == "Coquille."
    for name in ("insurer_avocat", "victim_avocat", "sapiteur"):
        client.force_login(users[name])
        page = client.get(url).content.decode()
        assert "Réponse corrigée." in page and "Corriger la réponse" not in page, name
        assert client.post(url, {"form": "answer", "dire": dire.pk, "answer": "x"}).status_code == 403, name


def test_an_answer_is_dated_after_the_dire_and_never_in_the_future(client, case):
    """Issue #14 item 5: an answer is not dated in the future (the court's date), nor before the dire
    it answers, nor before the order (a dire answers the experts' work)."""
    m, users, _victim, _insurer, dire = case
    for day, word in ((FUTURE, "futur"), (date(2026, 11, 1), "réception du dire"), (date(2026, 8, 1), "décision")):
        with pytest.raises(ValidationError) as caught:
            dire_answer(by=users["lead"], dire=dire, answer="Réponse.", answered_on=day)
        assert word in caught.value.message_dict["answered_on"][0], day
    client.force_login(users["lead"])
    url = reverse("cases:mission_dires", args=[m.pk])
    response = client.post(
        url, {"form": "answer", "dire": dire.pk, "answer": "Réponse.", "answered_on": FUTURE.isoformat()}, follow=True
    )
    assert "futur" in " ".join(str(msg) for msg in response.context["messages"])
    dire.refresh_from_db()
    assert dire.answer == ""
    dire_answer(by=users["lead"], dire=dire, answer="Réponse.")
    dire.refresh_from_db()
    assert dire.answered_on == countries.today(m)  # a first answer: the court's today


def test_a_dire_is_received_after_the_order_and_never_in_the_future(client, case):
    """CPC art. 276: a dire answers the experts' work, so it is received after the order, and on a
    day that has come; recorded by post (an expert), filed by its avocat, or filed from a draft."""
    m, users, _victim, insurer, _dire = case
    for day, word in ((FUTURE, "futur"), (date(2026, 8, 31), "décision")):
        with pytest.raises(ValidationError) as caught:
            dire_record(by=users["lead"], mission=m, party=insurer, received_on=day, text="Observations.")
        assert word in caught.value.message_dict["received_on"][0]
    draft = dire_prepare(party=insurer, prepared_by=users["insurer_doctor"], text="Projet.")
    with pytest.raises(ValidationError) as caught:
        dire_file(dire=draft, filed_by=users["insurer_avocat"], received_on=FUTURE)
    assert "received_on" in caught.value.message_dict
    client.force_login(users["lead"])
    response = client.post(
        reverse("cases:mission_dires", args=[m.pk]),
        {"form": "dire", "party": insurer.pk, "received_on": FUTURE.isoformat(), "text": "Observations."},
    )
    assert response.status_code == 400 and "received_on" in response.context["form"].errors
    assert m.dires.filter(is_filed=True).count() == 1


def test_dire_record_asks_the_door(case):
    """DOMAIN.md §8: an avocat files for his own party only (he is then its filer); an expert records
    a dire received by post; the sapiteur and the adverse side never."""
    m, users, victim, insurer, _dire = case
    with pytest.raises(PermissionDenied):
        dire_record(by=users["insurer_avocat"], mission=m, party=victim, received_on=date(2026, 11, 4), text="x")
    with pytest.raises(PermissionDenied):
        dire_record(by=users["sapiteur"], mission=m, party=insurer, received_on=date(2026, 11, 4), text="x")
    own = dire_record(by=users["victim_avocat"], mission=m, party=victim, received_on=date(2026, 11, 4), text="x")
    assert own.filed_by == users["victim_avocat"]
