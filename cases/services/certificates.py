from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import CertificateKind
from cases.models import Certificate, Document


@transaction.atomic
def certificate_record(
    *,
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
    """Reads a medical certificate into structured data, on the medical piece that carries it."""
    if not document.is_medical:
        raise ValidationError(
            {"document": _("Un certificat médical est une pièce médicale : cochez « pièce médicale ».")}
        )
    if hasattr(document, "certificate"):
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
    certificate.full_clean()
    certificate.save()
    return certificate
