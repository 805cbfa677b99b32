"""Refusals and consents (issue #14, item 3): the patient, or his avocat, lifts his refusal; an
expert records the lifting only on the patient's signed statement. A lifted refusal stays in the
record; access follows the standing refusals only, in Python and in SQL alike. A refusal
supersedes the consents that cover the piece, and the pages say so.

Legal basis: DOMAIN.md §3 rules 3, 5, 6 and 8; CSP art. L1110-4 (the patient is master of the
secret); Civ. 1re, 11 juin 2009 (a refusal is recorded, never overridden)."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases import access
from cases.models import Change, ChangeAction, Refusal
from cases.services.consents import refusal_lift, refusal_record
from cases.services.missions import assignment_add
from tests import factories

pytestmark = pytest.mark.django_db


def _signed(name: str = "levee-signee.pdf"):
    return factories.pdf_upload(name, "Déclaration signée du patient")


@pytest.fixture
def case():
    """A victim with an avocat, a médecin-conseil and his own account; an insurer with its avocat
    and its médecin-conseil; a co-expert and a sapiteur; the court's clerk. Piece 1 is the victim's
    medical piece, consented in writing to the insurer's doctor."""
    m = factories.mission()
    users = {"lead": factories.lead_expert(m), "co_expert": factories.expert(), "sapiteur": factories.expert()}
    assignment_add(mission=m, expert=users["co_expert"], role="co_expert")
    assignment_add(mission=m, expert=users["sapiteur"], role="sapiteur")
    users["clerk"] = factories.clerk(m.court)
    users["patient"] = factories.UserFactory(role=Role.PARTY)
    victim = factories.party(m, is_victim=True, account=users["patient"])
    insurer = factories.party(m, name="Atlas Assurances", role="defendeur", is_insurer=True)
    users["victim_avocat"] = factories.represent(victim, "avocat")
    users["victim_doctor"] = factories.represent(victim, "medecin_conseil")
    users["insurer_avocat"] = factories.represent(insurer, "avocat")
    users["insurer_doctor"] = factories.represent(insurer, "medecin_conseil")
    doc = factories.medical(m, victim, title="Compte rendu opératoire")
    consent = factories.consent(m, victim, to=insurer, written=True, recorded_by=users["patient"])
    return m, users, victim, insurer, doc, consent


def _agree(mission, users, documents):
    """decide() and visible_documents() give the same answer for every user, piece and action."""
    for user in users.values():
        for action in access.Action:
            visible = set(access.visible_documents(user, mission, action=action).values_list("pk", flat=True))
            for doc in documents:
                assert access.decide(user, action, doc).allowed == (doc.pk in visible), (user, action, doc)


def test_consent_then_refusal_then_lift_the_adverse_doctor_loses_then_regains_the_piece(client, case):
    """Rule 5 then rule 6 (Civ. 1re, 11 juin 2009): a refusal closes the piece to the insurer's
    doctor whatever the consent; lifted, the consent covers it again. The SQL list, the decision
    and the download agree at each step."""
    m, users, victim, _insurer, doc, _consent = case
    url = reverse("cases:document_download", args=[doc.pk])
    doctor = users["insurer_doctor"]
    client.force_login(doctor)
    assert client.get(url).status_code == 200
    assert doc in access.visible_documents(doctor, m)

    refusal = refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=date(2026, 10, 1))
    assert client.get(url).status_code == 403
    assert doc not in access.visible_documents(doctor, m)
    assert access.decide(doctor, "download", doc).rule == access.Rule.REFUSED
    _agree(m, users, [doc])

    refusal_lift(by=users["patient"], refusal=refusal, on=date(2026, 10, 20))
    assert client.get(url).status_code == 200
    assert doc in access.visible_documents(doctor, m)
    assert access.decide(doctor, "download", doc).rule == access.Rule.CONSENT
    _agree(m, users, [doc])
    # the bordereau's SQL annotation agrees too
    listed = access.annotate_openable(doctor, m.documents.all()).get(pk=doc.pk)
    assert listed.openable and not listed.refused


def test_the_report_counts_standing_refusals_only(case):
    """Rule 6, DOMAIN.md §6: the report states a refusal without the piece's title; once lifted, the
    piece the experts may read again is relied on and named."""
    m, users, victim, _insurer, doc, _consent = case
    refusal = refusal_record(
        recorded_by=users["victim_avocat"], patient=victim, document=doc, refused_on=date(2026, 10, 1)
    )
    pieces = access.report_pieces(m)
    assert pieces.refused == 1 and doc not in pieces.pieces
    refusal_lift(by=users["victim_avocat"], refusal=refusal)
    pieces = access.report_pieces(m)
    assert pieces.refused == 0 and doc in pieces.pieces


