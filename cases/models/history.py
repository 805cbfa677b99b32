from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATED = "created", _("création")
    CORRECTED = "corrected", _("correction")
    WITHDRAWN = "withdrawn", _("retrait")
    ENDED = "ended", _("fin")
    POSTPONED = "postponed", _("report")
    CANCELLED = "cancelled", _("annulation")
    HELD = "held", _("tenue")
    LIFTED = "lifted", _("levée")
    CONFIRMED = "confirmed", _("confirmation")
    STATE = "state", _("changement d'état")


class Change(models.Model):
    """One line of a mission's history (the trail a court relies on): who changed what, when,
    the values before and after, and why. Written by the service that makes the change, in the
    same transaction; never edited, never deleted while the mission exists."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("nature"), max_length=20, choices=ChangeAction.choices)
    # what changed: the model's name ("document", "party"...) and its id, and how it read then
    subject = models.CharField(_("objet"), max_length=50)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField(_("élément"), max_length=255)
    # {field label: [before, after]}, as the pages printed them
    changes = models.JSONField(_("modifications"), default=dict, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    # the court staff read the history of what they may see: never a change about medical content
    court_visible = models.BooleanField(_("visible de la juridiction"), default=True)

    class Meta:
        verbose_name = _("historique")
        verbose_name_plural = _("historique")
        ordering = ["mission", "-at", "-id"]
        indexes = [models.Index(fields=["mission", "subject", "object_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} — {self.label}"
