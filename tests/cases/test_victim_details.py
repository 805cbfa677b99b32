"""The victim and the event (issue 16, items 2 and 11; DOMAIN.md §9): a party's date of birth, sex,
occupation, work status, address and e-mail address, and the mission's event (date, place,
circumstances), loaded from format-2 scenario files through the services, shown on the pages to
those who may see them, and printed in the report's identification (French and Arabic)."""

import copy
import io
import subprocess
from datetime import date
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import dateformat, timezone, translation

from accounts.models import User
from cases.models import Court, Document, Mission, Party
from cases.services.missions import mission_event_set
from reports.builder import report_for
from tests import factories
from tests.cases.test_arabic_documents import missing_words, pdf_text
from tests.cases.test_scenario_format2 import SOUSSE
from tests.conftest import load_scenario_file

pytestmark = pytest.mark.django_db

BORN_ON = "1984-05-20"
DOB_PAGE = "20/05/1984"
EVENT = {
    "date": "2026-03-14",
    "place": "Avenue Berthelot, Lyon 7e",
    "circumstances": "Passagère d'un véhicule percuté à l'arrière au feu rouge.",
}
VICTIM = {
    "born_on": BORN_ON,
    "sex": "F",
    "occupation": "Infirmière de bloc opératoire",
    "worker_status": "employee",
    "address": "12 rue Garibaldi\n69003 Lyon",
    "email": "alice.dupont@example.org",
}


@pytest.fixture
def lyon_v2(lyon_scenario) -> dict:
    """The worked example in format 2, with the victim's details and the event."""
    data = copy.deepcopy(lyon_scenario)
    data["format"] = 2
    mission = data["missions"][0]
    mission["event"] = dict(EVENT)
    mission["parties"][0].update(VICTIM)
    mission["parties"][1].update(address="Tour Atlas, 1 place de la Bourse\n69002 Lyon")
    return data


def _load(tmp_path, data) -> tuple[Mission, dict]:
    out = load_scenario_file(tmp_path, data)
    mission = Mission.objects.get(pk=out["missions"]["M1"]["id"])
    return mission, {name: User.objects.get(pk=u["id"]) for name, u in out["users"].items()}


def _nothing_created() -> bool:
    return not (
        User.objects.exists() or Court.objects.exists() or Mission.objects.exists() or Document.objects.exists()
    )


def _render(mission: Mission, tmp_path: Path) -> Path:
    """`manage.py render_report --mission ID --out FILE`, from a process in UTC."""
    out = tmp_path / f"report-{mission.pk}.pdf"
    with timezone.override(ZoneInfo("UTC")):
        call_command("render_report", "--mission", str(mission.pk), "--out", str(out), stdout=io.StringIO())
    return out


def _layout_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


# --- the loader -------------------------------------------------------------------------------------


def test_a_format_2_file_loads_the_victim_and_the_event(tmp_path, lyon_v2):
    mission, _users = _load(tmp_path, lyon_v2)
    assert (mission.event_date, mission.event_place, mission.event_circumstances) == (
        date(2026, 3, 14),
        EVENT["place"],
        EVENT["circumstances"],
    )
    victim = mission.parties.get(is_victim=True)
    assert victim.born_on == date(1984, 5, 20)
    assert (victim.sex, victim.occupation, victim.worker_status) == ("F", VICTIM["occupation"], "employee")
    assert victim.address == VICTIM["address"] and victim.email == VICTIM["email"]
    assert victim.get_worker_status_display() == "Salarié" and victim.get_sex_display() == "féminin"
    insurer = mission.parties.get(is_insurer=True)
    assert insurer.born_on is None and insurer.sex == "" and insurer.email == ""
    assert insurer.address.startswith("Tour Atlas")


