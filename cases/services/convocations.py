"""The meetings of the expertise (FR CPC art. 160; TN CPCC): convoke, postpone, cancel, record the
meeting held with who attended it and who was present at the examination (DOMAIN.md §3, rule 10),
and the letters. Each write asks the door for actions (Act.MEETING_MANAGE) and leaves a line in the
mission's history (cases.history). `on` is the day the action is done (the court's today unless a
replayed file says otherwise): "not in the past" means not before it."""

from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import actions, countries, history, meetings
from cases.choices import DeliveryMethod, RepresentativeKind
from cases.models import ChangeAction, Convocation, ConvocationRecipient, Mission, Representative
from cases.models.convocation import MeetingStatus

# The agenda a meeting has unless the expert writes another (the form proposes it in the language
# of the page; the letters say it in the language of the mission's documents).
DEFAULT_AGENDA = gettext_noop("Examen clinique de la victime, puis discussion contradictoire.")

MEETING_FIELDS = ["meeting_at", "place", "agenda"]
SENDING_FIELDS = ["tracking_number", "sent_on", "receipt_on", "attended", "at_examination"]


def default_recipients(mission: Mission) -> list[ConvocationRecipient]:
    """Every party, its avocats and its médecins-conseils (the contradictoire; FR CPC art. 160). Their
    capacity is written in the language of the mission's documents: the letters print it."""
    recipients = []
    with translation.override(mission.document_language):
        for party in mission.parties.prefetch_related("representatives__user"):
            recipients.append(
                ConvocationRecipient(
                    party=party, user=party.account, name=party.name, capacity=str(party.get_role_display())
                )
            )
            for rep in party.representatives.all():
                recipients.append(
                    ConvocationRecipient(
                        party=party,
                        user=rep.user,
                        name=rep.user.display_name,
                        capacity=_("%(kind)s de %(party)s") % {"kind": rep.get_kind_display(), "party": party.name},
                    )
                )
    return recipients


def _is_default_agenda(text: str) -> bool:
    """The proposed agenda, as the form offered it in any language of the interface."""
    if text == DEFAULT_AGENDA:
        return True
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if text == _(DEFAULT_AGENDA):
                return True
    return False


def _day(mission: Mission, on: date | None) -> date:
    return on or countries.today(mission)


def _check_date(mission: Mission, meeting_at: datetime, on: date, *, confirm_warnings: bool, field: str) -> None:
    """Refusals first (a day past, a mission over), then the warnings the expert must confirm."""
    refusals = meetings.meeting_refusals(mission, meeting_at, on, field=field)
    if refusals:
        raise ValidationError(refusals)
    warnings = meetings.meeting_warnings(mission, meeting_at, on)
    if warnings and not confirm_warnings:
        raise ValidationError(
            {meetings.WARNINGS_FIELD: [ValidationError(w, code="warning") for w in warnings]}, code="warning"
        )


def only_warnings(exc: ValidationError) -> list[str]:
    """The warnings of a refusal made only of warnings (the form then asks to confirm them), or []."""
    errors = getattr(exc, "error_dict", None)
    if not errors or set(errors) != {meetings.WARNINGS_FIELD}:
        return []
    return [m for e in errors[meetings.WARNINGS_FIELD] for m in e.messages]


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif : il figure à l'historique de la mission.")})
    return reason


