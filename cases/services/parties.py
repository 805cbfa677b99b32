"""Seats of the parties' side: a party (with its own account), its avocats and médecins-conseils.

Who may seat or unseat people is asked of cases.actions (DOMAIN.md §8: the lead expert and the
co-experts, never the sapiteur). What a seat may be is decided here, for every way of taking one
(the page, the scenario loader, an invitation accepted):

- nobody with an expert seat in the mission (expert, co-expert, sapiteur) sits for a party;
- nobody sits for two parties whose interests are opposed: a victim and a party that is not one,
  a demandeur and a défendeur.

Ending a seat deletes its row: cases.access reads the rows, so its access ends at once; the access
log keeps what was seen.

Every seat taken or ended, every invitation sent or withdrawn and every correction of a party leaves
a line in the mission's history (cases.history), with the reason typed: a seat chosen by mistake is
corrected by ending it and seating the right person, and the history shows both steps. Who sits for
whom is procedural: the court staff read it. A person's details (birth, sex, occupation, address,
e-mail) are personal data that the pages show to the experts and the party's own side only
(cases.views.parties): their lines are for the experts, not the court; so are the invitations,
which carry an e-mail address.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import SEAT_ROLES, Invitation, Role, User
from accounts.services import active_account_for_email, email_normalize, invitation_create
from cases import actions, history
from cases.choices import PartyRole, RepresentativeKind
from cases.models import ChangeAction, Mission, Party, Representative
from cases.validators import validate_multiline_text

# What a correction of a party may change, in two groups: who the party is in the case (the court
# sees it), and the person's details (the experts and the party's own side only).
IDENTITY_FIELDS = ("name", "role", "is_victim", "is_insurer", "opposable", "public_body")
PERSONAL_FIELDS = ("born_on", "sex", "occupation", "worker_status", "address", "email")

OPPOSED_ROLES = frozenset({PartyRole.DEMANDEUR, PartyRole.DEFENDEUR})


def opposed(a_victim: bool, a_role: str, b_victim: bool, b_role: str) -> bool:
    """Whether two parties' interests are opposed (DOMAIN.md §8): a victim and a party that is not
    one, or a demandeur and a défendeur."""
    return a_victim != b_victim or {a_role, b_role} == OPPOSED_ROLES


def _reason(reason: str) -> str:
    """The reason typed for a seat's change or a correction, kept in the history."""
    reason = (reason or "").strip()
    if reason:
        try:
            validate_multiline_text(reason)
        except ValidationError as exc:
            raise ValidationError({"reason": exc.messages}) from None
    return reason


def _lock(mission: Mission) -> Mission:
    """Seats of one mission change one at a time: two concurrent requests cannot both pass the
    checks and seat one person on both sides."""
    return Mission.objects.select_for_update().get(pk=mission.pk)


def _seat_refusal(mission: Mission, user: User, *, party_pk: int | None, is_victim: bool, role: str) -> str:
    """Why the user may not sit for this party (or the party about to be created); "" if he may."""
    if mission.assignments.filter(expert=user).exists():
        return _("%(user)s siège comme expert dans cette mission : il ne peut y agir pour une partie.") % {"user": user}
    others = (
        Party.objects.filter(mission=mission)
        .filter(pk__in=_parties_of(user, mission))
        .exclude(pk=party_pk)
        .only("pk", "name", "is_victim", "role")
    )
    for other in others:
        if opposed(other.is_victim, other.role, is_victim, role):
            return _(
                "%(user)s agit déjà pour %(other)s, dont les intérêts sont opposés : "
                "nul ne siège pour deux parties opposées dans une même mission."
            ) % {"user": user, "other": other.name}
    return ""


def _parties_of(user: User, mission: Mission) -> set[int]:
    own = Party.objects.filter(mission=mission, account=user).values_list("pk", flat=True)
    represented = Representative.objects.filter(party__mission=mission, user=user).values_list("party_id", flat=True)
    return set(own) | set(represented)


def _check_seat(mission: Mission, user: User, *, party_pk: int | None, is_victim: bool, role: str, field: str) -> None:
    if not user.is_active:
        raise ValidationError({field: _("Le compte de %(user)s est désactivé.") % {"user": user}})
    refusal = _seat_refusal(mission, user, party_pk=party_pk, is_victim=is_victim, role=role)
    if refusal:
        raise ValidationError({field: refusal}, code="seat_conflict")


def _check_party_account(user: User) -> None:
    if user.role != Role.PARTY:
        raise ValidationError({"account": _("Le compte de %(user)s n'est pas un compte de partie.") % {"user": user}})


