import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import Producer
from cases.management.commands import TranslatedCommand
from cases.models import Mission
from cases.services.documents import Upload, documents_upload

logger = logging.getLogger(__name__)


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Importe des pièces numérisées dans une mission, avec les mêmes contrôles que le navigateur. "
        "Chaque fichier refusé est nommé ; rien n'est enregistré pour lui ; la commande sort en erreur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mission", type=int, required=True)
        parser.add_argument(
            "--produced-by",
            required=True,
            help=gettext_lazy("court, expert, third_party, ou l'identifiant d'une partie de la mission"),
        )
        parser.add_argument("--medical", action="store_true", help=gettext_lazy("pièces médicales"))
        parser.add_argument(
            "--about", type=int, help=gettext_lazy("identifiant de la partie concernée (pièces médicales)")
        )
        parser.add_argument("--date", help=gettext_lazy("date des pièces (AAAA-MM-JJ)"))
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
            raise CommandError(_("Mission %(mission)s introuvable.") % {"mission": mission}) from None
        producer_party = None
        if produced_by in Producer.values and produced_by != Producer.PARTY:
            producer = Producer(produced_by)
        elif produced_by.isdigit():
            producer = Producer.PARTY
            producer_party = mission_obj.parties.filter(pk=int(produced_by)).first()
            if producer_party is None:
                raise CommandError(
                    _("--produced-by : la partie %(party)s n'appartient pas à la mission %(mission)s.")
                    % {"party": produced_by, "mission": mission}
                )
        else:
            raise CommandError(_("--produced-by : court, expert, third_party ou l'identifiant d'une partie."))
        about_party = None
        if about is not None:
            about_party = mission_obj.parties.filter(pk=about).first()
            if about_party is None:
                raise CommandError(
                    _("--about : la partie %(party)s n'appartient pas à la mission %(mission)s.")
                    % {"party": about, "mission": mission}
                )
        if medical and about_party is None:
            raise CommandError(_("--medical exige --about : la personne concernée par les pièces médicales."))
        when = None
        if date:
            try:
                when = date_cls.fromisoformat(date)
            except ValueError:
                raise CommandError(_("--date : date invalide %(value)r (AAAA-MM-JJ).") % {"value": date}) from None

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
            values = {"name": path.name, "number": result.document.number, "id": result.document.pk}
            if result.duplicate_of is not None:
                values["duplicate"] = result.duplicate_of.number
                line = _("%(name)s : pièce n° %(number)s (id %(id)s) — identique à la pièce n° %(duplicate)s") % values
            else:
                line = _("%(name)s : pièce n° %(number)s (id %(id)s)") % values
            self.stdout.write(line)
        if failures:
            raise CommandError(
                _("%(failures)s fichier(s) refusé(s) sur %(count)s.") % {"failures": failures, "count": len(files)}
            )