@transaction.atomic
def convocation_create(
    *,
    by,
    mission: Mission,
    meeting_at: datetime,
    place: str,
    agenda: str = "",
    method: str = DeliveryMethod.LRAR,
    on: date | None = None,
    confirm_warnings: bool = False,
    mental_examination: bool = False,
) -> Convocation:
    """Convokes every party and its representatives (FR CPC art. 160) to a meeting not in the past,
    in a mission not over; a short notice, a Sunday, a public holiday or a day after the report's
    deadline asks for `confirm_warnings`."""
    actions.require(by, mission, actions.Act.MEETING_MANAGE)
    on = _day(mission, on)
    if not mission.parties.exists():
        raise ValidationError(_("Ajoutez les parties avant de les convoquer."))
    _check_date(mission, meeting_at, on, confirm_warnings=confirm_warnings, field="meeting_at")
    agenda = agenda.strip()
    if not agenda or _is_default_agenda(agenda):
        with translation.override(mission.document_language):
            agenda = _(DEFAULT_AGENDA)
    convocation = Convocation(
        mission=mission,
        meeting_at=meeting_at,
        place=place.strip(),
        agenda=agenda,
        mental_examination=mental_examination,
    )
    convocation.full_clean()
    convocation.save()
    recipients = default_recipients(mission)
    for recipient in recipients:
        recipient.mission_convocation = convocation
        recipient.method = DeliveryMethod(method)
    ConvocationRecipient.objects.bulk_create(recipients)
    with countries.court_time(mission):
        after = history.snapshot(convocation, MEETING_FIELDS)
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CREATED,
        obj=convocation,
        changes=history.diff({}, after),
        court_visible=not mental_examination,
    )
    return convocation


def _scheduled(convocation: Convocation, what: str) -> None:
    if convocation.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            _("Une réunion %(state)s ne peut être %(what)s.")
            % {"state": convocation.get_status_display(), "what": what}
        )


def _sending(recipient: ConvocationRecipient) -> str:
    """What was recorded of a letter, as the history keeps it once cleared."""
    parts = []
    if recipient.tracking_number:
        parts.append(_("n° %(number)s") % {"number": recipient.tracking_number})
    if recipient.sent_on:
        parts.append(_("envoyée le %(day)s") % {"day": f"{recipient.sent_on:%d/%m/%Y}"})
    if recipient.receipt_on:
        parts.append(_("AR du %(day)s") % {"day": f"{recipient.receipt_on:%d/%m/%Y}"})
    if recipient.attended is not None:
        parts.append(_("présent") if recipient.attended else _("absent"))
    return ", ".join(parts)


@transaction.atomic
def convocation_postpone(
    *,
    by,
    convocation: Convocation,
    new_at: datetime,
    reason: str,
    on: date | None = None,
    confirm_warnings: bool = False,
) -> Convocation:
    """Moves a meeting still to come to a new date, with the same checks as a convocation: new
    letters go out to everyone, saying it is a postponement; what was recorded of the old letters
    stays in the history."""
    mission = convocation.mission
    actions.require(by, mission, actions.Act.MEETING_MANAGE)
    on = _day(mission, on)
    _scheduled(convocation, _("reportée"))
    reason = _reason(reason)
    if new_at == convocation.meeting_at:
        raise ValidationError({"new_at": _("La nouvelle date est celle de la réunion.")})
    _check_date(mission, new_at, on, confirm_warnings=confirm_warnings, field="new_at")
    fields = ["meeting_at", "postponed_from", "status_reason"]
    with countries.court_time(mission):
        label = str(convocation)
        before = history.snapshot(convocation, fields)
        recipients = list(convocation.recipients.order_by("pk"))
        cleared = {_("Envoi à %(name)s") % {"name": r.name}: [_sending(r), ""] for r in recipients if _sending(r)}
        convocation.postponed_from = convocation.meeting_at
        convocation.meeting_at = new_at
        convocation.status_reason = reason
        convocation.full_clean()
        convocation.save(update_fields=fields)
        after = history.snapshot(convocation, fields)
    for r in recipients:
        r.tracking_number, r.sent_on, r.receipt_on, r.attended, r.at_examination = "", None, None, None, None
    ConvocationRecipient.objects.bulk_update(recipients, SENDING_FIELDS)
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.POSTPONED,
        obj=convocation,
        label=label,
        changes={**history.diff(before, after), **cleared},
        reason=reason,
    )
    return convocation


