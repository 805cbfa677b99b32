import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.scenarios import ScenarioError, load_scenario


class Command(BaseCommand):
    help = "Charge un fichier de scénario (utilisateurs, juridictions, missions, pièces, consentements)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{file}: lecture impossible ({exc.strerror})") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file}: JSON invalide, ligne {exc.lineno} colonne {exc.colno} ({exc.msg})") from None
        try:
            result = load_scenario(data)
        except ScenarioError as exc:
            raise CommandError(f"{file}: {exc} — rien n'a été créé.") from None
        self.stdout.write(json.dumps(result, ensure_ascii=False))
