import json

from django.conf import settings
from django.core.management.base import BaseCommand

from cases.management.commands.load_demo import DEMO


class Command(BaseCommand):
    help = "Affiche les identifiants de démonstration (données fictives)."

    def handle(self, *args, **options):
        users = json.loads(DEMO.read_text(encoding="utf-8"))["users"]
        self.stdout.write("\nApplication : http://127.0.0.1:8000/  — comptes de démonstration (fictifs) :\n")
        for user in users:
            self.stdout.write(f"  {user['username']:<18} {user['password']:<22} {user['name']} ({user['role']})")
        if not settings.OTP_REQUIRED:
            self.stdout.write("\n  Double authentification désactivée pour la démo (OTP_REQUIRED=false) ;")
            self.stdout.write("  `OTP_REQUIRED=true make run` montre l'enrôlement par QR code.")
        self.stdout.write("")
