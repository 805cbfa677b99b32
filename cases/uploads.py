"""Uploaded files: a size limit enforced while the request streams in, and recognition of the
four accepted formats by their content (magic bytes, then a parse), never by their name.

Every check reads the file in bounded pieces and keeps its memory flat whatever the file claims:
a PDF is judged on its parsed objects by a walk bounded in objects, an image on its header's
dimensions before any pixel is decoded, then on its structure (PNG chunks and their CRCs with the
compressed pixels inflated piece by piece, JPEG markers to the end of image, TIFF strips and tiles
inside the file). Any failure of a parser on a hostile file is a refusal naming the file, never an
error page (CPC art. 275: the parties hand their pieces to the expert, and the application refuses
what it cannot safely keep)."""

import hashlib
import io
import logging
import re
import struct
import threading
import warnings
import zlib
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import ImageFile, JpegImagePlugin
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024

ACCEPTED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
}
ACCEPTED_LABEL = gettext_lazy("PDF, JPEG, PNG ou TIFF")

# An A3 page scanned at 600 dpi is 7016 x 9921 = 69.6 million pixels: the default limit leaves
# room for it and refuses the decompression bombs above (settings.UPLOAD_MAX_PIXELS).
DEFAULT_MAX_PIXELS = 80_000_000


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Streams every file to a temporary file, and drops one as soon as it passes the limit.
    The dropped file's name is kept on the request so the form can say which one it was."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.limit = settings.DOCUMENT_MAX_UPLOAD_SIZE

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.file.close()
            oversized = getattr(self.request, "oversized_uploads", [])
            oversized.append(self.file_name)
            self.request.oversized_uploads = oversized
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


def too_large_message(name: str) -> str:
    return _(
        "« %(name)s » dépasse la taille maximale autorisée (%(limit)s). Aucune pièce n'a été enregistrée pour ce fichier."
    ) % {"name": name, "limit": filesizeformat(settings.DOCUMENT_MAX_UPLOAD_SIZE)}


