from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from cases import actions
from cases.choices import GranteeKind
from cases.models import Consent, Document, Mission, Party, Refusal
from cases.services.documents import Upload
from cases.storage import atomic_files, save_file
from cases.uploads import inspect_file


def _for_the_patient(by: User, patient: Party) -> bool:
    """Whether the user records the patient's decision for him (an expert), rather than being the
    patient or his avocat; refused outright for anyone else (DOMAIN.md §8)."""
    actions.require(by, patient.mission, actions.Act.CONSENT_RECORD, party=patient)
    seat = actions.seat_of(by, patient.mission)
    return not (patient.pk in seat.own_party_ids or patient.pk in seat.avocat_of)


SIGNED_STATEMENT = gettext_lazy(
    "Joignez la déclaration signée du patient (scan) : l'expert n'enregistre la décision du patient "
    "que sur sa déclaration écrite."
)


def _store_scan(field, scan: Upload) -> None:
    try:
        inspect_file(scan.file, scan.name)
    except ValidationError as exc:  # the refusal names the file: shown at the form's scan field
        raise ValidationError({"scan": exc.messages}) from exc
    save_file(field, scan.name, scan.file)


def consent_grant(
    *,
    recorded_by: User,
    mission: Mission,
    patient: Party,
    grantee: str,
    granted_on: date,
    grantee_party: Party | None = None,
    written: bool = False,
    scan: Upload | None = None,
    documents: list[Document] | None = None,
) -> Consent:
    """Records the patient's consent, given by himself or his avocat, or recorded by an expert on his
    signed statement when it opens his pieces to a party. A written consent has its signed scan on
    file; for an insurer the consent must be written (secret rule 5)."""
    grantee = GranteeKind(grantee)
    errors: dict[str, str] = {}
    if patient.mission_id != mission.pk:
        raise ValidationError({"patient": _("Le patient n'est pas une partie de cette mission.")})
    by_expert = _for_the_patient(recorded_by, patient)
    if written and scan is None:
        errors["scan"] = _("Un consentement écrit se justifie par son scan signé : joignez-le (règle 5).")
    if by_expert and grantee == GranteeKind.PARTY and scan is None:
        errors["scan"] = str(SIGNED_STATEMENT)
    if grantee == GranteeKind.PARTY:
        if grantee_party is None:
            errors["grantee_party"] = _("Indiquez la partie au profit de laquelle le patient consent.")
        elif grantee_party.mission_id != mission.pk:
            errors["grantee_party"] = _("Cette partie n'appartient pas à la mission.")
        elif grantee_party.pk == patient.pk:
            errors["grantee_party"] = _("Le patient n'a pas à consentir au profit de lui-même.")
        elif grantee_party.is_insurer and not written:
            errors["written"] = _("Au profit d'un assureur, le consentement doit être écrit.")
    else:
        grantee_party = None
    if scan is not None and not written:
        errors["written"] = _("Un consentement dont le scan signé est joint est un consentement écrit.")
    for document in documents or []:
        if document.mission_id != mission.pk or document.about_id != patient.pk or not document.is_medical:
            errors["documents"] = _("La pièce n° %(number)s n'est pas une pièce médicale concernant le patient.") % {
                "number": document.number
            }
    if errors:
        raise ValidationError(errors)
    with atomic_files():
        consent = Consent(
            mission=mission,
            patient=patient,
            grantee=grantee,
            grantee_party=grantee_party,
            written=written,
            granted_on=granted_on,
            recorded_by=recorded_by,
        )
        if scan is not None:
            _store_scan(consent.scan, scan)
        consent.full_clean()
        consent.save()
        if documents:
            consent.documents.set(documents)
    return consent


def consent_revoke(*, by: User, consent: Consent, revoked_on: date, scan: Upload | None = None) -> Consent:
    """The patient withdraws his consent: access stops at once (rule 5). An expert records it only on
    the patient's signed withdrawal; the sapiteur and the other sides never."""
    if _for_the_patient(by, consent.patient) and scan is None:
        raise ValidationError({"scan": str(SIGNED_STATEMENT)})
    with atomic_files():
        consent.revoked_on = Consent.objects.select_for_update().values_list("revoked_on", flat=True).get(pk=consent.pk)
        if consent.revoked_on is not None:
            raise ValidationError(_("Ce consentement a déjà été retiré."))
        consent.revoked_on = revoked_on
        consent.revoked_by = by
        fields = ["revoked_on", "revoked_by"]
        if scan is not None:
            _store_scan(consent.revocation_scan, scan)
            fields.append("revocation_scan")
        consent.full_clean()
        consent.save(update_fields=fields)
    return consent


def refusal_record(
    *,
    recorded_by: User,
    patient: Party,
    document: Document,
    refused_on: date,
    note: str = "",
    scan: Upload | None = None,
) -> Refusal:
    """The patient refuses to communicate a piece: recorded, never overridden (Civ. 1re, 11 juin 2009).
    He or his avocat records it; an expert only on the patient's signed statement."""
    if document.mission_id != patient.mission_id:
        raise ValidationError({"document": _("La pièce n'appartient pas à la mission du patient.")})
    if _for_the_patient(recorded_by, patient) and scan is None:
        raise ValidationError({"scan": str(SIGNED_STATEMENT)})
    if Refusal.objects.filter(patient=patient, document=document).exists():
        raise ValidationError(
            {
                "document": _("Le refus concernant la pièce n° %(number)s est déjà enregistré.")
                % {"number": document.number}
            }
        )
    with atomic_files():
        refusal = Refusal(
            mission_id=patient.mission_id,
            patient=patient,
            document=document,
            refused_on=refused_on,
            note=note.strip(),
            recorded_by=recorded_by,
        )
        if scan is not None:
            _store_scan(refusal.scan, scan)
        refusal.full_clean()
        refusal.save()
    return refusal
