from django.conf import settings
from django.db import models

from cases.validators import validate_dire_answer, validate_dire_text


class Dire(models.Model):
    """A party's written observations, filed by its avocat (art. 276 CPC), and the expert's answer.
    A médecin-conseil may prepare one (a draft, seen only by his side); his avocat files it."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="dires")
    party = models.ForeignKey("cases.Party", verbose_name="partie", on_delete=models.PROTECT, related_name="dires")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="avocat",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dires_filed",
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="préparé par",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dires_prepared",
    )
    is_filed = models.BooleanField("déposé", default=True)
    received_on = models.DateField("reçu le", null=True, blank=True)
    text = models.TextField("observations", blank=True, validators=[validate_dire_text])
    document = models.ForeignKey(
        "cases.Document",
        verbose_name="pièce jointe",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dires",
    )
    answer = models.TextField("réponse de l'expert", blank=True, validators=[validate_dire_answer])
    answered_on = models.DateField("répondu le", null=True, blank=True)

    class Meta:
        verbose_name = "dire"
        verbose_name_plural = "dires"
        ordering = ["mission", "received_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="filed_dire_has_its_date",
                condition=models.Q(is_filed=False) | models.Q(received_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        if not self.is_filed:
            return f"Projet de dire de {self.party}"
        return f"Dire de {self.party} du {self.received_on:%d/%m/%Y}"