@transaction.atomic
def convocation_cancel(*, by, convocation: Convocation, reason: str, on: date | None = None) -> Convocation:
    """Cancels a meeting still to come; its letters tell everyone, in a neutral text."""
    mission = convocation.mission
    actions.require(by, mission, actions.Act.MEETING_MANAGE)
    on = _day(mission, on)
    _scheduled(convocation, _("annulée"))
    reason = _reason(reason)
    fields = ["status", "cancelled_on", "status_reason"]
    before = history.snapshot(convocation, fields)
    convocation.status = MeetingStatus.CANCELLED
    convocation.cancelled_on = on
    convocation.status_reason = reason
    convocation.full_clean()
    convocation.save(update_fields=fields)
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CANCELLED,
        obj=convocation,
        changes=history.diff(before, history.snapshot(convocation, fields)),
        reason=reason,
    )
    return convocation


def attendees(convocation: Convocation) -> list[meetings.Attendee]:
    """The recipients as the examination's rule reads them: the victim, another party, an avocat, a
    party's doctor (from the seats of the mission; a seat ended since is not known to be a doctor)."""
    seats = {
        (party_id, user_id): kind
        for party_id, user_id, kind in Representative.objects.filter(
            party__mission_id=convocation.mission_id
        ).values_list("party_id", "user_id", "kind")
    }
    people = []
    for r in convocation.recipients.select_related("party").order_by("pk"):
        kind = seats.get((r.party_id, r.user_id))
        if kind == RepresentativeKind.MEDECIN_CONSEIL:
            presence = meetings.Presence.DOCTOR
        elif kind == RepresentativeKind.AVOCAT:
            presence = meetings.Presence.AVOCAT
        elif r.party is not None and (r.user_id is None or r.user_id == r.party.account_id):
            presence = meetings.Presence.VICTIM if r.party.is_victim else meetings.Presence.PARTY
        else:
            presence = meetings.Presence.OTHER
        people.append(meetings.Attendee(r.pk, r.name, presence))
    return people


def _names(recipients: list[ConvocationRecipient], flag: str) -> str:
    return ", ".join(r.name for r in recipients if getattr(r, flag))


@transaction.atomic
def convocation_record_held(
    *,
    by,
    convocation: Convocation,
    attended: Iterable[int],
    at_examination: Iterable[int] = (),
    mental_examination: bool | None = None,
    doctors_excluded: bool = False,
    victim_agreed: bool = False,
    on: date | None = None,
) -> Convocation:
    """Records a meeting held (its day has come), who attended it and who was present at the
    examination (rule 10: only doctors and the persons the victim chooses; the parties' doctors with
    the victim's agreement; none of them at a mental examination they were excluded from, Civ. 1re,
    25 avril 1989). `mental_examination` None keeps what the convocation said. Recording it again
    corrects the attendance."""
    mission = convocation.mission
    actions.require(by, mission, actions.Act.MEETING_MANAGE)
    if convocation.status == MeetingStatus.CANCELLED:
        raise ValidationError(_("Une réunion annulée ne peut être tenue."))
    come = (
        meetings.court_day(mission, convocation.meeting_at) <= on
        if on is not None
        else convocation.meeting_at <= timezone.now()
    )
    if not come:
        raise ValidationError(_("La réunion n'a pas encore eu lieu : elle ne peut être enregistrée comme tenue."))
    if mental_examination is None:
        mental_examination = convocation.mental_examination
    attended, at_examination = {int(i) for i in attended}, {int(i) for i in at_examination}
    errors = meetings.examination_errors(
        attendees(convocation),
        attended,
        at_examination,
        country=countries.country_of(mission),
        mental_examination=mental_examination,
        doctors_excluded=doctors_excluded,
        victim_agreed=victim_agreed,
    )
    if errors:
        raise ValidationError(errors)
    again = convocation.status == MeetingStatus.HELD
    fields = ["status", "mental_examination", "doctors_excluded"]
    recipients = list(convocation.recipients.order_by("pk"))
    present, examined = _("Présents à la réunion"), _("Présents à l'examen")
    before = {
        **history.snapshot(convocation, fields),
        present: _names(recipients, "attended"),
        examined: _names(recipients, "at_examination"),
    }
    convocation.status = MeetingStatus.HELD
    convocation.mental_examination = mental_examination
    convocation.doctors_excluded = doctors_excluded
    convocation.full_clean()
    convocation.save(update_fields=fields)
    for r in recipients:
        r.attended = r.pk in attended
        r.at_examination = r.pk in at_examination
    ConvocationRecipient.objects.bulk_update(recipients, ["attended", "at_examination"])
    agreed = _("Accord de la victime à la présence des médecins des parties")
    after = {
        **history.snapshot(convocation, fields),
        present: _names(recipients, "attended"),
        examined: _names(recipients, "at_examination"),
        agreed: _("oui") if victim_agreed else _("non"),
    }
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CORRECTED if again else ChangeAction.HELD,
        obj=convocation,
        changes=history.diff(before, after),
        # a mental examination is medical information about the victim: the experts read it only
        court_visible=not (mental_examination or doctors_excluded),
    )
    return convocation


