from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases import actions, history
from cases.choices import CertificateKind
from cases.models import Certificate, ChangeAction, Document
from cases.services.documents import fact_date_errors, reason_errors

# What the experts read off a certificate (DOMAIN.md §4), as the history shows it.
CERTIFICATE_FIELDS = (
    "kind",
    "issued_on",
    "author",
    "lesions",
    "stoppage_start",
    "stoppage_days",
    "consolidation_date",
    "notes",
)
TEXT_FIELDS = frozenset({"author", "lesions", "notes"})


def _check_dates(certificate: Certificate) -> None:
    """A certificate records what a doctor wrote: its date, the stoppage it starts and the
    consolidation it fixes are facts, never after the court's today."""
    errors = fact_date_errors(
        certificate.document.mission,
        issued_on=certificate.issued_on,
        consolidation_date=certificate.consolidation_date,
        stoppage_start=certificate.stoppage_start,
    )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def certificate_record(
    *,
    by: User,
    document: Document,
    kind: str,
    issued_on: date | None = None,
    author: str = "",
    lesions: str = "",
    stoppage_start: date | None = None,
    stoppage_days: int | None = None,
    consolidation_date: date | None = None,
    notes: str = "",
) -> Certificate:
    """Reads a medical certificate into structured data, on the medical piece that carries it. The
    certificate's data is the piece's: the experts record it (DOMAIN.md §8, "edit a piece")."""
    actions.require(by, document.mission, actions.Act.PIECE_EDIT)
    if not document.is_medical:
        raise ValidationError(
            {"document": _("Un certificat médical est une pièce médicale : cochez « pièce médicale ».")}
        )
    if Certificate.objects.filter(document=document).exists():  # not the object's cache: a refused try fills it
        raise ValidationError(
            {"document": _("La pièce n° %(number)s porte déjà un certificat.") % {"number": document.number}}
        )
    issued_on = issued_on or document.date
    if issued_on is None:
        raise ValidationError({"issued_on": _("Indiquez la date du certificat.")})
    certificate = Certificate(
        document=document,
        kind=CertificateKind(kind),
        issued_on=issued_on,
        author=author.strip(),
        lesions=lesions.strip(),
        stoppage_start=stoppage_start,
        stoppage_days=stoppage_days,
        consolidation_date=consolidation_date,
        notes=notes.strip(),
    )
    _check_dates(certificate)
    certificate.full_clean()
    certificate.save()
    return certificate


@transaction.atomic
def certificate_update(*, by: User, certificate: Certificate, reason: str = "", **fields) -> Certificate:
    """The experts correct what they read off a certificate (any of CERTIFICATE_FIELDS; those not
    given stay). Each correction is a line of the history with the values before and after, kept
    from the court: a certificate is medical content (DOMAIN.md §3 rule 8)."""
    unknown = set(fields) - set(CERTIFICATE_FIELDS)
    if unknown:
        raise TypeError(f"certificate_update() got unexpected fields: {sorted(unknown)}")
    certificate = (
        Certificate.objects.select_for_update(of=("self",)).select_related("document__mission").get(pk=certificate.pk)
    )
    mission = certificate.document.mission
    actions.require(by, mission, actions.Act.PIECE_EDIT)
    if errors := reason_errors(reason):
        raise ValidationError(errors)
    before = history.snapshot(certificate, CERTIFICATE_FIELDS)
    for name, value in fields.items():
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        elif name == "kind":
            value = CertificateKind(value)
        setattr(certificate, name, value)
    if certificate.issued_on is None:
        raise ValidationError({"issued_on": _("Indiquez la date du certificat.")})
    _check_dates(certificate)
    certificate.full_clean()
    certificate.save(update_fields=list(fields))
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CORRECTED,
        obj=certificate,
        label=_("Certificat de la pièce n° %(number)s") % {"number": certificate.document.number},
        changes=history.diff(before, history.snapshot(certificate, CERTIFICATE_FIELDS)),
        reason=reason.strip(),
        court_visible=False,
    )
    return certificate
