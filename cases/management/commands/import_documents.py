import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.choices import Producer
from cases.models import Mission
from cases.services.documents import Upload, documents_upload

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Importe des pièces numérisées dans une mission, avec les mêmes contrôles que le navigateur. "
        "Chaque fichier refusé est nommé ; rien n'est enregistré pour lui ; la commande sort en erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mission", type=int, required=True)
        parser.add_argument(
            "--produced-by",
            required=True,
            help="court, expert, third_party, ou l'identifiant d'une partie de la mission",
        )
        parser.add_argument("--medical", action="store_true", help="pièces médicales")
        parser.add_argument("--about", type=int, help="identifiant de la partie concernée (pièces médicales)")
        parser.add_argument("--date", help="date des pièces (AAAA-MM-JJ)")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(
        self,
        *args,
        mission: int,
        produced_by: str,
        medical: bool,
        about: int | None,
        date: str | None,
        files: list[Path],
        **options,
    ):
        from datetime import date as date_cls

        try:
            mission_obj = Mission.objects.get(pk=mission)
        except Mission.DoesNotExist:
            raise CommandError(f"Mission {mission} introuvable.") from None
        producer_party = None
        if produced_by in Producer.values and produced_by != Producer.PARTY:
            producer = Producer(produced_by)
        elif produced_by.isdigit():
            producer = Producer.PARTY
            producer_party = mission_obj.parties.filter(pk=int(produced_by)).first()
            if producer_party is None:
                raise CommandError(f"--produced-by : la partie {produced_by} n'appartient pas à la mission {mission}.")
        else:
            raise CommandError("--produced-by : court, expert, third_party ou l'identifiant d'une partie.")
        about_party = None
        if about is not None:
            about_party = mission_obj.parties.filter(pk=about).first()
            if about_party is None:
                raise CommandError(f"--about : la partie {about} n'appartient pas à la mission {mission}.")
        if medical and about_party is None:
            raise CommandError("--medical exige --about : la personne concernée par les pièces médicales.")
        when = None
        if date:
            try:
                when = date_cls.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date : date invalide {date!r} (AAAA-MM-JJ).") from None

        failures = 0
        for path in files:
            try:
                handle = path.open("rb")
            except OSError as exc:
                self.stderr.write(
                    _("« %(name)s » est refusé : lecture impossible (%(why)s).") % {"name": path, "why": exc.strerror}
                )
                failures += 1
                continue
            with handle:
                try:
                    stored = documents_upload(
                        mission=mission_obj,
                        uploaded_by=None,
                        uploads=[Upload(name=path.name, file=handle)],
                        producer=producer,
                        producer_party=producer_party,
                        is_medical=medical,
                        about=about_party,
                        date=when,
                    )
                except ValidationError as exc:
                    for message in exc.messages:
                        self.stderr.write(message)
                    failures += 1
                    continue
                except Exception as exc:  # one file's failure names it and stops nothing else: no traceback
                    # The traceback goes to the log at DEBUG level only (LOG_LEVEL=DEBUG to see it).
                    logger.debug("import_documents: unexpected failure on one file", exc_info=True)
                    self.stderr.write(
                        _(
                            "« %(name)s » est refusé : erreur inattendue pendant sa vérification (%(error)s) ; "
                            "rien n'a été enregistré pour lui."
                        )
                        % {"name": path.name, "error": type(exc).__name__}
                    )
                    failures += 1
                    continue
            result = stored[0]
            line = f"{path.name} : pièce n° {result.document.number} (id {result.document.pk})"
            if result.duplicate_of is not None:
                line += f" — identique à la pièce n° {result.duplicate_of.number}"
            self.stdout.write(line)
        if failures:
            raise CommandError(
                _("%(failures)s fichier(s) refusé(s) sur %(count)s.") % {"failures": failures, "count": len(files)}
            )
