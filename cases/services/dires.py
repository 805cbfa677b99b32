from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases import actions
from cases.choices import RepresentativeKind
from cases.models import Dire, Document, Mission, Party
from cases.validators import validate_dire_answer, validate_dire_text


def _may_file(party: Party, user: User) -> bool:
    """The door for actions: its avocat, or the party itself when it has none (CPC art. 276)."""
    return bool(actions.rule_for(actions.seat_of(user, party.mission), actions.Act.DIRE_FILE, party))


def _is_rep(party: Party, user: User, kind: str) -> bool:
    return party.representatives.filter(user=user, kind=kind).exists()


def _bounded(field: str, value: str, validator) -> None:
    """DIRE_MAX_CHARS (read now): the service refuses an over-long dire or answer itself, whatever
    the form let through, with the message at the field."""
    try:
        validator(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


@transaction.atomic
def dire_record(
    *,
    mission: Mission,
    party: Party,
    received_on: date,
    text: str = "",
    filed_by: User | None = None,
    document: Document | None = None,
) -> Dire:
    """Records a party's written observations, filed by its avocat (art. 276 CPC)."""
    errors: dict[str, str] = {}
    if party.mission_id != mission.pk:
        errors["party"] = _("Cette partie n'appartient pas à la mission.")
    if filed_by is not None and not _may_file(party, filed_by):
        errors["filed_by"] = _("%(user)s n'est pas l'avocat de %(party)s.") % {"user": filed_by, "party": party}
    if document is not None and document.mission_id != mission.pk:
        errors["document"] = _("La pièce jointe n'appartient pas à la mission.")
    if not text.strip() and document is None:
        errors["text"] = _("Un dire comporte un texte ou une pièce jointe.")
    if errors:
        raise ValidationError(errors)
    _bounded("text", text.strip(), validate_dire_text)
    dire = Dire(
        mission=mission, party=party, filed_by=filed_by, received_on=received_on, text=text.strip(), document=document
    )
    dire.full_clean()
    dire.save()
    return dire


@transaction.atomic
def dire_prepare(*, party: Party, prepared_by: User, text: str) -> Dire:
    """A médecin-conseil prepares a dire; only his avocat can file it (the avocat is the only
    channel of written observations before the court)."""
    if not _is_rep(party, prepared_by, RepresentativeKind.MEDECIN_CONSEIL):
        raise ValidationError(
            {"text": _("%(user)s n'est pas le médecin-conseil de %(party)s.") % {"user": prepared_by, "party": party}}
        )
    if not text.strip():
        raise ValidationError({"text": _("Le projet de dire est vide.")})
    _bounded("text", text.strip(), validate_dire_text)
    dire = Dire(mission_id=party.mission_id, party=party, prepared_by=prepared_by, is_filed=False, text=text.strip())
    dire.full_clean()
    dire.save()
    return dire


@transaction.atomic
def dire_file(*, dire: Dire, filed_by: User, received_on: date) -> Dire:
    """The avocat files a draft prepared by the party's médecin-conseil."""
    dire = Dire.objects.select_for_update().get(pk=dire.pk)
    if dire.is_filed:
        raise ValidationError(_("Ce dire a déjà été déposé."))
    if not _may_file(dire.party, filed_by):
        raise ValidationError(_("Seul l'avocat de %(party)s peut déposer ce dire.") % {"party": dire.party})
    dire.is_filed = True
    dire.filed_by = filed_by
    dire.received_on = received_on
    dire.full_clean()
    dire.save(update_fields=["is_filed", "filed_by", "received_on"])
    return dire


@transaction.atomic
def dire_answer(*, dire: Dire, answer: str, answered_on: date) -> Dire:
    if not dire.is_filed:
        raise ValidationError(_("On ne répond qu'à un dire déposé."))
    if not answer.strip():
        raise ValidationError({"answer": _("La réponse ne peut être vide.")})
    _bounded("answer", answer.strip(), validate_dire_answer)
    dire.answer = answer.strip()
    dire.answered_on = answered_on
    dire.save(update_fields=["answer", "answered_on"])
    return dire
