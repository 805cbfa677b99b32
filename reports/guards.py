"""Guards before the irreversible steps of a report (issue #14): the pre-report, the deposit and a
complementary report. Each guard names the thing it is about and the law it rests on, and either
blocks the step or asks the lead expert to confirm it, one checkbox per guard.

What blocks and what asks, and why:

- every question of the mission answered — blocks (FR CPC art. 238: the expert gives his opinion on
  each point he was commissioned for; the report answers the mission, question by question);
- the dires period still running on the day of the deposit (the deadline after that day) — blocks
  (CPC art. 276 al. 1 and 2: the expert takes into account the observations made within the time
  he set; art. 16: depositing before its end takes from the parties the time he gave them). On its
  last day it asks: a dire may still arrive that day;
- a dire filed within the period and left without an answer — blocks (art. 276 al. 2: the report
  mentions the follow-up given to the observations). A dire received after the deadline asks
  instead: the expert "n'est pas tenu de prendre en compte" observations made out of time, but
  saying why is the prudent way;
- a meeting still scheduled — asks (art. 160: the parties were convoked to it; cancel it, with its
  letters, or record it held first), one checkbox per meeting;
- a consignation not paid — asks (art. 269 and 271: the designation may have lapsed, but only the
  judge draws the consequence; the expert may have been told to go on), one per consignation;
- a piece the report relies on that a party entitled to it has not received — asks (art. 16: the
  contradictoire; computed like the contradictoire page, cases.access.reach_by_party), one per
  piece and party: the expert may have sent it by post, which the application does not know;
- a complementary report whose text did not change since the deposited one — blocks (it would only
  repeat the deposited report; issue #14). Its reason is required by the service (a field).

Before the pre-report: no meeting held yet — asks (art. 160: the operations are carried out with
the parties convoked; a pre-report without any meeting is exceptional: a report on documents);
the dires deadline after the report's deadline — asks (art. 276 and 279: the report could not be
deposited in time; ask the judge for an extension); a meeting still scheduled and a piece relied on
that a party has not received — ask, as before the deposit (the parties answer the pre-report on
the pieces they have).

Tunisia: the same guards, citing the CPCC (cases.countries.cite).

The facts are read in a fixed number of queries, whatever the number of dires, meetings, pieces or
parties. `on` is the day of the step (the court's today, or the day a scenario file gives).
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from cases import access, countries, deadlines
from cases.models import Consignation, Convocation, Dire, Mission, MissionQuestion
from cases.models.convocation import MeetingStatus
from reports import checks


@dataclass(frozen=True)
class Guard:
    """One reason to stop or to think twice. `code` is stable (stored with the version once
    confirmed); `message` names the thing for the lead expert, with its legal basis; `record` is
    the line the mission's history keeps, readable by the court: no medical title in it (DOMAIN.md
    §3 rule 8)."""

    code: str
    message: str
    law: str
    record: str = ""

    @property
    def text(self) -> str:
        return f"{self.message} ({self.law})" if self.law else self.message

    @property
    def trail(self) -> str:
        return f"{self.record or self.message} ({self.law})" if self.law else self.record or self.message


@dataclass
class Guards:
    blocks: list[Guard] = field(default_factory=list)
    asks: list[Guard] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        """The codes of the asks, in order."""
        return [g.code for g in self.asks]

    def unconfirmed(self, confirmed) -> list[Guard]:
        given = set(confirmed or ())
        return [g for g in self.asks if g.code not in given]

    def confirmed(self, confirmed) -> list[Guard]:
        given = set(confirmed or ())
        return [g for g in self.asks if g.code in given]

    def __bool__(self) -> bool:
        return bool(self.blocks or self.asks)


def _law(mission: Mission, *keys: str) -> str:
    """The citations of these keys for the mission's country, each once ("CPCC" once in Tunisia)."""
    cited: list[str] = []
    for key in keys:
        text = countries.cite(key, mission)
        if text and text not in cited:
            cited.append(text)
    return " ; ".join(cited)


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


# --- The facts, one query each ---------------------------------------------------------------------


