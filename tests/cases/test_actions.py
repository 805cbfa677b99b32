"""The one door for actions (DOMAIN.md §8): every seat × every action, against the table written out
here on its own, then the findings of the review attacked over HTTP.

Legal basis of the table: the expert named carries out the operations personally and deposits
the report (CPC art. 233, 278, 282); the sapiteur gives his opinion only (art. 278); the judge
decides extensions and the court records the provision (art. 269, 271, 279); the avocat is the
channel of written observations (art. 276); the patient is master of the secret (L1110-4 CSP).
"""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from cases import actions
from cases.actions import Act
from cases.choices import MissionStatus
from cases.models import ExpertAssignment, Mission
from cases.services.missions import assignment_add
from tests import factories

pytestmark = pytest.mark.django_db

SEATS = [
    "lead",
    "co_expert",
    "sapiteur",
    "clerk",
    "judge",
    "victim",
    "victim_avocat",
    "victim_doctor",
    "insurer",
    "insurer_avocat",
    "insurer_doctor",
    "defendant_alone",
    "outsider",
    "other_clerk",
]

# Who may do each act, for his own party where the act is done for a party (the table of §8).
EXPECTED = {
    Act.DESIGNATION_RESPOND: {"lead", "co_expert"},
    Act.MISSION_STATE: {"lead"},
    Act.SEATS_MANAGE: {"lead", "co_expert"},
    Act.PIECE_ADD: {"lead", "co_expert", "victim_avocat", "insurer_avocat", "defendant_alone"},
    Act.OPINION_ADD: {"sapiteur"},
    Act.PIECE_EDIT: {"lead", "co_expert"},
    Act.CONSENT_RECORD: {"lead", "co_expert", "victim", "victim_avocat"},
    Act.MEETING_MANAGE: {"lead", "co_expert"},
    Act.REPORT_WRITE: {"lead", "co_expert"},
    Act.REPORT_APPROVE: {"co_expert"},
    Act.REPORT_PUBLISH: {"lead"},
    Act.EXTENSION_REQUEST: {"lead"},
    Act.EXTENSION_DECIDE: {"clerk", "judge"},
    Act.CONSIGNATION_RECORD: {"clerk", "judge"},
    Act.DIRE_RECORD: {"lead", "co_expert"},
    Act.DIRE_PREPARE: {"victim_doctor", "insurer_doctor"},
    Act.DIRE_FILE: {"victim_avocat", "insurer_avocat", "defendant_alone"},
    Act.INTERESTS_DECLARE: {"lead", "co_expert", "sapiteur"},
    Act.MISSION_EDIT: {"lead", "co_expert"},
    Act.HISTORY_READ: {"lead", "co_expert", "clerk", "judge"},
}


@pytest.fixture
def college():
    """A mission with a college (lead expert, co-expert, sapiteur), its court's clerk and judge, a
    victim and an insurer each with an avocat and a médecin-conseil, a defendant without avocat."""
    m = factories.mission()
    users = {"lead": factories.lead_expert(m)}
    users["co_expert"] = factories.expert()
    users["sapiteur"] = factories.expert()
    assignment_add(mission=m, expert=users["co_expert"], role="co_expert")
    assignment_add(mission=m, expert=users["sapiteur"], role="sapiteur")
    users["clerk"] = factories.clerk(m.court)
    users["judge"] = factories.UserFactory(role=Role.JUDGE, court=m.court)
    users["other_clerk"] = factories.clerk(factories.CourtFactory(code="autre"))
    users["outsider"] = factories.expert()
    for key in ("victim", "insurer", "defendant_alone"):
        users[key] = factories.UserFactory(role=Role.PARTY)
    victim = factories.party(m, is_victim=True, account=users["victim"])
    insurer = factories.party(m, name="Atlas", role="defendeur", is_insurer=True, account=users["insurer"])
    defendant = factories.party(m, name="Clinique", role="defendeur", account=users["defendant_alone"])
    users["victim_avocat"] = factories.represent(victim, "avocat")
    users["victim_doctor"] = factories.represent(victim, "medecin_conseil")
    users["insurer_avocat"] = factories.represent(insurer, "avocat")
    users["insurer_doctor"] = factories.represent(insurer, "medecin_conseil")
    own = {"victim": victim, "insurer": insurer, "defendant_alone": defendant}
    party_of = {seat: own.get(seat.split("_")[0], own.get(seat, victim)) for seat in SEATS}
    return m, users, party_of, [victim, insurer, defendant]


