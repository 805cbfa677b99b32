"""Scenario files, format 2 (shared/SCENARIOS.md): the life of a mission replayed through the
services a user's actions call, on the file's dates: `accepted_on`, `meetings` (moved, cancelled,
held, with who attended), `report`, `pre_report`, `dires` with the experts' answers, `deposited_on`.
A deposit the guards refuse (a question left unanswered: CPC art. 238, the report answers the
mission) fails the load with its place named, and nothing is created."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from cases.models import Change, Convocation, Court, Dire, Document, Mission
from cases.models.convocation import MeetingStatus
from reports.models import ReportVersion, VersionKind
from tests.conftest import load_scenario_file

pytestmark = pytest.mark.django_db

PASSWORD = "Expertise-2026!"
OPERATIONS = {"report_deposit", "consignation", "dires", "convocation_notice", "receipt_missing"}

BOBIGNY = {
    "format": 2,
    "courts": [
        {
            "ref": "tj-bobigny",
            "name": "Tribunal judiciaire de Bobigny",
            "country": "FR",
            "address": "173 avenue Paul Vaillant-Couturier\n93000 Bobigny",
        }
    ],
    "users": [
        {"username": "dr.morel", "password": PASSWORD, "role": "expert", "name": "Dr Claire Morel"},
        {"username": "me.roux", "password": PASSWORD, "role": "avocat", "name": "Me Paul Roux"},
        {"username": "me.faure", "password": PASSWORD, "role": "avocat", "name": "Me Inès Faure"},
    ],
    "missions": [
        {
            "ref": "M1",
            "court": "tj-bobigny",
            "rg": "26/01234",
            "title": "Marchal c/ Assurances du Centre",
            "framework": "road_accident",
            "ordered_on": "2026-03-02",
            "report_due": "2026-12-31",
            "experts": [{"user": "dr.morel"}],
            "questions": ["Décrire les lésions imputables à l'accident.", "Fixer la date de consolidation."],
            "consignation": {"amount": "1200", "due": "2026-04-02", "paid_on": "2026-03-20"},
            "parties": [
                {"ref": "P1", "name": "Julien Marchal", "role": "demandeur", "victim": True, "avocats": ["me.roux"]},
                {
                    "ref": "P2",
                    "name": "Assurances du Centre",
                    "role": "defendeur",
                    "insurer": True,
                    "avocats": ["me.faure"],
                },
            ],
            "accepted_on": "2026-03-10",
            "meetings": [
                {
                    "ref": "R1",
                    "at": "2026-04-20T09:30",
                    "place": "Cabinet de l'expert, Bobigny",
                    "status": "held",
                    "postponed_to": "2026-05-04T14:00",
                    "attended": ["P1", "P2"],
                },
                {"ref": "R2", "at": "2026-05-20T10:00", "place": "Cabinet de l'expert", "status": "cancelled"},
            ],
            "report": {
                "facts": "Accident de la circulation du 3 janvier 2025.",
                "examination": "Raideur de l'épaule droite.",
                "discussion": "Les lésions sont imputables à l'accident.",
                "consolidation": "2026-02-15",
                "heads": {"DFP": "8", "SE": "3", "DFT": [{"from": "2025-01-03", "to": "2025-01-20", "rate": 100}]},
                "answers": ["Fracture de la clavicule droite.", "Consolidation au 15 février 2026."],
            },
            "pre_report": {"sent_on": "2026-06-15", "dires_due": "2026-07-15"},
            "dires": [
                {
                    "ref": "D1",
                    "party": "P2",
                    "by": "me.faure",
                    "filed_on": "2026-07-01",
                    "text": "Le taux de DFP paraît surévalué.",
                    "answer": "Le taux de 8 % tient compte de la raideur constatée.",
                }
            ],
            "deposited_on": "2026-08-01",
        }
    ],
}


def _final_text(mission: Mission) -> str:
    version = ReportVersion.objects.get(mission=mission, kind=VersionKind.FINAL)
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(bytes(version.pdf))).pages)


def test_a_mission_loaded_to_its_deposit(tmp_path):
    out = load_scenario_file(tmp_path, BOBIGNY)
    mission = Mission.objects.get(pk=out["missions"]["M1"]["id"])
    assert mission.status == "deposited"
    assert str(mission.deposited_on) == "2026-08-01"
    assert str(mission.dires_due) == "2026-07-15"
    assert mission.assignments.get().accepted_on.isoformat() == "2026-03-10"
    assert Court.objects.get(code="tj-bobigny").address.startswith("173 avenue")
    held, cancelled = Convocation.objects.filter(mission=mission).order_by("meeting_at")
    assert held.status == MeetingStatus.HELD and held.postponed_from is not None
    assert held.meeting_at.isoformat().startswith("2026-05-04T")
    assert cancelled.status == MeetingStatus.CANCELLED
    assert {r.party.name for r in held.recipients.filter(attended=True)} == {"Julien Marchal", "Assurances du Centre"}
    dire = Dire.objects.get(mission=mission)
    assert dire.answer.startswith("Le taux de 8 %") and dire.filed_by.username == "me.faure"
    # the history keeps each step: the postponement, the cancellation, the meeting held
    assert set(Change.objects.filter(mission=mission).values_list("action", flat=True)) >= {
        "postponed",
        "cancelled",
        "held",
    }


def test_no_deadline_of_the_operations_stays_open_after_the_deposit(tmp_path):
    """SCENARIOS.md: once the report is deposited, the deadlines of the operations are closed."""
    out = load_scenario_file(tmp_path, BOBIGNY)
    mission_id = out["missions"]["M1"]["id"]
    buffer = io.StringIO()
    call_command("deadlines", "--today", "2026-11-23", "--json", stdout=buffer)
    rows = [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    still_open = [r for r in rows if r["mission"] == mission_id and r["kind"] in OPERATIONS and r["state"] != "done"]
    assert still_open == []


def test_the_report_names_the_meetings_held_at_their_final_date_and_the_answers_to_the_dires(tmp_path):
    out = load_scenario_file(tmp_path, BOBIGNY)
    text = " ".join(_final_text(Mission.objects.get(pk=out["missions"]["M1"]["id"])).split())
    assert "4 mai 2026" in text or "04/05/2026" in text
    assert "20 avril 2026" not in text and "20/04/2026" not in text  # the date it was moved from
    assert "20 mai 2026" not in text and "20/05/2026" not in text  # the meeting cancelled
    assert "tient compte de la raideur constatée" in text


def test_a_deposit_with_a_question_unanswered_is_refused_at_its_place(tmp_path):
    """CPC art. 238: the report answers every question of the mission; the guards block the
    deposit, and the file's deposit fails the load at its place, creating nothing."""
    data = copy.deepcopy(BOBIGNY)
    data["missions"][0]["report"]["answers"] = ["Fracture de la clavicule droite."]
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, data)
    message = str(excinfo.value)
    assert "missions[0].deposited_on" in message and "question 2" in message
    assert not Mission.objects.exists() and not Document.objects.exists()


