"""Deadlines of the procedure, as pure functions: which deadlines a mission has and their state
on a given day (DOMAIN.md §7). Nothing here queries the database: `mission_deadlines` reads the
attributes of a mission whose related rows were fetched beforehand (see selectors).

What closes a deadline without its fact (SCENARIOS.md, DOMAIN.md §8): the deposit of the report
closes those of the operations (convocations, receipts, dires, consignation, the deposit itself):
only what follows it runs on (the parties' observations on the fees until the taxation, CPC art.
282 and 284). A declined or lapsed mission has no open deadline. A cancelled meeting has none; a
held meeting's are closed; a postponed meeting's follow its new date. A closed deadline is `done`
(never open, never reminded) with the reason it closed; cases.deadlines_sql is the SQL twin of
these rules."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import countries


class State(StrEnum):
    UPCOMING = "upcoming"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"


STATE_LABELS = {
    State.UPCOMING: gettext_lazy("à venir"),
    State.DUE_SOON: gettext_lazy("proche"),
    State.OVERDUE: gettext_lazy("dépassée"),
    State.DONE: gettext_lazy("faite"),
}
CLOSED_LABEL = gettext_lazy("close")

# The states that end a mission: its operations are over (DOMAIN.md §8).
ENDED = ("declined", "lapsed")


class Kind(StrEnum):
    REPORT_DEPOSIT = "report_deposit"
    CONSIGNATION = "consignation"
    DIRES = "dires"
    CONVOCATION_NOTICE = "convocation_notice"
    RECEIPT_MISSING = "receipt_missing"
    FEE_COMMENTS = "fee_comments"


KIND_LABELS = {
    Kind.REPORT_DEPOSIT: gettext_lazy("Dépôt du rapport"),
    Kind.CONSIGNATION: gettext_lazy("Consignation"),
    Kind.DIRES: gettext_lazy("Dires des parties"),
    Kind.CONVOCATION_NOTICE: gettext_lazy("Envoi des convocations"),
    Kind.RECEIPT_MISSING: gettext_lazy("Accusé de réception"),
    Kind.FEE_COMMENTS: gettext_lazy("Observations sur la rémunération"),
}


@dataclass(frozen=True)
class Params:
    due_soon_days: int = 7
    convocation_notice_days: int = 15  # a convocation sent later than this before the meeting is flagged
    receipt_days: int = 15  # an LRAR with no acknowledgement this long after sending is flagged
    fee_comment_days: int = 15  # FR CPC art. 282: parties comment on the fee request
    max_extensions: int | None = None  # Tunisia: the report deadline and a single extension


def params_for(country: str) -> Params:
    values = getattr(settings, "DEADLINES", {})
    return Params(**{**values.get("default", {}), **values.get(country, {})})


@dataclass(frozen=True)
class Deadline:
    mission_id: int
    kind: Kind
    ref: str  # what the deadline is about, unique within the mission (idempotency of reminders)
    due: date
    state: State
    detail: str = ""
    flag: str = ""
    closed: str = ""  # why it no longer runs though its fact was never recorded (state DONE)

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def state_label(self) -> str:
        return str(CLOSED_LABEL) if self.closed else str(STATE_LABELS[self.state])


def state_of(due: date, today: date, *, done: bool, due_soon_days: int = 7) -> State:
    """done once its fact is recorded; overdue from the day after the due date; due soon from
    `due_soon_days` before it up to and including the due date; upcoming before that."""
    if done:
        return State.DONE
    if today > due:
        return State.OVERDUE
    if today >= due - timedelta(days=due_soon_days):
        return State.DUE_SOON
    return State.UPCOMING


def is_deposited(mission) -> bool:
    return mission.deposited_on is not None or mission.status == "deposited"


def is_ended(mission) -> bool:
    """Deposited, declined or lapsed: the mission is never late any more."""
    return mission.status in ENDED or is_deposited(mission)


def closing_reason(mission) -> str:
    """Why the operations' deadlines of this mission are closed ("" while they run)."""
    if mission.status in ENDED:
        return _("mission terminée : %(status)s") % {"status": mission.get_status_display().lower()}
    if is_deposited(mission):
        if mission.deposited_on:
            return _("rapport déposé le %(day)s") % {"day": f"{mission.deposited_on:%d/%m/%Y}"}
        return _("rapport déposé")
    return ""


def report_due(mission) -> date:
    """report_due, or the new date of the last extension the judge granted."""
    granted = [e for e in mission.extensions.all() if e.granted and e.new_due]
    if not granted:
        return mission.report_due
    return max(granted, key=lambda e: (e.decided_on or e.requested_on, e.pk or 0)).new_due


