from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import DeliveryMethod
from cases.validators import validate_multiline_text, validate_single_line


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("prévue")
    HELD = "held", _("tenue")
    CANCELLED = "cancelled", _("annulée")


class Convocation(models.Model):
    """A meeting of the expertise (art. 160 CPC): the examination, then the discussion open to all."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="convocations")
    meeting_at = models.DateTimeField(_("date et heure de la réunion"))
    place = models.CharField(_("lieu"), max_length=255, validators=[validate_single_line])
    agenda = models.TextField(
        _("objet"),
        blank=True,
        default=_("Examen clinique de la victime, puis discussion contradictoire."),
        validators=[validate_multiline_text],
    )
    status = models.CharField(_("état"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    # The date it had before its last postponement: the new letters say it was moved.
    postponed_from = models.DateTimeField(_("initialement prévue le"), null=True, blank=True)
    cancelled_on = models.DateField(_("annulée le"), null=True, blank=True)
    status_reason = models.TextField(_("motif"), blank=True, validators=[validate_multiline_text])
    # Rule 10: the victim chooses who attends the examination; for a mental examination the expert
    # may exclude the parties' doctors (Civ. 1re, 25 avril 1989).
    mental_examination = models.BooleanField(_("examen psychiatrique ou psychologique"), default=False)
    doctors_excluded = models.BooleanField(_("médecins des parties exclus de l'examen"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        ordering = ["mission", "meeting_at"]

    def __str__(self) -> str:
        return gettext("Réunion du %(day)s") % {"day": f"{self.meeting_at:%d/%m/%Y}"}


class ConvocationRecipient(models.Model):
    mission_convocation = models.ForeignKey(Convocation, on_delete=models.CASCADE, related_name="recipients")
    party = models.ForeignKey("cases.Party", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("destinataire"), max_length=200, validators=[validate_single_line])
    capacity = models.CharField(_("qualité"), max_length=100, blank=True, validators=[validate_single_line])
    method = models.CharField(
        _("mode d'envoi"), max_length=10, choices=DeliveryMethod.choices, default=DeliveryMethod.LRAR
    )
    tracking_number = models.CharField(
        _("n° de recommandé"), max_length=50, blank=True, validators=[validate_single_line]
    )
    sent_on = models.DateField(_("envoyée le"), null=True, blank=True)
    receipt_on = models.DateField(_("AR reçu le"), null=True, blank=True)
    attended = models.BooleanField(_("présent"), null=True, blank=True)
    at_examination = models.BooleanField(_("présent à l'examen"), null=True, blank=True)

    class Meta:
        verbose_name = _("destinataire")
        verbose_name_plural = _("destinataires")
        ordering = ["mission_convocation", "id"]

    def __str__(self) -> str:
        return self.name
