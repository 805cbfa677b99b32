import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_lazy

from cases.management.commands import TranslatedCommand
from cases.scenarios import ScenarioError, load_scenario


class Command(TranslatedCommand):
    help = gettext_lazy("Charge un fichier de scénario (utilisateurs, juridictions, missions, pièces, consentements).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(
                gettext("%(file)s: lecture impossible (%(why)s)") % {"file": file, "why": exc.strerror}
            ) from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                gettext("%(file)s: JSON invalide, ligne %(line)s colonne %(column)s (%(why)s)")
                % {"file": file, "line": exc.lineno, "column": exc.colno, "why": exc.msg}
            ) from None
        try:
            result = load_scenario(data)
        except ScenarioError as exc:
            raise CommandError(
                gettext("%(file)s: %(error)s — rien n'a été créé.") % {"file": file, "error": exc}
            ) from None
        self.stdout.write(json.dumps(result, ensure_ascii=False))
