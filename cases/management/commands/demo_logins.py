import json

from django.conf import settings
from django.utils.translation import gettext, gettext_lazy

from cases.management.commands import TranslatedCommand
from cases.management.commands.load_demo import DEMO


class Command(TranslatedCommand):
    help = gettext_lazy("Affiche les identifiants de démonstration (données fictives).")

    def handle(self, *args, **options):
        users = json.loads(DEMO.read_text(encoding="utf-8"))["users"]
        self.stdout.write(
            "\n"
            + gettext("Application : %(url)s  — comptes de démonstration (fictifs) :")
            % {"url": "http://127.0.0.1:8000/"}
            + "\n"
        )
        for user in users:
            self.stdout.write(f"  {user['username']:<18} {user['password']:<22} {user['name']} ({user['role']})")
        if not settings.OTP_REQUIRED:
            self.stdout.write(
                "\n  " + gettext("Double authentification désactivée pour la démo (OTP_REQUIRED=false) ;")
            )
            self.stdout.write("  " + gettext("`OTP_REQUIRED=true make run` montre l'enrôlement par QR code."))
        self.stdout.write("")
