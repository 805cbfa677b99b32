"""`load_scenario` on the shared example and on broken files; `access_matrix` on the example."""

import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.http import HttpRequest

from accounts.models import User
from cases.models import Consent, Court, Document, Mission
from tests.conftest import load_scenario_file, stored_files

pytestmark = pytest.mark.django_db


def test_loads_the_shared_example_through_the_services(tmp_path, lyon_scenario):
    result = load_scenario_file(tmp_path, lyon_scenario)
    assert set(result["users"]) == {u["username"] for u in lyon_scenario["users"]}
    assert set(result["missions"]) == {"M1", "M2"}
    assert len(result["documents"]) == 9
    m1 = Mission.objects.get(pk=result["missions"]["M1"]["id"])
    assert result["missions"]["M1"]["url"] == f"/missions/{m1.pk}/"
    assert [q.position for q in m1.questions.all()] == list(range(1, 8))
    assert m1.assignments.get(expert__username="dr.roux").role == "sapiteur"
    d2 = Document.objects.get(pk=result["documents"]["M1/D2"]["id"])
    assert d2.number == 2 and d2.is_medical and d2.about.name == "Alice Dupont"
    assert d2.certificate.lesions.startswith("Entorse grave")
    assert result["documents"]["M1/D2"]["download_url"] == f"/pieces/{d2.pk}/fichier/"
    assert d2.file.read().startswith(b"%PDF-")
    assert Consent.objects.get().written is True
    assert User.objects.get(username="greffe.lyon").court.code == "TJ-LYON"
    assert User.objects.get(username="alice").check_password("demo-victime-2026")


def test_the_example_s_expected_matrix_is_met_over_http(tmp_path, client, lyon_scenario, lyon_expected):
    """Every user x document of the shared example, through the download URL that
    load_scenario prints (DOMAIN.md §3, every rule)."""
    result = load_scenario_file(tmp_path, lyon_scenario)
    passwords = {u["username"]: u["password"] for u in lyon_scenario["users"]}
    wrong = []
    for username, password in passwords.items():
        client.logout()
        assert client.login(request=HttpRequest(), username=username, password=password)
        for key, doc in result["documents"].items():
            response = client.get(doc["download_url"])
            allowed = response.status_code == 200
            if allowed:
                assert response["Cache-Control"] == "private, no-store"
                assert response["Content-Type"] == "application/pdf"
                assert b"".join(response.streaming_content).startswith(b"%PDF-")
            else:
                assert response.status_code in (403, 404)
            if allowed != (username in lyon_expected["allowed"][key]):
                wrong.append((username, key, response.status_code))
    assert wrong == []


def test_access_matrix_prints_one_line_per_user_and_document(tmp_path, lyon_scenario, lyon_expected):
    result = load_scenario_file(tmp_path, lyon_scenario)
    out = io.StringIO()
    call_command("access_matrix", "--action", "download", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 11 * 9
    keys = {doc["id"]: key for key, doc in result["documents"].items()}
    for row in rows:
        assert row["action"] == "download"
        assert row["allowed"] == (row["user"] in lyon_expected["allowed"][keys[row["document_id"]]]), row
    d3 = result["documents"]["M1/D3"]["id"]
    assert {r["rule"] for r in rows if r["document_id"] == d3 and r["user"] == "dr.martin"} == {"quarantine"}


@pytest.mark.parametrize(
    ("mutate", "place"),
    [
        (lambda d: d["missions"][0]["documents"][1].update(colour="red"), "missions[0].documents[1]: champ inconnu"),
        (lambda d: d.update(extra=1), "scenario: champ inconnu « extra »"),
        (lambda d: d["missions"][0]["parties"][0].update(avocats=["me.nobody"]), "missions[0].parties[0].avocats[0]"),
        (lambda d: d["missions"][0]["documents"][2].update(about="P9"), "missions[0].documents[2].about"),
        (lambda d: d["missions"][1].update(court="TJ-NOWHERE"), "missions[1].court"),
        (
            lambda d: d["missions"][0]["consents"][0].update(granted_on="2026-13-45"),
            "missions[0].consents[0].granted_on",
        ),
        (lambda d: d["missions"][0]["consents"][0].update(documents=["D99"]), "missions[0].consents[0].documents[0]"),
        (lambda d: d["users"][0].update(role="wizard"), "users[0].role"),
        (lambda d: d["missions"][0].pop("rg"), "missions[0]: champ obligatoire « rg »"),
    ],
)
def test_a_broken_file_names_the_place_and_creates_nothing(tmp_path, lyon_scenario, mutate, place, private_media):
    data = copy.deepcopy(lyon_scenario)
    mutate(data)
    with pytest.raises(CommandError) as excinfo:
        load_scenario_file(tmp_path, data)
    assert place in str(excinfo.value)
    assert "rien n'a été créé" in str(excinfo.value)
    assert (User.objects.count(), Court.objects.count(), Mission.objects.count(), Document.objects.count()) == (
        0,
        0,
        0,
        0,
    )
    assert stored_files(private_media) == []


def test_invalid_json_is_reported_with_its_line(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"courts": [\n  {"ref": }\n]}', encoding="utf-8")
    with pytest.raises(CommandError, match="ligne 2"):
        call_command("load_scenario", str(path))


def test_demo_scenario_loads_and_is_idempotent():
    call_command("load_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Mission.objects.count(), Document.objects.count())
    assert counts[1] == 3 and counts[2] > 10
    call_command("load_demo", stdout=io.StringIO())
    assert (User.objects.count(), Mission.objects.count(), Document.objects.count()) == counts
