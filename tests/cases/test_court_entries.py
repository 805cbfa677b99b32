"""The clerk's and the judge's entries (issue #14, items 1 and 5): the provision's payments and the
decisions on extensions are entered by the court (DOMAIN.md §8), dated never in the future and never
before what they follow (CPC art. 269: the provision follows the order; CPC art. 279: the decision
follows the expert's request), and corrected with a reason by whom the door allows for the original
entry, each correction in the mission's history with its values before and after."""

import copy
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError
from django.urls import reverse

from accounts.models import Role
from cases import countries, history
from cases.deadlines import Kind, State, mission_deadlines
from cases.models import Change, ChangeAction, Mission
from cases.selectors import with_deadline_data
from cases.services.court_entries import consignation_correct, extension_correct
from cases.services.missions import consignation_pay, consignation_record, extension_decide, extension_request
from tests import factories
from tests.conftest import load_scenario_file

pytestmark = pytest.mark.django_db

COURT_DAY = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)
ORDERED = date(2026, 9, 1)  # factories.mission


@pytest.fixture(autouse=True)
def court_day():
    with time_machine.travel(COURT_DAY, tick=False):
        yield


@pytest.fixture
def court():
    m = factories.mission()
    lead = factories.lead_expert(m)
    clerk = factories.clerk(m.court)
    judge = factories.UserFactory(role=Role.JUDGE, court=m.court)
    victim = factories.party(m, name="Alice Dupont", is_victim=True)
    consignation = consignation_record(by=lead, mission=m, amount=Decimal("800"), due=date(2026, 10, 1), payer=victim)
    return m, lead, clerk, judge, victim, consignation


def _extension(m, lead, *, requested_on=date(2026, 11, 2), requested_due=date(2027, 3, 31)):
    return extension_request(
        by=lead, mission=m, requested_on=requested_on, requested_due=requested_due, reason="Attente du sapiteur"
    )


def _errors(excinfo) -> dict:
    return {field: " ".join(messages) for field, messages in excinfo.value.message_dict.items()}


# --- Who enters what -------------------------------------------------------------------------------