@transaction.atomic
def party_create(
    *,
    by: User,
    mission: Mission,
    name: str,
    role: str,
    is_victim: bool = False,
    is_insurer: bool = False,
    opposable: bool = True,
    account: User | None = None,
    public_body: bool = False,
    born_on: date | None = None,
    sex: str = "",
    occupation: str = "",
    worker_status: str = "",
    address: str = "",
    email: str = "",
) -> Party:
    """A party of the mission, with what the report says of the person (DOMAIN.md §9): date of
    birth, sex, occupation and work status, postal address, and `email`, an address to write to the
    person (not an account: accounts are seated by seat_by_email)."""
    actions.require(by, mission, actions.Act.SEATS_MANAGE)
    mission = _lock(mission)
    role = PartyRole(role)
    if account is not None:
        _check_party_account(account)
        _check_seat(mission, account, party_pk=None, is_victim=is_victim, role=role, field="account")
    party = Party(
        mission=mission,
        name=name.strip(),
        role=role,
        is_victim=is_victim,
        is_insurer=is_insurer,
        opposable=opposable,
        account=account,
        public_body=public_body,
        born_on=born_on,
        sex=sex or "",
        occupation=(occupation or "").strip(),
        worker_status=worker_status or "",
        address=(address or "").strip(),
        email=email_normalize(email or ""),
    )
    party.full_clean()
    party.save()
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CREATED,
        obj=party,
        changes=history.diff({}, history.snapshot(party, (*IDENTITY_FIELDS, "account"))),
    )
    return party


def _record_account(by: User, party: Party, before: dict, action: str, reason: str) -> None:
    history.record(
        mission=party.mission_id,
        by=by,
        action=action,
        obj=party,
        changes=history.diff(before, history.snapshot(party, ("account",))),
        reason=_reason(reason),
    )


@transaction.atomic
def party_account_set(*, by: User, party: Party, user: User, reason: str = "") -> Party:
    """Seats the party's own account (the party itself logs in)."""
    actions.require(by, party.mission, actions.Act.SEATS_MANAGE)
    _lock(party.mission)
    party = Party.objects.get(pk=party.pk)
    _check_party_account(user)
    if party.account_id is not None:
        if party.account_id == user.pk:
            raise ValidationError({"account": _("%(user)s est déjà le compte de cette partie.") % {"user": user}})
        raise ValidationError(
            {"account": _("Cette partie a déjà un compte : mettez d'abord fin à ce siège.")}, code="seat_taken"
        )
    _check_seat(party.mission, user, party_pk=party.pk, is_victim=party.is_victim, role=party.role, field="account")
    before = history.snapshot(party, ("account",))
    party.account = user
    party.full_clean()
    party.save(update_fields=["account"])
    _record_account(by, party, before, ChangeAction.CREATED, reason)
    return party


@transaction.atomic
def representative_add(*, by: User, party: Party, user: User, kind: str, reason: str = "") -> Representative:
    actions.require(by, party.mission, actions.Act.SEATS_MANAGE)
    _lock(party.mission)
    party = Party.objects.get(pk=party.pk)
    kind = RepresentativeKind(kind)
    _check_seat(party.mission, user, party_pk=party.pk, is_victim=party.is_victim, role=party.role, field="user")
    if user.role != kind.value:
        raise ValidationError(
            {"user": _("%(user)s n'a pas un compte de %(kind)s.") % {"user": user, "kind": kind.label.lower()}}
        )
    if Representative.objects.filter(party=party, user=user, kind=kind).exists():
        raise ValidationError(
            {"user": _("%(user)s représente déjà %(party)s à ce titre.") % {"user": user, "party": party.name}}
        )
    representative = Representative(party=party, user=user, kind=kind)
    representative.full_clean()
    representative.save()
    history.record(
        mission=party.mission_id, by=by, action=ChangeAction.CREATED, obj=representative, reason=_reason(reason)
    )
    return representative


def seat_user(*, by: User, party: Party, user: User, reason: str = "") -> Party | Representative:
    """Seats an account for the party in the quality its role gives: the party's own account, its
    avocat or its médecin-conseil."""
    if user.role == Role.PARTY:
        return party_account_set(by=by, party=party, user=user, reason=reason)
    if user.role in (Role.AVOCAT, Role.MEDECIN_CONSEIL):
        return representative_add(by=by, party=party, user=user, kind=user.role, reason=reason)
    raise ValidationError(
        {"user": _("%(user)s ne peut siéger pour une partie avec un compte de ce rôle.") % {"user": user}}
    )


@dataclass(frozen=True)
class SeatOutcome:
    """What seating by e-mail did: an existing account seated, or an invitation sent."""

    user: User | None = None
    invitation: Invitation | None = None

    @property
    def seated(self) -> bool:
        return self.user is not None


