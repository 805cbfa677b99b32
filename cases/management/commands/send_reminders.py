from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_lazy

from cases.management.commands import TranslatedCommand
from cases.management.commands.deadlines import parse_today
from cases.services.reminders import reminders_run


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Envoie les rappels d'échéances proches ou dépassées (une seule fois par échéance et par état)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help=gettext_lazy("date de référence (AAAA-MM-JJ), aujourd'hui par défaut"))

    def handle(self, *args, today: str | None, **options):
        result = reminders_run(today=parse_today(today))
        self.stdout.write(f"reminders sent: {result.sent}")
        if result.failed:
            # Non-zero exit status, for cron and the monitoring; the errors are in the log, by mission.
            raise CommandError(
                gettext("Échec des rappels pour %(count)s mission(s) (n° %(ids)s) : voir le journal des erreurs.")
                % {"count": len(result.failed), "ids": ", ".join(map(str, result.failed))}
            )
