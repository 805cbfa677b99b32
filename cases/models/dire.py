from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.validators import validate_dire_answer, validate_dire_text


class Dire(models.Model):
    """A party's written observations, filed by its avocat (art. 276 CPC), and the expert's answer.
    A médecin-conseil may prepare one (a draft, seen only by his side); his avocat files it."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="dires")
    party = models.ForeignKey("cases.Party", verbose_name=_("partie"), on_delete=models.PROTECT, related_name="dires")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("avocat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dires_filed",
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("préparé par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dires_prepared",
    )
    is_filed = models.BooleanField(_("déposé"), default=True)
    received_on = models.DateField(_("reçu le"), null=True, blank=True)
    text = models.TextField(_("observations"), blank=True, validators=[validate_dire_text])
    document = models.ForeignKey(
        "cases.Document",
        verbose_name=_("pièce jointe"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dires",
    )
    answer = models.TextField(_("réponse de l'expert"), blank=True, validators=[validate_dire_answer])
    answered_on = models.DateField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("dire")
        verbose_name_plural = _("dires")
        ordering = ["mission", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="filed_dire_has_its_date",
                condition=models.Q(is_filed=False) | models.Q(received_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        if not self.is_filed:
            return gettext("Projet de dire de %(party)s") % {"party": self.party}
        return gettext("Dire de %(party)s du %(day)s") % {"party": self.party, "day": f"{self.received_on:%d/%m/%Y}"}
