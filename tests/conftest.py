import copy
import json
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "scenarios"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_report_header(config):
    from django.db import connection

    settings = connection.settings_dict
    where = settings["NAME"] if connection.vendor == "sqlite" else f"{settings['HOST']}:{settings['PORT']}"
    return f"database: {connection.vendor} ({where})"


@pytest.fixture(autouse=True)
def french_after_each_test():
    """A request in Arabic leaves Arabic active in the thread (LocaleMiddleware does not reset it):
    each test starts and ends in the source language, whatever the test before it asked for."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.activate("fr")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Each test stores its uploads in its own folder, so that 'nothing left behind' is checkable."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


# Every tab of a mission, in the order of the page.
MISSION_PAGES = [
    "cases:mission_detail",
    "cases:mission_parties",
    "cases:mission_documents",
    "cases:mission_certificates",
    "cases:mission_convocations",
    "cases:mission_dires",
    "reports:mission_report",
    "cases:mission_consents",
    "cases:mission_contradictoire",
    "cases:mission_access_log",
]


def load_scenario_file(tmp_path: Path, data: dict) -> dict:
    """Runs `manage.py load_scenario` on the data, as a user would, and returns its JSON output."""
    import io

    from django.core.management import call_command

    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("load_scenario", str(path), stdout=out)
    return json.loads(out.getvalue())


def stored_files(root: Path) -> list[Path]:
    from cases.storage import files_under

    return files_under(root)


@pytest.fixture
def lyon_scenario() -> dict:
    """The shared worked example; a copy ships in tests/fixtures for clones without shared/."""
    path = SHARED / "lyon-avp.json"
    if not path.exists():
        path = FIXTURES / "lyon-avp.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def lyon_expected() -> dict:
    path = SHARED / "lyon-avp.expected.json"
    if not path.exists():
        path = FIXTURES / "lyon-avp.expected.json"
    return json.loads(path.read_text(encoding="utf-8"))


HIDDEN_TITLES = {
    "D3": "Compte rendu d'hospitalisation",  # refused by the patient (rule 6)
    "D4": "Certificat d'un accident de ski de 2015",  # marked unrelated (rule 7)
    "D8": "Note du médecin de l'assureur sur Mme Dupont",  # in quarantine (rule 3)
}


@pytest.fixture
def lyon_report(tmp_path, lyon_scenario):
    """The shared worked example, with one piece refused by the patient and one in quarantine."""
    from accounts.models import User
    from cases.models import Mission

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