def max_pixels() -> int:
    """The largest image accepted, in pixels; read at each check so that a setting's change applies."""
    return int(getattr(settings, "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS))


@dataclass(frozen=True)
class Inspected:
    content_type: str
    size: int
    sha256: str


def refusal(name: str, why: str) -> ValidationError:
    return ValidationError(_("« %(name)s » est refusé : %(why)s") % {"name": name, "why": why}, code="invalid_file")


class _Refused(Exception):
    """Raised inside a check with the reason, in French; turned into `refusal` naming the file."""

    def __init__(self, why: str):
        super().__init__(why)
        self.why = why


def inspect_file(fileobj: IO[bytes], name: str) -> Inspected:
    """Reads the file once in chunks (size limit, SHA-256), recognises its type by its first
    bytes, then parses it. Raises ValidationError with a French message naming the file, whatever
    the parsers raise on a malformed or hostile file."""
    limit = settings.DOCUMENT_MAX_UPLOAD_SIZE
    digest = hashlib.sha256()
    size = 0
    fileobj.seek(0)
    head = b""
    while chunk := fileobj.read(CHUNK):
        if not head:
            head = chunk[:16]
        size += len(chunk)
        if size > limit:
            raise ValidationError(too_large_message(name), code="too_large")
        digest.update(chunk)
    if size == 0:
        raise refusal(name, _("le fichier est vide."))
    content_type = sniff(head)
    if content_type is None:
        raise refusal(
            name,
            _("son contenu n'est pas un document %(formats)s (seuls ces formats sont acceptés).")
            % {"formats": ACCEPTED_LABEL},
        )
    label = ACCEPTED[content_type]
    fileobj.seek(0)
    try:
        if content_type == "application/pdf":
            _check_pdf(fileobj, size)
        else:
            _check_image(fileobj, size, content_type)
    except _Refused as exc:
        raise refusal(name, exc.why) from exc
    except Exception as exc:  # any parser failure on an upload is a refusal, never a 500
        logger.info("Upload refused: the %s parser failed with %s", label, type(exc).__name__)
        if content_type == "application/pdf":
            why = _("le PDF est illisible ou endommagé.")
        else:
            why = _("l'image %(format)s est illisible ou endommagée.") % {"format": label}
        raise refusal(name, why) from exc
    fileobj.seek(0)
    return Inspected(content_type=content_type, size=size, sha256=digest.hexdigest())


def sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    return None


def inspect_bytes(data: bytes, name: str) -> Inspected:
    return inspect_file(io.BytesIO(data), name)


# ---------------------------------------------------------------------------------------------
# PDF: decided on the parsed objects (pypdf decodes escaped names such as /J#61vaScript), by a
# walk of everything reachable from the trailer, with a visited set and a bound on its length.

# Beyond this many objects met by a walk (each reference and each dictionary or array counted
# when it is reached), a PDF is refused as too complex to be checked.
PDF_MAX_OBJECTS = 2_000_000
# Actions a reader may run that reach outside the document: scripts, programs, other files,
# forms sent away, media players.
PDF_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/GoToR",
        "/GoToE",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
    }
)
# Annotations that carry a file or play media.
PDF_ACTIVE_ANNOTATIONS = frozenset({"/FileAttachment", "/Movie", "/Sound", "/RichMedia", "/Screen", "/3D"})
# Keys that only scripts, embedded files and XFA forms have.
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent", "/RichMediaSettings"}
)
# Links whose address a viewer would run rather than open.
PDF_ACTIVE_URI = re.compile(r"^\s*(?:javascript|vbscript|data|file):", re.IGNORECASE)
# Edges to what no reader runs (page content, fonts, images, metadata, the structure tree): not
# followed, so that the walk neither loads the pages' images nor grows with the text.
PDF_INERT_KEYS = frozenset(
    {
        "/Contents",
        "/Resources",
        "/Font",
        "/XObject",
        "/ColorSpace",
        "/Pattern",
        "/Shading",
        "/ExtGState",
        "/Properties",
        "/Metadata",
        "/Thumb",
        "/StructTreeRoot",
        "/PieceInfo",
        "/Length",
    }
)


def _check_pdf(fileobj: IO[bytes], size: int) -> None:
    fileobj.seek(max(0, size - 2048))
    if b"%%EOF" not in fileobj.read():
        raise _Refused(_("le PDF est incomplet ou endommagé (fin de fichier absente)."))
    fileobj.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf's notes on damaged files; the checks below decide
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted:
            raise _Refused(_("le PDF est protégé par un mot de passe ; déposez une version non chiffrée."))
        if _count_pages(reader) == 0:
            raise _Refused(_("le PDF ne contient aucune page."))
        if _has_active_content(reader):
            raise _Refused(
                _(
                    "le PDF contient du contenu actif (script, lancement de programme, fichier joint, "
                    "formulaire transmis ou média) ; déposez une version imprimée en PDF."
                )
            )


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _too_complex() -> _Refused:
    return _Refused(
        _(
            "le PDF est trop complexe pour être vérifié (plus de %(count)s objets) ; déposez une version imprimée en PDF."
        )
        % {"count": PDF_MAX_OBJECTS}
    )


def _count_pages(reader: PdfReader) -> int:
    """Counts the leaves of the page tree, refusing a tree that reuses a node: a /Kids entry
    pointing back to an ancestor, or one page or subtree listed many times (which pypdf would
    copy until its own limits, for seconds and tens of megabytes, from a file of 2 KB)."""
    root = _resolve(reader.trailer.get("/Root"))
    if not isinstance(root, DictionaryObject):
        raise _Refused(_("le PDF est illisible ou endommagé (catalogue absent)."))
    start = root.get("/Pages")
    seen: set[tuple[int, int]] = set()
    stack = [start]
    pages = walked = 0
    while stack:
        walked += 1
        if walked > PDF_MAX_OBJECTS:
            raise _too_complex()
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                raise _Refused(_("le PDF est illisible ou endommagé (une page ou un nœud de pages est répété)."))
            seen.add(key)
            item = item.get_object()
        if not isinstance(item, DictionaryObject):
            continue
        kids = _resolve(item.get("/Kids"))
        if kids is None:
            pages += 1
        elif isinstance(kids, ArrayObject):
            stack.extend(reversed(kids))
    return pages


