"""Who may seat whom in a mission (DOMAIN.md §8), attacked over HTTP first: only the lead expert and
the co-experts seat or unseat people; nobody sits for two opposed parties; nobody with an expert
seat sits for a party; ending a seat ends its access at once, the log keeps what was seen."""

import copy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError
from django.urls import reverse

from accounts.models import Role, User
from cases.choices import ExpertRole, PartyRole
from cases.models import AccessLog, Court, Document, ExpertAssignment, Mission, Party, Representative
from cases.services.missions import assignment_add
from cases.services.parties import (
    party_account_end,
    party_create,
    representative_add,
    representative_end,
    seat_by_email,
)
from tests import factories
from tests.conftest import HIDDEN_TITLES, load_scenario_file, stored_files

pytestmark = pytest.mark.django_db


def _emails(users: dict) -> None:
    """The worked example's people, with the e-mail addresses experts seat them by."""
    for name, user in users.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])


def _hidden(mission: Mission) -> list[Document]:
    return list(mission.documents.filter(title__in=HIDDEN_TITLES.values()))


def _downloads(client, user: User, documents: list[Document]) -> list[int]:
    client.force_login(user)
    codes = [client.get(reverse("cases:document_download", args=[d.pk])).status_code for d in documents]
    client.logout()
    return codes


def _seat_post(client, mission: Mission, party: Party, user: User):
    """What an attacker sends: the old form's account id and the new form's e-mail address."""
    return client.post(
        reverse("cases:mission_parties", args=[mission.pk]),
        {
            "form": "representative",
            "rep-party": party.pk,
            "rep-user": user.pk,
            "rep-role": user.role,
            "rep-email": user.email,
        },
    )


# --- Finding 1, over HTTP ---------------------------------------------------------------------------


def test_the_sapiteur_cannot_seat_the_insurer_s_people_for_the_victim(client, lyon_report):
    mission, users = lyon_report
    _emails(users)
    victim = mission.parties.get(is_victim=True)
    hidden = _hidden(mission)
    assert len(hidden) == 3
    client.force_login(users["dr.roux"])  # the sapiteur
    for intruder in ("me.atlas", "dr.atlas"):
        assert _seat_post(client, mission, victim, users[intruder]).status_code == 403
    assert set(victim.representatives.values_list("user__username", flat=True)) == {"me.durand", "dr.recours"}
    for intruder in ("me.atlas", "dr.atlas"):
        assert 200 not in _downloads(client, users[intruder], hidden), intruder


def test_not_even_the_lead_expert_seats_the_insurer_s_people_for_the_victim(client, lyon_report):
    mission, users = lyon_report
    _emails(users)
    victim = mission.parties.get(is_victim=True)
    client.force_login(users["dr.martin"])
    for intruder in ("me.atlas", "dr.atlas"):
        response = _seat_post(client, mission, victim, users[intruder])
        assert response.status_code == 400
        assert "intérêts sont opposés" in response.content.decode()
    assert set(victim.representatives.values_list("user__username", flat=True)) == {"me.durand", "dr.recours"}
    for intruder in ("me.atlas", "dr.atlas"):
        assert 200 not in _downloads(client, users[intruder], _hidden(mission)), intruder


def test_the_victim_s_own_account_cannot_become_the_account_of_the_insurer(client, lyon_report):
    mission, users = lyon_report
    _emails(users)
    client.force_login(users["dr.martin"])
    response = client.post(
        reverse("cases:mission_parties", args=[mission.pk]),
        {
            "form": "party",
            "party-name": "Courtier de l'assureur",
            "party-role": "defendeur",
            "party-opposable": "on",
            "party-account": users["alice"].pk,
            "party-email": users["alice"].email,
        },
    )
    assert response.status_code == 400 and "intérêts sont opposés" in response.content.decode()
    assert not mission.parties.filter(name="Courtier de l'assureur").exists()  # the party and its seat: both or none


def test_the_expert_seats_a_co_defendant_s_avocat_and_a_second_victim_s_doctor(client, lyon_report):
    """Parties whose interests are not opposed may share a representative."""
    mission, users = lyon_report
    _emails(users)
    lead = users["dr.martin"]
    driver = party_create(by=lead, mission=mission, name="M. Conducteur", role=PartyRole.DEFENDEUR)
    child = party_create(by=lead, mission=mission, name="Léo Dupont", role=PartyRole.DEMANDEUR, is_victim=True)
    client.force_login(lead)
    assert _seat_post(client, mission, driver, users["me.atlas"]).status_code == 302
    assert _seat_post(client, mission, child, users["dr.recours"]).status_code == 302
    assert driver.representatives.get().user == users["me.atlas"]
    assert child.representatives.get().user == users["dr.recours"]


# --- The services -----------------------------------------------------------------------------------