def test_the_patient_or_his_avocat_lifts_an_expert_only_on_the_signed_statement(case):
    """DOMAIN.md §8, rules 3 and 6 (CSP L1110-4): the decision is the patient's. His avocat records it;
    the experts on his signed statement (the scan); the sapiteur and the adverse side never."""
    _m, users, victim, _insurer, doc, _consent = case
    refusal = refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=date(2026, 10, 1))
    for name in ("sapiteur", "insurer_avocat", "insurer_doctor", "victim_doctor", "clerk"):
        with pytest.raises(PermissionDenied):
            refusal_lift(by=users[name], refusal=refusal, scan=_signed())
    with pytest.raises(ValidationError) as caught:
        refusal_lift(by=users["lead"], refusal=refusal)
    assert "scan" in caught.value.message_dict
    refusal.refresh_from_db()
    assert refusal.lifted_on is None

    lifted = refusal_lift(by=users["co_expert"], refusal=refusal, on=date(2026, 10, 15), scan=_signed())
    assert lifted.lifted_on == date(2026, 10, 15) and lifted.lifted_by == users["co_expert"] and lifted.lift_scan


def test_a_lifted_refusal_stays_in_the_record_and_in_the_history(case):
    """Civ. 1re, 11 juin 2009: the refusal is recorded for the judge; its lifting does not erase it.
    The history keeps the lifting, from the experts only (a refusal is a fact of the secret, rule 8)."""
    m, users, victim, _insurer, doc, _consent = case
    refusal = refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=date(2026, 10, 1))
    refusal_lift(by=users["patient"], refusal=refusal, on=date(2026, 10, 3))
    assert Refusal.objects.filter(pk=refusal.pk, lifted_on=date(2026, 10, 3)).exists()
    change = Change.objects.get(mission=m, action=ChangeAction.LIFTED)
    assert change.by == users["patient"] and not change.court_visible
    assert change.changes == {"levé le": ["", "03/10/2026"]}
    with pytest.raises(ValidationError, match="déjà été levé"):
        refusal_lift(by=users["patient"], refusal=refusal)
    # he may refuse the piece again: only one refusal stands at a time
    again = refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=date(2026, 10, 10))
    assert again.is_standing and Refusal.objects.filter(document=doc).count() == 2
    with pytest.raises(ValidationError):
        refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=date(2026, 10, 11))
    assert access.decide(users["insurer_doctor"], "view", doc).rule == access.Rule.REFUSED


def test_refusal_and_lifting_dates_are_facts(case):
    """A recorded fact is never dated in the future (the court's date); a lifting never precedes the
    refusal it lifts."""
    _m, users, victim, _insurer, doc, _consent = case
    tomorrow = timezone.localdate() + timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=tomorrow)
    assert "refused_on" in caught.value.message_dict
    refusal = refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=date(2026, 10, 5))
    with pytest.raises(ValidationError) as caught:
        refusal_lift(by=users["patient"], refusal=refusal, on=tomorrow)
    assert "futur" in caught.value.message_dict["on"][0]
    with pytest.raises(ValidationError) as caught:
        refusal_lift(by=users["patient"], refusal=refusal, on=date(2026, 10, 4))
    assert "précéder le refus" in caught.value.message_dict["on"][0]


def test_the_pages_say_that_a_refusal_supersedes_the_consents_covering_the_piece(client, case):
    """Rule 6 over rule 5: the consents page and the piece's page tell the patient's side and the
    experts that the consent no longer covers the refused piece; once lifted, the refusal shows as
    lifted. The clerk and the adverse side learn nothing of it (rule 8)."""
    m, users, victim, _insurer, doc, _consent = case
    refusal = refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=date(2026, 10, 1))
    consents_url = reverse("cases:mission_consents", args=[m.pk])
    doc_url = reverse("cases:document_detail", args=[doc.pk])
    said = f"la pièce n° {doc.number} est refusée par le patient le 01/10/2026 : ce consentement ne la couvre plus"
    for name in ("lead", "patient", "victim_avocat"):
        client.force_login(users[name])
        page = client.get(consents_url).content.decode()
        assert said in " ".join(page.split()), name
        detail = " ".join(client.get(doc_url).content.decode().split())
        assert "ce consentement ne couvre plus cette pièce" in detail, name
    for name in ("clerk", "insurer_avocat", "insurer_doctor"):
        client.force_login(users[name])
        detail = client.get(doc_url).content.decode()
        assert 'id="refusals"' not in detail and "ce consentement ne couvre plus" not in detail, name
        assert "01/10/2026" not in detail, name  # not even the day of the refusal

    refusal_lift(by=users["patient"], refusal=refusal, on=date(2026, 10, 2))
    client.force_login(users["lead"])
    page = " ".join(client.get(consents_url).content.decode().split())
    assert said not in page and "refus levé le 02/10/2026" in page
    detail = " ".join(client.get(doc_url).content.decode().split())
    assert "refus levé le 02/10/2026" in detail and "ne couvre plus cette pièce" not in detail


