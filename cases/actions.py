"""Who may act in a mission: the second door, beside cases.access (which decides who may *see*).

One question, "may this user do this action in this mission?", answered from his seat in that
mission and the table of DOMAIN.md §8. The rules are the pure function `rule_for(seat, act,
party)`; `seat_of` gathers the seat; `may` answers with the reason; `require` raises the refusal
for views and services. Views, services, the admin and the scenario loader ask here, never on
their own.

A seat is per mission: the same doctor may be the lead expert of one mission and a sapiteur in
another; the same avocat the victim's lawyer here and the insurer's there.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cases import access
from cases.choices import ExpertRole, Producer, RepresentativeKind
from cases.models import ExpertAssignment, Mission, Party, Representative


class Act(StrEnum):
    """The actions of DOMAIN.md §8, one per row (some rows split where the table says who)."""

    DESIGNATION_RESPOND = "designation_respond"  # accept or decline his own designation
    MISSION_STATE = "mission_state"  # move the mission through its states
    SEATS_MANAGE = "seats_manage"  # seat parties, representatives, a sapiteur; end a seat
    PIECE_ADD = "piece_add"  # add pieces to the bordereau
    OPINION_ADD = "opinion_add"  # the sapiteur's own opinion (avis du sapiteur)
    PIECE_EDIT = "piece_edit"  # a piece's title, date, medical flag; mark it "unrelated"
    CONSENT_RECORD = "consent_record"  # record (or withdraw) a consent or a refusal
    MEETING_MANAGE = "meeting_manage"  # convoke, postpone, cancel a meeting; record attendance
    REPORT_WRITE = "report_write"  # write the report
    REPORT_APPROVE = "report_approve"  # a co-expert approves the text
    REPORT_PUBLISH = "report_publish"  # send the pre-report; deposit the report
    EXTENSION_REQUEST = "extension_request"  # ask the judge for more time
    EXTENSION_DECIDE = "extension_decide"  # the judge decides; the clerk records his decision
    CONSIGNATION_RECORD = "consignation_record"  # payments and complements of the provision
    DIRE_RECORD = "dire_record"  # the experts record a dire received by post, and answer dires
    DIRE_PREPARE = "dire_prepare"  # a party's médecin-conseil prepares a draft
    DIRE_FILE = "dire_file"  # its avocat (or the party itself, without an avocat) files it
    INTERESTS_DECLARE = "interests_declare"  # an expert declares his links of interest
    MISSION_EDIT = "mission_edit"  # correct the mission's data (court, RG, dates; questions until the pre-report)
    HISTORY_READ = "history_read"  # read the mission's history (the court staff: what is not medical)


# Acts done for one party of the mission: the seat must stand for that party.
PARTY_ACTS = frozenset({Act.PIECE_ADD, Act.CONSENT_RECORD, Act.DIRE_PREPARE, Act.DIRE_FILE})


class SeatKind(StrEnum):
    LEAD_EXPERT = "lead_expert"
    CO_EXPERT = "co_expert"
    SAPITEUR = "sapiteur"
    CLERK = "clerk"
    JUDGE = "judge"
    PARTY = "party"  # the party itself (its own account)
    AVOCAT = "avocat"
    MEDECIN_CONSEIL = "medecin_conseil"


EXPERT_KINDS = frozenset({SeatKind.LEAD_EXPERT, SeatKind.CO_EXPERT})


@dataclass(frozen=True)
class ActionSeat:
    """What a user is in one mission, for acting: his expert seat or court seat, and for each
    party he stands for, in which quality."""

    kinds: frozenset[SeatKind] = frozenset()
    own_party_ids: frozenset[int] = frozenset()  # parties whose account he is
    avocat_of: frozenset[int] = frozenset()
    doctor_of: frozenset[int] = frozenset()
    patient_ids: frozenset[int] = frozenset()  # of the parties above, the persons examined
    parties_with_avocat: frozenset[int] = field(default=frozenset())  # of the parties above

    @property
    def expert(self) -> bool:
        return bool(self.kinds & EXPERT_KINDS)

    @property
    def court_staff(self) -> bool:
        """The court's clerk or judge, not an expert of the mission: reads what is not medical."""
        return bool(self.kinds & {SeatKind.CLERK, SeatKind.JUDGE}) and not self.expert

    def access_seat(self) -> access.Seat:
        """The same place, as cases.access reads it for documents (the sapiteur is a doctor of the
        mission there): a page reads the user's place once for both doors."""
        return access.Seat(
            expert=bool(self.kinds & (EXPERT_KINDS | {SeatKind.SAPITEUR})),
            court=bool(self.kinds & {SeatKind.CLERK, SeatKind.JUDGE}),
            side_party_ids=self.own_party_ids | self.avocat_of | self.doctor_of,
            doctor_party_ids=self.doctor_of,
        )


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


