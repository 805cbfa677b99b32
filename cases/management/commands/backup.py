from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde la base, les fichiers déposés et un manifeste d'empreintes dans DIR."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        try:
            manifest = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(f"Sauvegarde écrite dans {directory} : {rows} lignes, {len(manifest['files'])} fichiers.")