def _questions_unanswered(mission: Mission) -> list[Guard]:
    from reports.models import Answer

    questions = list(MissionQuestion.objects.filter(mission=mission).order_by("position"))
    answers = dict(Answer.objects.filter(report__mission=mission).values_list("question_id", "text"))
    problems = checks.finalize_problems(questions, answers)
    law = _law(mission, "answers")
    return [Guard("questions-unanswered", problem, law) for problem in problems]


def _dires(mission: Mission, on: date) -> tuple[list[Guard], list[Guard]]:
    """The dires period and the dires filed by `on` without an answer: (blocks, asks)."""
    blocks: list[Guard] = []
    asks: list[Guard] = []
    law = _law(mission, "dires", "contradiction")
    due = mission.dires_due
    if due and due > on:
        blocks.append(
            Guard(
                "dires-period-running",
                _(
                    "Le délai des dires court jusqu'au %(day)s : le rapport ne peut être déposé avant son "
                    "expiration, les parties ayant jusqu'à cette date pour présenter leurs observations."
                )
                % {"day": _day(due)},
                law,
            )
        )
    elif due and due == on:
        asks.append(
            Guard(
                "dires-period-last-day",
                _("Le délai des dires expire ce jour (%(day)s) : un dire peut encore arriver avant la fin du jour.")
                % {"day": _day(due)},
                law,
            )
        )
    dires = Dire.objects.filter(mission=mission, is_filed=True, received_on__lte=on).select_related("party")
    for dire in dires.order_by("received_on", "pk"):
        if dire.answer.strip():
            continue
        values = {"party": dire.party.name, "day": _day(dire.received_on)}
        if due and dire.received_on > due:
            asks.append(
                Guard(
                    f"dire-unanswered:{dire.pk}",
                    _(
                        "Le dire de %(party)s reçu le %(day)s, après la date limite des dires, est sans réponse : "
                        "l'expert n'est pas tenu de le prendre en compte, mais le rapport devrait le dire."
                    )
                    % values,
                    law,
                )
            )
        else:
            blocks.append(
                Guard(
                    f"dire-unanswered:{dire.pk}",
                    _(
                        "Le dire de %(party)s reçu le %(day)s est sans réponse : le rapport doit faire mention "
                        "de la suite donnée aux observations des parties."
                    )
                    % values,
                    law,
                )
            )
    return blocks, asks


def _meetings(mission: Mission, on: date) -> tuple[list[Guard], bool]:
    """The meetings still scheduled (asks), and whether one was held by `on`."""
    asks: list[Guard] = []
    held = False
    law = _law(mission, "convocation")
    for meeting in Convocation.objects.filter(mission=mission).order_by("meeting_at", "pk"):
        at = countries.local(meeting.meeting_at, mission)
        if meeting.status == MeetingStatus.HELD and at.date() <= on:
            held = True
        if meeting.status != MeetingStatus.SCHEDULED:
            continue
        asks.append(
            Guard(
                f"meeting-scheduled:{meeting.pk}",
                _(
                    "La réunion du %(day)s à %(time)s (%(place)s) est encore prévue : annulez-la, avec ses "
                    "lettres aux parties, ou enregistrez-la comme tenue."
                )
                % {"day": _day(at), "time": f"{at:%H:%M}", "place": meeting.place},
                law,
            )
        )
    return asks, held


def _consignations(mission: Mission, on: date) -> list[Guard]:
    asks = []
    law = _law(mission, "consignation", "consignation_lapse")
    for c in Consignation.objects.filter(mission=mission).select_related("payer").order_by("due", "pk"):
        if c.paid_on is not None and c.paid_on <= on:
            continue
        asks.append(
            Guard(
                f"consignation-unpaid:{c.pk}",
                _(
                    "La consignation de %(amount)s à la charge de %(payer)s, à verser avant le %(due)s, n'est pas "
                    "versée : la désignation de l'expert peut être caduque, le juge en décide."
                )
                % {
                    "amount": countries.money(c.amount, mission),
                    "payer": c.payer.name if c.payer else _("la partie désignée par la décision"),
                    "due": _day(c.due),
                },
                law,
            )
        )
    return asks


