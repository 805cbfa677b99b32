"""The backup drill: the demo loaded, backed up, wiped, restored; every table's row count and
every file's checksum match. Run on PostgreSQL by `make test` (pg_dump / pg_restore)."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases.backup import row_counts
from cases.management.commands.storage_check import stored_fields
from cases.models import Document
from tests.conftest import stored_files

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_wipe_restore_gives_back_every_row_and_every_file(tmp_path, private_media):
    call_command("load_demo", stdout=io.StringIO())
    counts = row_counts()
    files = {p.relative_to(private_media).as_posix(): p.read_bytes() for p in stored_files(private_media)}
    named = sum(model.objects.exclude(**{field: ""}).count() for model, field, _ in stored_fields())
    assert counts["cases.Document"] > 0 and len(files) == named

    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["rows"] == counts and set(manifest["files"]) == set(files)

    call_command("flush", "--no-input")
    for path in stored_files(private_media):
        path.unlink()
    assert not Document.objects.exists()

    out = io.StringIO()
    call_command("restore", str(tmp_path / "backup"), stdout=out)
    assert "conformes au manifeste" in out.getvalue()
    assert row_counts() == counts
    assert {p.relative_to(private_media).as_posix(): p.read_bytes() for p in stored_files(private_media)} == files
    call_command("storage_check", stdout=io.StringIO())  # exits 0: no orphan, no missing file


def test_a_tampered_backup_is_refused_before_anything_is_touched(tmp_path, private_media):
    call_command("load_demo", stdout=io.StringIO())
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    victim: Path = next(p for p in (tmp_path / "backup" / "media").rglob("*") if p.is_file())
    victim.write_bytes(b"altered")
    before = row_counts()
    with pytest.raises(CommandError, match="altéré"):
        call_command("restore", str(tmp_path / "backup"), stdout=io.StringIO())
    assert row_counts() == before


def test_backup_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "old").write_text("x")
    with pytest.raises(CommandError, match="pas vide"):
        call_command("backup", str(tmp_path / "x"), stdout=io.StringIO())
