"""Scenario files, format 2 (shared/SCENARIOS.md): the loader reads a mission's `language` and a
party's `public_body` (a party's details and a mission's `event`: test_victim_details.py); the
other fields of format 2 come with the issues that need them and are refused by name, at their
place, so that nothing a file says is silently dropped (the life of a mission: test_scenario_life.py). A format-1 file loads unchanged, and does
not know the fields of format 2."""

import copy

import pytest
from django.core.management import CommandError

from accounts.models import User
from cases.models import Court, Document, Mission, Party
from tests.conftest import load_scenario_file

pytestmark = pytest.mark.django_db

SOUSSE = {
    "format": 2,
    "courts": [{"ref": "tpi-sousse", "name": "Tribunal de première instance de Sousse", "country": "TN"}],
    "users": [
        {
            "username": "dr.trabelsi",
            "password": "Expertise-2026!",
            "role": "expert",
            "name": "Dr Sami Trabelsi",
            "email": "s.trabelsi@example.tn",
        },
        {"username": "me.gharbi", "password": "Expertise-2026!", "role": "avocat", "name": "Me Leila Gharbi"},
    ],
    "missions": [
        {
            "ref": "M1",
            "court": "tpi-sousse",
            "rg": "2026/4521",
            "title": "Ben Salah c/ État tunisien",
            "framework": "road_accident",
            "ordered_on": "2026-06-01",
            "report_due": "2026-12-01",
            "language": "ar",
            "experts": [{"user": "dr.trabelsi"}],
            "questions": ["Décrire les lésions.", "Fixer la date de consolidation."],
            "parties": [
                {
                    "ref": "P1",
                    "name": "Mohamed Ben Salah",
                    "role": "demandeur",
                    "victim": True,
                    "avocats": ["me.gharbi"],
                },
                {"ref": "P2", "name": "Ministère de l'Équipement", "role": "defendeur", "public_body": True},
            ],
            "documents": [
                {"ref": "D1", "title": "Jugement ordonnant l'expertise", "date": "2026-06-01", "produced_by": "court"}
            ],
        }
    ],
}


def _nothing_created() -> bool:
    return (User.objects.count(), Court.objects.count(), Mission.objects.count(), Document.objects.count()) == (
        0,
        0,
        0,
        0,
    )


def test_a_format_2_arabic_tunisian_mission_with_a_public_body(tmp_path, client):
    out = load_scenario_file(tmp_path, SOUSSE)
    mission = Mission.objects.get(pk=out["missions"]["M1"]["id"])
    assert mission.language == "ar" and mission.court.country == "TN"
    assert {p.name: p.public_body for p in Party.objects.filter(mission=mission)} == {
        "Mohamed Ben Salah": False,
        "Ministère de l'Équipement": True,
    }
    assert User.objects.get(username="dr.trabelsi").email == "s.trabelsi@example.tn"
    assert mission.three_experts_missing()  # one expert, the State a party, no agreement
    client.force_login(User.objects.get(username="dr.trabelsi"))
    assert 'id="three-experts"' in client.get(out["missions"]["M1"]["url"]).content.decode()


def test_language_and_public_body_default_to_french_and_false(tmp_path):
    data = copy.deepcopy(SOUSSE)
    del data["missions"][0]["language"]
    del data["missions"][0]["parties"][1]["public_body"]
    load_scenario_file(tmp_path, data)
    assert Mission.objects.get().language == "fr"
    assert not Party.objects.filter(public_body=True).exists()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["missions"][0].update(language="en"), "missions[0].language: valeur 'en' inconnue"),
        (
            lambda d: d["courts"][0].update(country="FR"),
            "missions[0].language: Les documents en arabe sont réservés aux missions d'une juridiction tunisienne.",
        ),
        (lambda d: d["missions"][0]["parties"][1].update(public_body="oui"), "parties[1].public_body: true ou false"),
        (lambda d: d.update(format=3), "scenario.format: format 3 inconnu"),
        (lambda d: d.update(format=True), "scenario.format"),
    ],
    ids=["unknown-language", "arabic-in-france", "public-body-not-a-boolean", "format-3", "format-true"],
)
def test_a_wrong_value_names_its_place_and_creates_nothing(tmp_path, mutate, message):
    data = copy.deepcopy(SOUSSE)
    mutate(data)
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, data)
    assert message in str(excinfo.value) and "rien n'a été créé" in str(excinfo.value)
    assert _nothing_created()


PENDING = [
    ("users", 0, "phone", "+216 71 000 000"),
    ("users", 0, "title", "Expert près la cour d'appel de Sousse"),
    ("users", 0, "address", "Sousse"),
    ("users", 0, "hourly_rate", "90"),
    ("users", 0, "vat_rate", "0"),
    ("users", 0, "vat_note", "Exonéré"),
    ("missions", 0, "fees", {"lines": []}),
]


@pytest.mark.parametrize(("kind", "index", "key", "value"), PENDING, ids=[f"{k}.{f}" for k, _, f, _ in PENDING])
def test_a_format_2_field_of_a_later_issue_is_refused_by_name(tmp_path, kind, index, key, value):
    data = copy.deepcopy(SOUSSE)
    data[kind][index][key] = value
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, data)
    assert f"{kind}[{index}].{key}: champ du format 2 pas encore pris en charge" in str(excinfo.value)
    assert _nothing_created()


def test_a_format_1_file_does_not_know_the_fields_of_format_2(tmp_path, lyon_scenario):
    data = copy.deepcopy(lyon_scenario)
    assert data.get("format", 1) == 1
    data["missions"][0]["language"] = "fr"
    with pytest.raises(CommandError, match=r"missions\[0\]\.language: champ « language » du format 2"):
        load_scenario_file(tmp_path, data)
    assert _nothing_created()


def test_a_format_1_file_loads_unchanged(tmp_path, lyon_scenario):
    out = load_scenario_file(tmp_path, lyon_scenario)
    assert set(Mission.objects.values_list("language", flat=True)) == {"fr"}
    assert not Party.objects.filter(public_body=True).exists()
    assert out["missions"] and out["documents"]