def test_every_field_is_optional(tmp_path, lyon_v2):
    lyon_v2["missions"][0]["event"] = {"place": "Lyon"}
    for key in ("sex", "occupation", "worker_status", "address", "email"):
        del lyon_v2["missions"][0]["parties"][0][key]
    mission, _users = _load(tmp_path, lyon_v2)
    assert mission.event_date is None and mission.event_place == "Lyon" and mission.event_circumstances == ""
    assert mission.parties.get(is_victim=True).sex == ""


def _party(data):
    return data["missions"][0]["parties"][0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: _party(d).update(sex="X"), "missions[0].parties[0].sex: valeur 'X' inconnue"),
        (lambda d: _party(d).update(sex="f"), "missions[0].parties[0].sex: valeur 'f' inconnue"),
        (
            lambda d: _party(d).update(born_on="2099-01-01"),
            "missions[0].parties[0].born_on: La date de naissance ne peut être dans le futur.",
        ),
        (lambda d: _party(d).update(born_on="20/05/1984"), "missions[0].parties[0].born_on: date invalide"),
        (
            lambda d: _party(d).update(born_on="2026-04-01"),
            "missions[0].parties[0].born_on: La victime ne peut être née après les faits (14/03/2026).",
        ),
        (
            lambda d: _party(d).update(worker_status="intern"),
            "missions[0].parties[0].worker_status: valeur 'intern' inconnue",
        ),
        (lambda d: _party(d).update(occupation="Infirmière\nde bloc"), "missions[0].parties[0].occupation: "),
        (lambda d: _party(d).update(occupation=12), "missions[0].parties[0].occupation: un texte est attendu"),
        (lambda d: _party(d).update(email="alice at example"), "missions[0].parties[0].email: "),
        (
            lambda d: d["missions"][0]["event"].update(date="2099-03-14"),
            "missions[0].event.date: La date des faits ne peut être dans le futur.",
        ),
        (lambda d: d["missions"][0]["event"].update(date="14 mars"), "missions[0].event.date: date invalide"),
        (lambda d: d["missions"][0]["event"].update(place="Lyon\r\n7e"), "missions[0].event.place: "),
        (lambda d: d["missions"][0]["event"].update(weather="pluie"), "missions[0].event: champ inconnu « weather »"),
        (lambda d: d["missions"][0].update(event="Lyon"), "missions[0].event: un objet JSON est attendu"),
    ],
    ids=[
        "sex-unknown",
        "sex-lowercase",
        "born-in-the-future",
        "born-on-not-iso",
        "victim-born-after-the-event",
        "worker-status-unknown",
        "occupation-line-break",
        "occupation-not-a-text",
        "email-invalid",
        "event-in-the-future",
        "event-date-not-iso",
        "event-place-line-break",
        "event-unknown-key",
        "event-not-an-object",
    ],
)
def test_a_bad_value_names_its_place_and_creates_nothing(tmp_path, lyon_v2, mutate, message):
    mutate(lyon_v2)
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, lyon_v2)
    assert message in str(excinfo.value) and "rien n'a été créé" in str(excinfo.value)
    assert _nothing_created()


def test_a_party_other_than_the_victim_may_be_born_after_the_event(tmp_path, lyon_v2):
    """An heir claiming his own prejudice may be born after the accident; the victim may not."""
    lyon_v2["missions"][0]["parties"][1].update(born_on="2026-06-01")
    mission, _users = _load(tmp_path, lyon_v2)
    assert mission.parties.get(is_insurer=True).born_on == date(2026, 6, 1)


def test_the_format_1_file_does_not_know_the_victim_s_fields(tmp_path, lyon_scenario):
    data = copy.deepcopy(lyon_scenario)
    data["missions"][0]["parties"][0]["born_on"] = BORN_ON
    with pytest.raises(CommandError, match=r"parties\[0\]\.born_on: champ « born_on » du format 2"):
        load_scenario_file(tmp_path, data)


# --- the service of the event -------------------------------------------------------------------------