@pytest.fixture
def seats():
    m = factories.mission()
    lead = factories.lead_expert(m)
    sapiteur = factories.expert()
    assignment_add(mission=m, expert=sapiteur, role=ExpertRole.SAPITEUR)
    co_expert = factories.expert()
    assignment_add(mission=m, expert=co_expert, role=ExpertRole.CO_EXPERT)
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assurances du Centre", role=PartyRole.DEFENDEUR, is_insurer=True)
    return m, lead, co_expert, sapiteur, victim, insurer


def test_only_the_lead_expert_and_co_experts_seat_people(seats):
    m, _lead, co_expert, sapiteur, victim, insurer = seats
    lawyer = factories.UserFactory(role=Role.AVOCAT)
    insurer_lawyer = factories.represent(insurer)
    outsider = factories.expert()
    for who in (sapiteur, insurer_lawyer, outsider):
        with pytest.raises(PermissionDenied):
            representative_add(by=who, party=victim, user=lawyer, kind="avocat")
        with pytest.raises(PermissionDenied):
            party_create(by=who, mission=m, name="Intrus", role=PartyRole.INTERVENANT)
        with pytest.raises(PermissionDenied):
            seat_by_email(by=who, party=victim, role=Role.AVOCAT, email="x@example.org")
    with pytest.raises(PermissionDenied, match="sapiteur"):
        representative_end(by=sapiteur, representative=Representative.objects.get(user=insurer_lawyer))
    assert not Representative.objects.filter(user=lawyer).exists()
    representative_add(by=co_expert, party=victim, user=lawyer, kind="avocat")
    assert victim.representatives.get().user == lawyer


def test_nobody_sits_for_a_demandeur_and_a_defendeur_even_when_neither_is_the_victim(seats):
    m, lead, *_ = seats
    claimant = factories.party(m, name="Employeur", role=PartyRole.DEMANDEUR)
    defendant = factories.party(m, name="Clinique", role=PartyRole.DEFENDEUR)
    lawyer = factories.represent(claimant)
    with pytest.raises(ValidationError, match="opposés"):
        representative_add(by=lead, party=defendant, user=lawyer, kind="avocat")
    intervenant = factories.party(m, name="Mutuelle", role=PartyRole.INTERVENANT)
    representative_add(by=lead, party=intervenant, user=lawyer, kind="avocat")  # not opposed


def test_nobody_sits_for_a_victim_and_a_party_that_is_not_one(seats):
    m, lead, _co_expert, _sapiteur, victim, insurer = seats
    doctor = factories.represent(insurer, kind="medecin_conseil")
    with pytest.raises(ValidationError, match="opposés"):
        representative_add(by=lead, party=victim, user=doctor, kind="medecin_conseil")
    account = factories.UserFactory(role=Role.PARTY)
    party_create(by=lead, mission=m, name="Courtier", role=PartyRole.INTERVENANT, account=account)
    with pytest.raises(ValidationError, match="opposés") as excinfo:
        party_create(by=lead, mission=m, name="Victime par ricochet", role="demandeur", is_victim=True, account=account)
    assert "account" in excinfo.value.message_dict


def test_an_expert_seat_and_a_party_seat_exclude_each_other(seats):
    """Roles change (an expert who turns avocat keeps his old seats): the seats are checked, not only
    the role of the account."""
    m, lead, _co_expert, sapiteur, victim, insurer = seats
    User.objects.filter(pk=sapiteur.pk).update(role=Role.AVOCAT)
    sapiteur.refresh_from_db()
    with pytest.raises(ValidationError, match="expert"):
        representative_add(by=lead, party=victim, user=sapiteur, kind="avocat")
    lawyer = factories.represent(insurer)
    User.objects.filter(pk=lawyer.pk).update(role=Role.EXPERT)
    lawyer.refresh_from_db()
    with pytest.raises(ValidationError, match="agit pour une partie"):
        assignment_add(mission=m, expert=lawyer, role=ExpertRole.SAPITEUR)
    assert not ExpertAssignment.objects.filter(mission=m, expert=lawyer).exists()


# --- Ending a seat ---------------------------------------------------------------------------------


