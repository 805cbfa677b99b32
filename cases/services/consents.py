from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from cases import access, actions, countries, history
from cases.choices import GranteeKind
from cases.models import ChangeAction, Consent, Document, Mission, Party, Refusal
from cases.services.documents import Upload, fact_date_errors, reason_errors
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


def _documents_errors(mission: Mission, patient: Party, documents: list[Document]) -> dict[str, str]:
    """A consent covers the patient's medical pieces only (rules 3, 5)."""
    for document in documents:
        if document.mission_id != mission.pk or document.about_id != patient.pk or not document.is_medical:
            return {
                "documents": _("La pièce n° %(number)s n'est pas une pièce médicale concernant le patient.")
                % {"number": document.number}
            }
    return {}


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
    errors.update(fact_date_errors(mission, granted_on=granted_on))
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
    errors.update(_documents_errors(mission, patient, documents or []))
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
    if errors := fact_date_errors(consent.mission, revoked_on=revoked_on):
        raise ValidationError(errors)
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
    He or his avocat records it; an expert only on the patient's signed statement. A refusal he
    lifted stays in the record; he may refuse the piece again."""
    if document.mission_id != patient.mission_id:
        raise ValidationError({"document": _("La pièce n'appartient pas à la mission du patient.")})
    if _for_the_patient(recorded_by, patient) and scan is None:
        raise ValidationError({"scan": str(SIGNED_STATEMENT)})
    if errors := fact_date_errors(patient.mission, refused_on=refused_on):
        raise ValidationError(errors)
    if access.standing_refusals().filter(patient=patient, document=document).exists():
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


# --- Corrections and lifting ----------------------------------------------------------------------

CONSENT_FIELDS = ("granted_on", "revoked_on", "written")


def _covered(consent: Consent) -> str:
    numbers = sorted(consent.documents.values_list("number", flat=True))
    return ", ".join(_("n° %(number)s") % {"number": n} for n in numbers) or _("toutes")


def _consent_snapshot(consent: Consent) -> dict[str, str]:
    values = history.snapshot(consent, CONSENT_FIELDS)
    values[str(Consent._meta.get_field("scan").verbose_name)] = _("joint") if consent.scan else ""
    values[str(Consent._meta.get_field("documents").verbose_name)] = _covered(consent)
    return values


def consent_update(
    *,
    by: User,
    consent: Consent,
    granted_on: date | None = None,
    written: bool | None = None,
    documents: list[Document] | None = None,
    revoked_on: date | None = None,
    scan: Upload | None = None,
    reason: str = "",
) -> Consent:
    """Corrects a consent as recorded: its date, its form (written, with the signed scan on file)
    and the pieces it covers (`documents` [] for all the patient's medical pieces); the date of its
    withdrawal once withdrawn. None leaves a field as it is. Whoever may record the patient's
    decisions corrects them (DOMAIN.md §8): the patient or his avocat; an expert against the
    patient's signed statement on file, which he joins when there is none and the consent opens
    pieces to a party (rule 5). The rules of the grant hold after the correction (written for an
    insurer; a signed scan makes it written). Each correction is a line of the history, kept from
    the court (a consent is a fact of the secret)."""
    by_expert = _for_the_patient(by, consent.patient)
    with atomic_files():
        consent = (
            Consent.objects.select_for_update(of=("self",))
            .select_related("mission__court", "patient", "grantee_party")
            .get(pk=consent.pk)
        )
        mission = consent.mission
        before = _consent_snapshot(consent)
        errors = {**fact_date_errors(mission, granted_on=granted_on, revoked_on=revoked_on), **reason_errors(reason)}
        if revoked_on is not None and consent.revoked_on is None:
            errors["revoked_on"] = _("Ce consentement n'a pas été retiré : son retrait s'enregistre à part.")
        if granted_on is not None:
            consent.granted_on = granted_on
        if revoked_on is not None and consent.revoked_on is not None:
            consent.revoked_on = revoked_on
        if written is not None:
            consent.written = bool(written)
        has_scan = bool(consent.scan)
        if scan is not None and has_scan:
            errors["scan"] = _("Le consentement signé est déjà au dossier : il ne se remplace pas.")
        if scan is not None and written is None:
            consent.written = True  # a consent with its signed scan is a written one
        if consent.written and not has_scan and scan is None:
            errors["scan"] = _("Un consentement écrit se justifie par son scan signé : joignez-le (règle 5).")
        if (has_scan or scan is not None) and not consent.written:
            errors["written"] = _("Un consentement dont le scan signé est joint est un consentement écrit.")
        if consent.grantee == GranteeKind.PARTY:
            if consent.grantee_party.is_insurer and not consent.written:
                errors["written"] = _("Au profit d'un assureur, le consentement doit être écrit.")
            if by_expert and not has_scan and scan is None:
                errors["scan"] = str(SIGNED_STATEMENT)
        if documents is not None:
            errors.update(_documents_errors(mission, consent.patient, documents))
        if errors:
            raise ValidationError(errors)
        fields = ["granted_on", "revoked_on", "written"]
        if scan is not None:
            _store_scan(consent.scan, scan)
            fields.append("scan")
        consent.full_clean()
        consent.save(update_fields=fields)
        if documents is not None:
            consent.documents.set(documents)
        history.record(
            mission=mission,
            by=by,
            action=ChangeAction.CORRECTED,
            obj=consent,
            changes=history.diff(before, _consent_snapshot(consent)),
            reason=reason.strip(),
            court_visible=False,
        )
    return consent


def refusal_lift(*, by: User, refusal: Refusal, on: date | None = None, scan: Upload | None = None) -> Refusal:
    """The patient lifts his refusal (he is master of the secret: L1110-4 CSP; the refusal was his,
    Civ. 1re, 11 juin 2009): he or his avocat records it; an expert only on the patient's signed
    statement. The refusal stays in the record, "levé le ...", and no longer closes the piece: the
    consents that cover it apply again (cases.access reads standing refusals only)."""
    if _for_the_patient(by, refusal.patient) and scan is None:
        raise ValidationError({"scan": str(SIGNED_STATEMENT)})
    mission = refusal.mission
    on = on or countries.today(mission)
    errors = fact_date_errors(mission, on=on)
    if "on" not in errors and on < refusal.refused_on:
        errors["on"] = _("La levée ne peut précéder le refus (du %(day)s).") % {"day": f"{refusal.refused_on:%d/%m/%Y}"}
    if errors:
        raise ValidationError(errors)
    with atomic_files():
        refusal = (
            Refusal.objects.select_for_update(of=("self",)).select_related("patient", "document").get(pk=refusal.pk)
        )
        if refusal.lifted_on is not None:
            raise ValidationError(
                _("Ce refus a déjà été levé (le %(day)s).") % {"day": f"{refusal.lifted_on:%d/%m/%Y}"}
            )
        before = history.snapshot(refusal, ["lifted_on"])
        refusal.lifted_on = on
        refusal.lifted_by = by
        fields = ["lifted_on", "lifted_by"]
        if scan is not None:
            _store_scan(refusal.lift_scan, scan)
            fields.append("lift_scan")
        refusal.full_clean()
        refusal.save(update_fields=fields)
        history.record(
            mission=mission,
            by=by,
            action=ChangeAction.LIFTED,
            obj=refusal,
            label=_("Refus de communication de la pièce n° %(number)s") % {"number": refusal.document.number},
            changes=history.diff(before, history.snapshot(refusal, ["lifted_on"])),
            court_visible=False,
        )
    return refusal
