"""Any input, a refusal or an acceptance, never a crash (security review, finding 6): whatever
pypdf or Pillow raise on a corrupted or hostile file becomes the usual French refusal naming it.

An integrity and availability rule of the evidence: the parties hand their pieces to the expert
(CPC art. 275), and the application refuses what it cannot safely keep, with the file's name so
that the sender can send it again, instead of an error page that says nothing."""

import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf.errors import LimitReachedError, PdfReadError

import cases.uploads
from cases.uploads import inspect_bytes
from tests.files import active_pdfs, good_files, harmless_pdfs, png_bytes, tiff_bytes


def _progressive_jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    with Image.linear_gradient("L").resize((40, 30)) as image:
        image.convert("RGB").save(buffer, format="JPEG", progressive=True)
    return buffer.getvalue()


SEEDS = {
    **good_files(),
    "progressif.jpg": _progressive_jpeg(),
    "entrelacee.png": png_bytes(13, 7, color_type=6, interlace=True),
    "tuiles.tiff": tiff_bytes(40, 30, tile=16),
    "bandes.tiff": tiff_bytes(40, 30, rows_per_strip=4, deflate=False, big_endian=True),
    "liens-et-signets.pdf": harmless_pdfs()["liens-et-signets.pdf"],
    "signet-profond.pdf": active_pdfs()["signet-profond.pdf"],
}

edits = st.lists(st.tuples(st.one_of(st.integers(0, 400), st.integers(0, 1_000_000)), st.integers(0, 255)), max_size=8)


@settings(
    max_examples=400, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(seed=st.sampled_from(sorted(SEEDS)), edits=edits, cut=st.one_of(st.none(), st.integers(0, 1_000_000)))
def test_a_corrupted_file_is_accepted_or_refused_naming_it_never_a_crash(seed, edits, cut):
    data = bytearray(SEEDS[seed])
    for position, value in edits:
        data[position % len(data)] = value
    if cut is not None:
        data = data[: cut % (len(data) + 1)]
    try:
        inspect_bytes(bytes(data), seed)
    except ValidationError as exc:
        assert f"« {seed} » " in exc.messages[0]


@pytest.mark.parametrize(
    "failure",
    [
        LimitReachedError("Maximum page tree entry limit reached"),
        PdfReadError("damaged"),
        OverflowError("int too large"),
        RecursionError("maximum recursion depth"),
        MemoryError(),
        ZeroDivisionError("division by zero"),
    ],
)
def test_whatever_pypdf_raises_becomes_a_refusal_naming_the_file(monkeypatch, failure):
    def raising(*args, **kwargs):
        raise failure

    monkeypatch.setattr(cases.uploads, "PdfReader", raising)
    with pytest.raises(ValidationError) as excinfo:
        inspect_bytes(good_files()["certificat.pdf"], "certificat.pdf")
    assert excinfo.value.messages == ["« certificat.pdf » est refusé : le PDF est illisible ou endommagé."]


@pytest.mark.parametrize(
    ("name", "check"), [("schema.png", "_check_png"), ("radio.jpg", "_decode_jpeg_draft"), ("scan.tiff", "_check_tiff")]
)
def test_whatever_an_image_parser_raises_becomes_a_refusal_naming_the_file(monkeypatch, name, check):
    def raising(*args, **kwargs):
        raise OSError("broken data stream when reading image file")

    monkeypatch.setattr(cases.uploads, check, raising)
    label = {"png": "PNG", "jpg": "JPEG", "tiff": "TIFF"}[name.rsplit(".", 1)[1]]
    with pytest.raises(ValidationError) as excinfo:
        inspect_bytes(good_files()[name], name)
    assert excinfo.value.messages == [f"« {name} » est refusé : l'image {label} est illisible ou endommagée."]
