import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import Document
from tests import factories
from tests.conftest import stored_files
from tests.files import active_pdfs, bad_files, good_files, image_bombs, malformed_pdfs, write_files

pytestmark = pytest.mark.django_db


def write(tmp_path, files: dict[str, bytes]) -> list[str]:
    return write_files(tmp_path / "scans", files)


def test_imports_good_files_numbered_in_order(tmp_path):
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    out = io.StringIO()
    call_command(
        "import_documents",
        "--mission",
        m.pk,
        "--produced-by",
        str(victim.pk),
        "--medical",
        "--about",
        str(victim.pk),
        *write(tmp_path, good_files()),
        stdout=out,
    )
    docs = list(Document.objects.order_by("number"))
    assert [d.number for d in docs] == [1, 2, 3, 4]
    assert {d.content_type for d in docs} == {"application/pdf", "image/jpeg", "image/png", "image/tiff"}
    assert all(d.is_medical and d.about == victim and d.producer_party == victim for d in docs)
    assert "pièce n° 4" in out.getvalue()


def test_each_refused_file_is_named_nothing_is_stored_for_it_and_the_exit_fails(tmp_path, private_media):
    m = factories.mission()
    files = {"bon.pdf": good_files()["certificat.pdf"], **bad_files()}
    err = io.StringIO()
    with pytest.raises(CommandError, match=f"{len(bad_files())} fichier"):
        call_command(
            "import_documents",
            "--mission",
            m.pk,
            "--produced-by",
            "court",
            *write(tmp_path, files),
            stderr=err,
            stdout=io.StringIO(),
        )
    for name in bad_files():
        assert f"« {name} »" in err.getvalue()
    assert list(Document.objects.values_list("original_name", flat=True)) == ["bon.pdf"]
    assert len(stored_files(private_media)) == 1


def test_medical_import_requires_the_person_concerned(tmp_path):
    m = factories.mission()
    with pytest.raises(CommandError, match="--about"):
        call_command(
            "import_documents",
            "--mission",
            m.pk,
            "--produced-by",
            "third_party",
            "--medical",
            *write(tmp_path, {"a.pdf": good_files()["certificat.pdf"]}),
        )
    assert Document.objects.count() == 0


def test_party_of_another_mission_is_refused(tmp_path):
    m = factories.mission()
    other = factories.party(factories.mission(rg="26/2"))
    with pytest.raises(CommandError, match="n'appartient pas"):
        call_command(
            "import_documents",
            "--mission",
            m.pk,
            "--produced-by",
            str(other.pk),
            *write(tmp_path, {"a.pdf": good_files()["certificat.pdf"]}),
        )


def test_the_security_review_s_files_are_each_named_and_nothing_of_them_is_stored(tmp_path, private_media):
    """Findings 5, 6 and 7 through the command (CPC art. 275: the pieces handed to the expert are
    kept only if they can be kept safely): a page tree on which pypdf raised LimitReachedError
    printed a traceback; now every file is named with its reason, the sound one is imported,
    and the command fails."""
    m = factories.mission()
    hostile = {**active_pdfs(), **malformed_pdfs(), **image_bombs()}
    err = io.StringIO()
    with pytest.raises(CommandError, match=f"{len(hostile)} fichier"):
        call_command(
            "import_documents",
            "--mission",
            m.pk,
            "--produced-by",
            "court",
            *write(tmp_path, {"bon.pdf": good_files()["certificat.pdf"], **hostile}),
            stderr=err,
            stdout=io.StringIO(),
        )
    for name in hostile:
        assert f"« {name} » est refusé : " in err.getvalue(), name
    assert "Traceback" not in err.getvalue()
    assert list(Document.objects.values_list("original_name", flat=True)) == ["bon.pdf"]
    assert len(stored_files(private_media)) == 1


def test_an_unexpected_failure_on_one_file_names_it_and_the_others_are_imported(tmp_path, private_media, monkeypatch):
    from cases.management.commands import import_documents

    real = import_documents.documents_upload

    def fragile(**kwargs):
        if kwargs["uploads"][0].name == "b.pdf":
            raise OverflowError("a parser's arithmetic went wrong")
        return real(**kwargs)

    monkeypatch.setattr(import_documents, "documents_upload", fragile)
    m = factories.mission()
    err = io.StringIO()
    pdf = good_files()["certificat.pdf"]
    with pytest.raises(CommandError, match="1 fichier"):
        call_command(
            "import_documents",
            "--mission",
            m.pk,
            "--produced-by",
            "court",
            *write(tmp_path, {"a.pdf": pdf, "b.pdf": pdf + b"\n", "c.pdf": pdf + b"\n\n"}),
            stderr=err,
            stdout=io.StringIO(),
        )
    assert "« b.pdf » est refusé : erreur inattendue" in err.getvalue() and "Traceback" not in err.getvalue()
    assert sorted(Document.objects.values_list("original_name", flat=True)) == ["a.pdf", "c.pdf"]
    assert len(stored_files(private_media)) == 2
