import io

import pytest
from django.core.management import CommandError, call_command

from cases.models import Document
from tests import factories
from tests.conftest import stored_files
from tests.files import bad_files, good_files, write_files

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
