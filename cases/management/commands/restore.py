from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_lazy

from cases.backup import BackupError, restore
from cases.management.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy("Restaure une sauvegarde (vérifiée avant toute écriture) et compare lignes et empreintes.")

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        try:
            differences = restore(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if differences:
            for name, what in differences.items():
                self.stderr.write(f"{name} : {what}")
            raise CommandError(gettext("La restauration ne correspond pas au manifeste."))
        self.stdout.write(gettext("Restauration terminée : lignes et empreintes conformes au manifeste."))
