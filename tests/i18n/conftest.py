"""The compiled catalogues (.mo) are not committed: `make test` and `make run` build them. A run of
pytest alone builds them here when they are missing or older than their .po."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings


def _compile(po: Path) -> bool:
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        return False
    fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
    os.close(fd)
    try:
        subprocess.run(["msgfmt", "--check", "-o", tmp, str(po)], check=True, capture_output=True)
        os.replace(tmp, mo)  # atomic: another test run may be reading it
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return True


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt (Debian gettext) is missing: the Arabic catalogue cannot be compiled")
    changed = [
        po for path in settings.LOCALE_PATHS for po in Path(path).glob("*/LC_MESSAGES/django.po") if _compile(po)
    ]
    if changed:
        from django.utils.translation.reloader import translation_file_changed

        translation_file_changed(sender=None, file_path=changed[0].with_suffix(".mo"))  # forget loaded catalogues
