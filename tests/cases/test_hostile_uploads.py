"""Hostile uploads (OWASP ASVS V5.2 and V12): each malformed or hostile file is refused with a
message naming it, in French, and nothing of it is stored; a polyglot that is a valid image is
kept but served so that no browser can run it."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from cases.models import Consent, Document
from cases.services.documents import documents_upload
from cases.uploads import inspect_bytes
from tests import factories
from tests.conftest import stored_files
from tests.files import (
    active_pdfs,
    good_files,
    harmless_pdfs,
    harmless_polyglots,
    hostile_files,
    image_bombs,
    malformed_pdfs,
    one_page_pdf,
    write_files,
)

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
    assert response.status_code == 400
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


# The security review's findings 5, 6 and 7, attacked over HTTP first. These are integrity and
# availability rules of the evidence: the parties hand their pieces to the expert (CPC art. 275),
# and the application refuses, naming it, what it cannot safely keep - a PDF that would run
# something in the reader of whoever opens it (the secret's holders, DOMAIN.md §3 rule 1), a file
# that would make the server fail or swell - and stores nothing of it.


def review_files() -> dict[str, bytes]:
    return {**active_pdfs(), **malformed_pdfs(), **image_bombs()}


def _posted(name: str, content: bytes) -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.mark.parametrize("name", sorted(review_files()))
def test_each_file_of_the_security_review_sent_by_the_expert_on_the_pieces_tab_is_refused_at_the_field(
    client, private_media, name
):
    """Finding 5 (active PDFs behind escaped names, /Next chains, bookmarks, /AA, attachments),
    finding 6 (page trees on which pypdf raised LimitReachedError: a 500) and finding 7 (image
    bombs): a French refusal naming the file at the upload field, no piece, no file."""
    m = factories.mission()
    client.force_login(m.assignments.get().expert)
    response = client.post(
        reverse("cases:mission_documents", args=[m.pk]),
        {"files": [_posted(name, review_files()[name])], "produced_by": "court", "date": "2026-09-01"},
    )
    assert response.status_code == 400
    errors = response.context["upload_form"].errors["files"]
    assert any(f"« {name} » est refusé" in error for error in errors), errors
    assert not Document.objects.exists() and stored_files(private_media) == []


def _consent_post(victim, insurer, scan) -> dict:
    return {
        "form": "consent",
        "consent-patient": victim.pk,
        "consent-grantee": "party",
        "consent-grantee_party": insurer.pk,
        "consent-written": "on",
        "consent-granted_on": "2026-10-01",
        "consent-scan": scan,
    }


def test_the_security_review_s_files_as_the_signed_consent_scan_are_refused_at_the_scan_field(client, private_media):
    """The patient's avocat records a written consent for the insurer (secret rule 5) and joins
    the signed scan: each hostile file is refused at the scan field, naming it, and neither the
    consent nor the file is kept; the same form with a sound scan is recorded."""
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    client.force_login(factories.represent(victim))
    url = reverse("cases:mission_consents", args=[m.pk])
    for name, content in review_files().items():
        response = client.post(url, _consent_post(victim, insurer, _posted(name, content)))
        assert response.status_code == 400, name
        errors = response.context["consent_form"].errors.get("scan", [])
        assert any(f"« {name} » est refusé" in error for error in errors), (
            name,
            response.context["consent_form"].errors,
        )
        assert not Consent.objects.exists() and stored_files(private_media) == [], name
    sound = _posted("consentement.pdf", good_files()["certificat.pdf"])
    assert client.post(url, _consent_post(victim, insurer, sound)).status_code == 302
    assert Consent.objects.get().scan and len(stored_files(private_media)) == 1


def test_pdfs_without_active_content_are_kept_even_when_their_text_names_an_action(client, private_media):
    """Decided on the parsed objects, not on the raw bytes: a page whose text reads /JavaScript,
    links to a web page, bookmarks and /Next chains that loop are no active content."""
    m = factories.mission()
    client.force_login(m.assignments.get().expert)
    response = client.post(
        reverse("cases:mission_documents", args=[m.pk]),
        {
            "files": [_posted(name, content) for name, content in harmless_pdfs().items()],
            "produced_by": "court",
            "date": "2026-09-01",
        },
    )
    assert response.status_code == 302, response.context["upload_form"].errors
    assert sorted(Document.objects.values_list("original_name", flat=True)) == sorted(harmless_pdfs())


def test_the_walk_of_a_pdf_s_objects_is_bounded_and_what_it_cannot_finish_is_refused(monkeypatch):
    """A hostile file cannot make the walk loop (each indirect object is visited once) nor grow
    without end: past the bound, the PDF is refused as too complex to be checked."""
    import cases.uploads

    chain = tuple(b"<< /S /GoTo /D [3 0 R /Fit] /Next %d 0 R >>" % (7 + i) for i in range(300))
    pdf = one_page_pdf(catalog=b"/OpenAction 6 0 R", extra=(*chain, b"<< /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >>"))
    assert inspect_bytes(pdf, "chaine.pdf").content_type == "application/pdf"
    monkeypatch.setattr(cases.uploads, "PDF_MAX_OBJECTS", 200)
    with pytest.raises(ValidationError, match=r"« chaine\.pdf » est refusé : le PDF est trop complexe"):
        inspect_bytes(pdf, "chaine.pdf")
