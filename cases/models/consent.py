from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import GranteeKind
from cases.validators import validate_multiline_text

from .document import private_file_name


class Consent(models.Model):
    """The patient's authorization to communicate his medical pieces to the experts, or to a
    party's médecin-conseil (L1110-4, L1111-7 CSP). Written, with its signed scan, for insurers."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="consents")
    patient = models.ForeignKey(
        "cases.Party", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="consents_given"
    )
    grantee = models.CharField(_("bénéficiaire"), max_length=20, choices=GranteeKind.choices)
    grantee_party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("partie bénéficiaire"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_received",
    )
    written = models.BooleanField(_("consentement écrit"), default=False)
    scan = models.FileField(_("consentement signé (scan)"), upload_to=private_file_name, blank=True, max_length=200)
    documents = models.ManyToManyField(
        "cases.Document",
        verbose_name=_("pièces couvertes"),
        blank=True,
        related_name="consents",
        help_text=_("Aucune pièce choisie : toutes les pièces médicales du patient."),
    )
    granted_on = models.DateField(_("donné le"))
    revoked_on = models.DateField(_("retiré le"), null=True, blank=True)
    revocation_scan = models.FileField(
        _("retrait signé (scan)"),
        upload_to=private_file_name,
        blank=True,
        max_length=200,
        help_text=_("Le retrait signé du patient, lorsque l'expert l'enregistre pour lui."),
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["mission", "granted_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="party_grantee_names_the_party",
                condition=(Q(grantee=GranteeKind.PARTY) & Q(grantee_party__isnull=False))
                | (~Q(grantee=GranteeKind.PARTY) & Q(grantee_party__isnull=True)),
            ),
        ]

    def __str__(self) -> str:
        target = self.grantee_party if self.grantee_party_id else self.get_grantee_display()
        return gettext("Consentement de %(patient)s au profit de %(target)s") % {
            "patient": self.patient,
            "target": target,
        }

    def clean(self) -> None:
        if self.revoked_on and self.granted_on and self.revoked_on < self.granted_on:
            raise ValidationError({"revoked_on": _("Le retrait ne peut précéder le consentement.")})

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None


class Refusal(models.Model):
    """The patient refuses to communicate a piece: recorded for the judge, never overridden
    (Civ. 1re, 11 juin 2009)."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="refusals")
    patient = models.ForeignKey(
        "cases.Party", verbose_name=_("patient"), on_delete=models.PROTECT, related_name="refusals"
    )
    document = models.ForeignKey(
        "cases.Document", verbose_name=_("pièce"), on_delete=models.PROTECT, related_name="refusals"
    )
    refused_on = models.DateField(_("refusé le"))
    note = models.TextField(_("observations"), blank=True, validators=[validate_multiline_text])
    scan = models.FileField(
        _("refus signé (scan)"),
        upload_to=private_file_name,
        blank=True,
        max_length=200,
        help_text=_("La déclaration signée du patient, lorsque l'expert l'enregistre pour lui."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The patient (or his avocat) may lift his refusal; it stays in the record, lifted.
    lifted_on = models.DateField(_("levé le"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_scan = models.FileField(
        _("levée signée (scan)"),
        upload_to=private_file_name,
        blank=True,
        max_length=200,
        help_text=_("La levée signée du patient, lorsque l'expert l'enregistre pour lui."),
    )

    class Meta:
        verbose_name = _("refus de communication")
        verbose_name_plural = _("refus de communication")
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "document"], condition=Q(lifted_on__isnull=True), name="unique_standing_refusal"
            )
        ]

    def __str__(self) -> str:
        return gettext("Refus de %(patient)s (%(day)s)") % {
            "patient": self.patient,
            "day": f"{self.refused_on:%d/%m/%Y}",
        }

    @property
    def is_standing(self) -> bool:
        return self.lifted_on is None