def _is_active(obj: DictionaryObject) -> bool:
    if PDF_ACTIVE_KEYS.intersection(obj.keys()):
        return True
    action = _resolve(obj.get("/S"))
    if isinstance(action, str) and action in PDF_ACTIVE_ACTIONS:
        return True
    if action == "/URI":
        uri = _resolve(obj.get("/URI"))
        if isinstance(uri, bytes):
            uri = uri.decode("latin-1")
        if isinstance(uri, str) and PDF_ACTIVE_URI.match(uri):
            return True
    subtype = _resolve(obj.get("/Subtype"))
    if isinstance(subtype, str) and subtype in PDF_ACTIVE_ANNOTATIONS:
        return True
    return _resolve(obj.get("/Type")) == "/EmbeddedFile"


def _has_active_content(reader: PdfReader) -> bool:
    """Walks every dictionary and array reachable from the trailer: the catalogue's OpenAction
    and /AA, the pages' and annotations' /AA and /A, form fields and their kids, /Next chains
    (dictionary or array), outlines at any depth, the Names trees (JavaScript, EmbeddedFiles)
    and the AcroForm (XFA). Each indirect object is visited once; the walk stops at
    PDF_MAX_OBJECTS steps, so that a cyclic or swollen file cannot make it loop or grow."""
    seen: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    met = 1
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            if _is_active(item):
                return True
            children = [value for key, value in item.items() if key not in PDF_INERT_KEYS]
        elif isinstance(item, ArrayObject):
            children = item
        else:
            continue
        children = [child for child in children if isinstance(child, (IndirectObject, DictionaryObject, ArrayObject))]
        met += len(children)
        if met > PDF_MAX_OBJECTS:  # counted when pushed, so that the stack itself stays bounded
            raise _too_complex()
        stack.extend(children)
    return False


# ---------------------------------------------------------------------------------------------
# Images: the header's dimensions first, then the structure, in bounded pieces.


class _Reader:
    """Bounded reads over the upload, with its size known: a read past the end is a truncation."""

    def __init__(self, fileobj: IO[bytes], size: int, label: str):
        self.fileobj = fileobj
        self.size = size
        self.label = label

    def truncated(self) -> _Refused:
        return _Refused(_("l'image %(format)s est incomplète ou endommagée.") % {"format": self.label})

    def seek(self, offset: int) -> None:
        if offset < 0 or offset > self.size:
            raise self.truncated()
        self.fileobj.seek(offset)

    def tell(self) -> int:
        return self.fileobj.tell()

    def read(self, count: int) -> bytes:
        return self.fileobj.read(count)

    def exact(self, count: int) -> bytes:
        if count < 0 or self.tell() + count > self.size:
            raise self.truncated()
        data = self.fileobj.read(count)
        if len(data) != count:
            raise self.truncated()
        return data

    def pieces(self, count: int):
        """The next `count` bytes, in pieces of at most CHUNK."""
        if count < 0 or self.tell() + count > self.size:
            raise self.truncated()
        while count:
            piece = self.fileobj.read(min(count, CHUNK))
            if not piece:
                raise self.truncated()
            count -= len(piece)
            yield piece


def _damaged(label: str, detail: str | None = None) -> _Refused:
    if detail:
        return _Refused(
            _("l'image %(format)s est illisible ou endommagée (%(detail)s).") % {"format": label, "detail": detail}
        )
    return _Refused(_("l'image %(format)s est illisible ou endommagée.") % {"format": label})


def _unsupported(label: str, detail: str) -> _Refused:
    return _Refused(
        _("l'image %(format)s utilise un codage non pris en charge (%(detail)s) ; enregistrez-la en PDF.")
        % {"format": label, "detail": detail}
    )