@pytest.mark.parametrize("act", list(Act))
def test_every_seat_and_every_act_follow_the_table(college, act):
    m, users, party_of, _ = college
    allowed = {seat for seat in SEATS if actions.may(users[seat], m, act, party_of[seat])}
    assert allowed == EXPECTED[act]


@pytest.mark.parametrize("act", sorted(actions.PARTY_ACTS))
def test_nobody_acts_for_a_party_he_does_not_stand_for(college, act):
    # A party's side acts for its own party only (§8); an avocat never files for the adverse party.
    m, users, party_of, parties = college
    for seat in SEATS:
        if seat in ("lead", "co_expert"):
            continue
        for party in parties:
            if party != party_of[seat]:
                assert not actions.may(users[seat], m, act, party), (seat, act, party)


def test_every_refusal_gives_its_reason_in_french(college):
    m, users, _, _ = college
    verdict = actions.may(users["sapiteur"], m, Act.MISSION_STATE)
    assert not verdict and "expert désigné" in verdict.reason
    assert "aucune qualité" in actions.may(users["outsider"], m, Act.PIECE_ADD).reason
    with pytest.raises(PermissionDenied, match="greffe"):
        actions.require(users["lead"], m, Act.CONSIGNATION_RECORD)


def test_a_party_of_another_mission_is_refused(college):
    m, users, _, _ = college
    elsewhere = factories.party(factories.mission(rg="26/09999"), is_victim=True)
    assert not actions.may(users["lead"], m, Act.CONSENT_RECORD, elsewhere)


def test_the_seat_is_read_in_a_fixed_number_of_queries(college):
    m, users, _, _ = college
    for seat in ("lead", "victim_avocat", "clerk", "outsider"):
        with CaptureQueriesContext(connection) as queries:
            actions.seat_of(users[seat], m)
        assert len(queries) <= 3, seat


def test_a_seat_is_per_mission(college):
    # The sapiteur of this mission may lead another one: his seat there is not his seat here.
    m, users, _, _ = college
    other = factories.mission(expert_user=users["sapiteur"], rg="26/00777")
    assert actions.may(users["sapiteur"], other, Act.MISSION_STATE)
    assert not actions.may(users["sapiteur"], m, Act.MISSION_STATE)


# --- The findings, over HTTP ------------------------------------------------------------------------


def _status(m: Mission) -> str:
    return Mission.objects.values_list("status", flat=True).get(pk=m.pk)


def test_a_sapiteur_cannot_move_the_mission_and_the_lead_expert_can(client, college):
    # Finding 2: the sapiteur declined the mission for everyone, and the lead could not accept it.
    m, users, _, _ = college
    url = reverse("cases:mission_status", args=[m.pk])
    client.force_login(users["sapiteur"])
    assert client.post(url, {"to": MissionStatus.DECLINED}).status_code == 403
    assert client.post(url, {"to": MissionStatus.LAPSED}).status_code == 403
    assert _status(m) == MissionStatus.DESIGNATED
    client.force_login(users["lead"])
    assert client.post(url, {"to": MissionStatus.ACCEPTED}).status_code == 302
    assert _status(m) == MissionStatus.ACCEPTED
    assert client.post(url, {"to": MissionStatus.IN_PROGRESS}).status_code == 302
    assert _status(m) == MissionStatus.IN_PROGRESS


def test_a_co_expert_answers_his_own_designation_only(client, college):
    m, users, _, _ = college
    client.force_login(users["co_expert"])
    url = reverse("cases:mission_status", args=[m.pk])
    client.post(url, {"to": MissionStatus.ACCEPTED})
    assert _status(m) == MissionStatus.DESIGNATED  # the mission is the lead expert's to accept
    assert ExpertAssignment.objects.get(mission=m, expert=users["co_expert"]).accepted_on is not None
    assert client.post(url, {"to": MissionStatus.IN_PROGRESS}).status_code == 403


