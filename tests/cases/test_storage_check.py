"""No orphan files (OWASP ASVS V12; the file is evidence): file first, row second, a failed
transaction leaves nothing, and `storage_check` finds what went wrong outside the app."""

import io
import json

import pytest
from django.core.management import call_command

from cases.choices import PartyRole
from cases.models import Document
from cases.services.documents import documents_upload
from cases.storage import atomic_files
from tests import factories
from tests.conftest import stored_files

pytestmark = pytest.mark.django_db


def _check() -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("storage_check", "--json", stdout=out)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


def test_an_upload_aborted_mid_transaction_leaves_neither_row_nor_file(private_media):
    m = factories.mission()
    with pytest.raises(RuntimeError), atomic_files():
        documents_upload(mission=m, uploaded_by=None, uploads=[factories.pdf_upload()], producer="court", date=None)
        assert len(stored_files(private_media)) == 1  # written...
        raise RuntimeError("the server stops before the commit")
    assert not Document.objects.exists() and stored_files(private_media) == []  # ...and gone
    assert _check() == (0, {"files_without_row": [], "rows_without_file": [], "checksum_changed": []})


def test_storage_check_reports_orphans_missing_files_and_changed_checksums(private_media):
    m = factories.mission()
    kept, lost, altered = (factories.document(m, title=t) for t in ("Gardée", "Perdue", "Altérée"))
    assert _check()[0] == 0
    (private_media / lost.file.name).unlink()
    (private_media / altered.file.name).write_bytes(b"%PDF-1.4 falsified")
    orphan = private_media / "private" / "zz" / "orphan.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"%PDF")
    code, problems = _check()
    assert code == 1
    assert problems["files_without_row"] == ["private/zz/orphan.pdf"]
    assert problems["rows_without_file"] == [{"document": lost.pk, "file": lost.file.name}]
    assert problems["checksum_changed"] == [{"document": altered.pk, "file": altered.file.name}]
    assert kept.pk not in {p["document"] for p in problems["rows_without_file"] + problems["checksum_changed"]}


def test_a_signed_consent_scan_is_a_stored_file_with_its_row_not_an_orphan(private_media):
    m = factories.mission()
    victim = factories.party(m, name="Victime", is_victim=True)
    insurer = factories.party(m, name="Assureur", role=PartyRole.DEFENDEUR, is_insurer=True)
    consent = factories.consent(m, victim, to=insurer, written=True, scan=factories.pdf_upload("consentement.pdf"))
    assert _check() == (0, {"files_without_row": [], "rows_without_file": [], "checksum_changed": []})
    (private_media / consent.scan.name).unlink()
    code, problems = _check()
    assert code == 1
    assert problems["rows_without_file"] == [{"consent": consent.pk, "file": consent.scan.name}]
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("storage_check", stdout=out)
    assert f"consentement {consent.pk} sans fichier" in out.getvalue()