def test_a_deposit_before_the_end_of_the_dires_period_is_refused(tmp_path):
    """CPC art. 276: the parties may file their observations until the deadline the expert set."""
    data = copy.deepcopy(BOBIGNY)
    data["missions"][0]["dires"][0]["filed_on"] = "2026-06-20"
    data["missions"][0]["deposited_on"] = "2026-07-01"
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, data)
    assert "missions[0].deposited_on" in str(excinfo.value)
    assert not Mission.objects.exists()


@pytest.mark.parametrize(
    ("mutate", "place"),
    [
        (lambda m: m["meetings"][0].update(at="2026-04-20 9h30"), "missions[0].meetings[0].at"),
        (lambda m: m["meetings"][0].update(status="moved"), "missions[0].meetings[0].status"),
        (lambda m: m["meetings"][1].update(attended=["P1"]), "missions[0].meetings[1].attended"),
        (lambda m: m["dires"][0].update(party="P9"), "missions[0].dires[0].party"),
        (lambda m: m["report"]["heads"].update(FD="Frais de transport"), "missions[0].report.heads.FD"),
        (lambda m: m["report"].update(answers=["a", "b", "c"]), "missions[0].report.answers"),
        (lambda m: m["pre_report"].pop("dires_due"), "missions[0].pre_report"),
    ],
    ids=[
        "bad-time",
        "unknown-status",
        "attended-a-cancelled-meeting",
        "unknown-party",
        "pending-head",
        "too-many",
        "no-dires-due",
    ],
)
def test_a_wrong_event_names_its_place_and_creates_nothing(tmp_path, mutate, place):
    data = copy.deepcopy(BOBIGNY)
    mutate(data["missions"][0])
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, data)
    assert place in str(excinfo.value)
    assert not Mission.objects.exists()


def test_a_later_mission_names_the_earlier_one_it_follows(tmp_path):
    data = copy.deepcopy(BOBIGNY)
    later = {
        key: data["missions"][0][key]
        for key in ("court", "title", "framework", "experts", "questions", "parties", "report_due")
    }
    later |= {"ref": "M2", "rg": "26/05678", "ordered_on": "2026-09-01", "kind": "aggravation", "previous": "M1"}
    data["missions"].append(later)
    out = load_scenario_file(tmp_path, data)
    second = Mission.objects.get(pk=out["missions"]["M2"]["id"])
    assert second.previous_id == out["missions"]["M1"]["id"] and second.kind == "aggravation"


def test_the_previous_mission_is_one_declared_before(tmp_path):
    data = copy.deepcopy(BOBIGNY)
    data["missions"][0]["previous"] = "M9"
    with pytest.raises(CommandError, match=r"missions\[0\]\.previous"):
        load_scenario_file(tmp_path, data)


def test_the_report_is_dated_on_the_day_of_its_deposit(tmp_path):
    out = load_scenario_file(tmp_path, BOBIGNY)
    text = " ".join(_final_text(Mission.objects.get(pk=out["missions"]["M1"]["id"])).split())
    assert "Fait le 1er août 2026" in text
