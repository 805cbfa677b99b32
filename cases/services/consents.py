from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from cases.choices import GranteeKind
from cases.models import Consent, Document, Mission, Party, Refusal
from cases.services.documents import Upload
from cases.storage import atomic_files, save_file
from cases.uploads import inspect_file


def consent_grant(
    *,
    mission: Mission,
    patient: Party,
    grantee: str,
    granted_on: date,
    grantee_party: Party | None = None,
    written: bool = False,
    scan: Upload | None = None,
    documents: list[Document] | None = None,
    recorded_by: User | None = None,
) -> Consent:
    """Records the patient's consent. For an insurer the consent must be written, with its signed
    scan (secret rule 5)."""
    grantee = GranteeKind(grantee)
    errors: dict[str, str] = {}
    if patient.mission_id != mission.pk:
        errors["patient"] = "Le patient n'est pas une partie de cette mission."
    if grantee == GranteeKind.PARTY:
        if grantee_party is None:
            errors["grantee_party"] = "Indiquez la partie au profit de laquelle le patient consent."
        elif grantee_party.mission_id != mission.pk:
            errors["grantee_party"] = "Cette partie n'appartient pas à la mission."
        elif grantee_party.pk == patient.pk:
            errors["grantee_party"] = "Le patient n'a pas à consentir au profit de lui-même."
        elif grantee_party.is_insurer and not written:
            errors["written"] = "Au profit d'un assureur, le consentement doit être écrit."
    else:
        grantee_party = None
    if scan is not None and not written:
        errors["written"] = "Un consentement dont le scan signé est joint est un consentement écrit."
    for document in documents or []:
        if document.mission_id != mission.pk or document.about_id != patient.pk or not document.is_medical:
            errors["documents"] = f"La pièce n° {document.number} n'est pas une pièce médicale concernant le patient."
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
            inspect_file(scan.file, scan.name)
            save_file(consent.scan, scan.name, scan.file)
        consent.full_clean()
        consent.save()
        if documents:
            consent.documents.set(documents)
    return consent


@transaction.atomic
def consent_revoke(*, consent: Consent, revoked_on: date) -> Consent:
    if consent.revoked_on is not None:
        raise ValidationError("Ce consentement a déjà été retiré.")
    consent.revoked_on = revoked_on
    consent.full_clean()
    consent.save(update_fields=["revoked_on"])
    return consent


@transaction.atomic
def refusal_record(
    *, patient: Party, document: Document, refused_on: date, note: str = "", recorded_by: User | None = None
) -> Refusal:
    """The patient refuses to communicate a piece: recorded, never overridden (Civ. 1re, 11 juin 2009)."""
    if document.mission_id != patient.mission_id:
        raise ValidationError({"document": "La pièce n'appartient pas à la mission du patient."})
    if Refusal.objects.filter(patient=patient, document=document).exists():
        raise ValidationError({"document": f"Le refus concernant la pièce n° {document.number} est déjà enregistré."})
    refusal = Refusal(
        mission_id=patient.mission_id,
        patient=patient,
        document=document,
        refused_on=refused_on,
        note=note.strip(),
        recorded_by=recorded_by,
    )
    refusal.full_clean()
    refusal.save()
    return refusal
