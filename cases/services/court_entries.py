"""The clerk's and the judge's entries, and their corrections: the provision's payments
(consignation, CPC art. 269, 280) and the decisions on extensions (prorogation, CPC art. 279).

A payment or a decision recorded by mistake, or with a wrong date or amount, is corrected here by
whom the door allows for the original entry (Act.CONSIGNATION_RECORD, Act.EXTENSION_DECIDE), with a
reason, and the history of the mission keeps the values before and after (cases.history).

The dates of these facts are checked here for every way of entering them (the first entry in
cases.services.missions and its correction): a recorded fact is never in the future (the court's
date, cases.countries.today), a payment and a decision never before the court's order that they
follow (CPC art. 269: the provision follows the order), and a decision never before the request it
answers.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases import actions, countries, history
from cases.models import ChangeAction, Consignation, Extension, Mission, Party
from cases.validators import validate_multiline_text


class _Unset:
    """A value not given: the field keeps its value (None is a value: it clears a date)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def _day(value: date) -> str:
    return f"{value:%d/%m/%Y}"


# --- The dates of the court's facts ----------------------------------------------------------------


def check_not_future(mission: Mission, day: date | None, field: str, message: str) -> None:
    """A recorded fact is never in the future: the court's date decides (DOMAIN.md §11)."""
    if day is not None and day > countries.today(mission):
        raise ValidationError({field: message}, code="future")


def check_payment_day(mission: Mission, paid_on: date | None) -> None:
    """A payment is a fact of the past that follows the order fixing the provision (CPC art. 269)."""
    if paid_on is None:
        return
    check_not_future(mission, paid_on, "paid_on", _("Un versement ne peut être daté dans le futur."))
    if paid_on < mission.ordered_on:
        raise ValidationError(
            {
                "paid_on": _("Le versement ne peut précéder la décision du %(day)s qui ordonne la consignation%(law)s.")
                % {"day": _day(mission.ordered_on), "law": countries.cited("consignation", mission)}
            },
            code="before_order",
        )


def check_due_day(mission: Mission, due: date | None) -> None:
    """The date by which the provision is paid is fixed by the order, after it (CPC art. 269)."""
    if due is not None and due < mission.ordered_on:
        raise ValidationError(
            {
                "due": _("La date limite de consignation ne peut précéder la décision du %(day)s qui l'ordonne%(law)s.")
                % {"day": _day(mission.ordered_on), "law": countries.cited("consignation", mission)}
            },
            code="before_order",
        )


def check_request_day(mission: Mission, requested_on: date) -> None:
    """The expert asks the judge who set his deadline for more time (CPC art. 279): on a day of the
    past or today, after the order that set it."""
    check_not_future(mission, requested_on, "requested_on", _("Une demande ne peut être datée dans le futur."))
    if requested_on < mission.ordered_on:
        raise ValidationError(
            {
                "requested_on": _(
                    "La demande de prorogation ne peut précéder la décision du %(day)s qui ordonne l'expertise%(law)s."
                )
                % {"day": _day(mission.ordered_on), "law": countries.cited("extension", mission)}
            },
            code="before_order",
        )


def check_decision_day(extension: Extension, decided_on: date | None) -> None:
    """The judge's decision is a fact of the past that answers the request: never before it, nor
    before the order (CPC art. 279)."""
    if decided_on is None:
        return
    mission = extension.mission
    check_not_future(mission, decided_on, "decided_on", _("Une décision ne peut être datée dans le futur."))
    law = countries.cited("extension", mission)
    if decided_on < mission.ordered_on:
        raise ValidationError(
            {
                "decided_on": _("La décision ne peut précéder la décision du %(day)s qui ordonne l'expertise%(law)s.")
                % {"day": _day(mission.ordered_on), "law": law}
            },
            code="before_order",
        )
    if decided_on < extension.requested_on:
        raise ValidationError(
            {
                "decided_on": _("La décision ne peut précéder la demande de prorogation du %(day)s%(law)s.")
                % {"day": _day(extension.requested_on), "law": law}
            },
            code="before_request",
        )


def check_amount(mission: Mission, amount: Decimal) -> None:
    """A positive amount in the unit of the court's currency (DOMAIN.md §10: cents in euros,
    millimes in dinars)."""
    amount = Decimal(str(amount))
    if amount <= 0:
        raise ValidationError({"amount": _("Le montant doit être positif.")}, code="min_value")
    p = countries.profile(countries.country_of(mission))
    if amount != amount.quantize(p.quantum):
        raise ValidationError(
            {
                "amount": _("Un montant en %(currency)s s'écrit avec %(decimals)s décimales au plus.")
                % {"currency": p.currency, "decimals": p.decimals}
            },
            code="unit",
        )


def check_new_due(extension: Extension, new_due: date | None) -> None:
    """The date the judge grants is later than the deadline the order set."""
    if new_due is None:
        raise ValidationError({"new_due": _("Indiquez la nouvelle date accordée par le juge.")})
    if new_due <= extension.mission.report_due:
        raise ValidationError({"new_due": _("La nouvelle date doit être postérieure à la date initiale.")})