def test_the_event_is_written_by_the_experts_not_by_the_sapiteur_nor_the_parties(tmp_path, lyon_v2):
    mission, users = _load(tmp_path, lyon_v2)
    for name in ("dr.roux", "me.durand", "greffe.lyon", "alice"):
        with pytest.raises(PermissionDenied):
            mission_event_set(by=users[name], mission=mission, date=date(2026, 3, 1), place="Vienne")
    with pytest.raises(ValidationError) as excinfo:
        mission_event_set(by=users["dr.martin"], mission=mission, date=date(1980, 1, 1))
    assert "naissance de la victime Alice Dupont (20/05/1984)" in str(excinfo.value)
    mission_event_set(by=users["dr.martin"], mission=mission, date=date(2026, 3, 15), place=" Lyon ")
    mission.refresh_from_db()
    assert (mission.event_date, mission.event_place, mission.event_circumstances) == (date(2026, 3, 15), "Lyon", "")


# --- the report ---------------------------------------------------------------------------------------


def test_the_french_report_identifies_the_victim_and_the_event(tmp_path, lyon_v2):
    mission, _users = _load(tmp_path, lyon_v2)
    report = report_for(mission)
    report.consolidation_date = date(2026, 9, 15)
    report.save()
    text = _layout_text(_render(mission, tmp_path))
    identification = text[text.index("1. Identification") : text.index("2. Rappel de la mission")]
    assert "Date de naissance 20 mai 1984" in identification
    assert "Âge à la date des faits 41 ans" in identification  # 14 March 2026, before the birthday
    assert "Âge à la consolidation 42 ans" in identification  # 15 September 2026
    assert "Sexe féminin" in identification
    assert "Profession Infirmière de bloc opératoire" in identification
    assert "Situation professionnelle Salarié" in identification
    assert "Les faits Date 14 mars 2026 Lieu Avenue Berthelot, Lyon 7e" in identification
    assert EVENT["circumstances"] in identification
    # the report holds only what the mission needs: not the victim's address nor his e-mail address
    assert "Garibaldi" not in text and VICTIM["email"] not in text


def test_nothing_is_printed_for_what_is_unknown(tmp_path, lyon_v2):
    mission, _users = _load(tmp_path, lyon_v2)  # no consolidation date in the report
    Party.objects.filter(mission=mission, is_victim=True).update(sex="", occupation="", worker_status="")
    text = _layout_text(_render(mission, tmp_path))
    assert "Âge à la date des faits 41 ans" in text
    for label in ("Âge à la consolidation", "Sexe", "Profession", "Situation professionnelle"):
        assert label not in text, label

    Party.objects.filter(mission=mission).update(born_on=None)
    Mission.objects.filter(pk=mission.pk).update(event_date=None, event_place="", event_circumstances="")
    text = _layout_text(_render(mission, tmp_path))
    for label in ("La victime", "Date de naissance", "Âge", "Les faits Date", "Circonstances"):
        assert label not in text, label


def test_a_child_s_age_under_one_year_is_in_months(tmp_path, lyon_v2):
    _party(lyon_v2).update(born_on="2025-06-30")
    mission, _users = _load(tmp_path, lyon_v2)
    text = _layout_text(_render(mission, tmp_path))
    assert "Âge à la date des faits 8 mois" in text


def test_the_arabic_report_of_a_tunisian_mission_identifies_the_victim_and_the_event(tmp_path):
    data = copy.deepcopy(SOUSSE)
    mission = data["missions"][0]
    mission["event"] = {
        "date": "2026-03-03",
        "place": "الطريق الحزامية، سوسة",
        "circumstances": "Piéton renversé par un véhicule de l'administration.",
    }
    mission["parties"][0].update(born_on="1979-11-02", sex="M", occupation="عامل بناء", worker_status="employee")
    out = load_scenario_file(tmp_path, data)
    m = Mission.objects.get(pk=out["missions"]["M1"]["id"])
    report = report_for(m)
    report.consolidation_date = date(2026, 10, 1)
    report.save()
    path = _render(m, tmp_path)
    text = pdf_text(path.read_bytes(), tmp_path, "text.pdf")
    with translation.override("ar"):
        born = dateformat.format(date(1979, 11, 2), "j F Y")  # 2 نوفمبر 1979, the Tunisian month's name
        event_day = dateformat.format(date(2026, 3, 3), "j F Y")
    assert missing_words(born, text) == [] and "1979" in text
    assert missing_words(event_day, text) == []
    assert missing_words("46", text) == []  # at the event (3 March 2026) and at the consolidation
    assert missing_words("عامل بناء", text) == []
    assert missing_words("الطريق الحزامية سوسة", text) == []
    assert "Piéton renversé par un véhicule de l'administration." in " ".join(text.split())


