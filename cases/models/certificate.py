from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models

from cases.choices import CertificateKind
from cases.validators import validate_multiline_text, validate_single_line


class Certificate(models.Model):
    """A medical certificate read as structured data, linked to its scanned piece."""

    document = models.OneToOneField(
        "cases.Document", verbose_name="pièce", on_delete=models.CASCADE, related_name="certificate"
    )
    kind = models.CharField("type de certificat", max_length=20, choices=CertificateKind.choices)
    issued_on = models.DateField("établi le")
    author = models.CharField("auteur", max_length=200, blank=True, validators=[validate_single_line])
    lesions = models.TextField("lésions constatées", blank=True, validators=[validate_multiline_text])
    stoppage_start = models.DateField("début de l'arrêt", null=True, blank=True)
    stoppage_days = models.PositiveIntegerField("durée de l'arrêt (jours)", null=True, blank=True)
    consolidation_date = models.DateField("date de consolidation", null=True, blank=True)
    notes = models.TextField("observations", blank=True, validators=[validate_multiline_text])

    class Meta:
        verbose_name = "certificat médical"
        verbose_name_plural = "certificats médicaux"
        ordering = ["issued_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} du {self.issued_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.kind == CertificateKind.CONSOLIDATION and not self.consolidation_date:
            raise ValidationError(
                {"consolidation_date": "Un certificat de consolidation fixe une date de consolidation."}
            )
        if (
            self.consolidation_date
            and self.issued_on
            and self.consolidation_date > self.issued_on + timedelta(days=366)
        ):
            raise ValidationError(
                {"consolidation_date": "La date de consolidation paraît incohérente avec la date du certificat."}
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
