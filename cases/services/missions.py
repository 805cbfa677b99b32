from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import Role, User
from cases import actions, countries
from cases.choices import ExpertRole, Framework, MissionKind, MissionStatus
from cases.models import Consignation, Court, ExpertAssignment, Extension, Mission, MissionQuestion, Party

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
) -> Mission:
    """Records a court's order: the mission, its questions in order, and its expert. The expert
    is the creator unless another one is named (a clerk may record a designation). `language`: of
    its letters and its report's fixed parts ("ar" for a Tunisian court only, Mission.clean)."""
    questions = [q.strip() for q in questions if q and q.strip()]
    if not questions:
        raise ValidationError({"questions": _("La mission doit comporter au moins une question.")})
    expert = expert or created_by
    if expert.role != Role.EXPERT:
        raise ValidationError({"expert": _("Seul un expert peut être désigné pour conduire la mission.")})
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
    )
    mission.full_clean()
    mission.save()
    MissionQuestion.objects.bulk_create(
        MissionQuestion(mission=mission, position=i, text=text) for i, text in enumerate(questions, start=1)
    )
    assignment_add(mission=mission, expert=expert, role=ExpertRole.EXPERT)
    return mission


@transaction.atomic
def mission_questions_set(*, mission: Mission, questions: list[str]) -> None:
    questions = [q.strip() for q in questions if q and q.strip()]
    if not questions:
        raise ValidationError({"questions": _("La mission doit comporter au moins une question.")})
    mission.questions.all().delete()
    MissionQuestion.objects.bulk_create(
        MissionQuestion(mission=mission, position=i, text=text) for i, text in enumerate(questions, start=1)
    )


def _refuse_move(mission: Mission, to: str) -> ValidationError:
    current = mission.get_status_display()
    target = MissionStatus(to).label if to in MissionStatus.values else to
    return ValidationError(
        _("Une mission à l'état « %(current)s » ne peut passer à l'état « %(target)s ».")
        % {"current": current, "target": target}
    )


def _move(mission: Mission, to: str) -> Mission:
    """Moves a locked mission to a state its current state allows."""
    if to not in allowed_transitions(mission):
        raise _refuse_move(mission, to)
    mission.status = to
    fields = ["status", "updated_at"]
    if to == MissionStatus.DEPOSITED and mission.deposited_on is None:
        mission.deposited_on = countries.today(mission)  # the court's date, whichever zone the worker runs in
        fields.append("deposited_on")
    mission.save(update_fields=fields)
    return mission


@transaction.atomic
def mission_transition(*, by: User, mission: Mission, to: str) -> Mission:
    """A move the lead expert chooses (operations started, designation lapsed). The states that
    follow a fact are refused here: "deposited" only through the deposit of a frozen report."""
    actions.require(by, mission, actions.Act.MISSION_STATE)
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    if to in FACT_STATES:
        raise ValidationError(
            _(
                "L'état « %(state)s » suit un fait : il ne se choisit pas, il résulte de la diffusion du pré-rapport ou du dépôt du rapport."
            )
            % {"state": MissionStatus(to).label}
        )
    if to in DESIGNATION_STATES:
        raise _refuse_move(mission, to)  # each expert answers his own designation: designation_respond
    return _move(mission, to)


@transaction.atomic
def mission_state_follow(*, mission: Mission, to: str) -> Mission:
    """The state that follows a fact just recorded (a pre-report sent, a report deposited): called
    by the service that recorded the fact, after its own checks of who acts."""
    if to not in FACT_STATES:
        raise ValueError(f"{to} is not a state that follows a fact")
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    return _move(mission, to)