# --- the pages ----------------------------------------------------------------------------------------


def test_the_victim_s_date_of_birth_is_shown_to_the_experts_and_his_side_only(client, tmp_path, lyon_v2):
    mission, users = _load(tmp_path, lyon_v2)
    url = reverse("cases:mission_parties", args=[mission.pk])
    seen = {}
    for name in ("dr.martin", "dr.roux", "alice", "me.durand", "dr.recours", "me.atlas", "dr.atlas", "greffe.lyon"):
        client.force_login(users[name])
        response = client.get(url)
        assert response.status_code == 200, name
        page = response.content.decode()
        seen[name] = (DOB_PAGE in page, "Garibaldi" in page, VICTIM["email"] in page, "Tour Atlas" in page)
        client.logout()
    for name in ("dr.martin", "dr.roux"):  # the experts see every party's details
        assert seen[name] == (True, True, True, True), name
    for name in ("alice", "me.durand", "dr.recours"):  # the victim's side: hers, not the insurer's
        assert seen[name] == (True, True, True, False), name
    for name in ("me.atlas", "dr.atlas"):  # the adverse side: its own party's, not the victim's
        assert seen[name] == (False, False, False, True), name
    assert seen["greffe.lyon"] == (False, False, False, False)


def test_the_event_is_shown_to_everyone_of_the_mission(client, tmp_path, lyon_v2):
    mission, users = _load(tmp_path, lyon_v2)
    for name in ("dr.martin", "me.atlas", "greffe.lyon", "alice"):
        client.force_login(users[name])
        page = client.get(mission.get_absolute_url()).content.decode()
        assert EVENT["place"] in page and "14/03/2026" in page and escape(EVENT["circumstances"]) in page, name
        client.logout()


def _party_post(client, mission: Mission, **fields):
    data = {"form": "party", "party-name": "Bruno Petit", "party-role": "intervenant", "party-opposable": "on"}
    data.update({f"party-{k}": v for k, v in fields.items()})
    return client.post(reverse("cases:mission_parties", args=[mission.pk]), data)


def test_the_expert_records_a_party_s_details_on_the_parties_tab(client):
    mission = factories.mission()
    client.force_login(factories.lead_expert(mission))
    response = _party_post(
        client,
        mission,
        born_on="1990-02-03",
        sex="M",
        occupation="Chauffeur",
        worker_status="self_employed",
        address="3 rue de la Paix\n75002 Paris",
        contact_email="bruno.petit@example.org",
    )
    assert response.status_code == 302
    party = mission.parties.get(name="Bruno Petit")
    assert (party.born_on, party.sex, party.occupation, party.worker_status) == (
        date(1990, 2, 3),
        "M",
        "Chauffeur",
        "self_employed",
    )
    assert party.address == "3 rue de la Paix\n75002 Paris" and party.email == "bruno.petit@example.org"
    assert party.account is None  # an address to write to, not an account seated or invited
    assert not mission.invitations.exists()


def test_a_future_date_of_birth_is_refused_on_the_form(client):
    mission = factories.mission()
    client.force_login(factories.lead_expert(mission))
    response = _party_post(client, mission, born_on="2099-01-01")
    assert response.status_code == 400
    assert "La date de naissance ne peut être dans le futur." in response.content.decode()
    assert not mission.parties.exists()
