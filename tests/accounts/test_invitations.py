"""People are seated by e-mail address, never chosen from a list of the platform's accounts (the
existence of a case is secret, DOMAIN.md §3 rule 1): an existing account is seated, anyone else
gets a single-use invitation link that creates his account and takes the seat."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Role, User, token_digest
from accounts.services import invitation_accept, user_create
from cases.choices import ExpertRole, PartyRole
from cases.models import ExpertAssignment
from cases.services.missions import assignment_add
from cases.services.parties import seat_by_email
from tests import factories
from tests.conftest import MISSION_PAGES

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-mot-de-passe-solide-2026"


@pytest.fixture
def case():
    m = factories.mission(title="Martin c/ Assurances du Centre")
    lead = factories.lead_expert(m)
    victim = factories.party(m, name="Jeanne Martin", is_victim=True)
    insurer = factories.party(m, name="Assurances du Centre", role=PartyRole.DEFENDEUR, is_insurer=True)
    return m, lead, victim, insurer


@pytest.fixture
def elsewhere():
    """Another court's case: its victim, its insurer and their people must stay unknown."""
    m = factories.mission(court=factories.CourtFactory(name="Tribunal judiciaire de Nîmes"), rg="26/09999")
    account = factories.UserFactory(role=Role.PARTY, name="Victime d'un autre tribunal", email="secret@example.org")
    victim = factories.party(m, name="Victime d'un autre tribunal", is_victim=True, account=account)
    factories.represent(victim, user=factories.UserFactory(role=Role.AVOCAT, name="Me Ailleurs"))
    insurer_account = factories.UserFactory(role=Role.PARTY, name="Mutuelle Lointaine, service sinistres")
    factories.party(m, name="Mutuelle Lointaine", role=PartyRole.DEFENDEUR, account=insurer_account)
    factories.UserFactory(role=Role.MEDECIN_CONSEIL, name="Dr Sans Mission")
    return ["Victime d'un autre tribunal", "Me Ailleurs", "Mutuelle Lointaine", "Dr Sans Mission"]


def _parties_url(m):
    return reverse("cases:mission_parties", args=[m.pk])


def _invite(client, m, party, email, role=Role.AVOCAT):
    return client.post(
        _parties_url(m), {"form": "representative", "rep-party": party.pk, "rep-role": role, "rep-email": email}
    )


def _link(message) -> str:
    found = re.search(r"https?://\S+/invitation/(\S+)/", message.body)
    assert found, message.body
    return reverse("accounts:invitation_accept", args=[found.group(1)])


# --- No list of accounts ----------------------------------------------------------------------------


def test_no_page_of_a_mission_lists_the_platform_s_accounts(client, case, elsewhere):
    m, lead, _victim, _insurer = case
    factories.document(m, title="Ordonnance")
    client.force_login(lead)
    for name in MISSION_PAGES:
        page = client.get(reverse(name, args=[m.pk])).content.decode()
        for stranger in elsewhere:
            assert stranger not in page, (name, stranger)
    page = client.get(_parties_url(m)).content.decode()
    assert 'name="rep-email"' in page and 'name="party-email"' in page
    assert 'name="rep-user"' not in page and 'name="party-account"' not in page


# --- Seating an existing account --------------------------------------------------------------------


def test_an_existing_account_is_seated_by_its_e_mail_address_whatever_its_case(client, case):
    m, lead, _victim, insurer = case
    lawyer = factories.UserFactory(role=Role.AVOCAT, name="Me Lenoir", email="lenoir@example.org")
    client.force_login(lead)
    with_mail = _invite(client, m, insurer, "  LeNoir@Example.ORG ")
    assert with_mail.status_code == 302
    assert insurer.representatives.get().user == lawyer
    assert "Me Lenoir siège désormais dans la mission." in client.get(_parties_url(m)).content.decode()
    assert mail.outbox == [] and not Invitation.objects.exists()