YES = Verdict(True)

REFUSALS = {
    "outside": _("Vous n'avez aucune qualité dans cette mission."),
    "lead": _("Seul l'expert désigné (et non un co-expert ou un sapiteur) peut faire cette opération."),
    "experts": _("Seuls les experts de la mission (et non le sapiteur) peuvent faire cette opération."),
    "any_expert": _("Seuls les experts de la mission peuvent faire cette opération."),
    "sapiteur": _("Seul le sapiteur dépose son avis ; il est annexé au rapport."),
    "court": _("Seul le greffe de la juridiction (ou le juge) enregistre cette décision."),
    "co_expert": _("Seul un co-expert approuve le texte du rapport avant son dépôt par l'expert désigné."),
    "party": _("Vous n'agissez pas pour cette partie dans la mission."),
    "patient": _("Seul le patient lui-même, ou son avocat, consent ou refuse la communication de ses pièces."),
    "avocat": _(
        "Seul l'avocat d'une partie dépose un dire (ou la partie elle-même si elle n'a pas d'avocat) ; "
        "son médecin-conseil le prépare."
    ),
    "doctor": _("Seul le médecin-conseil d'une partie prépare un projet de dire pour son avocat."),
    "party_avocat": _("Les pièces d'une partie sont versées par son avocat (ou par elle-même sans avocat)."),
    "history": _("Seuls les experts de la mission et la juridiction lisent l'historique de la mission."),
}


def _no(key: str) -> Verdict:
    return Verdict(False, str(REFUSALS[key]))


def rule_for(seat: ActionSeat, act: Act, party: Party | None = None) -> Verdict:
    """The table of DOMAIN.md §8, as a pure function of the seat, the act and the party acted for."""
    kinds = seat.kinds
    if not kinds:
        return _no("outside")
    lead = SeatKind.LEAD_EXPERT in kinds
    expert = seat.expert  # lead expert or co-expert: never the sapiteur
    if act in (Act.MISSION_STATE, Act.EXTENSION_REQUEST, Act.REPORT_PUBLISH):
        return YES if lead else _no("lead")  # CPC art. 233, 278, 282: the expert named deposits
    if act in (
        Act.DESIGNATION_RESPOND,
        Act.SEATS_MANAGE,
        Act.PIECE_EDIT,
        Act.MEETING_MANAGE,
        Act.REPORT_WRITE,
        Act.DIRE_RECORD,
        Act.MISSION_EDIT,
    ):
        return YES if expert else _no("experts")
    if act == Act.HISTORY_READ:
        return YES if expert or kinds & {SeatKind.CLERK, SeatKind.JUDGE} else _no("history")
    if act == Act.INTERESTS_DECLARE:
        return YES if kinds & (EXPERT_KINDS | {SeatKind.SAPITEUR}) else _no("any_expert")
    if act == Act.OPINION_ADD:
        return YES if SeatKind.SAPITEUR in kinds else _no("sapiteur")
    if act == Act.REPORT_APPROVE:
        return YES if SeatKind.CO_EXPERT in kinds else _no("co_expert")
    if act in (Act.EXTENSION_DECIDE, Act.CONSIGNATION_RECORD):
        return YES if kinds & {SeatKind.CLERK, SeatKind.JUDGE} else _no("court")
    if act == Act.PIECE_ADD:
        if expert:
            return YES
        return _for_party(seat, party, refusal="party_avocat")
    if act == Act.CONSENT_RECORD:
        if expert:
            return YES  # with the patient's signed statement on file: the service asks for it
        if party is None or party.pk not in seat.patient_ids:
            return _no("patient")
        if party.pk in seat.own_party_ids or party.pk in seat.avocat_of:
            return YES  # rules 3, 5, 6: the patient is master of the secret
        return _no("patient")
    if act == Act.DIRE_PREPARE:
        return YES if party is not None and party.pk in seat.doctor_of else _no("doctor")
    if act == Act.DIRE_FILE:
        return _for_party(seat, party, refusal="avocat")  # CPC art. 276
    raise ValueError(f"unknown act {act!r}")


def _for_party(seat: ActionSeat, party: Party | None, *, refusal: str) -> Verdict:
    """The party's avocat acts for it; the party itself only when it has no avocat."""
    if party is None:
        return _no(refusal)
    if party.pk in seat.avocat_of:
        return YES
    if party.pk in seat.own_party_ids and party.pk not in seat.parties_with_avocat:
        return YES
    return _no(refusal)


