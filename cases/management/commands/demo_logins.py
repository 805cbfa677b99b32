import json

from django.core.management.base import BaseCommand

from cases.management.commands.load_demo import DEMO


class Command(BaseCommand):
    help = "Affiche les identifiants de démonstration (données fictives)."

    def handle(self, *args, **options):
        users = json.loads(DEMO.read_text(encoding="utf-8"))["users"]
        self.stdout.write("\nApplication : http://127.0.0.1:8000/  — comptes de démonstration (fictifs) :\n")
        for user in users:
            self.stdout.write(f"  {user['username']:<18} {user['password']:<22} {user['name']} ({user['role']})")
        self.stdout.write("")