@transaction.atomic
def seat_by_email(*, by: User, party: Party, role: str, email: str, reason: str = "") -> SeatOutcome:
    """Seats the active account of this e-mail and role, or invites the person to create one. The
    expert learns no more than "seated" or "invitation sent": no account is ever listed."""
    actions.require(by, party.mission, actions.Act.SEATS_MANAGE)
    role = Role(role)
    if role not in SEAT_ROLES:
        raise ValidationError({"role": _("Qualité inconnue.")})
    email = email_normalize(email)
    if not email:
        raise ValidationError({"email": _("Indiquez une adresse e-mail.")})
    mission = _lock(party.mission)
    party = Party.objects.get(pk=party.pk)
    account = active_account_for_email(email)
    if account is not None and account.role == role:
        seat_user(by=by, party=party, user=account, reason=reason)
        return SeatOutcome(user=account)
    if role == Role.PARTY and party.account_id is not None:
        raise ValidationError(
            {"email": _("Cette partie a déjà un compte : mettez d'abord fin à ce siège.")}, code="seat_taken"
        )
    _check_invitations(mission, party, email)
    invitation = invitation_create(invited_by=by, mission=mission, party=party, role=role, email=email)
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CREATED,
        obj=invitation,
        label=_invitation_label(invitation),
        reason=_reason(reason),
        court_visible=False,  # an e-mail address: the court sees no invitation
    )
    return SeatOutcome(invitation=invitation)


def _invitation_label(invitation: Invitation) -> str:
    return _("Invitation de %(email)s : %(role)s pour %(party)s") % {
        "email": invitation.email,
        "role": invitation.get_role_display(),
        "party": invitation.party.name,
    }


def _check_invitations(mission: Mission, party: Party, email: str) -> None:
    """The rules of seats, for the seats an address has been invited to and not yet taken."""
    pending = Invitation.objects.pending().filter(mission=mission, email__iexact=email).select_related("party")
    for invitation in pending:
        other = invitation.party
        if other.pk != party.pk and opposed(other.is_victim, other.role, party.is_victim, party.role):
            raise ValidationError(
                {
                    "email": _(
                        "Cette adresse a déjà été invitée pour %(other)s, dont les intérêts sont opposés : "
                        "nul ne siège pour deux parties opposées dans une même mission."
                    )
                    % {"other": other.name}
                },
                code="seat_conflict",
            )


@transaction.atomic
def party_add(
    *,
    by: User,
    mission: Mission,
    name: str,
    role: str,
    is_victim: bool = False,
    is_insurer: bool = False,
    opposable: bool = True,
    email: str = "",
    public_body: bool = False,
    born_on: date | None = None,
    sex: str = "",
    occupation: str = "",
    worker_status: str = "",
    address: str = "",
    contact_email: str = "",
) -> tuple[Party, SeatOutcome | None]:
    """A party, and its own account seated (or invited) by e-mail address (`email`) when one is
    given: both or neither. `contact_email` is the address to write to the person (Party.email)."""
    party = party_create(
        by=by,
        mission=mission,
        name=name,
        role=role,
        is_victim=is_victim,
        is_insurer=is_insurer,
        opposable=opposable,
        public_body=public_body,
        born_on=born_on,
        sex=sex,
        occupation=occupation,
        worker_status=worker_status,
        address=address,
        email=contact_email,
    )
    outcome = seat_by_email(by=by, party=party, role=Role.PARTY, email=email) if email.strip() else None
    return party, outcome


# --- Ending a seat ---------------------------------------------------------------------------------


@transaction.atomic
def representative_end(*, by: User, representative: Representative, reason: str = "") -> None:
    """Ends an avocat's or médecin-conseil's seat: his access to the mission ends at once (a seat
    chosen by mistake is corrected so, then the right person is seated)."""
    actions.require(by, representative.party.mission, actions.Act.SEATS_MANAGE)
    _lock(representative.party.mission)
    representative = (
        Representative.objects.select_for_update(of=("self",))
        .select_related("user", "party")
        .filter(pk=representative.pk)
        .first()
    )
    if representative is None:
        return  # already ended (two clicks): nothing more to end
    history.record(
        mission=representative.party.mission_id,
        by=by,
        action=ChangeAction.ENDED,
        obj=representative,
        reason=_reason(reason),
    )
    Representative.objects.filter(pk=representative.pk).delete()


@transaction.atomic
def party_account_end(*, by: User, party: Party, reason: str = "") -> Party:
    """Ends the seat of the party's own account; the party stays in the mission, without account."""
    actions.require(by, party.mission, actions.Act.SEATS_MANAGE)
    _lock(party.mission)
    party = Party.objects.select_related("account").get(pk=party.pk)
    if party.account_id is not None:
        before = history.snapshot(party, ("account",))
        party.account = None
        party.save(update_fields=["account"])
        _record_account(by, party, before, ChangeAction.ENDED, reason)
    return party


