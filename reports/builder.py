"""Builds the report: gathers the mission's data in a fixed number of queries, renders the HTML
template (Django escapes every user text) and lays it out with WeasyPrint. The same code serves
the editor's preview, the pre-report, the deposit and `manage.py render_report`."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from cases import access
from cases.models import Convocation, ConvocationRecipient, Dire, Mission, Party, Representative
from reports import checks
from reports.models import Report, VersionKind

MARKS = {
    "draft": "Projet — document de travail",
    VersionKind.PRE_REPORT: "Pré-rapport",
    VersionKind.FINAL: "",
    VersionKind.COMPLEMENT: "",
}
SECTIONS = [
    ("identification", "Identification"),
    ("mission", "Rappel de la mission"),
    ("operations", "Déroulement des opérations"),
    ("pieces", "Pièces reçues"),
    ("faits", "Commémoratifs"),
    ("doleances", "Doléances"),
    ("etat-anterieur", "Antécédents et état antérieur"),
    ("examen", "Examen clinique"),
    ("discussion", "Discussion"),
    ("dires", "Réponses aux dires"),
    ("conclusions", "Conclusions"),
]
TITLES = {
    "draft": "Rapport d'expertise médicale (projet)",
    VersionKind.PRE_REPORT: "Pré-rapport d'expertise médicale",
    VersionKind.FINAL: "Rapport d'expertise médicale",
    VersionKind.COMPLEMENT: "Rapport d'expertise médicale complémentaire",
}


@dataclass
class ReportData:
    mission: Mission
    report: Report
    kind: str
    today: date
    experts: list
    parties: list
    conclusions: list  # (question, answer text) in the mission's order
    convocations: list
    pieces: access.ReportPieces
    periods: list
    dires: list
    revision_rule: str
    version_number: int | None = None
    dires_due: date | None = None

    @property
    def mark(self) -> str:
        return MARKS[self.kind]

    @property
    def title(self) -> str:
        return TITLES[self.kind]


def report_for(mission: Mission) -> Report:
    report, _ = Report.objects.get_or_create(mission=mission)
    return report


def report_data(
    mission: Mission, kind: str = "draft", *, version_number: int | None = None, dires_due: date | None = None
) -> ReportData:
    mission = Mission.objects.select_related("court").get(pk=mission.pk)
    report = report_for(mission)
    answers = {a.question_id: a.text for a in report.answers.all()}
    questions = list(mission.questions.order_by("position"))
    parties = list(
        Party.objects.filter(mission=mission)
        .order_by("pk")
        .prefetch_related(
            Prefetch("representatives", queryset=Representative.objects.select_related("user").order_by("kind", "pk"))
        )
    )
    convocations = list(
        Convocation.objects.filter(mission=mission)
        .order_by("meeting_at")
        .prefetch_related(Prefetch("recipients", queryset=ConvocationRecipient.objects.order_by("pk")))
    )
    dires = list(
        Dire.objects.filter(mission=mission, is_filed=True).select_related("party").order_by("received_on", "pk")
    )
    return ReportData(
        mission=mission,
        report=report,
        kind=kind,
        today=timezone.localdate(),
        experts=list(mission.assignments.select_related("expert").order_by("pk")),
        parties=parties,
        conclusions=[(q, answers.get(q.pk, "")) for q in questions],
        convocations=[(c, timezone.localtime(c.meeting_at)) for c in convocations],
        pieces=access.report_pieces(mission),
        periods=list(report.periods.all()),
        dires=dires,
        revision_rule=checks.revision_rule(mission.framework, mission.court.country),
        version_number=version_number,
        dires_due=dires_due or mission.dires_due,
    )


def report_html(data: ReportData) -> str:
    return render_to_string(
        "reports/pdf/report.html", {"data": data, "r": data.report, "mission": data.mission, "sections": SECTIONS}
    )


@dataclass(frozen=True)
class Built:
    pdf: bytes
    pages: int
    revision: int


Progress = Callable[[int, str], None]


def build_report(
    mission: Mission,
    kind: str = "draft",
    *,
    progress: Progress | None = None,
    version_number: int | None = None,
    dires_due: date | None = None,
) -> Built:
    step = progress or (lambda percent, label: None)
    step(10, "Rassemblement des données de la mission")
    data = report_data(mission, kind, version_number=version_number, dires_due=dires_due)
    step(25, "Mise en forme du rapport")
    html = report_html(data)
    step(40, "Mise en page")
    from reports.rendering import render_document  # WeasyPrint: loaded by the workers that render

    document = render_document(html)
    step(85, "Écriture du PDF")
    pdf = document.write_pdf()
    return Built(pdf, len(document.pages), data.report.revision)
