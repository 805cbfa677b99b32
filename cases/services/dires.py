from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from cases.choices import RepresentativeKind
from cases.models import Dire, Document, Mission, Party


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
        errors["party"] = "Cette partie n'appartient pas à la mission."
    if (
        filed_by is not None
        and not party.representatives.filter(user=filed_by, kind=RepresentativeKind.AVOCAT).exists()
    ):
        errors["filed_by"] = f"{filed_by} n'est pas l'avocat de {party}."
    if document is not None and document.mission_id != mission.pk:
        errors["document"] = "La pièce jointe n'appartient pas à la mission."
    if not text.strip() and document is None:
        errors["text"] = "Un dire comporte un texte ou une pièce jointe."
    if errors:
        raise ValidationError(errors)
    dire = Dire(
        mission=mission, party=party, filed_by=filed_by, received_on=received_on, text=text.strip(), document=document
    )
    dire.full_clean()
    dire.save()
    return dire


@transaction.atomic
def dire_answer(*, dire: Dire, answer: str, answered_on: date) -> Dire:
    if not answer.strip():
        raise ValidationError({"answer": "La réponse ne peut être vide."})
    dire.answer = answer.strip()
    dire.answered_on = answered_on
    dire.save(update_fields=["answer", "answered_on"])
    return dire
