"""Uploads that cannot hurt: four formats recognised by content, size limit, nothing left behind."""

import io

import pytest
from django.core.exceptions import ValidationError

from cases.models import Document
from cases.services.documents import Upload, documents_upload
from cases.uploads import inspect_bytes
from tests import factories
from tests.conftest import stored_files
from tests.files import bad_files, good_files

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("certificat.pdf", "application/pdf"),
        ("radio.jpg", "image/jpeg"),
        ("schema.png", "image/png"),
        ("scan.tiff", "image/tiff"),
    ],
)
def test_accepted_formats_are_recognised_by_content(name, content_type):
    assert inspect_bytes(good_files()[name], name).content_type == content_type


def test_type_comes_from_content_not_from_the_name():
    png = good_files()["schema.png"]
    assert inspect_bytes(png, "renamed.pdf").content_type == "image/png"


@pytest.mark.parametrize("name", sorted(bad_files()))
def test_refused_file_gets_a_french_message_naming_it_and_leaves_nothing(name, private_media):
    m = factories.mission()
    with pytest.raises(ValidationError) as excinfo:
        documents_upload(
            mission=m,
            uploaded_by=None,
            uploads=[Upload(name=name, file=io.BytesIO(bad_files()[name]))],
            producer="court",
        )
    message = " ".join(excinfo.value.messages)
    assert f"« {name} »" in message
    assert "refusé" in message
    assert Document.objects.count() == 0
    assert stored_files(private_media) == []


def test_size_limit_is_enforced(settings, private_media):
    settings.DOCUMENT_MAX_UPLOAD_SIZE = 1000
    m = factories.mission()
    big = good_files()["certificat.pdf"] + b"%" * 2000
    with pytest.raises(ValidationError) as excinfo:
        documents_upload(mission=m, uploaded_by=None, uploads=[Upload("gros.pdf", io.BytesIO(big))], producer="court")
    assert "dépasse la taille maximale" in excinfo.value.messages[0]
    assert Document.objects.count() == 0 and stored_files(private_media) == []


def test_one_bad_file_in_a_batch_stores_none_of_them(private_media):
    m = factories.mission()
    uploads = [
        Upload("bon.pdf", io.BytesIO(good_files()["certificat.pdf"])),
        Upload("mauvais.pdf", io.BytesIO(b"<html></html>")),
    ]
    with pytest.raises(ValidationError) as excinfo:
        documents_upload(mission=m, uploaded_by=None, uploads=uploads, producer="court")
    assert excinfo.value.messages == [excinfo.value.messages[0]]
    assert "« mauvais.pdf »" in excinfo.value.messages[0]
    assert Document.objects.count() == 0 and stored_files(private_media) == []


def test_stored_file_has_random_name_hash_size_and_type(private_media):
    m = factories.mission()
    content = good_files()["radio.jpg"]
    stored = documents_upload(
        mission=m,
        uploaded_by=None,
        uploads=[Upload("../../etc/radio du genou.jpg", io.BytesIO(content))],
        producer="expert",
    )
    doc = stored[0].document
    assert doc.original_name == "radio du genou.jpg"
    assert "genou" not in doc.file.name and ".." not in doc.file.name
    assert doc.size == len(content)
    assert doc.content_type == "image/jpeg"
    import hashlib

    assert doc.sha256 == hashlib.sha256(content).hexdigest()
    assert [p.read_bytes() for p in stored_files(private_media)] == [content]


def test_a_file_already_in_the_mission_is_flagged():
    m = factories.mission()
    content = good_files()["certificat.pdf"]
    first = documents_upload(
        mission=m, uploaded_by=None, uploads=[Upload("a.pdf", io.BytesIO(content))], producer="court"
    )[0]
    second = documents_upload(
        mission=m, uploaded_by=None, uploads=[Upload("b.pdf", io.BytesIO(content))], producer="court"
    )[0]
    assert first.duplicate_of is None
    assert second.duplicate_of == first.document
    assert [d.number for d in Document.objects.order_by("number")] == [1, 2]


def test_a_failure_after_the_file_is_written_removes_the_file(private_media, monkeypatch):
    m = factories.mission()

    def explode(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Document, "save", explode)
    with pytest.raises(RuntimeError):
        documents_upload(mission=m, uploaded_by=None, uploads=[factories.pdf_upload()], producer="court")
    assert stored_files(private_media) == []


def test_a_truncated_image_is_refused_even_after_weasyprint_is_loaded():
    import weasyprint  # noqa: F401 - its import flips Pillow's LOAD_TRUNCATED_IMAGES
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES is True
    with pytest.raises(ValidationError):
        inspect_bytes(bad_files()["tronquee.jpg"], "tronquee.jpg")
