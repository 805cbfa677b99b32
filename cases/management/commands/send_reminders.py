from django.core.management.base import BaseCommand

from cases.management.commands.deadlines import parse_today
from cases.services.reminders import reminders_scan


class Command(BaseCommand):
    help = "Envoie les rappels d'échéances proches ou dépassées (une seule fois par échéance et par état)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="date de référence (AAAA-MM-JJ), aujourd'hui par défaut")

    def handle(self, *args, today: str | None, **options):
        sent = reminders_scan(today=parse_today(today))
        self.stdout.write(f"reminders sent: {sent}")