# --- Gathering the seat ---------------------------------------------------------------------------

EXPERT_SEATS = {
    ExpertRole.EXPERT: SeatKind.LEAD_EXPERT,
    ExpertRole.CO_EXPERT: SeatKind.CO_EXPERT,
    ExpertRole.SAPITEUR: SeatKind.SAPITEUR,
}
COURT_SEATS = {Role.CLERK: SeatKind.CLERK, Role.JUDGE: SeatKind.JUDGE}


def seat_of(user: User, mission: Mission) -> ActionSeat:
    """The user's seat in the mission, in three queries."""
    if not user.is_authenticated or not user.is_active:
        return ActionSeat()
    kinds: set[SeatKind] = set()
    for role in ExpertAssignment.objects.filter(mission=mission, expert=user).values_list("role", flat=True):
        kinds.add(EXPERT_SEATS[role])
    if user.role in COURT_SEATS and user.court_id is not None and user.court_id == mission.court_id:
        kinds.add(COURT_SEATS[user.role])
    own, avocat, doctor, patients, with_avocat = set(), set(), set(), set(), set()
    parties = (
        Party.objects.filter(mission=mission)
        .filter(Q(account=user) | Q(representatives__user=user))
        .distinct()
        .values_list("pk", "account_id", "is_victim")
    )
    for pk, account_id, is_victim in parties:
        if account_id == user.pk:
            own.add(pk)
        if is_victim:
            patients.add(pk)
    for party_id, kind, rep_user in Representative.objects.filter(party__mission=mission).values_list(
        "party_id", "kind", "user_id"
    ):
        if kind == RepresentativeKind.AVOCAT:
            with_avocat.add(party_id)
        if rep_user == user.pk:
            (avocat if kind == RepresentativeKind.AVOCAT else doctor).add(party_id)
    if own:
        kinds.add(SeatKind.PARTY)
    if avocat:
        kinds.add(SeatKind.AVOCAT)
    if doctor:
        kinds.add(SeatKind.MEDECIN_CONSEIL)
    mine = own | avocat | doctor
    return ActionSeat(
        kinds=frozenset(kinds),
        own_party_ids=frozenset(own),
        avocat_of=frozenset(avocat),
        doctor_of=frozenset(doctor),
        patient_ids=frozenset(patients & mine),
        parties_with_avocat=frozenset(with_avocat & mine),
    )


def may(user: User, mission: Mission, act: Act | str, party: Party | None = None) -> Verdict:
    if party is not None and party.mission_id != mission.pk:
        return _no("party")
    return rule_for(seat_of(user, mission), Act(act), party)


def require(user: User, mission: Mission, act: Act | str, party: Party | None = None) -> None:
    """Raises PermissionDenied with the reason when the user may not do this in this mission."""
    verdict = may(user, mission, act, party)
    if not verdict:
        raise PermissionDenied(verdict.reason)


def upload_act(seat: ActionSeat, producer: str) -> Act:
    """The sapiteur adds his own opinion only (a piece produced by the experts' side); any other
    upload is "add pieces", for the party that produces it when a party's side adds it."""
    if producer == Producer.EXPERT and SeatKind.SAPITEUR in seat.kinds and not seat.expert:
        return Act.OPINION_ADD
    return Act.PIECE_ADD


def require_upload(user: User, mission: Mission, producer: str, party: Party | None) -> None:
    seat = seat_of(user, mission)
    verdict = rule_for(seat, upload_act(seat, producer), party if producer == Producer.PARTY else None)
    if not verdict:
        raise PermissionDenied(verdict.reason)


def allowed_acts(seat: ActionSeat) -> dict[str, bool]:
    """What the seat may do, for the templates (a button shown is a button allowed): acts done for
    a party are allowed when the seat may do them for at least one of its parties."""
    out = {}
    mine = seat.own_party_ids | seat.avocat_of | seat.doctor_of
    for act in Act:
        if act in PARTY_ACTS and not seat.expert:
            out[act.value] = any(rule_for(seat, act, _PartyRef(pk)) for pk in mine)
        else:
            out[act.value] = bool(rule_for(seat, act))
    return out


@dataclass(frozen=True)
class _PartyRef:
    """A party by its key alone, for the pure rules."""

    pk: int


def parties_for(seat: ActionSeat, act: Act, parties) -> list:
    """Of the given parties, those for which the seat may do the act."""
    return [p for p in parties if rule_for(seat, act, p)]