def test_an_account_of_another_role_is_not_seated_but_invited(client, case, django_capture_on_commit_callbacks):
    """The message says "invitation sent" whether or not an account of another role has the address:
    the expert learns nothing of it; its owner, at the link, is told to log in with his account."""
    m, lead, _victim, insurer = case
    doctor = factories.UserFactory(role=Role.MEDECIN_CONSEIL, email="dr.x@example.org")
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, m, insurer, "dr.x@example.org", role=Role.AVOCAT)
    assert not insurer.representatives.exists()
    assert "Invitation envoyée à dr.x@example.org." in client.get(_parties_url(m)).content.decode()
    client.logout()
    page = client.post(
        _link(mail.outbox[0]), {"name": "Dr X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    ).content.decode()
    assert "Un compte utilise déjà cette adresse e-mail" in page
    assert User.objects.filter(email__iexact="dr.x@example.org").get() == doctor


# --- Invitations ------------------------------------------------------------------------------------


def test_an_unknown_address_gets_a_link_that_creates_the_account_and_takes_the_seat_once(
    client, case, django_capture_on_commit_callbacks
):
    m, lead, victim, insurer = case
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, m, victim, "nouvelle.avocate@example.org")
    assert response.status_code == 302
    page = client.get(_parties_url(m)).content.decode()
    assert "Invitation envoyée à nouvelle.avocate@example.org." in page
    assert "nouvelle.avocate@example.org" in page  # pending, with a button to cancel it
    assert not victim.representatives.exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.avocate@example.org"]
    for secret in (m.rg, m.title, victim.name, insurer.name, m.court.name):
        assert secret not in message.body and secret not in message.subject  # the e-mail names no case
    link = _link(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.token_hash == token_digest(token) and token not in invitation.token_hash
    assert (invitation.role, invitation.party, invitation.mission, invitation.invited_by) == (
        Role.AVOCAT,
        victim,
        m,
        lead,
    )
    assert invitation.expires_at - invitation.created_at == timedelta(days=14)

    client.logout()
    form = client.get(link)
    assert form.status_code == 200 and "Créer votre compte" in form.content.decode()
    mismatch = client.post(link, {"name": "Me Claire Neuve", "password1": NEW_PASSWORD, "password2": "autre"})
    assert "ne sont pas identiques" in mismatch.content.decode()
    weak = client.post(link, {"name": "Me Claire Neuve", "password1": "123", "password2": "123"})
    assert weak.status_code == 200 and not User.objects.filter(email="nouvelle.avocate@example.org").exists()
    done = client.post(link, {"name": "Me Claire Neuve", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"].startswith(reverse("login"))
    user = User.objects.get(email="nouvelle.avocate@example.org")
    assert (user.role, user.name, user.is_active) == (Role.AVOCAT, "Me Claire Neuve", True)
    assert victim.representatives.get().user == user
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user

    assert client.post("/connexion/", {"username": user.username, "password": NEW_PASSWORD}).status_code == 302
    assert client.get(reverse("cases:mission_detail", args=[m.pk])).status_code == 200
    client.logout()
    again = client.post(link, {"name": "Intrus", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert again.status_code == 410 and "déjà servi" in again.content.decode()
    assert User.objects.filter(role=Role.AVOCAT, name="Intrus").count() == 0


def test_an_expired_link_says_so_and_creates_nothing(client, case, django_capture_on_commit_callbacks):
    _m, lead, _victim, insurer = case
    with django_capture_on_commit_callbacks(execute=True):
        seat_by_email(by=lead, party=insurer, role=Role.PARTY, email="sinistres@example.org")
    link = _link(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        page = client.get(link)
        assert page.status_code == 410 and "a expiré" in page.content.decode()
        post = client.post(link, {"name": "X", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert post.status_code == 410
    assert not User.objects.filter(email="sinistres@example.org").exists()
    assert client.get(reverse("accounts:invitation_accept", args=["pas-un-jeton"])).status_code == 404


def test_a_party_account_invited_takes_the_party_s_seat(client, case, django_capture_on_commit_callbacks):
    m, lead, _victim, _insurer = case
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            _parties_url(m),
            {
                "form": "party",
                "party-name": "Mutuelle des Motards",
                "party-role": "intervenant",
                "party-opposable": "on",
                "party-email": "gestion@mutuelle.example",
            },
        )
    party = m.parties.get(name="Mutuelle des Motards")
    assert party.account is None and Invitation.objects.get().party == party
    client.logout()
    client.post(
        _link(mail.outbox[0]), {"name": "Mutuelle, sinistres", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    party.refresh_from_db()
    assert party.account.email == "gestion@mutuelle.example" and party.account.role == Role.PARTY


def test_an_address_invited_for_one_side_is_not_invited_for_the_other(case, django_capture_on_commit_callbacks):
    _m, lead, victim, insurer = case
    seat_by_email(by=lead, party=victim, role=Role.MEDECIN_CONSEIL, email="dr.y@example.org")
    with pytest.raises(ValidationError, match="opposés"):
        seat_by_email(by=lead, party=insurer, role=Role.MEDECIN_CONSEIL, email="DR.Y@example.org")


def test_a_cancelled_invitation_and_one_from_an_expert_who_left_are_void(
    client, case, django_capture_on_commit_callbacks
):
    m, lead, victim, insurer = case
    co_expert = factories.expert()
    assignment_add(mission=m, expert=co_expert, role=ExpertRole.CO_EXPERT)
    with django_capture_on_commit_callbacks(execute=True):
        seat_by_email(by=lead, party=victim, role=Role.AVOCAT, email="a@example.org")
        seat_by_email(by=co_expert, party=insurer, role=Role.AVOCAT, email="b@example.org")
    cancelled, from_co_expert = (_link(message) for message in mail.outbox)

    client.force_login(factories.expert())  # not an expert of this mission: no such invitation for him
    first = Invitation.objects.get(email="a@example.org")
    assert client.post(_parties_url(m), {"form": "cancel_invitation", "invitation": first.pk}).status_code == 404
    client.force_login(lead)
    assert client.post(_parties_url(m), {"form": "cancel_invitation", "invitation": first.pk}).status_code == 302
    client.logout()
    page = client.get(cancelled)
    assert page.status_code == 410 and "annulée" in page.content.decode()

    ExpertAssignment.objects.filter(mission=m, expert=co_expert).delete()
    with pytest.raises(ValidationError, match="ne siège plus"):
        invitation_accept(token=from_co_expert.rstrip("/").rsplit("/", 1)[1], name="B", password=NEW_PASSWORD)
    assert not User.objects.filter(email="b@example.org").exists()


def test_the_sapiteur_invites_nobody(client, lyon_report, django_capture_on_commit_callbacks):
    mission, users = lyon_report
    client.force_login(users["dr.roux"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, mission, mission.parties.get(is_victim=True), "complice@example.org")
    assert response.status_code == 403
    assert mail.outbox == [] and not Invitation.objects.exists()


# --- One address, one active account ----------------------------------------------------------------


def test_an_e_mail_address_belongs_to_one_active_account(case):
    user_create(username="a", password=NEW_PASSWORD, role=Role.AVOCAT, email="Meme@Example.org")
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="b", password=NEW_PASSWORD, role=Role.PARTY, email="meme@example.ORG")
    assert "email" in excinfo.value.message_dict
    User.objects.filter(username="a").update(is_active=False)
    user_create(username="c", password=NEW_PASSWORD, role=Role.PARTY, email="meme@example.org")  # the old one left
    user_create(username="d", password=NEW_PASSWORD, role=Role.PARTY)  # no address: many may have none
    user_create(username="e", password=NEW_PASSWORD, role=Role.PARTY)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="f", role=Role.PARTY, email="MEME@example.org")  # the database refuses too
    with pytest.raises(ValidationError):
        User(username="g", role=Role.PARTY, email="meme@Example.org").full_clean()


def test_the_scenario_loader_refuses_two_users_with_one_address(tmp_path, lyon_scenario):
    import copy

    from django.core.management import CommandError

    from tests.conftest import load_scenario_file

    data = copy.deepcopy(lyon_scenario)
    data["users"][0]["email"] = "cabinet@example.org"
    data["users"][2]["email"] = "Cabinet@example.org"
    with pytest.raises(CommandError, match=r"users\[2\]: .*adresse e-mail"):
        load_scenario_file(tmp_path, data)
    data["users"][2]["email"] = "leblanc@example.org"
    out = load_scenario_file(tmp_path, data)
    assert User.objects.get(pk=out["users"]["dr.martin"]["id"]).email == "cabinet@example.org"
