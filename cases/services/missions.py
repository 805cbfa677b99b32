from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from cases import access, actions, countries, history
from cases.choices import ExpertRole, Framework, MissionKind, MissionStatus
from cases.models import (
    ChangeAction,
    Consignation,
    Court,
    ExpertAssignment,
    Extension,
    Mission,
    MissionQuestion,
    Party,
)
from cases.services.courts import check_court
from cases.services.mission_data import EDITABLE_FIELDS as EDITABLE_FIELDS
from cases.services.mission_data import check_order_date
from cases.services.mission_data import mission_questions_set as mission_questions_set
from cases.services.mission_data import mission_update as mission_update
from cases.services.mission_data import questions_frozen as questions_frozen

# The life of a mission. A status not listed as a key is final: nothing undoes it.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    MissionStatus.DESIGNATED: (MissionStatus.ACCEPTED, MissionStatus.DECLINED, MissionStatus.LAPSED),
    MissionStatus.ACCEPTED: (MissionStatus.IN_PROGRESS, MissionStatus.LAPSED),
    MissionStatus.IN_PROGRESS: (MissionStatus.PRE_REPORT, MissionStatus.DEPOSITED),
    MissionStatus.PRE_REPORT: (MissionStatus.DEPOSITED,),
}
# States that follow a fact and are never chosen by a click (DOMAIN.md §8): the pre-report is sent
# and the report deposited by freezing a version (reports.services); accepting or declining is
# each expert's answer to his own designation (designation_respond).
FACT_STATES = frozenset({MissionStatus.PRE_REPORT, MissionStatus.DEPOSITED})
DESIGNATION_STATES = frozenset({MissionStatus.ACCEPTED, MissionStatus.DECLINED})
# The states a click may choose that end the mission: final, nothing undoes them. Each asks for an
# explicit confirmation on a page that says what it means and on which legal basis.
ENDING_STATES = frozenset({MissionStatus.DECLINED, MissionStatus.LAPSED})


def ending_notice(mission: Mission, to: str, *, lead: bool = True) -> dict[str, str]:
    """What moving the mission to an ending state means, with its legal basis in the court's
    country: a lapsed designation (FR CPC art. 271: the provision not paid in time), the expert's
    refusal of his designation (FR CPC art. 235; TN: the CPCC). `lead`: the lead expert's refusal
    ends the mission; a co-expert's ends his own seat."""
    if to == MissionStatus.DECLINED and not lead:
        return {
            "title": _("Refuser ma désignation"),
            "meaning": _(
                "Vous refusez la désignation que la décision vous confie (%(law)s) : vous quittez la mission "
                "et n'y avez plus accès ; ses autres experts la poursuivent."
            )
            % {"law": countries.cite("designation_refusal", mission)},
            "final": _("Ce refus est définitif : rien ne le défait dans l'application."),
        }
    if to == MissionStatus.LAPSED:
        law = countries.cite("consignation_lapse", mission)
        return {
            "title": _("Constater la caducité de la désignation"),
            "meaning": _(
                "La provision n'a pas été consignée dans le délai fixé par la décision : la désignation de "
                "l'expert est caduque (%(law)s). Les opérations s'arrêtent et les échéances de la mission se "
                "ferment."
            )
            % {"law": law},
            "final": _(
                "Ce changement d'état est définitif : rien ne le défait dans l'application. Une décision "
                "ultérieure du juge s'enregistre comme une nouvelle mission."
            ),
        }
    if to == MissionStatus.DECLINED:
        law = countries.cite("designation_refusal", mission)
        return {
            "title": _("Refuser la mission"),
            "meaning": _(
                "Vous refusez la mission que la décision vous confie (%(law)s) : le juge pourvoit à votre "
                "remplacement. La mission se clôt et ses échéances se ferment."
            )
            % {"law": law},
            "final": _("Ce refus est définitif : rien ne le défait dans l'application."),
        }
    raise ValueError(f"{to} does not end a mission")


def allowed_transitions(mission: Mission) -> tuple[str, ...]:
    return TRANSITIONS.get(mission.status, ())