def _check_dimensions(label: str, width: int, height: int) -> None:
    """Decides from the header, before any pixel is decoded."""
    if width <= 0 or height <= 0:
        raise _damaged(label, _("dimensions nulles"))
    limit = max_pixels()
    if width * height > limit:
        raise _Refused(
            _(
                "l'image mesure %(width)s × %(height)s pixels, au-delà de la limite de %(limit)s mégapixels ; "
                "numérisez-la à une résolution plus basse (300 dpi suffisent pour une pièce)."
            )
            % {"width": width, "height": height, "limit": f"{limit / 1_000_000:g}"}
        )


def _check_image(fileobj: IO[bytes], size: int, content_type: str) -> None:
    reader = _Reader(fileobj, size, ACCEPTED[content_type])
    {"image/png": _check_png, "image/jpeg": _check_jpeg, "image/tiff": _check_tiff}[content_type](reader)


class _Inflater:
    """Inflates a zlib stream fed in pieces, never holding more than CHUNK decompressed bytes,
    and refusing more than `expected` of them. `check` sees each decompressed piece with its offset."""

    def __init__(self, reader: _Reader, expected: int, check=None):
        self.reader = reader
        self.expected = expected
        self.check = check
        self.decompressor = zlib.decompressobj()
        self.produced = 0

    def feed(self, data: bytes) -> None:
        while data and not self.decompressor.eof:
            try:
                piece = self.decompressor.decompress(data, CHUNK)
            except zlib.error as exc:
                raise _damaged(self.reader.label, _("données compressées invalides")) from exc
            data = self.decompressor.unconsumed_tail
            self._take(piece)

    def _take(self, piece: bytes) -> None:
        if not piece:
            return
        if self.produced + len(piece) > self.expected:
            raise _damaged(self.reader.label, _("plus de données que ses dimensions n'en annoncent"))
        if self.check is not None:
            self.check(self.produced, piece)
        self.produced += len(piece)

    def finish(self) -> None:
        if not self.decompressor.eof or self.produced != self.expected:
            raise self.reader.truncated()


# PNG -----------------------------------------------------------------------------------------

PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
PNG_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))
# More chunks than this is no scan: refused rather than walked for seconds.
PNG_MAX_CHUNKS = 200_000


def _png_rows(width: int, height: int, bits_per_pixel: int, interlaced: bool) -> list[tuple[int, int, int]]:
    """(offset, row length with its filter byte, rows) of each pass of the decompressed data."""
    passes = PNG_ADAM7 if interlaced else ((0, 0, 1, 1),)
    layout = []
    offset = 0
    for x0, y0, dx, dy in passes:
        columns = (width - x0 + dx - 1) // dx if width > x0 else 0
        rows = (height - y0 + dy - 1) // dy if height > y0 else 0
        if columns and rows:
            row = 1 + (columns * bits_per_pixel + 7) // 8
            layout.append((offset, row, rows))
            offset += row * rows
    return layout


