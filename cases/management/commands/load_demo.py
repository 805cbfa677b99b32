import json
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from cases.management.commands import TranslatedCommand
from cases.models import Mission
from cases.scenarios import load_scenario

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo_scenario.json"


class Command(TranslatedCommand):
    help = gettext_lazy("Charge la démo (données fictives) si elle ne l'est pas déjà.")

    def handle(self, *args, **options):
        data = json.loads(DEMO.read_text(encoding="utf-8"))
        first = data["users"][0]["username"]
        if User.objects.filter(username=first).exists():
            self.stdout.write(gettext("Démo déjà chargée."))
            return
        with transaction.atomic():
            loaded = load_scenario(data)
            first_mission = Mission.objects.get(pk=next(iter(loaded["missions"].values()))["id"])
            _draft_report(first_mission)
        self.stdout.write(self.style.SUCCESS(gettext("Démo chargée.")))


def _draft_report(mission: Mission) -> None:
    """A report begun by the expert of the first demo mission (invented text), three questions
    still to answer: the deposit stays closed until they are."""
    from reports.builder import report_for
    from reports.services import report_save

    expert = mission.assignments.select_related("expert").first().expert
    questions = list(mission.questions.order_by("position"))
    report = report_for(mission)
    report_save(
        report=report,
        user=expert,
        expected_revision=report.revision,
        fields={
            "facts": "Accident de la circulation : la victime, conductrice, a été percutée à l'arrière à l'arrêt.",
            "complaints": "Cervicalgies à l'effort, gêne à la conduite prolongée, troubles du sommeil.",
            "examination": "Rachis cervical : rotation limitée à 60° de chaque côté, sans signe neurologique.",
            "discussion": "Entorse cervicale bénigne, en relation directe et certaine avec l'accident.",
            "suffering": 2,
            "aesthetic_permanent": 0,
        },
        answers={q.pk: text for q, text in zip(questions, DEMO_ANSWERS, strict=False)},
    )


DEMO_ANSWERS = [
    "La victime a été examinée en présence des médecins-conseils des parties.",
    "Incapacité temporaire totale de trente jours, puis partielle.",
    "Consolidation fixée à la date du certificat final.",
    "Souffrances endurées : 2/7 (léger).",
]