def manual_transitions(mission: Mission, seat: actions.ActionSeat) -> tuple[str, ...]:
    """The state buttons this seat is shown: the designation's answer (lead expert), then the moves
    of the lead expert; never a state that follows a fact."""
    shown = []
    for to in allowed_transitions(mission):
        if to in FACT_STATES:
            continue
        act = actions.Act.DESIGNATION_RESPOND if to in DESIGNATION_STATES else actions.Act.MISSION_STATE
        if act == actions.Act.DESIGNATION_RESPOND and actions.SeatKind.LEAD_EXPERT not in seat.kinds:
            continue
        if actions.rule_for(seat, act):
            shown.append(to)
    return tuple(shown)


@transaction.atomic
def mission_create(
    *,
    created_by: User,
    court: Court,
    rg: str,
    title: str,
    framework: str,
    ordered_on: date,
    report_due: date,
    questions: list[str],
    kind: str = MissionKind.INITIAL,
    judge: str = "",
    expert: User | None = None,
    language: str = "fr",
    previous: Mission | None = None,
) -> Mission:
    """Records a court's order: the mission, its questions in order, and its expert. The expert
    is the creator unless another one is named (a clerk may record a designation). `language`: of
    its letters and its report's fixed parts ("ar" for a Tunisian court only, Mission.clean).
    `previous`: the earlier mission of the same case this one follows (a complement unless another
    kind is given: an aggravation, a counter-expertise), one the creator has a place in."""
    questions = [q.strip() for q in questions if q and q.strip()]
    if not questions:
        raise ValidationError({"questions": _("La mission doit comporter au moins une question.")})
    expert = expert or created_by
    if expert.role != Role.EXPERT:
        raise ValidationError({"expert": _("Seul un expert peut être désigné pour conduire la mission.")})
    check_court(created_by, court)
    if previous is not None:
        if not access.visible_missions(created_by).filter(pk=previous.pk).exists():
            raise ValidationError({"previous": _("Mission précédente introuvable.")})  # nothing revealed
        if kind == MissionKind.INITIAL:
            kind = MissionKind.COMPLEMENT
    mission = Mission(
        court=court,
        rg=rg.strip(),
        title=title.strip(),
        framework=Framework(framework),
        kind=MissionKind(kind),
        ordered_on=ordered_on,
        report_due=report_due,
        judge=judge.strip(),
        created_by=created_by,
        language=language,
        previous=previous,
    )
    check_order_date(mission)
    mission.full_clean()
    mission.save()
    MissionQuestion.objects.bulk_create(
        MissionQuestion(mission=mission, position=i, text=text) for i, text in enumerate(questions, start=1)
    )
    assignment_add(mission=mission, expert=expert, role=ExpertRole.EXPERT)
    history.record(mission=mission, by=created_by, action=ChangeAction.CREATED, obj=mission)
    return mission


def _refuse_move(mission: Mission, to: str) -> ValidationError:
    current = mission.get_status_display()
    target = MissionStatus(to).label if to in MissionStatus.values else to
    return ValidationError(
        _("Une mission à l'état « %(current)s » ne peut passer à l'état « %(target)s ».")
        % {"current": current, "target": target}
    )


def _move(mission: Mission, to: str, *, by: User | None = None, reason: str = "") -> Mission:
    """Moves a locked mission to a state its current state allows, in the history."""
    if to not in allowed_transitions(mission):
        raise _refuse_move(mission, to)
    before = history.snapshot(mission, ["status"])
    mission.status = to
    fields = ["status", "updated_at"]
    if to == MissionStatus.DEPOSITED and mission.deposited_on is None:
        mission.deposited_on = countries.today(mission)  # the court's date, whichever zone the worker runs in
        fields.append("deposited_on")
    mission.save(update_fields=fields)
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.STATE,
        obj=mission,
        label=_("État de la mission"),
        changes=history.diff(before, history.snapshot(mission, ["status"])),
        reason=reason,
    )
    return mission