def test_lifting_through_the_consents_page(client, case):
    """The patient's avocat lifts from the page; an expert's lifting without the signed scan is
    refused with the reason; the adverse avocat has no such page (DOMAIN.md §8)."""
    m, users, victim, _insurer, doc, _consent = case
    refusal = refusal_record(recorded_by=users["patient"], patient=victim, document=doc, refused_on=date(2026, 10, 1))
    url = reverse("cases:mission_consents", args=[m.pk])

    client.force_login(users["lead"])
    page = client.get(url).content.decode()
    assert "lever le refus" in page and 'name="scan"' in page
    response = client.post(url, {"form": "lift", "refusal": refusal.pk}, follow=True)
    assert "déclaration signée du patient" in " ".join(str(msg) for msg in response.context["messages"])
    refusal.refresh_from_db()
    assert refusal.lifted_on is None

    client.force_login(users["insurer_avocat"])
    assert client.post(url, {"form": "lift", "refusal": refusal.pk}).status_code == 403

    client.force_login(users["victim_avocat"])
    assert client.post(url, {"form": "lift", "refusal": refusal.pk, "on": "2026-10-12"}).status_code == 302
    refusal.refresh_from_db()
    assert refusal.lifted_on == date(2026, 10, 12) and refusal.lifted_by == users["victim_avocat"]
    assert client.post(url, {"form": "lift", "refusal": "abc"}).status_code == 400


def test_the_policy_and_its_sql_twin_agree_with_lifted_and_standing_refusals(case):
    """DOMAIN.md §3: lists, counts and downloads never disagree. Pieces refused and lifted, refused
    again, refused by the patient with no consent, or covered by a consent to the experts only."""
    m, users, victim, insurer, doc, _consent = case
    patient = users["patient"]
    lifted = factories.medical(m, victim, title="Radiographie")
    again = factories.medical(m, victim, title="IRM")
    by_insurer = factories.medical(m, victim, title="Note du médecin de l'assureur", producer_party=insurer)
    factories.consent(m, victim, recorded_by=patient, documents=[by_insurer])  # to the experts
    for piece in (lifted, again, by_insurer):
        r = refusal_record(recorded_by=patient, patient=victim, document=piece, refused_on=date(2026, 10, 1))
        refusal_lift(by=patient, refusal=r, on=date(2026, 10, 2))
    refusal_record(recorded_by=patient, patient=victim, document=again, refused_on=date(2026, 10, 3))
    refusal_record(recorded_by=patient, patient=victim, document=doc, refused_on=date(2026, 10, 3))
    documents = list(m.documents.all())
    _agree(m, users, documents)
    lead = users["lead"]
    assert access.decide(lead, "view", by_insurer).allowed  # lifted: the consent to the experts applies
    assert not access.decide(lead, "view", again).allowed  # refused again
    assert access.decide(users["insurer_doctor"], "view", lifted).allowed  # "all pieces" consent
    assert access.report_pieces(m).refused == 2


def test_lifting_uses_the_court_date_by_default():
    """DOMAIN.md §11: the day of the lifting is the court's: at 23:30 UTC it is already the next day
    in Tunis (UTC+1)."""
    court = factories.CourtFactory(code="tpi-tunis", country="TN")
    m = factories.mission(court=court)
    patient = factories.UserFactory(role=Role.PARTY)
    victim = factories.party(m, is_victim=True, account=patient)
    doc = factories.medical(m, victim)
    refusal = refusal_record(recorded_by=patient, patient=victim, document=doc, refused_on=date(2026, 10, 1))
    with time_machine.travel(datetime(2026, 11, 20, 23, 30, tzinfo=UTC), tick=False):
        lifted = refusal_lift(by=patient, refusal=refusal)
    assert lifted.lifted_on == date(2026, 11, 21)  # Africa/Tunis is UTC+1
