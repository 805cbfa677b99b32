import json
from datetime import date

from django.core.management.base import CommandError
from django.utils.translation import gettext, gettext_lazy

from cases import countries
from cases.deadlines import mission_deadlines
from cases.management.commands import TranslatedCommand
from cases.models import Mission
from cases.selectors import with_deadline_data


def parse_today(value: str | None) -> date | None:
    """The reference date given, or None: each mission's court's own date (its time zone)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(gettext("--today : date invalide %(value)r (AAAA-MM-JJ).") % {"value": value}) from None


class Command(TranslatedCommand):
    help = gettext_lazy("Liste les échéances de toutes les missions et leur état à une date donnée.")

    def add_arguments(self, parser):
        parser.add_argument("--today", help=gettext_lazy("date de référence (AAAA-MM-JJ), aujourd'hui par défaut"))
        parser.add_argument("--json", action="store_true", help=gettext_lazy("une ligne JSON par échéance"))

    def handle(self, *args, today: str | None, json: bool, **options):
        day = parse_today(today)
        for mission in with_deadline_data(Mission.objects.order_by("pk")):
            for d in mission_deadlines(mission, day or countries.today(mission)):
                if json:
                    self.stdout.write(
                        _json(
                            {
                                "mission": mission.pk,
                                "rg": mission.rg,
                                "kind": str(d.kind),
                                "due": d.due.isoformat(),
                                "state": str(d.state),
                            }
                        )
                    )
                else:
                    self.stdout.write(
                        f"RG {mission.rg:<12} {d.label:<34} {d.due:%d/%m/%Y}  {d.state_label}"
                        + (f"  ! {d.flag}" if d.flag else "")
                    )


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