def _require_confirmation(confirmed: bool) -> None:
    if not confirmed:
        raise ValidationError({"confirm": _("Ce changement est définitif : cochez « Je confirme » pour le faire.")})


@transaction.atomic
def mission_transition(*, by: User, mission: Mission, to: str, confirmed: bool = False, reason: str = "") -> Mission:
    """A move the lead expert chooses (operations started, designation lapsed). The states that
    follow a fact are refused here: "deposited" only through the deposit of a frozen report. A
    state that ends the mission (lapsed) needs `confirmed`, given on the page that says what it means."""
    actions.require(by, mission, actions.Act.MISSION_STATE)
    mission = Mission.objects.select_for_update().select_related("court").get(pk=mission.pk)
    if to in FACT_STATES:
        raise ValidationError(
            _(
                "L'état « %(state)s » suit un fait : il ne se choisit pas, il résulte de la diffusion du pré-rapport ou du dépôt du rapport."
            )
            % {"state": MissionStatus(to).label}
        )
    if to in DESIGNATION_STATES:
        raise _refuse_move(mission, to)  # each expert answers his own designation: designation_respond
    if to not in allowed_transitions(mission):
        raise _refuse_move(mission, to)
    if to in ENDING_STATES:
        _require_confirmation(confirmed)
    return _move(mission, to, by=by, reason=reason)


@transaction.atomic
def mission_state_follow(*, mission: Mission, to: str, by: User | None = None) -> Mission:
    """The state that follows a fact just recorded (a pre-report sent, a report deposited): called
    by the service that recorded the fact, after its own checks of who acts."""
    if to not in FACT_STATES:
        raise ValueError(f"{to} is not a state that follows a fact")
    mission = Mission.objects.select_for_update().select_related("court").get(pk=mission.pk)
    return _move(mission, to, by=by)


@transaction.atomic
def designation_respond(
    *,
    by: User,
    mission: Mission,
    accept: bool,
    on: date | None = None,
    confirmed: bool = False,
    reason: str = "",
) -> Mission:
    """An expert accepts or declines his own designation (CPC art. 235). The lead expert's answer
    is the mission's: accepted, or declined (final). A co-expert who declines leaves the mission.
    Declining is final: it needs `confirmed`. The acceptance is not dated in the future nor before
    the order."""
    actions.require(by, mission, actions.Act.DESIGNATION_RESPOND)
    mission = Mission.objects.select_for_update().select_related("court").get(pk=mission.pk)
    assignment = mission.assignments.select_related("expert").get(expert=by)
    on = on or countries.today(mission)
    if accept and on > countries.today(mission):
        raise ValidationError({"accepted_on": _("L'acceptation ne peut être datée dans le futur.")})
    if accept and on < mission.ordered_on:
        raise ValidationError({"accepted_on": _("L'acceptation ne peut précéder la décision qui désigne l'expert.")})
    if assignment.role == ExpertRole.EXPERT:
        to = MissionStatus.ACCEPTED if accept else MissionStatus.DECLINED
        if to not in allowed_transitions(mission):
            raise _refuse_move(mission, to)
        if not accept:
            _require_confirmation(confirmed)
        _move(mission, to, by=by, reason=reason)
        if accept and assignment.accepted_on is None:
            assignment.accepted_on = on
            assignment.save(update_fields=["accepted_on"])
        return mission
    if mission.status in (MissionStatus.DECLINED, MissionStatus.LAPSED, MissionStatus.DEPOSITED):
        raise ValidationError(_("La mission est close."))
    designation = _("Désignation")
    if accept:
        if assignment.accepted_on is None:
            assignment.accepted_on = on
            assignment.save(update_fields=["accepted_on"])
            history.record(
                mission=mission,
                by=by,
                action=ChangeAction.STATE,
                obj=assignment,
                changes={designation: ["", _("acceptée le %(day)s") % {"day": f"{on:%d/%m/%Y}"}]},
            )
    else:
        if assignment.accepted_on is not None:
            raise ValidationError(_("Vous avez déjà accepté cette mission."))
        _require_confirmation(confirmed)
        history.record(
            mission=mission,
            by=by,
            action=ChangeAction.STATE,
            obj=assignment,
            changes={designation: ["", _("refusée")]},
            reason=reason,
        )
        assignment.delete()
    return mission