def _reason(reason: str) -> str:
    """The reason of a correction: required, as any text typed (no control character)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la correction.")}, code="required")
    try:
        validate_multiline_text(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None
    return reason


def _nothing_changed() -> ValidationError:
    return ValidationError(
        {NON_FIELD_ERRORS: _("Ces valeurs sont celles déjà enregistrées : il n'y a rien à corriger.")},
        code="unchanged",
    )


# --- Corrections -----------------------------------------------------------------------------------

CONSIGNATION_FIELDS = ("amount", "due", "payer", "paid_on")
EXTENSION_FIELDS = ("granted", "decided_on", "new_due")


@transaction.atomic
def consignation_correct(
    *,
    by: User,
    consignation: Consignation,
    reason: str,
    amount: Decimal | _Unset = UNSET,
    due: date | _Unset = UNSET,
    payer: Party | _Unset | None = UNSET,
    paid_on: date | _Unset | None = UNSET,
) -> Consignation:
    """Corrects a provision or its payment recorded by mistake: its amount, its due date, the party
    bound to pay it, the day it was paid (None: the payment was recorded by mistake and is cleared).
    By whom records the provision's facts (the court), with a reason, in the mission's history."""
    actions.require(by, consignation.mission, actions.Act.CONSIGNATION_RECORD)
    reason = _reason(reason)
    consignation = (
        Consignation.objects.select_for_update(of=("self",))
        .select_related("mission__court", "payer")
        .get(pk=consignation.pk)
    )
    mission = consignation.mission
    before = history.snapshot(consignation, CONSIGNATION_FIELDS)
    if amount is not UNSET:
        check_amount(mission, amount)
        consignation.amount = Decimal(str(amount))
    if due is not UNSET:
        if due is None:
            raise ValidationError({"due": _("Indiquez la date limite de consignation.")}, code="required")
        check_due_day(mission, due)
        consignation.due = due
    if payer is not UNSET:
        if payer is not None and payer.mission_id != mission.pk:
            raise ValidationError({"payer": _("La partie tenue de consigner doit être une partie de la mission.")})
        consignation.payer = payer
    if paid_on is not UNSET:
        check_payment_day(mission, paid_on)
        consignation.paid_on = paid_on
    after = history.snapshot(consignation, CONSIGNATION_FIELDS)
    changes = history.diff(before, after)
    if not changes:
        raise _nothing_changed()
    consignation.full_clean()
    consignation.save(update_fields=["amount", "due", "payer", "paid_on"])
    history.record(
        mission=mission, by=by, action=ChangeAction.CORRECTED, obj=consignation, changes=changes, reason=reason
    )
    return consignation


@transaction.atomic
def extension_correct(
    *,
    by: User,
    extension: Extension,
    reason: str,
    granted: bool | _Unset | None = UNSET,
    decided_on: date | _Unset | None = UNSET,
    new_due: date | _Unset | None = UNSET,
) -> Extension:
    """Corrects the judge's decision on an extension as the clerk recorded it: granted or refused,
    its date, the date granted. `granted=None` clears a decision recorded on the wrong request (the
    request waits again for the judge). By whom records the judge's decisions, with a reason, in
    the mission's history."""
    actions.require(by, extension.mission, actions.Act.EXTENSION_DECIDE)
    reason = _reason(reason)
    extension = Extension.objects.select_for_update().select_related("mission__court").get(pk=extension.pk)
    mission = extension.mission
    if extension.granted is None:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("Aucune décision n'est enregistrée sur cette demande : enregistrez-la.")},
            code="undecided",
        )
    before = history.snapshot(extension, EXTENSION_FIELDS)
    if granted is not UNSET:
        extension.granted = granted
    if decided_on is not UNSET:
        extension.decided_on = decided_on
    if new_due is not UNSET:
        extension.new_due = new_due
    if extension.granted is None:
        # A decision recorded on the wrong request: the request waits again, alone (one request
        # waits for the judge at a time, as when it is made).
        if mission.extensions.filter(granted__isnull=True).exclude(pk=extension.pk).exists():
            raise ValidationError(
                {"granted": _("Une autre demande de prorogation attend déjà la décision du juge.")},
                code="pending",
            )
        extension.decided_on = None
        extension.new_due = None
    else:
        if extension.decided_on is None:
            raise ValidationError({"decided_on": _("Indiquez la date de la décision.")}, code="required")
        check_decision_day(extension, extension.decided_on)
        if extension.granted:
            if new_due is UNSET and extension.new_due is None:
                extension.new_due = extension.requested_due
            check_new_due(extension, extension.new_due)
        else:
            extension.new_due = None
    after = history.snapshot(extension, EXTENSION_FIELDS)
    changes = history.diff(before, after)
    if not changes:
        raise _nothing_changed()
    extension.full_clean()
    extension.save(update_fields=["granted", "decided_on", "new_due"])
    history.record(mission=mission, by=by, action=ChangeAction.CORRECTED, obj=extension, changes=changes, reason=reason)
    return extension