def test_ending_a_seat_ends_its_access_at_once_and_the_log_keeps_what_it_saw(client, lyon_report):
    mission, users = lyon_report
    doctor = users["dr.recours"]
    certificate = mission.documents.get(title="Certificat médical initial")
    client.force_login(doctor)
    assert client.get(reverse("cases:document_download", args=[certificate.pk])).status_code == 200
    seen = AccessLog.objects.filter(user=doctor, document=certificate, allowed=True).count()
    assert seen == 1
    representative = Representative.objects.get(user=doctor, party__mission=mission)
    end = {"form": "end_representative", "representative": representative.pk}
    url = reverse("cases:mission_parties", args=[mission.pk])

    client.force_login(users["dr.roux"])  # the sapiteur may not
    assert client.post(url, end).status_code == 403
    client.force_login(users["me.durand"])  # nor the victim's own avocat
    assert client.post(url, end).status_code == 403
    assert Representative.objects.filter(pk=representative.pk).exists()

    client.force_login(users["dr.martin"])
    assert "mettre fin au siège" in client.get(url).content.decode()
    assert client.post(url, end).status_code == 302
    assert not Representative.objects.filter(pk=representative.pk).exists()

    client.force_login(doctor)
    assert client.get(reverse("cases:document_download", args=[certificate.pk])).status_code == 404
    assert client.get(reverse("cases:mission_detail", args=[mission.pk])).status_code == 404
    assert AccessLog.objects.filter(user=doctor, document=certificate, allowed=True).count() == seen


def test_ending_the_party_s_own_account_and_ids_of_another_mission(client, lyon_report):
    mission, users = lyon_report
    victim = mission.parties.get(is_victim=True)
    other = Mission.objects.exclude(pk=mission.pk).get()
    other_party = other.parties.first()
    url = reverse("cases:mission_parties", args=[mission.pk])
    client.force_login(users["dr.martin"])
    # A party of another mission (whose expert he is not) is not found through this one.
    assert client.post(url, {"form": "end_account", "party": other_party.pk}).status_code == 404
    assert client.post(url, {"form": "end_account", "party": "x"}).status_code == 400
    assert client.post(url, {"form": "end_account", "party": victim.pk}).status_code == 302
    victim.refresh_from_db()
    assert victim.account is None
    client.force_login(users["alice"])
    assert client.get(reverse("cases:mission_detail", args=[mission.pk])).status_code == 404


def test_the_sapiteur_sees_no_button_to_seat_or_unseat(client, lyon_report):
    mission, users = lyon_report
    client.force_login(users["dr.roux"])
    page = client.get(reverse("cases:mission_parties", args=[mission.pk])).content.decode()
    assert "mettre fin au siège" not in page and "Ajouter la partie" not in page


def test_party_account_end_asks_the_door_for_actions(seats):
    m, lead, co_expert, sapiteur, _victim, _insurer = seats
    account = factories.UserFactory(role=Role.PARTY)
    party = party_create(by=lead, mission=m, name="Courtier", role=PartyRole.INTERVENANT, account=account)
    with pytest.raises(PermissionDenied):
        party_account_end(by=sapiteur, party=party)
    assert party_account_end(by=co_expert, party=party).account is None


# --- The scenario loader ---------------------------------------------------------------------------


def _two_party_lawyer(d):
    d["missions"][0]["parties"][1]["avocats"].append("me.durand")


def _claimant_employer(d):
    d["missions"][0]["parties"].append(
        {"ref": "P3", "name": "Employeur", "role": "demandeur", "avocats": ["me.atlas"]}  # me.atlas: P2's avocat
    )


def _two_party_doctor(d):
    d["missions"][0]["parties"][1]["medecins_conseils"].append("dr.recours")


def _mission_expert_as_avocat(d):
    d["missions"][0]["parties"][0]["avocats"].append("dr.roux")


def _victim_account_for_insurer(d):
    d["missions"][0]["parties"][1]["account"] = "alice"


@pytest.mark.parametrize(
    ("mutate", "place", "reason"),
    [
        (_two_party_lawyer, "missions[0].parties[1].avocats[1]: ", "opposés"),
        (_claimant_employer, "missions[0].parties[2].avocats[0]: ", "opposés"),
        (_two_party_doctor, "missions[0].parties[1].medecins_conseils[1]: ", "opposés"),
        (_mission_expert_as_avocat, "missions[0].parties[0].avocats[1]: ", "siège comme expert"),
        (_victim_account_for_insurer, "missions[0].parties[1].account: ", "opposés"),
    ],
)
def test_the_loader_refuses_a_seat_with_its_place_and_creates_nothing(
    tmp_path, lyon_scenario, mutate, place, reason, private_media
):
    data = copy.deepcopy(lyon_scenario)
    mutate(data)
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, data)
    message = str(excinfo.value)
    assert place in message and reason in message, message
    assert "rien n'a été créé" in message
    assert (User.objects.count(), Court.objects.count(), Mission.objects.count(), Party.objects.count()) == (0, 0, 0, 0)
    assert stored_files(private_media) == []


def test_the_loader_seats_in_the_name_of_the_lead_expert(tmp_path, lyon_scenario):
    """A scenario whose first expert is a sapiteur seats nobody: seats are the lead expert's act."""
    data = copy.deepcopy(lyon_scenario)
    data["missions"][0]["experts"][0]["role"] = "sapiteur"
    with pytest.raises(CommandError, match=r"missions\[0\]\.parties\[0\]: .*sapiteur"):
        load_scenario_file(tmp_path, data)
