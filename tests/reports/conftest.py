import io
import subprocess
from pathlib import Path

from django.core.management import call_command

from cases.models import Mission
from tests.conftest import HIDDEN_TITLES  # noqa: F401 - the report tests import it from here


def render_report(mission: Mission, tmp_path: Path, *, pre: bool = False) -> str:
    """`manage.py render_report` as the court's check runs it, read back with pdftotext."""
    out = tmp_path / ("pre.pdf" if pre else "report.pdf")
    args = ["render_report", "--mission", str(mission.pk), "--out", str(out)] + (["--pre"] if pre else [])
    call_command(*args, stdout=io.StringIO())
    return pdftotext(out)


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