def test_deposited_cannot_be_chosen_from_the_state_buttons(client, college):
    # Finding 3: "Rapport déposé" only through the deposit of a frozen report.
    m, users, _, _ = college
    client.force_login(users["lead"])
    url = reverse("cases:mission_status", args=[m.pk])
    client.post(url, {"to": MissionStatus.ACCEPTED})
    client.post(url, {"to": MissionStatus.IN_PROGRESS})
    for fact in (MissionStatus.DEPOSITED, MissionStatus.PRE_REPORT):
        response = client.post(url, {"to": fact}, follow=True)
        assert "suit un fait" in response.content.decode()
        assert _status(m) == MissionStatus.IN_PROGRESS
    page = client.get(reverse("cases:mission_detail", args=[m.pk])).content.decode()
    assert 'value="deposited"' not in page and 'value="pre_report"' not in page


def test_a_mission_that_ended_is_never_reopened_by_a_click(client, college):
    m, users, _, _ = college
    client.force_login(users["lead"])
    url = reverse("cases:mission_status", args=[m.pk])
    # declining is final: it goes through its confirmation page (issue #14, item 4)
    confirm = reverse("cases:mission_status_confirm", args=[m.pk])
    client.post(confirm, {"to": MissionStatus.DECLINED, "confirm": "on"})
    for to in (MissionStatus.ACCEPTED, MissionStatus.IN_PROGRESS, MissionStatus.DESIGNATED):
        client.post(url, {"to": to})
        assert _status(m) == MissionStatus.DECLINED


def test_only_the_lead_expert_sends_the_pre_report_and_deposits(client, college):
    m, users, _, _ = college
    for seat in ("sapiteur", "co_expert"):
        client.force_login(users[seat])
        for kind in ("pre_report", "final"):
            assert client.post(reverse("reports:report_render", args=[m.pk, kind])).status_code == 403, seat
    page = client.get(reverse("reports:mission_report", args=[m.pk])).content.decode()
    assert "Déposer le rapport" not in page


def test_the_sapiteur_does_not_write_the_report(client, college):
    m, users, _, _ = college
    client.force_login(users["sapiteur"])
    page = client.get(reverse("reports:mission_report", args=[m.pk])).content.decode()
    assert 'id="report-editor"' not in page
    assert client.post(reverse("reports:report_render", args=[m.pk, "draft"])).status_code == 403


def test_the_sapiteur_cannot_untick_unrelated(client, college):
    # Finding 2: unticking "sans rapport" opened the piece to the insurer's doctor.
    m, users, party_of, _ = college
    doc = factories.medical(m, party_of["victim"], unrelated=True)
    client.force_login(users["sapiteur"])
    url = reverse("cases:document_detail", args=[doc.pk])
    response = client.post(url, {"title": doc.title, "date": "2026-09-01", "unrelated": ""})
    assert response.status_code == 403
    doc.refresh_from_db()
    assert doc.unrelated


def test_the_sapiteur_and_the_co_expert_cannot_revoke_or_refuse_for_the_patient(client, college):
    # Finding 2: the patient is master of the secret (L1110-4 CSP; rule 6).
    m, users, party_of, _ = college
    victim, insurer = party_of["victim"], party_of["insurer"]
    doc = factories.medical(m, victim)
    consent = factories.consent(m, victim, to=insurer, written=True)
    url = reverse("cases:mission_consents", args=[m.pk])
    client.force_login(users["sapiteur"])
    assert client.post(url, {"form": "revoke", "consent": consent.pk}).status_code == 403
    refusal = {"form": "refusal", "refusal-patient": victim.pk, "refusal-document": doc.pk}
    refusal["refusal-refused_on"] = "2026-10-01"
    assert client.post(url, refusal).status_code == 403
    client.force_login(users["co_expert"])
    response = client.post(url, {"form": "revoke", "consent": consent.pk}, follow=True)
    assert "déclaration signée" in response.content.decode()
    assert client.post(url, refusal).status_code == 400  # the form again, with the error at its field
    consent.refresh_from_db()
    assert consent.is_active and not m.refusals.exists()
    client.force_login(users["victim_avocat"])
    assert client.post(url, {"form": "revoke", "consent": consent.pk}).status_code == 302
    consent.refresh_from_db()
    assert not consent.is_active and consent.revoked_by == users["victim_avocat"]


