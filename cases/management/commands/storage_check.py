"""Compares the stored files with the rows that name them (the pieces, the signed consent scans):
files without a row, rows without a file, files whose SHA-256 no longer matches the one recorded
at upload. Exits 1 when any."""

import json
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import FileField, Q
from django.utils.translation import gettext, gettext_lazy

from cases.management.commands import TranslatedCommand
from cases.models import Document
from cases.storage import file_sha256, files_under


def stored_fields() -> list[tuple]:
    """Every file field of the cases app: (model, field name, whether the row records its SHA-256).
    A new file field (a refusal's or a withdrawal's signed scan) is checked without a change here."""
    return [
        (model, f.name, model is Document and f.name == "file")
        for model in apps.get_app_config("cases").get_models()
        for f in model._meta.fields
        if isinstance(f, FileField)
    ]


def storage_problems() -> dict[str, list]:
    root = Path(settings.MEDIA_ROOT)
    on_disk = {p.relative_to(root).as_posix() for p in files_under(root / "private")}
    named: set[str] = set()
    missing, changed = [], []
    for model, field, checksummed in stored_fields():
        label = model._meta.model_name
        fields = ("pk", field, "sha256") if checksummed else ("pk", field)
        rows = model.objects.exclude(Q(**{field: ""})).values_list(*fields).order_by("pk").iterator(chunk_size=2000)
        for pk, name, *sha in rows:
            named.add(name)
            path = Path(default_storage.path(name))
            if not path.is_file():
                missing.append({label: pk, "file": name})
            elif sha and file_sha256(path) != sha[0]:
                changed.append({label: pk, "file": name})
    orphans = sorted(on_disk - named)
    return {"files_without_row": orphans, "rows_without_file": missing, "checksum_changed": changed}


def _row(problem: dict) -> str:
    """ "pièce 12", "consentement 3": the row a problem names, in words."""
    for model, _, _ in stored_fields():
        if model._meta.model_name in problem:
            return f"{model._meta.verbose_name} {problem[model._meta.model_name]}"
    raise ValueError(problem)


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Vérifie le stockage : fichiers sans pièce ni consentement, lignes sans fichier, empreintes SHA-256 modifiées."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help=gettext_lazy("sortie JSON"))

    def handle(self, *args, **options):
        problems = storage_problems()
        count = sum(len(v) for v in problems.values())
        if options.get("json"):
            self.stdout.write(json.dumps(problems))
        else:
            for name in problems["files_without_row"]:
                self.stdout.write(gettext("fichier sans ligne : %(file)s") % {"file": name})
            for row in problems["rows_without_file"]:
                self.stdout.write(gettext("%(row)s sans fichier : %(file)s") % {"row": _row(row), "file": row["file"]})
            for row in problems["checksum_changed"]:
                self.stdout.write(
                    gettext("%(row)s : empreinte SHA-256 modifiée (%(file)s)") % {"row": _row(row), "file": row["file"]}
                )
            total = Document.objects.count()
            self.stdout.write(
                gettext("%(total)s pièce(s) vérifiée(s), %(count)s anomalie(s).") % {"total": total, "count": count}
            )
        if count:
            sys.exit(1)