@transaction.atomic
def invitation_cancel(*, by: User, invitation: Invitation, reason: str = "") -> Invitation:
    """Withdraws an invitation not yet accepted: its link stops working."""
    actions.require(by, invitation.mission, actions.Act.SEATS_MANAGE)
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("party").get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation a déjà été acceptée : mettez fin au siège lui-même."))
    if invitation.cancelled_at is None:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        history.record(
            mission=invitation.mission_id,
            by=by,
            action=ChangeAction.CANCELLED,
            obj=invitation,
            label=_invitation_label(invitation),
            reason=_reason(reason),
            court_visible=False,
        )
    return invitation


# --- Correcting a party ----------------------------------------------------------------------------


def _side_refusal(party: Party, *, is_victim: bool, role: str) -> str:
    """Why the party may not take this side: someone who sits for it, or has been invited to, also
    sits for (or is invited to) a party whose interests would then be opposed; "" if none."""
    mission = party.mission
    seated = [party.account] if party.account_id else []
    seated += [r.user for r in party.representatives.select_related("user")]
    for user in seated:
        refusal = _seat_refusal(mission, user, party_pk=party.pk, is_victim=is_victim, role=role)
        if refusal:
            return refusal
    pending = Invitation.objects.pending().filter(mission=mission)
    for email in pending.filter(party=party).values_list("email", flat=True):
        for invitation in pending.filter(email__iexact=email).exclude(party=party).select_related("party"):
            other = invitation.party
            if opposed(other.is_victim, other.role, is_victim, role):
                return _(
                    "%(email)s est invité pour %(party)s et pour %(other)s, dont les intérêts seraient alors "
                    "opposés : nul ne siège pour deux parties opposées dans une même mission."
                ) % {"email": invitation.email, "party": party.name, "other": other.name}
    return ""


def _clean_value(name: str, value):
    if name in ("is_victim", "is_insurer", "opposable", "public_body"):
        return bool(value)
    if name == "role":
        return PartyRole(value)
    if name == "email":
        return email_normalize(value or "")
    if name in ("name", "occupation", "address"):
        return (value or "").strip()
    if name in ("sex", "worker_status"):
        return value or ""
    return value  # born_on: a date or None


@transaction.atomic
def party_update(*, by: User, party: Party, reason: str = "", **fields) -> Party:
    """Corrects a party: who it is in the case (name, role, victim, insurer, opposable, public body)
    and the person's details (date of birth, sex, occupation, work status, address, e-mail to write
    to). The seats keep their rules (DOMAIN.md §8): a party does not change side while someone sits
    for it and for a party whose interests would then be opposed. The person examined stays so while
    medical pieces, consents or refusals are about him (DOMAIN.md §3 rule 3: the patient is master
    of the secret of his pieces). One line of history per group of fields changed: the court reads
    the identity, the experts also the person's details."""
    unknown = set(fields) - set(IDENTITY_FIELDS) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValueError(f"unexpected fields: {sorted(unknown)}")
    actions.require(by, party.mission, actions.Act.SEATS_MANAGE)
    reason = _reason(reason)
    mission = _lock(party.mission)
    party = Party.objects.select_related("account").get(pk=party.pk)
    party.mission = mission
    identity_before = history.snapshot(party, IDENTITY_FIELDS)
    personal_before = history.snapshot(party, PERSONAL_FIELDS)
    was_victim, old_role = party.is_victim, party.role
    for name, value in fields.items():
        setattr(party, name, _clean_value(name, value))
    if party.is_victim != was_victim or party.role != old_role:
        refusal = _side_refusal(party, is_victim=party.is_victim, role=party.role)
        if refusal:
            field = "is_victim" if party.is_victim != was_victim else "role"
            raise ValidationError({field: refusal}, code="seat_conflict")
    if was_victim and not party.is_victim and _patient_records(party):
        raise ValidationError(
            {
                "is_victim": _(
                    "Des pièces médicales, des consentements ou des refus concernent %(name)s : "
                    "cette partie reste la personne examinée, maître du secret de ses pièces."
                )
                % {"name": party.name}
            },
            code="patient_records",
        )
    party.full_clean()
    identity = history.diff(identity_before, history.snapshot(party, IDENTITY_FIELDS))
    personal = history.diff(personal_before, history.snapshot(party, PERSONAL_FIELDS))
    if not identity and not personal:
        return party
    party.save(update_fields=list(fields))
    for changes, court_visible in ((identity, True), (personal, False)):
        if changes:
            history.record(
                mission=mission,
                by=by,
                action=ChangeAction.CORRECTED,
                obj=party,
                changes=changes,
                reason=reason,
                court_visible=court_visible,
            )
    return party


def _patient_records(party: Party) -> bool:
    return party.medical_documents.exists() or party.consents_given.exists() or party.refusals.exists()
