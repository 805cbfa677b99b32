"""Builds the report: gathers the mission's data in a fixed number of queries, renders the HTML
template (Django escapes every user text) and lays it out with WeasyPrint. The same code serves
the editor's preview, the pre-report, the deposit and `manage.py render_report`."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import access, countries, meetings
from cases.choices import ExpertRole
from cases.models import Convocation, ConvocationRecipient, Dire, Mission, Party, Representative
from cases.models.party import age_on, months_on
from cases.validators import dire_max_chars
from reports import checks
from reports.models import Report, ReportVersion, VersionKind

# The report's fixed parts are written in the language of the mission's documents (French; Arabic
# for a Tunisian mission in Arabic, right to left): marked here, translated when the report is laid
# out under that language (build_report). The experts' own text is printed as they wrote it.
MARKS = {
    "draft": gettext_lazy("Projet — document de travail"),
    VersionKind.PRE_REPORT: gettext_lazy("Pré-rapport"),
    VersionKind.FINAL: "",
    VersionKind.COMPLEMENT: "",
}
SECTIONS = [
    ("identification", gettext_lazy("Identification")),
    ("mission", gettext_lazy("Rappel de la mission")),
    ("operations", gettext_lazy("Déroulement des opérations")),
    ("pieces", gettext_lazy("Pièces reçues")),
    ("faits", gettext_lazy("Commémoratifs")),
    ("doleances", gettext_lazy("Doléances")),
    ("etat-anterieur", gettext_lazy("Antécédents et état antérieur")),
    ("examen", gettext_lazy("Examen clinique")),
    ("discussion", gettext_lazy("Discussion")),
    ("dires", gettext_lazy("Réponses aux dires")),
    ("conclusions", gettext_lazy("Conclusions")),
]
# The cover's title says what the document is; its version number is printed small, at the foot of
# each page, never as its title.
TITLES = {
    "draft": gettext_lazy("Rapport d'expertise médicale (projet)"),
    VersionKind.PRE_REPORT: gettext_lazy("Pré-rapport d'expertise médicale"),
    VersionKind.FINAL: gettext_lazy("Rapport d'expertise médicale"),
    VersionKind.COMPLEMENT: gettext_lazy("Rapport complémentaire d'expertise médicale"),
}
# How the report writes the time of a meeting: "09h00" in French, "09:00" in Arabic.
TIME_FORMATS = {"ar": "H:i"}
DEFAULT_TIME_FORMAT = "H\\hi"


# --- The report's French ---------------------------------------------------------------------------
# A court is named with its article: "Le tribunal judiciaire de Bobigny a confié…", "La cour d'appel
# de Lyon…", "l'" before a vowel. The court's name is stored as a title ("Tribunal judiciaire de
# Bobigny"); its first word tells the article. A name whose first word is not known is left as it is.

COURT_GENDERS = {
    "tribunal": "m",
    "conseil": "m",
    "pôle": "m",
    "juge": "m",
    "président": "m",
    "premier": "m",
    "cour": "f",
    "chambre": "f",
    "juridiction": "f",
    "commission": "f",
    "assemblée": "f",
    "formation": "f",
    "présidente": "f",
    "première": "f",
}
# Institutions that keep their capital after the article (la Cour de cassation, le Conseil d'État).
UNIQUE_COURTS = ("cour de cassation", "conseil d'état", "conseil d’état", "cour des comptes")
ARTICLES = ("le ", "la ", "les ", "l'", "l’")
VOWELS = frozenset("aeiouy")


def _starts_with_vowel(word: str) -> bool:
    first = unicodedata.normalize("NFD", word[:1].lower())[:1]
    return first in VOWELS


def court_with_article(name: str) -> str:
    """ "Tribunal judiciaire de Bobigny" → "le tribunal judiciaire de Bobigny"; "Cour d'appel de
    Lyon" → "la cour d'appel de Lyon"; "Assemblée plénière" → "l'assemblée plénière"; a name that
    already has its article keeps it; an unknown first word (an acronym, a proper name): unchanged.
    In the middle of a sentence; `|capfirst` at its start."""
    name = " ".join((name or "").split())
    lowered = name.lower()
    if lowered.startswith(ARTICLES):
        return name[:1].lower() + name[1:]
    if not name:
        return name
    first = re.split(r"[\s'’-]", name, maxsplit=1)[0]
    gender = COURT_GENDERS.get(first.lower())
    if gender is None or (first.isupper() and len(first) > 1):
        return name
    body = name if lowered.startswith(UNIQUE_COURTS) else name[:1].lower() + name[1:]
    if _starts_with_vowel(first):
        return f"l'{body}"
    return f"{'le' if gender == 'm' else 'la'} {body}"


def long_date(value: date | datetime | None) -> str:
    """The long date of the documents in the active language: "1er novembre 2026" in French (the
    first day of a month is an ordinal), "2 novembre 2026"; in Arabic the catalogue's format
    ("10 جويلية 2026"). Nothing for no date."""
    if not value:
        return ""
    if (translation.get_language() or "fr").split("-")[0] == "fr":
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {formats.date_format(value, 'F Y')}"
    return formats.date_format(value, "j F Y")


# --- Dires: bounded in the report whatever the parties file ---------------------------------------
# One avocat's 1.2 MB of dires made the draft take 57 s to render. Each dire is bounded when it is
# filed (DIRE_MAX_CHARS); the report reproduces dires in full within a budget of printed lines and
# a number of dires (settings read at call time), and names the others with their answer: the
# experts answer every dire (CPC art. 276), the dires themselves are annexed to the report.

DEFAULT_REPORT_DIRES_MAX_LINES = 800  # about 16 pages of dires reproduced in full
DEFAULT_REPORT_DIRES_MAX_FULL = 20
DIRE_LINE_CHARS = 80  # characters on one printed line of a dire, at most (templates/reports/pdf/report.html)
# WeasyPrint lays out an unbreakable word in quadratic time (a 20,000-character "word": 10 s): a
# zero-width space after every 40 non-blank characters gives it a place to break (two runs a line).
LONG_RUN = re.compile(r"\S{40}")


def breakable(text: str) -> str:
    return LONG_RUN.sub(lambda m: m.group() + "\u200b", text)


def printed_lines(text: str) -> int:
    """The lines a text takes once printed: a line break costs a line, however short the line."""
    return sum(max(1, -(-len(line) // DIRE_LINE_CHARS)) for line in text.splitlines())


@dataclass(frozen=True)
class ReportDire:
    dire: Dire
    reproduced: bool  # its text printed in full in the report
    length: int  # characters of its text
    text: str = ""  # as printed (breakable), when reproduced
    answer: str = ""  # the experts' answer, as printed (breakable)


@dataclass(frozen=True)
class DiresNotReproduced:
    """Unanswered dires of one party beyond the budget: counted, dated, not reproduced."""

    party: str
    count: int
    first: date | None
    last: date | None


@dataclass(frozen=True)
class ReportDires:
    items: list[ReportDire] = field(default_factory=list)
    others: list[DiresNotReproduced] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.items or self.others)

    def __len__(self) -> int:
        return len(self.items) + sum(o.count for o in self.others)


def report_dires(dires: list[Dire]) -> ReportDires:
    """Which dires the report reproduces: in the order received, while the budget lasts
    (REPORT_DIRES_MAX_LINES printed lines, REPORT_DIRES_MAX_FULL dires, none longer than
    DIRE_MAX_CHARS). A dire not reproduced keeps its row when the experts answered it (the answer
    stays); the unanswered ones are counted per party, so the section is bounded whatever the
    parties file."""
    max_lines = int(getattr(settings, "REPORT_DIRES_MAX_LINES", DEFAULT_REPORT_DIRES_MAX_LINES))
    max_full = int(getattr(settings, "REPORT_DIRES_MAX_FULL", DEFAULT_REPORT_DIRES_MAX_FULL))
    max_chars = dire_max_chars()
    items: list[ReportDire] = []
    others: dict[int, list[Dire]] = {}
    budget, full = max_lines, 0
    for dire in dires:
        text = dire.text or ""
        lines = printed_lines(text) if len(text) <= max_chars else max_lines + 1
        if full < max_full and lines <= budget:
            items.append(ReportDire(dire, True, len(text), breakable(text), breakable(dire.answer)))
            budget -= lines
            full += 1
        elif dire.answer.strip():
            items.append(ReportDire(dire, False, len(text), "", breakable(dire.answer)))
        else:
            others.setdefault(dire.party_id, []).append(dire)
    grouped = [
        DiresNotReproduced(group[0].party.name, len(group), group[0].received_on, group[-1].received_on)
        for group in others.values()
    ]
    return ReportDires(items, grouped)


# --- The victim and the event (DOMAIN.md §9) -------------------------------------------------------


@dataclass(frozen=True)
class Age:
    """An age on a day: whole years, or whole months under one year (a child injured at birth)."""

    years: int
    months: int

    @property
    def in_years(self) -> bool:
        return self.years >= 1


def age(born_on: date | None, day: date | None) -> Age | None:
    if born_on is None or day is None or day < born_on:
        return None
    return Age(age_on(born_on, day), months_on(born_on, day))


@dataclass(frozen=True)
class ReportVictim:
    """What the identification says of a victim: the party's own fields, and its age at the event
    and at the consolidation; the template prints nothing for what is unknown."""

    party: Party
    age_at_event: Age | None = None
    age_at_consolidation: Age | None = None

    @property
    def has_details(self) -> bool:
        p = self.party
        return bool(p.born_on or p.sex or p.occupation or p.worker_status)


def report_victims(parties: list[Party], event_date: date | None, consolidation_date: date | None) -> list:
    """The victims of the mission (the persons examined), from the parties already read."""
    return [
        ReportVictim(p, age(p.born_on, event_date), age(p.born_on, consolidation_date)) for p in parties if p.is_victim
    ]


# --- The meetings held (DOMAIN.md §6: the operations, their dates, who attended) ------------------


@dataclass(frozen=True)
class ReportMeeting:
    """A meeting held, at its final date (a postponed meeting at its new one), with the persons
    convened; their attendance and who was present at the examination (rule 10) when recorded."""

    convocation: Convocation
    at: datetime
    recipients: list[ConvocationRecipient]

    @property
    def attendance(self) -> bool:
        return any(r.attended is not None for r in self.recipients)

    @property
    def examined(self) -> list[ConvocationRecipient]:
        """Who was present at the examination itself (rule 10: the victim chooses)."""
        return [r for r in self.recipients if r.at_examination]


def report_meetings(mission: Mission) -> list[ReportMeeting]:
    """Only the meetings held (never one cancelled or still scheduled), at their final date (the one
    a postponement gave them; the date they were moved from is not the report's), in the court's
    time."""
    held = meetings.held_meetings(mission).prefetch_related(
        Prefetch("recipients", queryset=ConvocationRecipient.objects.order_by("pk"))
    )
    return [ReportMeeting(c, timezone.localtime(c.meeting_at), list(c.recipients.all())) for c in held]


# --- The sections printed (no heading for a section left empty) -----------------------------------


def present_sections(report: Report, kind: str, *, meetings_held: bool, dires: bool) -> list[str]:
    """The anchors of the sections the report prints, in order. Identification, the mission, the
    pieces, the discussion (its revision rule) and the conclusions always; the others only when they
    have something to say. The answers to the dires: always in the deposited report (CPC art. 276,
    "aucun dire n'a été reçu" is then a statement), in a pre-report only when a dire was filed."""
    texts = {
        "operations": meetings_held or bool(report.operations_notes.strip()),
        "faits": bool(report.facts.strip()),
        "doleances": bool(report.complaints.strip()),
        "etat-anterieur": bool(report.prior_state_text.strip()),
        "examen": bool(report.examination.strip()),
        "dires": dires or kind != VersionKind.PRE_REPORT,
    }
    return [anchor for anchor, _label in SECTIONS if texts.get(anchor, True)]


@dataclass
class ReportData:
    mission: Mission
    report: Report
    kind: str
    today: date
    experts: list
    parties: list
    conclusions: list  # (question, answer text) in the mission's order
    meetings: list[ReportMeeting]
    pieces: access.ReportPieces
    periods: list
    dires: ReportDires
    revision_rule: str
    version_number: int | None = None
    dires_due: date | None = None
    victims: list[ReportVictim] = field(default_factory=list)
    # A complementary report says at its top why it was written and what it changes, and which
    # deposited report it completes.
    reason: str = ""
    completes: ReportVersion | None = None
    anchors: list[str] = field(default_factory=list)

    @property
    def sections(self) -> list[tuple[str, int, str]]:
        """(anchor, number, label) of each section printed, numbered in order."""
        labels = dict(SECTIONS)
        return [(anchor, n, str(labels[anchor])) for n, anchor in enumerate(self.anchors, start=1)]

    @property
    def number(self) -> dict[str, int]:
        """The number of each section printed, by anchor ("etat_anterieur" for "etat-anterieur")."""
        return {anchor.replace("-", "_"): n for anchor, n, _label in self.sections}

    @property
    def imputability(self) -> list[tuple[str, str]]:
        """The conditions of imputability the experts answered (the others are not printed)."""
        return [(label, text) for label, text in self.report.imputability() if text.strip()]

    @property
    def court(self) -> str:
        """The court as the sentences of the report name it: with its article in French."""
        name = self.mission.court.name
        return court_with_article(name) if self.language == "fr" else name

    @property
    def appointed_experts(self) -> int:
        """The experts the court appointed (a sapiteur is the experts' own choice)."""
        return sum(1 for a in self.experts if a.role != ExpertRole.SAPITEUR) or 1

    @property
    def mark(self) -> str:
        return str(MARKS[self.kind])

    @property
    def title(self) -> str:
        return str(TITLES[self.kind])

    @property
    def language(self) -> str:
        return self.mission.document_language

    @property
    def time_format(self) -> str:
        return TIME_FORMATS.get(self.language, DEFAULT_TIME_FORMAT)


def report_for(mission: Mission) -> Report:
    report, _ = Report.objects.get_or_create(mission=mission)
    return report


def report_data(
    mission: Mission,
    kind: str = "draft",
    *,
    version_number: int | None = None,
    dires_due: date | None = None,
    reason: str = "",
    on: date | None = None,
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
    held = report_meetings(mission)
    dires = list(
        Dire.objects.filter(mission=mission, is_filed=True).select_related("party").order_by("received_on", "pk")
    )
    filed = report_dires(dires)
    completes = None
    if kind == VersionKind.COMPLEMENT:
        completes = (
            ReportVersion.objects.filter(mission=mission, kind=VersionKind.FINAL)
            .defer("pdf")
            .order_by("number")
            .first()
        )
    return ReportData(
        mission=mission,
        report=report,
        kind=kind,
        today=on or timezone.localdate(),
        experts=list(mission.assignments.select_related("expert").order_by("pk")),
        parties=parties,
        conclusions=[(q, answers.get(q.pk, "")) for q in questions],
        meetings=held,
        pieces=access.report_pieces(mission),
        periods=list(report.periods.all()),
        dires=filed,
        revision_rule=checks.revision_rule(mission.framework, mission.court.country),
        version_number=version_number,
        dires_due=dires_due or mission.dires_due,
        victims=report_victims(parties, mission.event_date, report.consolidation_date),
        reason=reason.strip() if kind == VersionKind.COMPLEMENT else "",
        completes=completes,
        anchors=present_sections(report, kind, meetings_held=bool(held), dires=bool(filed)),
    )


def report_html(data: ReportData) -> str:
    """The report's HTML, its fixed parts in the language of the mission's documents."""
    with translation.override(data.language):
        return render_to_string(
            "reports/pdf/report.html",
            {"data": data, "r": data.report, "mission": data.mission, "sections": data.sections},
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
    reason: str = "",
    on: date | None = None,
) -> Built:
    """The PDF of the report; `reason`: why a complementary report was written and what it changes
    (printed at its top; ignored for the other kinds); `on`: the day it is dated (the court's
    today unless a scenario file replays an earlier day)."""
    step = progress or (lambda percent, label: None)
    step(10, _("Rassemblement des données de la mission"))
    # The court's dates and times (DOMAIN.md §11); the texts the data computes (the revision rule,
    # the labels of the scales) in the language of the mission's documents.
    with countries.court_time(mission), translation.override(mission.document_language):
        data = report_data(mission, kind, version_number=version_number, dires_due=dires_due, reason=reason, on=on)
    step(25, _("Mise en forme du rapport"))
    with countries.court_time(mission):
        html = report_html(data)
    step(40, _("Mise en page"))
    from reports.rendering import render_document  # WeasyPrint: loaded by the workers that render

    document = render_document(html)
    step(85, _("Écriture du PDF"))
    pdf = document.write_pdf()
    return Built(pdf, len(document.pages), data.report.revision)