@transaction.atomic
def assignment_add(*, mission: Mission, expert: User, role: str = ExpertRole.EXPERT) -> ExpertAssignment:
    if expert.role != Role.EXPERT:
        raise ValidationError({"expert": _("%(user)s n'a pas un compte d'expert.") % {"user": expert}})
    if mission.assignments.filter(expert=expert).exists():
        raise ValidationError({"expert": _("%(user)s est déjà désigné dans cette mission.") % {"user": expert}})
    if mission.parties.filter(Q(account=expert) | Q(representatives__user=expert)).exists():
        # DOMAIN.md §8: nobody who sits for a party may be given an expert seat.
        raise ValidationError(
            {
                "expert": _("%(user)s agit pour une partie dans cette mission : il ne peut y être expert.")
                % {"user": expert}
            }
        )
    assignment = ExpertAssignment(mission=mission, expert=expert, role=ExpertRole(role))
    assignment.full_clean()
    assignment.save()
    return assignment


@transaction.atomic
def consignation_record(
    *,
    by: User,
    mission: Mission,
    amount: Decimal,
    due: date,
    payer: Party | None = None,
    paid_on: date | None = None,
    is_complement: bool = False,
) -> Consignation:
    """A provision on the expert's fees (CPC art. 269) or its complement (art. 280). The court
    records the provision's facts (DOMAIN.md §8); the provision the order fixes is part of the order,
    which the lead expert transcribes with the mission (the seat that moves the mission through its
    states): he may record it, never a payment nor a complement."""
    from cases.services import court_entries

    if not actions.may(by, mission, actions.Act.CONSIGNATION_RECORD):
        if paid_on is not None or is_complement:
            actions.require(by, mission, actions.Act.CONSIGNATION_RECORD)
        actions.require(by, mission, actions.Act.MISSION_STATE)
    if payer is not None and payer.mission_id != mission.pk:
        raise ValidationError({"payer": _("La partie tenue de consigner doit être une partie de la mission.")})
    court_entries.check_amount(mission, amount)
    court_entries.check_due_day(mission, due)
    court_entries.check_payment_day(mission, paid_on)
    consignation = Consignation(
        mission=mission, amount=amount, due=due, payer=payer, paid_on=paid_on, is_complement=is_complement
    )
    consignation.full_clean()
    consignation.save()
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CREATED,
        obj=consignation,
        changes=history.diff({}, history.snapshot(consignation, court_entries.CONSIGNATION_FIELDS)),
    )
    return consignation


@transaction.atomic
def extension_request(*, by: User, mission: Mission, requested_on: date, requested_due: date, reason: str) -> Extension:
    """The expert asks the judge for more time (prorogation, CPC art. 279), with his reasons, on a
    day that is not in the future nor before the order."""
    from cases.services import court_entries

    actions.require(by, mission, actions.Act.EXTENSION_REQUEST)
    court_entries.check_request_day(mission, requested_on)
    if mission.status in (MissionStatus.DEPOSITED, MissionStatus.DECLINED, MissionStatus.LAPSED):
        raise ValidationError(_("La mission est close : aucune prorogation ne peut être demandée."))
    if mission.extensions.filter(granted__isnull=True).exists():
        raise ValidationError(_("Une demande de prorogation attend déjà la décision du juge."))
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez les motifs de la demande.")})
    from cases.deadlines import report_due

    if requested_due <= report_due(mission):
        raise ValidationError({"requested_due": _("La nouvelle date doit être postérieure à l'échéance actuelle.")})
    extension = Extension(
        mission=mission, requested_on=requested_on, requested_due=requested_due, reason=reason.strip()
    )
    extension.full_clean()
    extension.save()
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CREATED,
        obj=extension,
        changes=history.diff({}, history.snapshot(extension, ("requested_on", "requested_due"))),
    )
    return extension


