"""Backup and restore: the database (a PostgreSQL dump, or a copy of the SQLite file), the
uploaded files, and a manifest of checksums and row counts that the restore verifies."""

import glob
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.storage import file_sha256, files_under

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
FILES = "media"
APPS = ("accounts", "cases", "reports")


class BackupError(Exception):
    pass


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for name in APPS
        for model in apps.get_app_config(name).get_models()
    }


def _pg_tool(name: str) -> str:
    """The newest installed PostgreSQL client (it must not be older than the server)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    tool = candidates[-1] if candidates else shutil.which(name)
    if not tool:
        raise BackupError(_("%(tool)s est introuvable : installez le client PostgreSQL.") % {"tool": name})
    return tool


def _pg_args() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--host", db["HOST"] or "localhost", "--port", str(db["PORT"] or 5432), "--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        subprocess.run(command, check=True, env=env, capture_output=True)  # noqa: S603 - our program and settings
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace").strip()[-500:]
        raise BackupError(
            _("%(tool)s a échoué : %(detail)s") % {"tool": Path(command[0]).name, "detail": detail}
        ) from exc


def backup(target: Path) -> dict:
    """Writes the dump, the files and the manifest into `target` (new or empty)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(_("Le dossier %(directory)s n'est pas vide.") % {"directory": target})
    target.mkdir(parents=True, exist_ok=True)
    os.chmod(target, 0o700)
    vendor = connection.vendor
    if vendor == "postgresql":
        args, env = _pg_args()
        dump = target / PG_DUMP
        command = [_pg_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--no-privileges"]
        command += ["--file", str(dump), connection.settings_dict["NAME"]]
        _run(command, env)
    elif vendor == "sqlite":
        dump = target / SQLITE_COPY
        source = sqlite3.connect(connection.settings_dict["NAME"])
        with sqlite3.connect(dump) as copy:
            source.backup(copy)
        source.close()
    else:
        raise BackupError(_("Base %(vendor)s non prise en charge.") % {"vendor": vendor})
    root = Path(settings.MEDIA_ROOT)
    files = {}
    for path in files_under(root):
        relative = path.relative_to(root).as_posix()
        destination = target / FILES / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        files[relative] = file_sha256(destination)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": dump.name, "sha256": file_sha256(dump)},
        "rows": row_counts(),
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def verify(source: Path) -> dict:
    """Reads the manifest and checks every checksum before anything is touched."""
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("Manifeste illisible dans %(directory)s : %(error)s") % {"directory": source, "error": exc}
        ) from exc
    dump = source / manifest["database"]["file"]
    if not dump.is_file() or file_sha256(dump) != manifest["database"]["sha256"]:
        raise BackupError(_("La sauvegarde de la base est absente ou altérée (empreinte différente)."))
    for relative, sha in manifest["files"].items():
        path = source / FILES / relative
        if not path.is_file() or file_sha256(path) != sha:
            raise BackupError(_("Le fichier sauvegardé %(file)s est absent ou altéré.") % {"file": relative})
    if manifest["database"]["vendor"] != connection.vendor:
        raise BackupError(_("La sauvegarde vient d'une autre sorte de base de données."))
    return manifest


def restore(source: Path) -> dict:
    """Replaces the database and the uploaded files with the backup, then compares the row
    counts and every file's checksum with the manifest. Returns the differences (none: {})."""
    source = Path(source)
    manifest = verify(source)
    dump = source / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        args, env = _pg_args()
        connection.close()
        command = [_pg_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        command += ["--single-transaction", "--dbname", connection.settings_dict["NAME"], str(dump)]
        _run(command, env)
    else:
        connection.close()
        with sqlite3.connect(dump) as backup_db, sqlite3.connect(connection.settings_dict["NAME"]) as live:
            backup_db.backup(live)
    root = Path(settings.MEDIA_ROOT)
    private = root / "private"
    if private.exists():
        shutil.rmtree(private)
    for relative in manifest["files"]:
        destination = root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / FILES / relative, destination)
    differences = {}
    counts = row_counts()
    for label, expected in manifest["rows"].items():
        if counts.get(label) != expected:
            differences[label] = {"expected": expected, "found": counts.get(label)}
    for relative, sha in manifest["files"].items():
        path = root / relative
        if not path.is_file() or file_sha256(path) != sha:
            differences[relative] = _("empreinte différente")
    return differences