def _pieces_not_received(mission: Mission) -> list[Guard]:
    """Each piece the report relies on (cases.access.report_pieces) that a party entitled to it
    has not received, as the contradictoire page computes it (cases.access.reach_by_party; a third
    party with no standing is not owed the communication)."""
    pieces = access.report_pieces(mission).pieces
    if not pieces:
        return []
    facts = access.facts_for_mission(mission, pieces)
    parties = list(mission.parties.prefetch_related("representatives").order_by("pk"))
    law = _law(mission, "contradictoire")
    asks = []
    for piece in pieces:
        for reach in access.reach_by_party(piece, parties, facts[piece.pk]):
            if reach.decision.allowed or not reach.party.opposable:
                continue
            values = {
                "number": piece.number,
                "title": piece.title,
                "party": reach.party.name,
                "how": f"{reach.through} : {reach.decision.label}",
            }
            # the history is the court's to read: a medical piece by its number only (rule 8)
            record = _("La pièce n° %(number)s n'a pas été reçue par %(party)s.") % values
            asks.append(
                Guard(
                    f"piece-not-received:{piece.pk}:{reach.party.pk}",
                    _(
                        "La pièce n° %(number)s « %(title)s », sur laquelle le rapport s'appuie, n'a pas été reçue "
                        "par %(party)s (%(how)s) : communiquez-la, ou confirmez qu'elle l'a été autrement."
                    )
                    % values,
                    law,
                    record if piece.is_medical else "",
                )
            )
    return asks


def _complement_unchanged(mission: Mission) -> list[Guard]:
    """A report already deposited: the complement must change something."""
    from reports.models import Report, ReportVersion, VersionKind

    deposited = (
        ReportVersion.objects.filter(mission=mission, kind__in=[VersionKind.FINAL, VersionKind.COMPLEMENT])
        .order_by("-number")
        .values_list("report_revision", flat=True)
        .first()
    )
    if deposited is None:
        return []
    revision = Report.objects.filter(mission=mission).values_list("revision", flat=True).first()
    if revision is not None and revision != deposited:
        return []
    return [
        Guard(
            "complement-unchanged",
            _(
                "Aucune modification depuis le rapport déposé : un rapport complémentaire porte sur ce qui a "
                "changé depuis."
            ),
            "",
        )
    ]


# --- The two steps ---------------------------------------------------------------------------------


def deposit_guards(mission: Mission, *, on: date | None = None) -> Guards:
    """Before the deposit of the report (or of a complementary report)."""
    on = on or countries.today(mission)
    guards = Guards()
    guards.blocks += _questions_unanswered(mission)
    guards.blocks += _complement_unchanged(mission)
    blocks, asks = _dires(mission, on)
    guards.blocks += blocks
    guards.asks += asks
    meetings, _held = _meetings(mission, on)
    guards.asks += meetings
    guards.asks += _consignations(mission, on)
    guards.asks += _pieces_not_received(mission)
    return guards


def pre_report_guards(mission: Mission, dires_due: date | None, *, on: date | None = None) -> Guards:
    """Before the pre-report is sent (its own checks, the dires deadline and the mission's state,
    stay in reports.services: they are the form's)."""
    on = on or countries.today(mission)
    guards = Guards()
    meetings, held = _meetings(mission, on)
    if not held:
        guards.asks.append(
            Guard(
                "no-meeting-held",
                _(
                    "Aucune réunion d'expertise n'a encore été tenue : les parties n'ont pas été entendues "
                    "contradictoirement avant le pré-rapport."
                ),
                _law(mission, "convocation"),
            )
        )
    guards.asks += meetings
    report_due = deadlines.report_due(mission)
    if dires_due and dires_due > report_due:
        guards.asks.append(
            Guard(
                "dires-after-report-due",
                _(
                    "La date limite des dires (%(dires)s) est postérieure à la date de dépôt du rapport "
                    "(%(report)s) : demandez au juge une prorogation du délai."
                )
                % {"dires": _day(dires_due), "report": _day(report_due)},
                _law(mission, "dires", "extension"),
            )
        )
    guards.asks += _pieces_not_received(mission)
    return guards


def guards_for(mission: Mission, kind: str, *, on: date | None = None, dires_due: date | None = None) -> Guards:
    """The guards of a render's kind: none for a draft."""
    if kind == "pre_report":
        return pre_report_guards(mission, dires_due, on=on)
    if kind == "final":
        return deposit_guards(mission, on=on)
    return Guards()