@transaction.atomic
def extension_decide(
    *, by: User, extension: Extension, granted: bool, decided_on: date, new_due: date | None = None
) -> Extension:
    """The clerk records the judge's decision (CPC art. 279), dated not in the future and not before
    the request it answers; the history of requests stays. A wrong entry is corrected by
    cases.services.court_entries.extension_correct."""
    from cases.services import court_entries

    actions.require(by, extension.mission, actions.Act.EXTENSION_DECIDE)
    extension = Extension.objects.select_for_update().select_related("mission__court").get(pk=extension.pk)
    if extension.granted is not None:
        raise ValidationError(_("La décision sur cette demande est déjà enregistrée."))
    if decided_on is None:
        raise ValidationError({"decided_on": _("Indiquez la date de la décision.")})
    court_entries.check_decision_day(extension, decided_on)
    if granted:
        new_due = new_due or extension.requested_due
        court_entries.check_new_due(extension, new_due)
    extension.granted = granted
    extension.decided_on = decided_on
    extension.new_due = new_due if granted else None
    extension.full_clean()
    extension.save(update_fields=["granted", "decided_on", "new_due"])
    history.record(
        mission=extension.mission,
        by=by,
        action=ChangeAction.CREATED,
        obj=extension,
        label=_("Décision sur la prorogation demandée le %(day)s") % {"day": f"{extension.requested_on:%d/%m/%Y}"},
        changes=history.diff({}, history.snapshot(extension, court_entries.EXTENSION_FIELDS)),
    )
    return extension


@transaction.atomic
def consignation_pay(*, by: User, consignation: Consignation, paid_on: date) -> Consignation:
    """The clerk records that the provision was deposited at the registry, on a day that is not in
    the future nor before the order fixing it (CPC art. 269). A wrong entry is corrected by
    cases.services.court_entries.consignation_correct."""
    from cases.services import court_entries

    actions.require(by, consignation.mission, actions.Act.CONSIGNATION_RECORD)
    consignation = Consignation.objects.select_for_update().select_related("mission__court").get(pk=consignation.pk)
    if consignation.paid_on is not None:
        raise ValidationError(_("Cette consignation est déjà enregistrée comme versée."))
    if paid_on is None:
        raise ValidationError({"paid_on": _("Indiquez la date du versement.")})
    court_entries.check_payment_day(consignation.mission, paid_on)
    consignation.paid_on = paid_on
    consignation.save(update_fields=["paid_on"])
    history.record(
        mission=consignation.mission,
        by=by,
        action=ChangeAction.CREATED,
        obj=consignation,
        label=_("Versement de la consignation de %(amount)s")
        % {"amount": countries.money(consignation.amount, consignation.mission)},
        changes=history.diff({}, history.snapshot(consignation, ("paid_on",))),
    )
    return consignation


# Who records each date of the mission (DOMAIN.md §8): the lead expert sets the dires deadline and
# sends his fee request (FR CPC art. 276, 282); the court records the taxation of the fees.
DATE_ACTS = {
    "dires_due": actions.Act.REPORT_PUBLISH,
    "fee_requested_on": actions.Act.REPORT_PUBLISH,
    "fees_taxed_on": actions.Act.CONSIGNATION_RECORD,
}
# Of those, the dates of facts: never in the future, never before the order.
FACT_DATES = frozenset({"fee_requested_on", "fees_taxed_on"})


@transaction.atomic
def mission_dates_set(*, by: User, mission: Mission, **dates: date | None) -> Mission:
    """The dates the expert or the clerk records on the mission: dires deadline (art. 276),
    fee request (art. 282), taxation of the fees; each change in the history."""
    if not set(dates) <= set(DATE_ACTS):
        raise ValueError(f"unexpected dates: {set(dates) - set(DATE_ACTS)}")
    for act in {DATE_ACTS[name] for name in dates}:
        actions.require(by, mission, act)
    mission = Mission.objects.select_for_update().select_related("court").get(pk=mission.pk)
    before = history.snapshot(mission, dates)
    errors = {}
    for name, value in dates.items():
        if name in FACT_DATES and value is not None:
            if value > countries.today(mission):
                errors[name] = _("Cette date ne peut être dans le futur.")
            elif value < mission.ordered_on:
                errors[name] = _("Cette date ne peut précéder la décision qui ordonne l'expertise.")
        setattr(mission, name, value)
    if errors:
        raise ValidationError(errors)
    mission.full_clean()
    mission.save(update_fields=[*dates, "updated_at"])
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CORRECTED,
        obj=mission,
        label=_("Dates de la mission"),
        changes=history.diff(before, history.snapshot(mission, dates)),
    )
    return mission


