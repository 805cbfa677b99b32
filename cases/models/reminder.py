from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Reminder(models.Model):
    """A reminder sent about one deadline in one state: the idempotency key of the daily scan.
    The unique constraint makes a second scan, or a duplicate task delivery, send nothing."""

    key = models.CharField(_("clé"), max_length=200, unique=True)
    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("échéance"), max_length=40)
    state = models.CharField(_("état"), max_length=20)
    due = models.DateField(_("date"))
    recipients = models.TextField(_("destinataires"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rappel")
        verbose_name_plural = _("rappels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key


class CalendarFeed(models.Model):
    """The secret token of an expert's calendar feed (ICS)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda partagé")
        verbose_name_plural = _("agendas partagés")

    def __str__(self) -> str:
        return gettext("Agenda de %(user)s") % {"user": self.user}