def test_a_written_consent_to_an_insurer_needs_the_signed_scan(client, college):
    # Finding 14, rule 5: for an insurer the consent is written, the signed scan on file.
    m, users, party_of, _ = college
    victim, insurer = party_of["victim"], party_of["insurer"]
    client.force_login(users["victim_avocat"])
    data = {
        "form": "consent",
        "consent-patient": victim.pk,
        "consent-grantee": "party",
        "consent-grantee_party": insurer.pk,
        "consent-written": "on",
        "consent-granted_on": "2026-10-01",
    }
    response = client.post(reverse("cases:mission_consents", args=[m.pk]), data)
    assert response.status_code == 400 and "scan signé" in response.content.decode()
    assert not m.consents.exists()
    with pytest.raises(ValidationError):
        factories.consent(m, victim, to=insurer, written=True, scan=None)


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("cases:mission_consents", {"form": "revoke", "consent": "abc"}),
        ("cases:mission_dires", {"form": "answer", "dire": "", "answer": "Réponse."}),
        ("cases:mission_deadlines", {"form": "pay", "consignation": "abc", "pay-paid_on": "2026-10-01"}),
        (
            "cases:mission_deadlines",
            {"form": "decision", "extension": "abc", "dec-granted": "1", "dec-decided_on": "2026-10-01"},
        ),
        ("cases:mission_deadlines", {"form": "nothing"}),
    ],
)
def test_a_malformed_id_is_a_400_not_a_500(client, college, url_name, data):
    # Finding 6: bad input gets a message and a 4xx, never a traceback.
    m, users, _, _ = college
    seat = "clerk" if url_name == "cases:mission_deadlines" and data["form"] != "nothing" else "lead"
    client.force_login(users[seat])
    response = client.post(reverse(url_name, args=[m.pk]), data)
    assert response.status_code == 400


def test_a_malformed_draft_id_is_a_400(client, college):
    m, users, _, _ = college
    client.force_login(users["victim_avocat"])
    response = client.post(reverse("cases:mission_dires", args=[m.pk]), {"form": "file_draft", "dire": "x"})
    assert response.status_code == 400


def test_the_clerk_records_the_provision_and_the_expert_does_not(client, college):
    m, users, _, _ = college
    from cases.services.missions import consignation_record

    c = consignation_record(by=users["lead"], mission=m, amount=800, due=date(2026, 10, 1))
    data = {"form": "pay", "consignation": c.pk, "pay-paid_on": "2026-10-01"}
    url = reverse("cases:mission_deadlines", args=[m.pk])
    client.force_login(users["lead"])
    assert client.post(url, data).status_code == 403
    client.force_login(users["clerk"])
    assert client.post(url, data).status_code == 302
    c.refresh_from_db()
    assert c.paid_on == date(2026, 10, 1)


def test_a_party_without_avocat_files_its_own_dire_and_the_door_and_the_service_agree(client, college):
    # CPC art. 276: written observations go through the avocat, or the party itself when it has none.
    m, users, party_of, _ = college
    url = reverse("cases:mission_dires", args=[m.pk])
    client.force_login(users["defendant_alone"])
    data = {"form": "file", "party": party_of["defendant_alone"].pk, "text": "La clinique conteste l'imputabilité."}
    assert client.post(url, data).status_code == 302
    dire = m.dires.get()
    assert dire.is_filed and dire.filed_by == users["defendant_alone"]
    client.force_login(users["insurer"])  # the insurer has an avocat: it does not file itself
    data = {"form": "file", "party": party_of["insurer"].pk, "text": "Observations."}
    assert client.post(url, data).status_code == 403
    assert m.dires.count() == 1


def test_interests_with_a_control_character_are_refused_with_a_message(client, college):
    m, users, _, _ = college
    client.force_login(users["lead"])
    url = reverse("cases:mission_interests", args=[m.pk])
    response = client.post(url, {"interests": "Aucun\x00lien"}, follow=True)
    assert response.status_code == 200
    assert not ExpertAssignment.objects.get(mission=m, expert=users["lead"]).interests_declared_on


def test_the_page_reads_one_seat_for_both_doors_and_it_is_the_seat_access_reads(college):
    # A mission page reads the user's place once (cases.actions) and hands cases.access the same
    # place: the two doors never disagree on who the user is in the mission.
    from cases import access

    m, users, _, _ = college
    for seat in SEATS:
        assert actions.seat_of(users[seat], m).access_seat() == access.seat_in(users[seat], m), seat
