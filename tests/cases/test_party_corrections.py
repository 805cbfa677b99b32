"""Parties and seats corrected, with a trail (issue #14, item 1): a party's identity and the person's
details are corrected through cases.services.parties.party_update, a seat chosen by mistake is ended
(its access ends at once) and the right person seated, and every step leaves a line in the mission's
history with who, when, before, after and the reason typed. The rules of the seats hold through a
correction (DOMAIN.md §8), and the person's details stay out of the court's history, as they stay
out of its pages."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Invitation, Role
from cases import history
from cases.choices import ExpertRole, PartyRole, RepresentativeKind
from cases.models import Change, ChangeAction, Representative
from cases.services.missions import assignment_add
from cases.services.parties import (
    invitation_cancel,
    party_account_end,
    party_account_set,
    party_add,
    party_update,
    representative_add,
    representative_end,
    seat_by_email,
    seat_user,
)
from tests import factories

pytestmark = pytest.mark.django_db

COURT_DAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def court_day():
    with time_machine.travel(COURT_DAY, tick=False):
        yield


@pytest.fixture
def case():
    m = factories.mission()
    lead = factories.lead_expert(m)
    sapiteur = factories.expert()
    assignment_add(mission=m, expert=sapiteur, role=ExpertRole.SAPITEUR)
    clerk = factories.clerk(m.court)
    victim = factories.party(m, name="Alice Dupont", is_victim=True, born_on=date(1980, 5, 1), occupation="Infirmière")
    insurer = factories.party(m, name="Atlas Assurances", role=PartyRole.DEFENDEUR, is_insurer=True)
    order = factories.document(m, title="Ordonnance de désignation")
    return m, lead, sapiteur, clerk, victim, insurer, order


def _changes(m, **filters):
    return list(Change.objects.filter(mission=m, **filters).order_by("id"))


# --- A seat chosen by mistake ----------------------------------------------------------------------


def test_a_seat_chosen_by_mistake_is_ended_at_once_and_the_right_one_seated(client, case):
    """DOMAIN.md §8: ending a seat ends its access at once; §3 rule 1 (CPC art. 160): who has no seat
    in the mission sees nothing of it, not even that it exists (404). Both steps are in the history
    with the reason typed."""
    m, lead, _sapiteur, _clerk, victim, insurer, order = case
    doctor = factories.UserFactory(role=Role.MEDECIN_CONSEIL, email="dr.recours@example.org")
    url = reverse("cases:mission_parties", args=[m.pk])
    client.force_login(lead)
    # The mistake: the victim's médecin-conseil seated for the insurer.
    response = client.post(
        url, {"form": "representative", "rep-party": insurer.pk, "rep-role": doctor.role, "rep-email": doctor.email}
    )
    assert response.status_code == 302
    seat = Representative.objects.get(user=doctor, party=insurer)
    client.force_login(doctor)
    download = reverse("cases:document_download", args=[order.pk])
    assert client.get(download).status_code == 200  # a piece communicated to the insurer's side

    # The expert ends the seat, with the reason.
    client.force_login(lead)
    response = client.post(
        url, {"form": "end_representative", "representative": seat.pk, "reason": "Siège attribué par erreur"}
    )
    assert response.status_code == 302
    assert not Representative.objects.filter(pk=seat.pk).exists()
    client.force_login(doctor)  # the very next request: nothing of the mission any more
    assert client.get(download).status_code in (403, 404)
    assert client.get(reverse("cases:mission_detail", args=[m.pk])).status_code == 404

    # The right seat: the victim's médecin-conseil, seated for the victim.
    client.force_login(lead)
    response = client.post(
        url,
        {
            "form": "representative",
            "rep-party": victim.pk,
            "rep-role": doctor.role,
            "rep-email": doctor.email,
            "rep-reason": "Médecin-conseil de la victime",
        },
    )
    assert response.status_code == 302
    assert Representative.objects.get(user=doctor).party == victim
    client.force_login(doctor)
    assert client.get(download).status_code == 200

    ended, created = (
        _changes(m, subject="representative", action=ChangeAction.ENDED)[-1],
        _changes(m, subject="representative", action=ChangeAction.CREATED)[-1],
    )
    assert (ended.by, ended.reason, ended.court_visible) == (lead, "Siège attribué par erreur", True)
    assert insurer.name in ended.label and doctor.name in ended.label
    assert (created.by, created.reason) == (lead, "Médecin-conseil de la victime")
    assert victim.name in created.label
    assert ended.id < created.id


def test_every_seat_service_writes_its_line_of_history(case):
    """Issue #14 item 1: every seat taken, ended, offered or withdrawn is in the history, by whom;
    the invitations (an e-mail address, which the court's pages never show) for the experts only."""
    m, lead, _sapiteur, _clerk, victim, insurer, _order = case
    before = Change.objects.filter(mission=m).count()
    account = factories.UserFactory(role=Role.PARTY, email="alice@example.org")
    avocat = factories.UserFactory(role=Role.AVOCAT)
    party_account_set(by=lead, party=victim, user=account, reason="Compte de la victime")
    representative_add(by=lead, party=victim, user=avocat, kind=RepresentativeKind.AVOCAT)
    doctor = factories.UserFactory(role=Role.MEDECIN_CONSEIL)
    seat_user(by=lead, party=insurer, user=doctor)
    outcome = seat_by_email(by=lead, party=insurer, role=Role.AVOCAT, email="me.nouveau@example.org")
    invitation_cancel(by=lead, invitation=outcome.invitation, reason="Adresse erronée")
    representative_end(by=lead, representative=Representative.objects.get(user=doctor), reason="Erreur")
    party_account_end(by=lead, party=victim, reason="Compte en double")
    driver, seated = party_add(
        by=lead, mission=m, name="M. Conducteur", role=PartyRole.DEFENDEUR, email="alice@example.org"
    )
    assert seated.seated
    rows = [(c.subject, c.action, c.court_visible, c.reason) for c in _changes(m)[before:]]
    assert rows == [
        ("party", ChangeAction.CREATED, True, "Compte de la victime"),
        ("representative", ChangeAction.CREATED, True, ""),
        ("representative", ChangeAction.CREATED, True, ""),
        ("invitation", ChangeAction.CREATED, False, ""),
        ("invitation", ChangeAction.CANCELLED, False, "Adresse erronée"),
        ("representative", ChangeAction.ENDED, True, "Erreur"),
        ("party", ChangeAction.ENDED, True, "Compte en double"),
        ("party", ChangeAction.CREATED, True, ""),  # the party itself
        ("party", ChangeAction.CREATED, True, ""),  # its own account, seated by e-mail
    ]
    account_set = _changes(m, subject="party", object_id=victim.pk, action=ChangeAction.CREATED)[-1]
    assert list(account_set.changes.values()) == [["", str(account)]]
    account_end = _changes(m, subject="party", object_id=victim.pk, action=ChangeAction.ENDED)[-1]
    assert list(account_end.changes.values()) == [[str(account), ""]]
    created = _changes(m, subject="party", object_id=driver.pk)[0]
    assert created.changes["nom"] == ["", "M. Conducteur"]
    assert "me.nouveau@example.org" not in " ".join(c.label for c in history.for_mission(m, court_staff=True))


def test_ending_a_seat_twice_writes_one_line(case):
    m, lead, *_rest = case
    victim = case[4]
    avocat = factories.represent(victim)
    seat = Representative.objects.get(user=avocat)
    representative_end(by=lead, representative=seat)
    representative_end(by=lead, representative=seat)  # a second click: nothing more to end
    assert len(_changes(m, subject="representative", action=ChangeAction.ENDED)) == 1


# --- A party corrected -----------------------------------------------------------------------------


def test_a_party_is_corrected_with_the_court_reading_its_identity_and_not_the_person_s_details(case):
    """The person's details are personal data that the pages show to the experts and the party's own
    side only (cases.views.parties; DOMAIN.md §9): the court's history has the identity line, not
    the details line."""
    m, lead, _sapiteur, _clerk, victim, _insurer, _order = case
    party_update(
        by=lead,
        party=victim,
        reason="Nom d'usage et date de naissance de l'ordonnance",
        name="Alice Dupont-Martin",
        born_on=date(1980, 5, 10),
        occupation="Infirmière",  # unchanged
    )
    victim.refresh_from_db()
    assert (victim.name, victim.born_on) == ("Alice Dupont-Martin", date(1980, 5, 10))
    identity, personal = _changes(m, subject="party", object_id=victim.pk, action=ChangeAction.CORRECTED)
    assert identity.changes == {"nom": ["Alice Dupont", "Alice Dupont-Martin"]}
    assert identity.court_visible and identity.reason.startswith("Nom d'usage")
    assert personal.changes == {"date de naissance": ["01/05/1980", "10/05/1980"]}
    assert not personal.court_visible
    court = list(history.for_mission(m, court_staff=True).filter(subject="party", object_id=victim.pk))
    assert personal not in court and identity in court
    assert identity in history.for_mission(m) and personal in history.for_mission(m)


def test_a_correction_that_changes_nothing_writes_nothing(case):
    m, lead, _sapiteur, _clerk, victim, *_ = case
    count = Change.objects.filter(mission=m).count()
    party_update(by=lead, party=victim, name="Alice Dupont", reason="Relecture")
    assert Change.objects.filter(mission=m).count() == count


def test_a_party_does_not_change_side_while_someone_sits_for_it_and_for_an_opposed_party(case):
    """DOMAIN.md §8: nobody sits for two parties whose interests are opposed (a victim and a party
    that is not one; a demandeur and a défendeur), whichever way the opposition arises: a correction
    of a party's role or victim flag included."""
    m, lead, _sapiteur, _clerk, _victim, insurer, _order = case
    driver = factories.party(m, name="M. Conducteur", role=PartyRole.DEFENDEUR)
    shared = factories.represent(driver)  # the driver's and the insurer's avocat: the same side
    factories.represent(insurer, user=shared)
    with pytest.raises(ValidationError) as excinfo:
        party_update(by=lead, party=driver, role=PartyRole.DEMANDEUR)
    assert "role" in excinfo.value.error_dict and "opposés" in str(excinfo.value)
    with pytest.raises(ValidationError) as excinfo:
        party_update(by=lead, party=driver, is_victim=True)
    assert "is_victim" in excinfo.value.error_dict
    driver.refresh_from_db()
    assert (driver.role, driver.is_victim) == (PartyRole.DEFENDEUR, False)
    assert not Change.objects.filter(mission=m, subject="party", object_id=driver.pk, action="corrected").exists()
    # Without the shared seat, the correction passes.
    representative_end(by=lead, representative=Representative.objects.get(user=shared, party=driver))
    party_update(by=lead, party=driver, role=PartyRole.INTERVENANT, reason="Intervenant volontaire")
    driver.refresh_from_db()
    assert driver.role == PartyRole.INTERVENANT


def test_a_party_does_not_change_side_while_an_address_is_invited_to_an_opposed_party(case):
    """DOMAIN.md §8: the rules of seats hold for the seats offered and not yet taken."""
    m, lead, _sapiteur, _clerk, _victim, insurer, _order = case
    driver = factories.party(m, name="M. Conducteur", role=PartyRole.DEFENDEUR)
    for party in (driver, insurer):
        seat_by_email(by=lead, party=party, role=Role.AVOCAT, email="me.commun@example.org")
    assert Invitation.objects.pending().filter(mission=m).count() == 2
    with pytest.raises(ValidationError, match="invité"):
        party_update(by=lead, party=driver, role=PartyRole.DEMANDEUR)


def test_the_person_examined_stays_so_while_medical_pieces_are_about_him(case):
    """DOMAIN.md §3 rule 3 (art. L1110-4 CSP): the patient is master of the secret of his pieces;
    his medical pieces, consents and refusals are tied to him as the person examined."""
    m, lead, _sapiteur, _clerk, victim, _insurer, _order = case
    factories.medical(m, victim)
    with pytest.raises(ValidationError) as excinfo:
        party_update(by=lead, party=victim, is_victim=False, reason="Erreur")
    assert "is_victim" in excinfo.value.error_dict
    victim.refresh_from_db()
    assert victim.is_victim


def test_a_victim_is_not_born_in_the_future_nor_after_the_event(case):
    """Dates checked everywhere (issue #14 item 5): a date of birth is a fact of the past."""
    _m, lead, _sapiteur, _clerk, victim, *_ = case
    with pytest.raises(ValidationError) as excinfo:
        party_update(by=lead, party=victim, born_on=date(2026, 12, 1))
    assert "born_on" in excinfo.value.error_dict


def test_only_the_experts_who_seat_people_correct_a_party(case):
    """DOMAIN.md §8: seat parties, representatives; end a seat: the lead expert and the co-experts,
    never the sapiteur, the court or a party's side."""
    m, _lead, sapiteur, clerk, victim, *_ = case
    avocat = factories.represent(victim)
    for user in (sapiteur, clerk, avocat):
        with pytest.raises(PermissionDenied):
            party_update(by=user, party=victim, name="Autre nom")
    co_expert = factories.expert()
    assignment_add(mission=m, expert=co_expert, role=ExpertRole.CO_EXPERT)
    party_update(by=co_expert, party=victim, name="Alice Dupont-Martin")


# --- The Parties tab -------------------------------------------------------------------------------


def _edit_data(party, **overrides):
    data = {
        "form": "edit_party",
        "party": party.pk,
        f"edit{party.pk}-name": party.name,
        f"edit{party.pk}-role": party.role,
        f"edit{party.pk}-opposable": "on",
        f"edit{party.pk}-born_on": party.born_on.isoformat() if party.born_on else "",
        f"edit{party.pk}-occupation": party.occupation,
    }
    if party.is_victim:
        data[f"edit{party.pk}-is_victim"] = "on"
    if party.is_insurer:
        data[f"edit{party.pk}-is_insurer"] = "on"
    data.update({f"edit{party.pk}-{k}": v for k, v in overrides.items()})
    return data


def test_the_expert_corrects_a_party_on_the_parties_tab(client, case):
    m, lead, _sapiteur, _clerk, _victim, insurer, _order = case
    url = reverse("cases:mission_parties", args=[m.pk])
    client.force_login(lead)
    page = client.get(url).content.decode()
    assert "corriger la partie" in page
    data = _edit_data(insurer, name="Atlas Assurances IARD", reason="Dénomination de l'ordonnance")
    assert client.post(url, data).status_code == 302
    insurer.refresh_from_db()
    assert insurer.name == "Atlas Assurances IARD" and insurer.is_insurer
    change = _changes(m, subject="party", object_id=insurer.pk, action=ChangeAction.CORRECTED)[-1]
    assert (change.by, change.reason) == (lead, "Dénomination de l'ordonnance")


def test_a_refused_correction_shows_its_message_at_the_field_and_saves_nothing(client, case):
    """Issue #14 item 5: a date of birth in the future is refused, at its field, in French."""
    m, lead, _sapiteur, _clerk, victim, *_ = case
    client.force_login(lead)
    url = reverse("cases:mission_parties", args=[m.pk])
    response = client.post(url, _edit_data(victim, born_on="2027-01-01", name="Autre"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "La date de naissance ne peut être dans le futur." in page
    assert f'id="error_1_id_edit{victim.pk}-born_on"' in page or "is-invalid" in page
    victim.refresh_from_db()
    assert victim.name == "Alice Dupont" and victim.born_on == date(1980, 5, 1)


def test_only_who_seats_people_sees_and_posts_the_correction_form(client, case):
    m, _lead, sapiteur, clerk, victim, *_ = case
    url = reverse("cases:mission_parties", args=[m.pk])
    for user in (sapiteur, clerk):
        client.force_login(user)
        assert "corriger la partie" not in client.get(url).content.decode()
        assert client.post(url, _edit_data(victim, name="Pirate")).status_code == 403
    victim.refresh_from_db()
    assert victim.name == "Alice Dupont"


def test_a_party_of_another_mission_is_not_found_through_this_one(client, case):
    m, lead, *_ = case
    other = factories.mission()
    stranger = factories.party(other, name="Autre partie")
    client.force_login(lead)
    url = reverse("cases:mission_parties", args=[m.pk])
    assert client.post(url, _edit_data(stranger, name="Pirate")).status_code == 404
    assert client.post(url, {"form": "edit_party", "party": "x"}).status_code == 400
    assert client.post(url, {"form": "unknown"}).status_code == 400
