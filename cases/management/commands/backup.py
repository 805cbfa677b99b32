from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_lazy

from cases.backup import BackupError, backup
from cases.management.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("Sauvegarde la base, les fichiers déposés et un manifeste d'empreintes dans DIR.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        try:
            manifest = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["rows"].values())
        self.stdout.write(
            gettext("Sauvegarde écrite dans %(directory)s : %(rows)s lignes, %(files)s fichiers.")
            % {"directory": directory, "rows": rows, "files": len(manifest["files"])}
        )
