"""Compares the stored files with the rows that name them: files without a row, rows without a
file, files whose SHA-256 no longer matches the one recorded at upload. Exits 1 when any."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from cases.models import Document
from cases.storage import file_sha256


def storage_problems() -> dict[str, list]:
    root = Path(settings.MEDIA_ROOT)
    on_disk = (
        {p.relative_to(root).as_posix() for p in (root / "private").rglob("*") if p.is_file()}
        if (root / "private").exists()
        else set()
    )
    rows = Document.objects.values_list("pk", "file", "sha256").order_by("pk").iterator(chunk_size=2000)
    named: set[str] = set()
    missing, changed = [], []
    for pk, name, sha in rows:
        named.add(name)
        path = Path(default_storage.path(name))
        if not path.is_file():
            missing.append({"document": pk, "file": name})
        elif file_sha256(path) != sha:
            changed.append({"document": pk, "file": name})
    orphans = sorted(on_disk - named)
    return {"files_without_row": orphans, "rows_without_file": missing, "checksum_changed": changed}


class Command(BaseCommand):
    help = "Vérifie le stockage : fichiers sans pièce, pièces sans fichier, empreintes SHA-256 modifiées."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="sortie JSON")

    def handle(self, *args, **options):
        problems = storage_problems()
        count = sum(len(v) for v in problems.values())
        if options.get("json"):
            self.stdout.write(json.dumps(problems))
        else:
            for name in problems["files_without_row"]:
                self.stdout.write(f"fichier sans pièce : {name}")
            for row in problems["rows_without_file"]:
                self.stdout.write(f"pièce {row['document']} sans fichier : {row['file']}")
            for row in problems["checksum_changed"]:
                self.stdout.write(f"pièce {row['document']} : empreinte SHA-256 modifiée ({row['file']})")
            total = Document.objects.count()
            self.stdout.write(f"{total} pièce(s) vérifiée(s), {count} anomalie(s).")
        if count:
            sys.exit(1)
