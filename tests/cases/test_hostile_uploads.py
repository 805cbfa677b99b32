"""Hostile uploads (OWASP ASVS V5.2 and V12): each malformed or hostile file is refused with a
message naming it, in French, and nothing of it is stored; a polyglot that is a valid image is
kept but served so that no browser can run it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import Document
from cases.services.documents import documents_upload
from tests import factories
from tests.conftest import stored_files
from tests.files import good_files, harmless_polyglots, hostile_files, write_files

pytestmark = pytest.mark.django_db


def test_the_hostile_corpus_is_refused_by_import_documents_and_nothing_is_stored(tmp_path, private_media):
    m = factories.mission()
    corpus = hostile_files()
    assert len(corpus) >= 30
    err = io.StringIO()
    files = {"bon.pdf": good_files()["certificat.pdf"], **corpus}
    with pytest.raises(CommandError, match=f"{len(corpus)} fichier"):
        call_command(
            "import_documents",
            "--mission",
            m.pk,
            "--produced-by",
            "court",
            *write_files(tmp_path / "scans", files),
            stderr=err,
            stdout=io.StringIO(),
        )
    for name in corpus:
        assert f"« {name} »" in err.getvalue(), name
    assert list(Document.objects.values_list("original_name", flat=True)) == ["bon.pdf"]
    assert len(stored_files(private_media)) == 1


@pytest.mark.parametrize("name", sorted(hostile_files()))
def test_each_hostile_file_sent_from_the_browser_is_refused_in_french_at_the_field(client, private_media, name):
    m = factories.mission()
    client.force_login(m.assignments.get().expert)
    upload = io.BytesIO(hostile_files()[name])
    upload.name = name
    response = client.post(
        reverse("cases:mission_documents", args=[m.pk]),
        {"files": [upload], "produced_by": "court", "date": "2026-09-01"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "invalid-feedback" in page and f"« {name} »" in page
    assert not Document.objects.exists() and stored_files(private_media) == []


@pytest.mark.parametrize(
    "sent",
    [
        "../../../etc/passwd.pdf",
        "..\\..\\windows\\win.pdf",
        "/etc/cron.d/x.pdf",
        "\u202efdp.exe",
        "a\x00b.pdf",
        "x" * 400 + ".pdf",
    ],
)
def test_hostile_names_are_reduced_to_a_display_name_and_stored_under_a_random_one(private_media, sent):
    m = factories.mission()
    stored = documents_upload(
        mission=m,
        uploaded_by=None,
        uploads=[factories.pdf_upload(name=sent)],
        producer="court",
        date=None,
    )
    document = stored[0].document
    assert "/" not in document.original_name and "\\" not in document.original_name
    assert "\x00" not in document.original_name and "\u202e" not in document.original_name
    assert len(document.original_name) <= 255 and not document.original_name.startswith(".")
    path = stored_files(private_media)[0]
    assert path.resolve().is_relative_to(private_media.resolve())
    assert path.name != document.original_name and "passwd" not in str(path)


def test_oversize_files_are_refused_while_streaming(client, settings, private_media):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 50_000
    m = factories.mission()
    client.force_login(m.assignments.get().expert)
    upload = io.BytesIO(good_files()["certificat.pdf"] + b"%" * 60_000)
    upload.name = "gros.pdf"
    response = client.post(reverse("cases:mission_documents", args=[m.pk]), {"files": [upload], "produced_by": "court"})
    assert "gros.pdf" in response.content.decode() and not Document.objects.exists()
    assert stored_files(private_media) == []


@pytest.mark.parametrize("name", sorted(harmless_polyglots()))
def test_a_polyglot_valid_image_is_kept_but_served_so_that_no_browser_runs_it(client, private_media, name):
    m = factories.mission()
    expert = m.assignments.get().expert
    stored = documents_upload(
        mission=m,
        uploaded_by=expert,
        uploads=[factories.Upload(name=name, file=io.BytesIO(harmless_polyglots()[name]))],
        producer="court",
        date=None,
    )
    client.force_login(expert)
    response = client.get(reverse("cases:document_download", args=[stored[0].document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/jpeg", "image/png")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"] and "script-src" not in response["Content-Security-Policy"]