def _check_png(reader: _Reader) -> None:
    """Walks the chunks checking each CRC, reads the dimensions from IHDR before anything else,
    and inflates the IDAT data in bounded pieces: its length must be exactly what the header
    implies, and every row must start with a valid filter type. No pixel is ever held."""
    label = reader.label
    reader.seek(8)
    layout: list[tuple[int, int, int]] = []
    inflater: _Inflater | None = None
    color_type = None
    seen_plte = seen_idat = idat_done = False
    previous = b""
    for _count in range(PNG_MAX_CHUNKS):
        header = reader.exact(8)
        length, kind = struct.unpack(">I4s", header)
        if length > 0x7FFFFFFF or not kind.isalpha():
            raise _damaged(label, _("segment invalide"))
        if previous == b"" and kind != b"IHDR":
            raise _damaged(label, _("en-tête absent"))
        if kind == b"IDAT":
            if inflater is None or idat_done:
                raise _damaged(label, _("données d'image mal placées"))
        elif previous == b"IDAT":
            idat_done = True
        crc = zlib.crc32(kind)
        if kind == b"IHDR":
            if previous:
                raise _damaged(label, _("en-tête répété"))
            data = reader.exact(length) if length == 13 else b""
            if len(data) != 13:
                raise _damaged(label, _("en-tête invalide"))
            crc = zlib.crc32(data, crc)
            width, height, depth, color_type, method, filtering, interlace = struct.unpack(">IIBBBBB", data)
            if color_type not in PNG_DEPTHS or depth not in PNG_DEPTHS[color_type]:
                detail = _("profondeur de couleur %(depth)s, type %(type)s") % {"depth": depth, "type": color_type}
                raise _unsupported(label, detail)
            if method != 0 or filtering != 0 or interlace not in (0, 1):
                raise _unsupported(label, _("méthode de compression ou d'entrelacement inconnue"))
            _check_dimensions(label, width, height)
            layout = _png_rows(width, height, depth * PNG_CHANNELS[color_type], bool(interlace))
            inflater = _Inflater(reader, sum(row * rows for _offset, row, rows in layout), _png_filters(label, layout))
        elif kind == b"IDAT":
            seen_idat = True
            for piece in reader.pieces(length):
                crc = zlib.crc32(piece, crc)
                inflater.feed(piece)
        else:
            if kind[0:1].isupper() and kind not in (b"PLTE", b"IEND"):
                raise _unsupported(label, _("segment critique inconnu"))
            if kind == b"PLTE":
                seen_plte = True
            for piece in reader.pieces(length):
                crc = zlib.crc32(piece, crc)
        if struct.unpack(">I", reader.exact(4))[0] != crc:
            raise _damaged(label, _("somme de contrôle fausse"))
        if kind == b"IEND":
            break
        previous = kind
    else:
        raise _Refused(_("l'image PNG est trop complexe pour être vérifiée (trop de segments)."))
    if inflater is None or not seen_idat:
        raise reader.truncated()
    if color_type == 3 and not seen_plte:
        raise _damaged(label, _("palette absente"))
    inflater.finish()


