from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases import access, actions, countries, history
from cases.choices import RepresentativeKind
from cases.models import ChangeAction, Dire, Document, Mission, Party
from cases.services.documents import fact_date_errors, reason_errors
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


def _received_errors(mission: Mission, received_on: date | None) -> dict[str, str]:
    """A dire is received on a day that has come, after the order: it answers the experts' work."""
    return fact_date_errors(mission, after_order=True, received_on=received_on)


@transaction.atomic
def dire_record(
    *,
    by: User | None = None,
    mission: Mission,
    party: Party,
    received_on: date,
    text: str = "",
    filed_by: User | None = None,
    document: Document | None = None,
) -> Dire:
    """Records a party's written observations, filed by its avocat (art. 276 CPC): `by` an expert
    recording a dire received by post, or the avocat (the party itself without one) filing it, who
    is then its filer. `by` None: the server's operator (imports)."""
    if by is not None:
        if actions.seat_of(by, mission).expert:
            actions.require(by, mission, actions.Act.DIRE_RECORD)
        else:
            actions.require(by, mission, actions.Act.DIRE_FILE, party=party)
            filed_by = filed_by or by
    errors: dict[str, str] = _received_errors(mission, received_on)
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
    if errors := _received_errors(dire.mission, received_on):
        raise ValidationError(errors)
    dire.is_filed = True
    dire.filed_by = filed_by
    dire.received_on = received_on
    dire.full_clean()
    dire.save(update_fields=["is_filed", "filed_by", "received_on"])
    return dire


def deposited(mission: Mission) -> bool:
    """Whether the report is deposited (the mission's deposit date, or a deposited version)."""
    return mission.deposited_on is not None or access.deposited_until(mission) is not None


ANSWER_FIELDS = ("answer", "answered_on")


@transaction.atomic
def dire_answer(*, by: User, dire: Dire, answer: str, answered_on: date | None = None, reason: str = "") -> Dire:
    """The experts answer a filed dire, and correct their answer until the deposit: the report
    mentions the follow-up given to the dires (CPC art. 276 al. 2), and once deposited it is frozen,
    so an answer is neither given nor corrected after it. `answered_on` None: the court's today for
    a first answer, the date already recorded for a correction. The answer is dated on a day that
    has come, not before the dire it answers nor before the order. Each correction is a line of the
    history, before and after, kept from the court (it reads the dires with the deposited report)."""
    dire = Dire.objects.select_for_update(of=("self",)).select_related("mission__court", "party").get(pk=dire.pk)
    mission = dire.mission
    actions.require(by, mission, actions.Act.DIRE_RECORD)
    if not dire.is_filed:
        raise ValidationError(_("On ne répond qu'à un dire déposé."))
    if deposited(mission):
        raise ValidationError(
            {
                "answer": _(
                    "Le rapport est déposé : la réponse aux dires ne se donne ni ne se corrige plus, le rapport "
                    "déposé, qui fait mention de la suite donnée aux dires (%(law)s), est figé."
                )
                % {"law": countries.cite("dires", mission)}
            }
        )
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("La réponse ne peut être vide.")})
    _bounded("answer", answer, validate_dire_answer)
    first = not dire.answer
    if answered_on is None:
        answered_on = countries.today(mission) if first or dire.answered_on is None else dire.answered_on
    errors = {**fact_date_errors(mission, after_order=True, answered_on=answered_on), **reason_errors(reason)}
    if "answered_on" not in errors and dire.received_on and answered_on < dire.received_on:
        errors["answered_on"] = _("La réponse ne peut précéder la réception du dire (le %(day)s).") % {
            "day": f"{dire.received_on:%d/%m/%Y}"
        }
    if errors:
        raise ValidationError(errors)
    before = history.snapshot(dire, ANSWER_FIELDS)
    dire.answer = answer
    dire.answered_on = answered_on
    # no full_clean: a dire filed before DIRE_MAX_CHARS existed may be longer; its answer is bounded
    dire.save(update_fields=list(ANSWER_FIELDS))
    if not first:
        history.record(
            mission=mission,
            by=by,
            action=ChangeAction.CORRECTED,
            obj=dire,
            changes=history.diff(before, history.snapshot(dire, ANSWER_FIELDS)),
            reason=reason.strip(),
            court_visible=False,
        )
    return dire
