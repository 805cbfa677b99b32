"""Renders the current state of a mission's report, even unfinished, with the code of the app."""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_lazy

from cases import countries
from cases.management.commands import TranslatedCommand
from cases.models import Mission
from reports.builder import build_report
from reports.models import VersionKind


class Command(TranslatedCommand):
    help = gettext_lazy("Écrit le PDF du rapport d'une mission dans son état actuel (--pre : marqué PRÉ-RAPPORT).")

    def add_arguments(self, parser):
        parser.add_argument("--mission", type=int, required=True, help=gettext_lazy("identifiant de la mission"))
        parser.add_argument("--pre", action="store_true", help=gettext_lazy("marquer le document comme pré-rapport"))
        parser.add_argument("--out", required=True, help=gettext_lazy("fichier PDF à écrire"))

    def handle(self, *args, mission: int, pre: bool, out: str, **options):
        try:
            instance = Mission.objects.get(pk=mission)
        except Mission.DoesNotExist:
            raise CommandError(gettext("Aucune mission n° %(mission)s.") % {"mission": mission}) from None
        with countries.court_time(instance):  # the court's dates and times (DOMAIN.md §11)
            built = build_report(instance, VersionKind.PRE_REPORT if pre else VersionKind.FINAL)
        Path(out).write_bytes(built.pdf)
        self.stdout.write(
            gettext("%(out)s : %(pages)s pages, rapport de la mission %(mission)s (RG %(rg)s)")
            % {"out": out, "pages": built.pages, "mission": instance.pk, "rg": instance.rg}
        )