def _png_filters(label: str, layout: list[tuple[int, int, int]]):
    def check(offset: int, piece: bytes) -> None:
        end = offset + len(piece)
        for start, row, rows in layout:
            stop = min(end, start + row * rows)
            if stop <= offset or start >= end:
                continue
            first = start + max(0, -(-(offset - start) // row)) * row
            if first < stop:
                filters = piece[first - offset : stop - offset : row]
                if filters and max(filters) > 4:
                    raise _damaged(label, _("filtre de ligne inconnu"))

    return check


# JPEG ----------------------------------------------------------------------------------------

# The frame types viewers decode: baseline, extended and progressive, Huffman or arithmetic.
JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC9, 0xCA}
JPEG_OTHER_FRAMES = {0xC3, 0xC5, 0xC6, 0xC7, 0xCB, 0xCD, 0xCE, 0xCF}
JPEG_MAX_SEGMENTS = 10_000
# Metadata (EXIF, ICC profile, XMP, comments) beyond this is no scan.
JPEG_MAX_METADATA = 16 * 1024 * 1024
# Up to this much metadata, a single-scan sequential JPEG is also decoded at 1/8 scale by Pillow
# (a bounded buffer: one row of blocks, and an image 64 times smaller than the page).
JPEG_DECODE_METADATA = 1024 * 1024
# In the entropy-coded data, a marker is 0xFF followed by anything but 0x00 (stuffing),
# a restart marker or another 0xFF (fill).
JPEG_MARKER = re.compile(rb"\xff+([^\x00\xd0-\xd7\xff])")


def _jpeg_scan(reader: _Reader) -> int:
    """Skips the entropy-coded data of a scan; returns the marker that ends it."""
    carry = b""
    while True:
        block = reader.read(CHUNK)
        if not block:
            raise reader.truncated()
        data = carry + block
        found = JPEG_MARKER.search(data)
        if found:
            reader.seek(reader.tell() - len(data) + found.end())
            return found.group(1)[0]
        carry = b"\xff" if data.endswith(b"\xff") else b""


def _check_jpeg(reader: _Reader) -> None:
    """Verifies the marker structure from SOI to EOI (dimensions from the frame header before
    anything is decoded, every segment inside the file, the scans' data up to the next marker),
    then decodes the common single-scan sequential JPEG at 1/8 scale."""
    label = reader.label
    reader.seek(2)
    frame = None
    components = 0
    scans: list[int] = []
    metadata = 0
    marker = None
    for _count in range(JPEG_MAX_SEGMENTS):
        if marker is None:
            if reader.exact(1) != b"\xff":
                raise _damaged(label, _("marqueur attendu"))
            marker = reader.exact(1)[0]
            while marker == 0xFF:
                marker = reader.exact(1)[0]
        if marker == 0xD9:  # end of image
            break
        if marker in (0xD8, 0x00) or 0xD0 <= marker <= 0xD7:
            raise _damaged(label, _("marqueur inattendu"))
        if marker == 0x01:
            marker = None
            continue
        length = struct.unpack(">H", reader.exact(2))[0]
        if length < 2:
            raise _damaged(label, _("segment invalide"))
        if marker in JPEG_FRAMES or marker in JPEG_OTHER_FRAMES:
            if marker in JPEG_OTHER_FRAMES:
                raise _unsupported(label, _("JPEG hiérarchique ou sans perte"))
            if frame is not None:
                raise _damaged(label, _("en-tête d'image répété"))
            data = reader.exact(length - 2)
            if len(data) < 6:
                raise _damaged(label, _("en-tête d'image invalide"))
            _precision, height, width, components = struct.unpack(">BHHB", data[:6])
            if height == 0:
                raise _unsupported(label, _("hauteur déclarée en fin d'image"))
            _check_dimensions(label, width, height)
            if not 1 <= components <= 4 or len(data) != 6 + 3 * components:
                raise _damaged(label, _("en-tête d'image invalide"))
            frame = marker
        elif marker == 0xDA:  # start of scan
            data = reader.exact(length - 2)
            if frame is None or not data or not 1 <= data[0] <= 4 or len(data) != 4 + 2 * data[0]:
                raise _damaged(label, _("balayage invalide"))
            scans.append(data[0])
            marker = _jpeg_scan(reader)
            continue
        else:
            if 0xE0 <= marker <= 0xEF or marker == 0xFE:
                metadata += length - 2
                if metadata > JPEG_MAX_METADATA:
                    raise _Refused(
                        _("l'image JPEG porte trop de métadonnées (plus de %(size)s) pour être une pièce numérisée.")
                        % {"size": filesizeformat(JPEG_MAX_METADATA)}
                    )
            reader.seek(reader.tell() + length - 2)
            if reader.tell() >= reader.size:
                raise reader.truncated()
        marker = None
    else:
        raise _Refused(_("l'image JPEG est trop complexe pour être vérifiée (trop de segments)."))
    if frame is None or not scans:
        raise reader.truncated()
    if frame in (0xC0, 0xC1) and scans == [components] and metadata <= JPEG_DECODE_METADATA:
        _decode_jpeg_draft(reader)


_pillow_flag = threading.Lock()


@contextmanager
def _truncated_images_refused():
    """WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES when it is imported; an
    upload must still be read to its end, so the flag is off while one is checked."""
    with _pillow_flag:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _decode_jpeg_draft(reader: _Reader) -> None:
    """Decodes at 1/8 scale: the whole stream is read (a corrupt one fails) without building the
    full-size bitmap; a single sequential scan needs no whole-image coefficient buffer. The
    plugin is opened directly: the pixel limit was decided above, from the header."""
    reader.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with JpegImagePlugin.JpegImageFile(reader.fileobj) as image:  # leaves the upload open
            image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
            with _truncated_images_refused():
                image.load()


# TIFF ----------------------------------------------------------------------------------------

TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
# None, CCITT (RLE, G3, G4), LZW, JPEG, Deflate (two codes), PackBits.
TIFF_COMPRESSIONS = {1, 2, 3, 4, 5, 7, 8, 32773, 32946}
TIFF_DEFLATE = {8, 32946}
TIFF_MAX_PAGES = 5_000
TIFF_MAX_ENTRIES = 1_000
# Strips and tiles checked over all the pages of one file.
TIFF_MAX_STRIPS = 2_000_000
# Deflate strips are inflated (in bounded pieces) up to this many bytes over the whole file; past
# it, pages that share or repeat strips cannot cost hours, and are checked for their place only.
TIFF_MAX_INFLATED = 1024 * 1024 * 1024
TIFF_SUBIFDS = 330


class _Tiff:
    def __init__(self, reader: _Reader, order: str):
        self.reader = reader
        self.order = order
        self.strips_left = TIFF_MAX_STRIPS
        self.inflate_left = TIFF_MAX_INFLATED

    def unpack(self, fmt: str, data: bytes, offset: int = 0):
        return struct.unpack_from(self.order + fmt, data, offset)

    def values(self, entry, maximum: int) -> list[int]:
        """The integer values of a small tag (at most `maximum`)."""
        kind, count, _raw = entry
        if kind not in (1, 3, 4, 13) or count > maximum:
            raise _damaged(self.reader.label, _("étiquette invalide"))
        return list(self.array(entry, 0, count))

    def array(self, entry, start: int, count: int) -> tuple[int, ...]:
        kind, total, raw = entry
        code = {1: "B", 3: "H", 4: "I", 13: "I"}.get(kind)
        if code is None or start + count > total:
            raise _damaged(self.reader.label, _("étiquette invalide"))
        width = TIFF_TYPE_SIZES[kind]
        if total * width <= 4:
            data = raw[start * width : (start + count) * width]
        else:
            self.reader.seek(self.unpack("I", raw)[0] + start * width)
            data = self.reader.exact(count * width)
        return struct.unpack(f"{self.order}{count}{code}", data)

    def scalar(self, entries: dict, tag: int, default: int | None = None) -> int:
        if tag not in entries:
            if default is None:
                raise _damaged(self.reader.label, _("étiquette %(tag)s absente") % {"tag": tag})
            return default
        values = self.values(entries[tag], 1)
        if len(values) != 1:
            raise _damaged(self.reader.label, _("étiquette invalide"))
        return values[0]


def _check_tiff(reader: _Reader) -> None:
    """Walks the chain of image directories (each once, a bounded number of them), reads every
    page's dimensions before anything else, and checks that every tag's data and every strip or
    tile lies inside the file; an uncompressed strip must hold all its rows, a Deflate one must
    inflate (in bounded pieces) to exactly them."""
    label = reader.label
    reader.seek(0)
    head = reader.exact(8)
    tiff = _Tiff(reader, "<" if head[:2] == b"II" else ">")
    queue = deque([tiff.unpack("I", head, 4)[0]])
    seen: set[int] = set()
    while queue:
        offset = queue.popleft()
        if offset in seen:
            raise _damaged(label, _("répertoires en boucle"))
        seen.add(offset)
        if len(seen) > TIFF_MAX_PAGES:
            raise _Refused(_("l'image TIFF est trop complexe pour être vérifiée (trop de pages)."))
        if offset < 8:
            raise _damaged(label, _("répertoire invalide"))
        reader.seek(offset)
        count = tiff.unpack("H", reader.exact(2))[0]
        if not 0 < count <= TIFF_MAX_ENTRIES:
            raise _damaged(label, _("répertoire invalide"))
        raw = reader.exact(count * 12)
        following = tiff.unpack("I", reader.exact(4))[0]
        entries = {}
        for index in range(count):
            tag, kind, number, value = tiff.unpack("HHI4s", raw, index * 12)
            width = TIFF_TYPE_SIZES.get(kind)
            if width is None:
                continue  # unknown types are skipped, as the specification says
            if number * width > 4 and tiff.unpack("I", value)[0] + number * width > reader.size:
                raise reader.truncated()
            entries[tag] = (kind, number, value)
        _check_tiff_page(tiff, entries)
        if TIFF_SUBIFDS in entries:
            queue.extend(tiff.values(entries[TIFF_SUBIFDS], 64))
        if following:
            queue.append(following)


def _check_tiff_page(tiff: _Tiff, entries: dict) -> None:
    reader, label = tiff.reader, tiff.reader.label
    width, height = tiff.scalar(entries, 256), tiff.scalar(entries, 257)
    _check_dimensions(label, width, height)
    samples = tiff.scalar(entries, 277, 1)
    bits = tiff.values(entries[258], 16) if 258 in entries else [1]
    compression = tiff.scalar(entries, 259, 1)
    planar = tiff.scalar(entries, 284, 1)
    photometric = tiff.scalar(entries, 262, 0)
    if not 1 <= samples <= 16 or len(bits) not in (1, samples) or any(not 1 <= b <= 32 for b in bits):
        raise _damaged(label, _("échantillons invalides"))
    if compression not in TIFF_COMPRESSIONS:
        raise _unsupported(label, _("compression %(code)s") % {"code": compression})
    if planar not in (1, 2):
        raise _damaged(label, _("organisation des plans invalide"))
    bits = bits * samples if len(bits) == 1 else bits
    planes = samples if planar == 2 else 1
    pixel_bits = bits[0] if planar == 2 else sum(bits)
    if 322 in entries or 323 in entries:
        tile_width, tile_height = tiff.scalar(entries, 322), tiff.scalar(entries, 323)
        if not tile_width or not tile_height:
            raise _damaged(label, _("tuiles invalides"))
        across, down = -(-width // tile_width), -(-height // tile_height)
        units = across * down * planes
        offsets_tag, counts_tag = 324, 325

        def rows_of(index: int) -> tuple[int, int]:
            return tile_height, tile_width
    else:
        rows_per_strip = min(tiff.scalar(entries, 278, 2**32 - 1), height)
        if not rows_per_strip:
            raise _damaged(label, _("bandes invalides"))
        per_plane = -(-height // rows_per_strip)
        units = per_plane * planes
        offsets_tag, counts_tag = 273, 279

        def rows_of(index: int) -> tuple[int, int]:
            return min(rows_per_strip, height - (index % per_plane) * rows_per_strip), width

    if offsets_tag not in entries or counts_tag not in entries:
        raise _damaged(label, _("emplacement des pixels absent"))
    tiff.strips_left -= units
    if tiff.strips_left < 0:
        raise _Refused(_("l'image TIFF est trop complexe pour être vérifiée (trop de bandes ou de tuiles)."))
    offsets, counts = entries[offsets_tag], entries[counts_tag]
    if offsets[1] < units or counts[1] < units:
        raise _damaged(label, _("bandes ou tuiles manquantes"))
    check_length = compression == 1 and photometric != 6  # YCbCr subsampling changes the length
    step = 8192
    for start in range(0, units, step):
        number = min(step, units - start)
        where = tiff.array(offsets, start, number)
        sizes = tiff.array(counts, start, number)
        for index, (position, length) in enumerate(zip(where, sizes, strict=True), start=start):
            if not length or position + length > reader.size:
                raise reader.truncated()
            rows, columns = rows_of(index)
            expected = rows * ((columns * pixel_bits + 7) // 8)
            if check_length and length < expected:
                raise reader.truncated()
            if compression in TIFF_DEFLATE and tiff.inflate_left >= expected:
                tiff.inflate_left -= expected
                _inflate_tiff_strip(reader, position, length, expected)


def _inflate_tiff_strip(reader: _Reader, position: int, length: int, expected: int) -> None:
    reader.seek(position)
    inflater = _Inflater(reader, expected)
    for piece in reader.pieces(length):
        inflater.feed(piece)
        if inflater.decompressor.eof:
            break
    inflater.finish()
