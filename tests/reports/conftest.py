import copy
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from cases.models import Mission
from tests.conftest import load_scenario_file

HIDDEN_TITLES = {
    "D3": "Compte rendu d'hospitalisation",  # refused by the patient (rule 6)
    "D4": "Certificat d'un accident de ski de 2015",  # marked unrelated (rule 7)
    "D8": "Note du médecin de l'assureur sur Mme Dupont",  # in quarantine (rule 3)
}


@pytest.fixture
def lyon_report(tmp_path, lyon_scenario):
    """The shared worked example, with one piece refused by the patient and one in quarantine."""
    data = copy.deepcopy(lyon_scenario)
    mission = data["missions"][0]
    mission["documents"].append(
        {
            "ref": "D8",
            "title": HIDDEN_TITLES["D8"],
            "date": "2026-10-01",
            "medical": True,
            "about": "P1",
            "produced_by": "P2",
        }
    )
    mission.setdefault("refusals", []).append({"patient": "P1", "document": "D3", "on": "2026-10-05"})
    out = load_scenario_file(tmp_path, data)
    m = Mission.objects.get(pk=out["missions"]["M1"]["id"])
    users = {name: User.objects.get(pk=u["id"]) for name, u in out["users"].items()}
    return m, users


def render_report(mission: Mission, tmp_path: Path, *, pre: bool = False) -> str:
    """`manage.py render_report` as the court's check runs it, read back with pdftotext."""
    out = tmp_path / ("pre.pdf" if pre else "report.pdf")
    args = ["render_report", "--mission", str(mission.pk), "--out", str(out)] + (["--pre"] if pre else [])
    call_command(*args, stdout=io.StringIO())
    return pdftotext(out)


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
