from django.conf import settings
from django.db import models

from cases.choices import PartyRole, RepresentativeKind
from cases.validators import validate_single_line


class Party(models.Model):
    """A party to the case: the victim, a defendant, an insurer, an intervenant."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="parties")
    name = models.CharField("nom", max_length=200, validators=[validate_single_line])
    role = models.CharField("qualité", max_length=20, choices=PartyRole.choices)
    is_victim = models.BooleanField("victime (personne examinée)", default=False)
    is_insurer = models.BooleanField("assureur", default=False)
    opposable = models.BooleanField(
        "expertise opposable",
        default=True,
        help_text="Décochez pour un tiers qui assiste aux opérations sans avoir été assigné.",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="compte de la partie",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_seats",
    )

    class Meta:
        verbose_name = "partie"
        verbose_name_plural = "parties"
        ordering = ["mission", "id"]

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    """A party's avocat or médecin-conseil, in this mission only."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="representations")
    kind = models.CharField("qualité", max_length=20, choices=RepresentativeKind.choices)

    class Meta:
        verbose_name = "représentant"
        verbose_name_plural = "représentants"
        ordering = ["party", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["party", "user", "kind"], name="unique_representative")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()} de {self.party})"
