import json

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from cases.access import Action, decide
from cases.management.commands import TranslatedCommand
from cases.models import Document


class Command(TranslatedCommand):
    help = _("Affiche, pour chaque utilisateur et chaque pièce, la décision de la politique d'accès (JSON lines).")

    def add_arguments(self, parser):
        parser.add_argument("--action", choices=[a.value for a in Action], default=Action.DOWNLOAD.value)

    def handle(self, *args, action: str, **options):
        documents = list(Document.objects.select_related("mission").order_by("pk"))
        for user in User.objects.order_by("username"):
            for document in documents:
                decision = decide(user, action, document)
                self.stdout.write(
                    json.dumps(
                        {
                            "user": user.username,
                            "document_id": document.pk,
                            "action": action,
                            "allowed": decision.allowed,
                            "rule": str(decision.rule),
                        }
                    )
                )
