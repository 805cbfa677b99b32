from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import CertificateKind
from cases.validators import validate_multiline_text, validate_single_line


class Certificate(models.Model):
    """A medical certificate read as structured data, linked to its scanned piece."""

    document = models.OneToOneField(
        "cases.Document", verbose_name=_("pièce"), on_delete=models.CASCADE, related_name="certificate"
    )
    kind = models.CharField(_("type de certificat"), max_length=20, choices=CertificateKind.choices)
    issued_on = models.DateField(_("établi le"))
    author = models.CharField(_("auteur"), max_length=200, blank=True, validators=[validate_single_line])
    lesions = models.TextField(_("lésions constatées"), blank=True, validators=[validate_multiline_text])
    stoppage_start = models.DateField(_("début de l'arrêt"), null=True, blank=True)
    stoppage_days = models.PositiveIntegerField(_("durée de l'arrêt (jours)"), null=True, blank=True)
    consolidation_date = models.DateField(_("date de consolidation"), null=True, blank=True)
    notes = models.TextField(_("observations"), blank=True, validators=[validate_multiline_text])

    class Meta:
        verbose_name = _("certificat médical")
        verbose_name_plural = _("certificats médicaux")
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return gettext("%(kind)s du %(day)s") % {"kind": self.get_kind_display(), "day": f"{self.issued_on:%d/%m/%Y}"}

    def clean(self) -> None:
        if self.kind == CertificateKind.CONSOLIDATION and not self.consolidation_date:
            raise ValidationError(
                {"consolidation_date": _("Un certificat de consolidation fixe une date de consolidation.")}
            )
        if (
            self.consolidation_date
            and self.issued_on
            and self.consolidation_date > self.issued_on + timedelta(days=366)
        ):
            raise ValidationError(
                {"consolidation_date": _("La date de consolidation paraît incohérente avec la date du certificat.")}
            )

    @property
    def stoppage_from(self) -> date | None:
        if not self.stoppage_days:
            return None
        return self.stoppage_start or self.issued_on

    @property
    def stoppage_until(self) -> date | None:
        start = self.stoppage_from
        return start + timedelta(days=self.stoppage_days - 1) if start else None
