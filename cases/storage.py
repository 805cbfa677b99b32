"""No row without its file, no file without its row.

Services that store a file run inside `atomic_files()`: a database transaction that also
remembers the files written during it, and deletes them if the block fails and its rows are
rolled back. Nested blocks hand their files up, so an outer failure removes them too."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.core.files.base import File
from django.db import transaction
from django.db.models.fields.files import FieldFile

_written: ContextVar[list[FieldFile] | None] = ContextVar("files_written_in_transaction", default=None)


@contextmanager
def atomic_files() -> Iterator[None]:
    parent = _written.get()
    mine: list[FieldFile] = []
    token = _written.set(mine)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for field_file in mine:
            field_file.storage.delete(field_file.name)
        raise
    finally:
        _written.reset(token)
    if parent is not None:
        parent.extend(mine)


def files_under(root: Path) -> list[Path]:
    """Every file below `root` (none when it does not exist), in a stable order."""
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file on disk, read in 1 MB chunks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def save_file(field_file: FieldFile, display_name: str, content: File) -> None:
    """Writes the file under a random name (the field's upload_to), without saving the row."""
    written = _written.get()
    if written is None:
        raise RuntimeError("save_file() must run inside atomic_files().")
    content.seek(0)
    field_file.save(display_name, content, save=False)
    written.append(field_file)