@transaction.atomic
def recipient_update(
    *,
    by,
    recipient: ConvocationRecipient,
    tracking_number: str = "",
    sent_on: date | None = None,
    receipt_on: date | None = None,
    on: date | None = None,
) -> ConvocationRecipient:
    """Records the sending of a letter (LRAR tracking number) and its acknowledgement: facts of the
    past, never after the day `on`. Attendance is recorded with the meeting held."""
    mission = recipient.mission_convocation.mission
    actions.require(by, mission, actions.Act.MEETING_MANAGE)
    on = _day(mission, on)
    errors = {}
    if sent_on and sent_on > on:
        errors["sent_on"] = _("L'envoi ne peut être daté d'un jour à venir.")
    if receipt_on and receipt_on > on:
        errors["receipt_on"] = _("L'accusé de réception ne peut être daté d'un jour à venir.")
    elif receipt_on and not sent_on:
        errors["receipt_on"] = _("L'accusé de réception suppose un envoi : indiquez la date d'envoi.")
    elif receipt_on and sent_on and receipt_on < sent_on:
        errors["receipt_on"] = _("L'accusé de réception ne peut précéder l'envoi.")
    if errors:
        raise ValidationError(errors)
    fields = ["tracking_number", "sent_on", "receipt_on"]
    before = history.snapshot(recipient, fields)
    recipient.tracking_number = tracking_number.strip()
    recipient.sent_on = sent_on
    recipient.receipt_on = receipt_on
    recipient.full_clean()
    recipient.save(update_fields=fields)
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CORRECTED,
        obj=recipient,
        label=_("Convocation de %(name)s") % {"name": recipient.name},
        changes=history.diff(before, history.snapshot(recipient, fields)),
    )
    return recipient


def letter_kind(convocation: Convocation) -> str:
    """Which letter a meeting's recipients receive: "cancellation", "postponement" or "convocation"."""
    if convocation.status == MeetingStatus.CANCELLED:
        return "cancellation"
    if convocation.postponed_from is not None:
        return "postponement"
    return "convocation"


def convocation_letter_pdf(*, recipient: ConvocationRecipient, expert) -> bytes:
    """The letter for one recipient, in the language of the mission's documents (French; Arabic,
    right to left, for a Tunisian mission in Arabic), with the mentions of the law of the court's
    country (FR CPC art. 160; TN CPCC), its date and the meeting's time at the court (DOMAIN.md
    §11), whoever renders it, wherever and in whichever language his pages are. A postponed meeting's
    letter says it is moved (old and new date); a cancelled one's says it is cancelled, in a neutral
    text (its reason may be medical: it is not written)."""
    from django.template.loader import render_to_string

    from reports.rendering import render_pdf

    convocation = recipient.mission_convocation
    mission = convocation.mission
    with countries.court_time(mission), translation.override(mission.document_language):
        html = render_to_string(
            "cases/pdf/convocation.html",
            {
                "recipient": recipient,
                "convocation": convocation,
                "kind": letter_kind(convocation),
                "mission": mission,
                "country": countries.country_of(mission),
                "expert": expert,
                "meeting": countries.local(convocation.meeting_at, mission),
                "postponed_from": (
                    countries.local(convocation.postponed_from, mission) if convocation.postponed_from else None
                ),
                "today": countries.today(mission),
            },
        )
    return render_pdf(html)