def test_the_provision_of_the_order_is_transcribed_by_the_lead_expert_its_payment_by_the_court(court):
    """DOMAIN.md §8: the court records the provision's facts (CPC art. 269, 280); the lead expert
    transcribes the order with the provision it fixes, never a payment nor a complement."""
    m, lead, clerk, judge, _victim, consignation = court
    with pytest.raises(PermissionDenied):
        consignation_pay(by=lead, consignation=consignation, paid_on=date(2026, 9, 20))
    with pytest.raises(PermissionDenied):
        consignation_record(by=lead, mission=m, amount=100, due=date(2026, 12, 1), paid_on=date(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        consignation_record(by=lead, mission=m, amount=100, due=date(2026, 12, 1), is_complement=True)
    sapiteur = factories.expert()
    from cases.services.missions import assignment_add

    assignment_add(mission=m, expert=sapiteur, role="sapiteur")
    with pytest.raises(PermissionDenied):
        consignation_record(by=sapiteur, mission=m, amount=100, due=date(2026, 12, 1))
    complement = consignation_record(by=judge, mission=m, amount=300, due=date(2026, 12, 15), is_complement=True)
    consignation_pay(by=clerk, consignation=consignation, paid_on=date(2026, 9, 20))
    created = Change.objects.get(mission=m, subject="consignation", object_id=complement.pk)
    assert (created.action, created.by, created.court_visible) == (ChangeAction.CREATED, judge, True)
    paid = Change.objects.filter(mission=m, subject="consignation", object_id=consignation.pk).latest("id")
    assert paid.by == clerk and paid.changes == {"consignée le": ["", "20/09/2026"]}


# --- Dates (issue #14 item 5) ----------------------------------------------------------------------


def test_a_payment_is_never_in_the_future(court):
    """A recorded fact is never in the future: the court's date decides (DOMAIN.md §11)."""
    _m, _lead, clerk, _judge, _victim, consignation = court
    with pytest.raises(ValidationError) as excinfo:
        consignation_pay(by=clerk, consignation=consignation, paid_on=TODAY + timedelta(days=1))
    assert "futur" in _errors(excinfo)["paid_on"]
    consignation_pay(by=clerk, consignation=consignation, paid_on=TODAY)  # today is allowed


def test_a_payment_never_precedes_the_order_cpc_art_269(court):
    """CPC art. 269: the judge who orders the expertise fixes the provision; it is paid after."""
    _m, _lead, clerk, _judge, _victim, consignation = court
    with pytest.raises(ValidationError) as excinfo:
        consignation_pay(by=clerk, consignation=consignation, paid_on=ORDERED - timedelta(days=1))
    assert "art. 269 CPC" in _errors(excinfo)["paid_on"]
    consignation.refresh_from_db()
    assert consignation.paid_on is None
    consignation_pay(by=clerk, consignation=consignation, paid_on=ORDERED)  # the day of the order itself


def test_a_tunisian_payment_cites_the_tunisian_code():
    """DOMAIN.md §11: a French article in a Tunisian message is a defect."""
    tunis = factories.CourtFactory(code="tpi-tunis", country="TN")
    m = factories.mission(court=tunis)
    with pytest.raises(ValidationError) as excinfo:
        consignation_record(
            by=factories.clerk(tunis), mission=m, amount=450, due=date(2026, 10, 1), paid_on=date(2026, 8, 1)
        )
    message = _errors(excinfo)["paid_on"]
    assert "CPCC" in message and "art. 269 CPC" not in message


def test_the_provision_s_due_date_follows_the_order_cpc_art_269(court):
    m, lead, _clerk, *_ = court
    with pytest.raises(ValidationError) as excinfo:
        consignation_record(by=lead, mission=m, amount=100, due=ORDERED - timedelta(days=1))
    assert "art. 269 CPC" in _errors(excinfo)["due"]


def test_an_amount_is_positive_and_in_the_currency_s_unit(court):
    """DOMAIN.md §10: cents in euros, millimes in dinars."""
    m, lead, _clerk, *_ = court
    with pytest.raises(ValidationError) as excinfo:
        consignation_record(by=lead, mission=m, amount=Decimal("12.345"), due=date(2026, 12, 1))
    assert "décimales" in _errors(excinfo)["amount"]
    with pytest.raises(ValidationError) as excinfo:
        consignation_record(by=lead, mission=m, amount=0, due=date(2026, 12, 1))
    assert "amount" in _errors(excinfo)


def test_an_extension_request_is_not_in_the_future_nor_before_the_order_cpc_art_279(court):
    m, lead, *_ = court
    with pytest.raises(ValidationError) as excinfo:
        _extension(m, lead, requested_on=TODAY + timedelta(days=1))
    assert "futur" in _errors(excinfo)["requested_on"]
    with pytest.raises(ValidationError) as excinfo:
        _extension(m, lead, requested_on=ORDERED - timedelta(days=1))
    assert "art. 279 CPC" in _errors(excinfo)["requested_on"]
    assert not m.extensions.exists()


def test_a_decision_follows_the_request_and_is_not_in_the_future_cpc_art_279(court):
    """CPC art. 279: the judge decides on the expert's request: never before it, never later than
    the court's today."""
    m, lead, clerk, *_ = court
    extension = _extension(m, lead)
    with pytest.raises(ValidationError) as excinfo:
        extension_decide(by=clerk, extension=extension, granted=True, decided_on=date(2026, 11, 1))
    assert "02/11/2026" in _errors(excinfo)["decided_on"] and "art. 279 CPC" in _errors(excinfo)["decided_on"]
    with pytest.raises(ValidationError) as excinfo:
        extension_decide(by=clerk, extension=extension, granted=True, decided_on=TODAY + timedelta(days=1))
    assert "futur" in _errors(excinfo)["decided_on"]
    extension.refresh_from_db()
    assert extension.granted is None
    extension_decide(by=clerk, extension=extension, granted=True, decided_on=date(2026, 11, 2))
    line = Change.objects.filter(mission=m, subject="extension", object_id=extension.pk).latest("id")
    assert line.by == clerk and line.changes["accordée"] == ["", "oui"]


# --- Corrections of the payments -------------------------------------------------------------------


def test_the_clerk_corrects_a_payment_with_a_reason_and_the_history_keeps_before_and_after(court):
    m, _lead, clerk, _judge, _victim, consignation = court
    consignation_pay(by=clerk, consignation=consignation, paid_on=date(2026, 9, 20))
    corrected = consignation_correct(
        by=clerk,
        consignation=consignation,
        reason="Montant et date du récépissé de la régie",
        amount=Decimal("850"),
        paid_on=date(2026, 9, 22),
    )
    assert (corrected.amount, corrected.paid_on) == (Decimal("850"), date(2026, 9, 22))
    line = Change.objects.filter(mission=m, action=ChangeAction.CORRECTED).get()
    assert line.subject == "consignation" and line.object_id == consignation.pk and line.by == clerk
    assert line.changes == {"montant": ["800", "850"], "consignée le": ["20/09/2026", "22/09/2026"]}
    assert line.reason == "Montant et date du récépissé de la régie"
    assert line in history.for_mission(m, court_staff=True)  # money is not medical: the court reads it


def test_a_payment_recorded_by_mistake_is_cleared_with_a_reason_and_the_deadline_opens_again(court):
    """CPC art. 271: an unpaid provision may make the designation lapse: a payment recorded by
    mistake must not close its deadline."""
    m, _lead, clerk, _judge, _victim, consignation = court
    consignation_pay(by=clerk, consignation=consignation, paid_on=date(2026, 9, 20))
    with pytest.raises(ValidationError) as excinfo:
        consignation_correct(by=clerk, consignation=consignation, reason="  ", paid_on=None)
    assert "reason" in _errors(excinfo)
    consignation_correct(by=clerk, consignation=consignation, reason="Versement d'une autre affaire", paid_on=None)
    consignation.refresh_from_db()
    assert consignation.paid_on is None
    data = with_deadline_data(Mission.objects.filter(pk=m.pk)).get()
    deadline = {(d.kind, d.ref): d for d in mission_deadlines(data, TODAY)}[
        (Kind.CONSIGNATION, f"consignation-{consignation.pk}")
    ]
    assert deadline.state == State.OVERDUE


def test_a_corrected_payment_keeps_the_rules_of_its_date(court):
    """CPC art. 269 and the court's date: a correction is held to the rules of the entry."""
    m, _lead, clerk, _judge, _victim, consignation = court
    with pytest.raises(ValidationError) as excinfo:
        consignation_correct(by=clerk, consignation=consignation, reason="x", paid_on=TODAY + timedelta(days=2))
    assert "paid_on" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        consignation_correct(by=clerk, consignation=consignation, reason="x", paid_on=date(2026, 8, 31))
    assert "art. 269 CPC" in _errors(excinfo)["paid_on"]
    with pytest.raises(ValidationError) as excinfo:
        consignation_correct(by=clerk, consignation=consignation, reason="x", due=date(2026, 8, 1))
    assert "due" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        consignation_correct(by=clerk, consignation=consignation, reason="x", amount=Decimal("800"))
    assert "rien à corriger" in str(excinfo.value)
    other = factories.party(factories.mission(rg="26/00002"), name="Autre")
    with pytest.raises(ValidationError) as excinfo:
        consignation_correct(by=clerk, consignation=consignation, reason="x", payer=other)
    assert "payer" in _errors(excinfo)
    assert not Change.objects.filter(mission=m, action=ChangeAction.CORRECTED).exists()


def test_only_the_court_corrects_its_entries(court):
    """DOMAIN.md §8: the court records the provision's facts and the judge's decisions; the
    correction asks the same door as the entry (Act.CONSIGNATION_RECORD, Act.EXTENSION_DECIDE)."""
    m, lead, clerk, judge, victim, consignation = court
    avocat = factories.represent(victim)
    other_clerk = factories.clerk(factories.CourtFactory(code="tj-autre"))
    for user in (lead, avocat, other_clerk):
        with pytest.raises(PermissionDenied):
            consignation_correct(by=user, consignation=consignation, reason="x", amount=Decimal("900"))
    extension = _extension(m, lead)
    extension_decide(by=clerk, extension=extension, granted=False, decided_on=date(2026, 11, 3))
    for user in (lead, avocat, other_clerk):
        with pytest.raises(PermissionDenied):
            extension_correct(by=user, extension=extension, reason="x", granted=True)
    consignation_correct(by=judge, consignation=consignation, reason="Ordonnance rectificative", amount=900)


# --- Corrections of the decisions ------------------------------------------------------------------


def test_the_clerk_corrects_a_decision_recorded_wrong(court):
    m, lead, clerk, *_ = court
    extension = _extension(m, lead)
    extension_decide(by=clerk, extension=extension, granted=False, decided_on=date(2026, 11, 3))
    extension_correct(
        by=clerk,
        extension=extension,
        reason="Le juge a accordé la prorogation",
        granted=True,
        decided_on=date(2026, 11, 4),
        new_due=date(2027, 3, 15),
    )
    extension.refresh_from_db()
    assert (extension.granted, extension.decided_on, extension.new_due) == (True, date(2026, 11, 4), date(2027, 3, 15))
    line = Change.objects.get(mission=m, action=ChangeAction.CORRECTED)
    assert line.changes == {
        "accordée": ["non", "oui"],
        "décidée le": ["03/11/2026", "04/11/2026"],
        "nouvelle date accordée": ["", "15/03/2027"],
    }
    assert line.reason == "Le juge a accordé la prorogation" and line.court_visible
    # granted without a date: the date requested, as when the decision is entered
    extension_correct(by=clerk, extension=extension, reason="Refus", granted=False)
    extension_correct(by=clerk, extension=extension, reason="Accord finalement", granted=True)
    extension.refresh_from_db()
    assert extension.new_due == extension.requested_due


def test_a_corrected_decision_keeps_the_rules_of_its_date_cpc_art_279(court):
    m, lead, clerk, *_ = court
    extension = _extension(m, lead)
    extension_decide(by=clerk, extension=extension, granted=True, decided_on=date(2026, 11, 3))
    with pytest.raises(ValidationError) as excinfo:
        extension_correct(by=clerk, extension=extension, reason="x", decided_on=date(2026, 11, 1))
    assert "art. 279 CPC" in _errors(excinfo)["decided_on"]
    with pytest.raises(ValidationError) as excinfo:
        extension_correct(by=clerk, extension=extension, reason="x", decided_on=TODAY + timedelta(days=1))
    assert "decided_on" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        extension_correct(by=clerk, extension=extension, reason="x", new_due=date(2027, 1, 10))
    assert "new_due" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        extension_correct(by=clerk, extension=extension, reason="", granted=False)
    assert "reason" in _errors(excinfo)


def test_a_decision_recorded_on_the_wrong_request_is_cleared(court):
    """One request waits for the judge at a time, as when it is made."""
    m, lead, clerk, *_ = court
    first = _extension(m, lead)
    extension_decide(by=clerk, extension=first, granted=True, decided_on=date(2026, 11, 3))
    extension_correct(by=clerk, extension=first, reason="Décision saisie sur la mauvaise demande", granted=None)
    first.refresh_from_db()
    assert (first.granted, first.decided_on, first.new_due) == (None, None, None)
    with pytest.raises(ValidationError, match="Aucune décision"):
        extension_correct(by=clerk, extension=first, reason="x", granted=True)
    extension_decide(by=clerk, extension=first, granted=True, decided_on=date(2026, 11, 3))
    second = _extension(m, lead, requested_on=date(2026, 11, 10), requested_due=date(2027, 6, 30))
    with pytest.raises(ValidationError) as excinfo:
        extension_correct(by=clerk, extension=first, reason="x", granted=None)
    assert "granted" in _errors(excinfo)
    assert second.granted is None


# --- The Échéances tab -----------------------------------------------------------------------------


def test_the_clerk_corrects_a_payment_on_the_deadlines_tab(client, court):
    m, lead, clerk, _judge, _victim, consignation = court
    consignation_pay(by=clerk, consignation=consignation, paid_on=date(2026, 9, 20))
    url = reverse("cases:mission_deadlines", args=[m.pk])
    client.force_login(clerk)
    assert "corriger la consignation" in client.get(url).content.decode()
    prefix = f"cc{consignation.pk}"
    data = {
        "form": "correct_consignation",
        "consignation": consignation.pk,
        f"{prefix}-amount": "800,00",
        f"{prefix}-due": "2026-10-01",
        f"{prefix}-payer": consignation.payer_id,
        f"{prefix}-paid_on": "2026-12-01",
        f"{prefix}-reason": "Date du récépissé",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Un versement ne peut être daté dans le futur." in response.content.decode()
    data[f"{prefix}-paid_on"] = "2026-09-21"
    assert client.post(url, data).status_code == 302
    consignation.refresh_from_db()
    assert consignation.paid_on == date(2026, 9, 21)
    assert Change.objects.get(mission=m, action=ChangeAction.CORRECTED).reason == "Date du récépissé"
    data[f"{prefix}-reason"] = ""
    response = client.post(url, data)
    assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
    client.force_login(lead)
    assert "corriger la consignation" not in client.get(url).content.decode()
    assert client.post(url, data).status_code == 403


def test_the_clerk_corrects_a_decision_on_the_deadlines_tab_and_a_wrong_date_is_shown_at_its_field(client, court):
    m, lead, clerk, *_ = court
    extension = _extension(m, lead)
    url = reverse("cases:mission_deadlines", args=[m.pk])
    client.force_login(clerk)
    decide = {
        "form": "decision",
        "extension": extension.pk,
        "dec-granted": "1",
        "dec-decided_on": "2026-11-01",  # before the request
    }
    response = client.post(url, decide)
    assert response.status_code == 400 and "ne peut précéder la demande" in response.content.decode()
    decide["dec-decided_on"] = "2026-11-03"
    assert client.post(url, decide).status_code == 302
    assert "corriger la décision" in client.get(url).content.decode()
    prefix = f"ec{extension.pk}"
    correct = {
        "form": "correct_extension",
        "extension": extension.pk,
        f"{prefix}-granted": "0",
        f"{prefix}-decided_on": "2026-11-03",
        f"{prefix}-reason": "Le juge a refusé",
    }
    assert client.post(url, correct).status_code == 302
    extension.refresh_from_db()
    assert (extension.granted, extension.new_due) == (False, None)
    client.force_login(lead)
    assert client.post(url, correct).status_code == 403


def test_the_expert_s_request_is_dated_the_court_s_day(client, court):
    m, lead, *_ = court
    client.force_login(lead)
    url = reverse("cases:mission_deadlines", args=[m.pk])
    data = {"form": "extension", "ext-requested_due": "2027-04-30", "ext-reason": "Attente du sapiteur"}
    assert client.post(url, data).status_code == 302
    assert m.extensions.get().requested_on == countries.today(m) == TODAY


# --- The scenario loader ---------------------------------------------------------------------------


def test_the_loader_records_the_payment_in_the_name_of_the_court_s_clerk(tmp_path, lyon_scenario):
    """DOMAIN.md §8: the payment is the registry's fact, recorded in the name of a clerk of the court."""
    out = load_scenario_file(tmp_path, copy.deepcopy(lyon_scenario))
    m = Mission.objects.get(pk=out["missions"]["M1"]["id"])
    assert m.consignations.get().paid_on == date(2026, 9, 20)
    paid = Change.objects.filter(mission=m, subject="consignation").latest("id")
    assert paid.by.role == Role.CLERK and paid.by.court_id == m.court_id


def test_the_loader_refuses_a_payment_before_the_order_with_its_place_cpc_art_269(tmp_path, lyon_scenario):
    """CPC art. 269; a refused date fails the load with its place named, and creates nothing."""
    data = copy.deepcopy(lyon_scenario)
    data["missions"][0]["consignation"]["paid_on"] = "2026-08-01"
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, data)
    message = str(excinfo.value)
    assert "missions[0].consignation.paid_on" in message and "art. 269 CPC" in message
    assert not Mission.objects.exists()


def test_a_reason_with_a_control_character_is_refused_at_its_field(court):
    """Text typed is checked where it is saved (cases.validators): no control character."""
    m, _lead, clerk, *_rest = court
    consignation = court[-1]
    with pytest.raises(ValidationError) as excinfo:
        consignation_correct(by=clerk, consignation=consignation, reason="Motif\x00", amount=Decimal("900"))
    assert "reason" in _errors(excinfo)
    assert not Change.objects.filter(mission=m, action=ChangeAction.CORRECTED).exists()
