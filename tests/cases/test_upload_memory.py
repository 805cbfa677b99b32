"""import_documents run as a real process (security review, findings 6 and 7): its peak memory
while checking a large but legal image stays that of a small one, a decompression bomb is refused
without being decoded, and a malformed PDF is named without a traceback and with a failing exit.

These are availability and integrity rules of the evidence: the parties hand their pieces to
the expert (CPC art. 275), and the application refuses, naming it, what it cannot safely keep,
without letting one file exhaust the server that keeps everyone else's pieces."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from cases.models import Document
from tests import factories
from tests.conftest import stored_files
from tests.files import good_files, image_bombs, large_legal_images, malformed_pdfs, write_files

pytestmark = pytest.mark.django_db(transaction=True)

# Runs the command as its child and prints the child's peak resident memory (kB) last.
PEAK = (
    "import resource, subprocess, sys\n"
    "child = subprocess.run(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, flush=True)\n"
    "sys.exit(child.returncode)\n"
)


@pytest.fixture
def import_process(tmp_path):
    """Runs `manage.py import_documents` in another process on the test database, which it
    shares; returns (exit code, stdout, stderr, peak RSS in kB)."""
    if connection.vendor != "postgresql":
        pytest.skip("the command's process shares the PostgreSQL test database")
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "expertise.settings.test",
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CONN_MAX_AGE": "0",
    }
    batches = iter(range(1000))

    def run(mission, files: dict[str, bytes]) -> tuple[int, str, str, int]:
        paths = write_files(tmp_path / f"lot-{next(batches)}", files)
        command = [sys.executable, "manage.py", "import_documents", "--mission", str(mission.pk)]
        done = subprocess.run(
            [sys.executable, "-c", PEAK, *command, "--produced-by", "court", *paths],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
        )
        *out, peak = done.stdout.strip().splitlines()
        return done.returncode, "\n".join(out), done.stderr, int(peak)

    run.media = tmp_path / "media"
    return run


def test_checking_large_legal_images_costs_no_more_memory_than_a_small_one(import_process):
    """64 Mpx of RGB pixels is 192 MB once decoded (Pillow decoded them whole to detect a
    truncation): each large image is accepted within 1.5 times the peak of importing a small one."""
    m = factories.mission()
    code, _out, err, small = import_process(m, {"petit.png": good_files()["schema.png"]})
    assert code == 0, err
    large = large_legal_images()
    code, out, err, peak = import_process(m, large)
    assert code == 0, err
    for name in large:
        assert f"{name} : pièce n°" in out, (name, err)
    print(f"peak RSS: {small} kB for a small image, {peak} kB for the large ones")
    assert peak <= 1.5 * small, f"peak {peak} kB for the large images, {small} kB for a small one"


def test_a_decompression_bomb_is_refused_without_being_decoded(import_process):
    """A 545 KB PNG of 9400 x 9400 RGBA (313 MB to decode) and its kin: refused from the
    header or the structure, each named, nothing stored, no more memory than a small image."""
    m = factories.mission()
    code, _out, err, small = import_process(m, {"petit.png": good_files()["schema.png"]})
    assert code == 0, err
    Document.objects.all().delete()
    for path in stored_files(import_process.media):
        path.unlink()
    bombs = image_bombs()
    code, _out, err, peak = import_process(m, bombs)
    assert code == 1 and "Traceback" not in err
    for name in bombs:
        assert f"« {name} » est refusé" in err, name
    assert "9400 × 9400" in err
    assert not Document.objects.exists() and stored_files(import_process.media) == []
    print(f"peak RSS: {small} kB for a small image, {peak} kB for the bombs")
    assert peak <= 1.5 * small, f"peak {peak} kB for the bombs, {small} kB for a small image"


def test_a_malformed_pdf_is_named_with_a_failing_exit_and_no_traceback(import_process):
    """A 1.6 KB page tree that reuses one node made pypdf raise LimitReachedError, which the
    command let through as a traceback: each file is now named with its reason."""
    m = factories.mission()
    code, _out, err, _peak = import_process(m, {"bon.pdf": good_files()["certificat.pdf"], **malformed_pdfs()})
    assert code == 1
    assert "Traceback" not in err, err
    for name in malformed_pdfs():
        assert f"« {name} » est refusé : le PDF" in err, name
    assert f"{len(malformed_pdfs())} fichier(s) refusé(s)" in err
    assert list(Document.objects.values_list("original_name", flat=True)) == ["bon.pdf"]
    assert len(stored_files(import_process.media)) == 1
