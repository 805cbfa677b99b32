"""Uploaded files: a size limit enforced while the request streams in, and recognition of the
four accepted formats by their content (magic bytes, then a parse), never by their name."""

import hashlib
import io
import re
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageFile, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

CHUNK = 64 * 1024

ACCEPTED = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
}
ACCEPTED_LABEL = "PDF, JPEG, PNG ou TIFF"


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
    limit = filesizeformat(settings.DOCUMENT_MAX_UPLOAD_SIZE)
    return (
        f"« {name} » dépasse la taille maximale autorisée ({limit}). Aucune pièce n'a été enregistrée pour ce fichier."
    )


@dataclass(frozen=True)
class Inspected:
    content_type: str
    size: int
    sha256: str


def refusal(name: str, why: str) -> ValidationError:
    return ValidationError(f"« {name} » est refusé : {why}", code="invalid_file")


def inspect_file(fileobj: IO[bytes], name: str) -> Inspected:
    """Reads the file once in chunks (size limit, SHA-256), recognises its type by its first
    bytes, then parses it. Raises ValidationError with a French message naming the file."""
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
        raise refusal(name, "le fichier est vide.")
    content_type = sniff(head)
    if content_type is None:
        raise refusal(name, f"son contenu n'est pas un document {ACCEPTED_LABEL} (seuls ces formats sont acceptés).")
    fileobj.seek(0)
    if content_type == "application/pdf":
        _parse_pdf(fileobj, name, size)
    else:
        _parse_image(fileobj, name, content_type)
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


# Active content a PDF reader may run or open: scripts, launched programs, attached files.
ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm"}


def _has_active_content(fileobj: IO[bytes], reader: PdfReader) -> bool:
    fileobj.seek(0)
    tail = b""
    while chunk := fileobj.read(1024 * 1024):
        if ACTIVE_PDF.search(tail + chunk):
            return True
        tail = chunk[-32:]
    # Objects compressed in object streams are not in the raw bytes: ask the parsed catalogue.
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    if names is not None and {"/JavaScript", "/EmbeddedFiles"} & set(names.get_object().keys()):
        return True
    actions = [root.get("/OpenAction"), *(root.get("/AA", {}) or {}).values()]
    for page in reader.pages:
        actions.extend((page.get("/AA", {}) or {}).values())
        for annotation in page.get("/Annots", []) or []:
            actions.append(annotation.get_object().get("/A"))
    for action in actions:
        action = action.get_object() if action is not None else None
        if hasattr(action, "get") and action.get("/S") in ACTIVE_ACTIONS:
            return True
    return "/XFA" in (root.get("/AcroForm", {}) or {})


def _parse_pdf(fileobj: IO[bytes], name: str, size: int) -> None:
    fileobj.seek(max(0, size - 2048))
    if b"%%EOF" not in fileobj.read():
        raise refusal(name, "le PDF est incomplet ou endommagé (fin de fichier absente).")
    fileobj.seek(0)
    try:
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted:
            raise refusal(name, "le PDF est protégé par un mot de passe ; déposez une version non chiffrée.")
        if len(reader.pages) == 0:
            raise refusal(name, "le PDF ne contient aucune page.")
        if _has_active_content(fileobj, reader):
            raise refusal(
                name,
                "le PDF contient du contenu actif (script, lancement de programme ou fichier joint) ; "
                "déposez une version imprimée en PDF.",
            )
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise refusal(name, "le PDF est illisible ou endommagé.") from exc


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


def _parse_image(fileobj: IO[bytes], name: str, content_type: str) -> None:
    label = ACCEPTED[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # Pillow's notes on odd metadata
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                if Image.MIME.get(image.format) != content_type:
                    raise refusal(name, f"le contenu ne correspond pas à une image {label}.")
                image.verify()
            fileobj.seek(0)
            with Image.open(fileobj) as image, _truncated_images_refused():
                if content_type == "image/jpeg":
                    # Decode at 1/8 scale: the whole stream is read (a truncated file fails)
                    # without building the full-size bitmap in memory.
                    image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
                image.load()
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise refusal(name, f"l'image {label} est illisible ou endommagée.") from exc


def inspect_bytes(data: bytes, name: str) -> Inspected:
    return inspect_file(io.BytesIO(data), name)