INTERESTS_MAX_CHARS = 5000


@transaction.atomic
def interests_declare(*, by: User, assignment: ExpertAssignment, text: str, declared_on: date) -> ExpertAssignment:
    """The expert's links of interest with the parties of this mission (an insurer, a clinic...):
    each expert declares his own; a new declaration stays in the history beside the former one."""
    actions.require(by, assignment.mission, actions.Act.INTERESTS_DECLARE)
    if assignment.expert_id != by.pk:
        raise PermissionDenied(_("Chaque expert déclare ses propres liens d'intérêts."))
    if len(text) > INTERESTS_MAX_CHARS:
        raise ValidationError({"declared_interests": _("Au plus %(max)s caractères.") % {"max": INTERESTS_MAX_CHARS}})
    if declared_on > countries.today(assignment.mission):
        raise ValidationError({"interests_declared_on": _("La déclaration ne peut être datée dans le futur.")})
    fields = ["declared_interests", "interests_declared_on"]
    before = history.snapshot(assignment, fields)
    assignment.declared_interests = text.strip() or _("Aucun lien d'intérêts avec les parties.")
    assignment.interests_declared_on = declared_on
    assignment.full_clean(exclude=["mission", "expert"])  # control characters refused at the field
    assignment.save(update_fields=fields)
    history.record(
        mission=assignment.mission_id,
        by=by,
        action=ChangeAction.CORRECTED,
        obj=assignment,
        changes=history.diff(before, history.snapshot(assignment, fields)),
    )
    return assignment


@transaction.atomic
def single_expert_agreement_record(*, by: User, mission: Mission, agreed_on: date | None) -> Mission:
    """DOMAIN.md §8 (CPCC): the parties agree that one expert makes the expertise although the State
    or another public body is a party; the date of their agreement (None: withdrawn). Recorded by the
    experts who seat the mission's people."""
    actions.require(by, mission, actions.Act.SEATS_MANAGE)
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if agreed_on is not None and agreed_on > countries.today(mission):
        raise ValidationError({"single_expert_agreed_on": _("L'accord des parties ne peut être daté dans le futur.")})
    mission.single_expert_agreed_on = agreed_on
    mission.save(update_fields=["single_expert_agreed_on", "updated_at"])
    return mission


@transaction.atomic
def mission_event_set(
    *, by: User, mission: Mission, date: date | None, place: str = "", circumstances: str = ""
) -> Mission:
    """The event the mission is about (DOMAIN.md §9): its date (not in the future, not before the
    victim's birth), its place and its circumstances. Written by the experts, who write the facts."""
    actions.require(by, mission, actions.Act.REPORT_WRITE)
    mission = Mission.objects.select_for_update().select_related("court").get(pk=mission.pk)
    mission.event_date = date
    mission.event_place = (place or "").strip()
    mission.event_circumstances = (circumstances or "").strip()
    mission.full_clean()
    if date is not None:
        born_after = mission.parties.filter(is_victim=True, born_on__gt=date).order_by("born_on").first()
        if born_after is not None:
            raise ValidationError(
                {
                    "event_date": _("Les faits ne peuvent précéder la naissance de la victime %(name)s (%(day)s).")
                    % {"name": born_after.name, "day": f"{born_after.born_on:%d/%m/%Y}"}
                }
            )
    mission.save(update_fields=["event_date", "event_place", "event_circumstances", "updated_at"])
    return mission