def mission_deadlines(mission, today: date, params: Params | None = None) -> list[Deadline]:
    """`today`: the court's date (countries.today), the labels cite the law of its country."""
    country = mission.court.country
    p = params or params_for(country)

    def make(
        kind: Kind, ref: str, due: date, done: bool, detail: str = "", flag: str = "", closed: str = ""
    ) -> Deadline:
        closed = "" if done else closed
        state = state_of(due, today, done=done or bool(closed), due_soon_days=p.due_soon_days)
        return Deadline(mission.pk, kind, ref, due, state, detail, flag, closed)

    deposited = is_deposited(mission)
    ended = mission.status in ENDED
    # the operations' deadlines close with the deposit or the end of the mission
    closing = closing_reason(mission)
    # what follows the deposit (the fees) closes only with the end of the mission
    ending = closing if ended else ""
    deadlines: list[Deadline] = []

    if not ended:
        granted = [e for e in mission.extensions.all() if e.granted]
        flag = ""
        if p.max_extensions is not None and len(granted) > p.max_extensions:
            flag = _("%(count)s prorogations accordées : la loi n'en prévoit que %(max)s (%(law)s).") % {
                "count": len(granted),
                "max": p.max_extensions,
                "law": countries.cite("extension", country),
            }
        detail = _("Rapport à déposer au greffe (délai prorogé)") if granted else _("Rapport à déposer au greffe")
        deadlines.append(make(Kind.REPORT_DEPOSIT, "report", report_due(mission), deposited, detail, flag))

    for c in mission.consignations.all():
        detail = countries.money(c.amount, country)
        if c.is_complement:
            detail = _("%(amount)s (complément, %(law)s)") % {
                "amount": detail,
                "law": countries.cite("consignation_complement", country),
            }
        d = make(Kind.CONSIGNATION, f"consignation-{c.pk}", c.due, c.paid_on is not None, detail, closed=closing)
        if d.state == State.OVERDUE:
            d = Deadline(
                d.mission_id,
                d.kind,
                d.ref,
                d.due,
                d.state,
                detail,
                _("À défaut de consignation, la désignation de l'expert est caduque%(law)s.")
                % {"law": countries.cited("consignation_lapse", country)},
            )
        deadlines.append(d)

    if mission.dires_due:
        late = [x for x in mission.dires.all() if x.is_filed and x.received_on and x.received_on > mission.dires_due]
        flag = (
            _("%(count)s dire(s) reçu(s) après la date limite (%(law)s).")
            % {"count": len(late), "law": countries.cite("dires", country)}
            if late
            else ""
        )
        deadlines.append(
            make(Kind.DIRES, "dires", mission.dires_due, deposited, _("Observations des parties"), flag, closing)
        )

    for conv in mission.convocations.all():
        if conv.status == "cancelled":
            continue  # a cancelled meeting has no deadline
        # a held meeting's letters and receipts no longer matter; a postponed one's meeting_at is its new date
        closed = closing or (_("réunion tenue") if conv.status == "held" else "")
        recipients = list(conv.recipients.all())
        # the meeting's day at the court (23:30 in Tunis is already the next day in Paris, in summer)
        meeting = (
            countries.local(conv.meeting_at, country).date() if hasattr(conv.meeting_at, "date") else conv.meeting_at
        )
        due = meeting - timedelta(days=p.convocation_notice_days)
        sent = [r.sent_on for r in recipients if r.sent_on]
        all_sent = bool(recipients) and len(sent) == len(recipients)
        late = [r.name for r in recipients if r.sent_on and r.sent_on > due]
        flag = (
            _("Convocation envoyée moins de %(days)s jours avant la réunion : %(names)s.")
            % {"days": p.convocation_notice_days, "names": ", ".join(late)}
            if late
            else ""
        )
        deadlines.append(
            make(
                Kind.CONVOCATION_NOTICE,
                f"convocation-{conv.pk}",
                due,
                all_sent,
                _("Réunion du %(day)s") % {"day": f"{meeting:%d/%m/%Y}"},
                flag,
                closed,
            )
        )
        for r in recipients:
            if r.method == "lrar" and r.sent_on:
                deadlines.append(
                    make(
                        Kind.RECEIPT_MISSING,
                        f"receipt-{r.pk}",
                        r.sent_on + timedelta(days=p.receipt_days),
                        r.receipt_on is not None,
                        _("AR de %(name)s (%(number)s)")
                        % {"name": r.name, "number": r.tracking_number or _("sans numéro")},
                        closed=closed,
                    )
                )

    if mission.fee_requested_on:
        deadlines.append(
            make(
                Kind.FEE_COMMENTS,
                "fees",
                mission.fee_requested_on + timedelta(days=p.fee_comment_days),
                mission.fees_taxed_on is not None,
                _("Observations des parties sur la demande de rémunération (%(law)s)")
                % {"law": countries.cite("fee_observations", country)},
                closed=ending,
            )
        )
    return sorted(deadlines, key=lambda d: (d.due, d.kind))


def next_open(deadlines: list[Deadline]) -> Deadline | None:
    """The nearest deadline not done: the one a dashboard row shows."""
    open_ = [d for d in deadlines if d.state != State.DONE]
    return min(open_, key=lambda d: d.due) if open_ else None


def worst_state(deadlines: list[Deadline]) -> State:
    for state in (State.OVERDUE, State.DUE_SOON, State.UPCOMING):
        if any(d.state == state for d in deadlines):
            return state
    return State.DONE