@transaction.atomic
def designation_respond(*, by: User, mission: Mission, accept: bool, on: date | None = None) -> Mission:
    """An expert accepts or declines his own designation (CPC art. 235). The lead expert's answer
    is the mission's: accepted, or declined (final). A co-expert who declines leaves the mission."""
    actions.require(by, mission, actions.Act.DESIGNATION_RESPOND)
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    assignment = mission.assignments.get(expert=by)
    on = on or countries.today(mission)
    if assignment.role == ExpertRole.EXPERT:
        _move(mission, MissionStatus.ACCEPTED if accept else MissionStatus.DECLINED)
        if accept and assignment.accepted_on is None:
            assignment.accepted_on = on
            assignment.save(update_fields=["accepted_on"])
        return mission
    if mission.status in (MissionStatus.DECLINED, MissionStatus.LAPSED, MissionStatus.DEPOSITED):
        raise ValidationError(_("La mission est close."))
    if accept:
        if assignment.accepted_on is None:
            assignment.accepted_on = on
            assignment.save(update_fields=["accepted_on"])
    else:
        if assignment.accepted_on is not None:
            raise ValidationError(_("Vous avez déjà accepté cette mission."))
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
    mission: Mission,
    amount: Decimal,
    due: date,
    payer: Party | None = None,
    paid_on: date | None = None,
    is_complement: bool = False,
) -> Consignation:
    if payer is not None and payer.mission_id != mission.pk:
        raise ValidationError({"payer": _("La partie tenue de consigner doit être une partie de la mission.")})
    consignation = Consignation(
        mission=mission, amount=amount, due=due, payer=payer, paid_on=paid_on, is_complement=is_complement
    )
    consignation.full_clean()
    consignation.save()
    return consignation


@transaction.atomic
def extension_request(*, by: User, mission: Mission, requested_on: date, requested_due: date, reason: str) -> Extension:
    """The expert asks the judge for more time (prorogation), with his reasons."""
    actions.require(by, mission, actions.Act.EXTENSION_REQUEST)
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
    return extension


@transaction.atomic
def extension_decide(
    *, by: User, extension: Extension, granted: bool, decided_on: date, new_due: date | None = None
) -> Extension:
    """The clerk records the judge's decision; the history of requests stays."""
    actions.require(by, extension.mission, actions.Act.EXTENSION_DECIDE)
    if extension.granted is not None:
        raise ValidationError(_("La décision sur cette demande est déjà enregistrée."))
    if granted:
        new_due = new_due or extension.requested_due
        if new_due <= extension.mission.report_due:
            raise ValidationError({"new_due": _("La nouvelle date doit être postérieure à la date initiale.")})
    extension.granted = granted
    extension.decided_on = decided_on
    extension.new_due = new_due if granted else None
    extension.full_clean()
    extension.save(update_fields=["granted", "decided_on", "new_due"])
    return extension


@transaction.atomic
def consignation_pay(*, by: User, consignation: Consignation, paid_on: date) -> Consignation:
    """The clerk records that the provision was deposited at the registry."""
    actions.require(by, consignation.mission, actions.Act.CONSIGNATION_RECORD)
    if consignation.paid_on is not None:
        raise ValidationError(_("Cette consignation est déjà enregistrée comme versée."))
    consignation.paid_on = paid_on
    consignation.save(update_fields=["paid_on"])
    return consignation


@transaction.atomic
def mission_dates_set(*, mission: Mission, **dates: date | None) -> Mission:
    """The dates the expert or the clerk records on the mission: dires deadline (art. 276),
    fee request (art. 282), taxation of the fees."""
    allowed = {"dires_due", "fee_requested_on", "fees_taxed_on"}
    if not set(dates) <= allowed:
        raise ValueError(f"unexpected dates: {set(dates) - allowed}")
    for name, value in dates.items():
        setattr(mission, name, value)
    mission.full_clean()
    mission.save(update_fields=[*dates, "updated_at"])
    return mission


INTERESTS_MAX_CHARS = 5000


@transaction.atomic
def interests_declare(*, assignment: ExpertAssignment, text: str, declared_on: date) -> ExpertAssignment:
    """The expert's links of interest with the parties of this mission (an insurer, a clinic...)."""
    if len(text) > INTERESTS_MAX_CHARS:
        raise ValidationError({"declared_interests": _("Au plus %(max)s caractères.") % {"max": INTERESTS_MAX_CHARS}})
    assignment.declared_interests = text.strip() or _("Aucun lien d'intérêts avec les parties.")
    assignment.interests_declared_on = declared_on
    assignment.full_clean(exclude=["mission", "expert"])  # control characters refused at the field
    assignment.save(update_fields=["declared_interests", "interests_declared_on"])
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
