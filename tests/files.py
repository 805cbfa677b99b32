"""Small files made on the fly: good ones of each accepted kind, and bad ones."""

import io
import zipfile

from PIL import Image

from cases.pdfgen import simple_pdf


def image_bytes(fmt: str, size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def good_files() -> dict[str, bytes]:
    return {
        "certificat.pdf": simple_pdf(["Certificat médical initial"]),
        "radio.jpg": image_bytes("JPEG"),
        "schema.png": image_bytes("PNG"),
        "scan.tiff": image_bytes("TIFF"),
    }


def bad_files() -> dict[str, bytes]:
    pdf = simple_pdf(["Compte rendu"])
    jpeg = image_bytes("JPEG", (400, 300))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a.txt", "contenu")
    return {
        "vide.pdf": b"",
        "page.pdf": b"<html><script>alert(1)</script></html>",
        "programme.pdf": b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        "elf.jpg": b"\x7fELF\x02\x01\x01" + b"\x00" * 200,
        "dessin.png": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "archive.pdf": archive.getvalue(),
        "tronque.pdf": pdf[: len(pdf) // 2],
        "tronquee.jpg": jpeg[: len(jpeg) // 2],
        "entete-seul.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 30,
        "faux.tiff": b"II*\x00" + b"\xff" * 40,
        "texte.txt": b"Certificat en texte brut",
    }
