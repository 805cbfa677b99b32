import json
from pathlib import Path

from django.core.management.base import BaseCommand

from accounts.models import User
from cases.scenarios import load_scenario

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo_scenario.json"


class Command(BaseCommand):
    help = "Charge la démo (données fictives) si elle ne l'est pas déjà."

    def handle(self, *args, **options):
        data = json.loads(DEMO.read_text(encoding="utf-8"))
        first = data["users"][0]["username"]
        if User.objects.filter(username=first).exists():
            self.stdout.write("Démo déjà chargée.")
            return
        load_scenario(data)
        self.stdout.write(self.style.SUCCESS("Démo chargée."))
