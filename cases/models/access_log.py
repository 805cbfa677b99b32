from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal des accès ne peut être modifié.")

    def delete(self):
        raise PermissionError("Le journal des accès ne peut être effacé.")


class AccessLog(models.Model):
    """One decision on a document (secret rule 9): who, when, which document, which rule decided.
    Append-only: the application cannot update or delete a row (and on PostgreSQL a trigger
    refuses it as well)."""

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("identifiant"), max_length=150)
    mission = models.ForeignKey(
        "cases.Mission", on_delete=models.DO_NOTHING, related_name="access_log", db_constraint=False
    )
    document = models.ForeignKey(
        "cases.Document", on_delete=models.DO_NOTHING, related_name="access_log", db_constraint=False
    )
    action = models.CharField(_("action"), max_length=20)
    allowed = models.BooleanField(_("autorisé"))
    rule = models.CharField(_("règle"), max_length=40)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("accès à une pièce")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["mission", "-at"])]

    def __str__(self) -> str:
        return gettext("%(username)s %(action)s pièce %(document)s : %(decision)s") % {
            "username": self.username,
            "action": self.action,
            "document": self.document_id,
            "decision": gettext("autorisé") if self.allowed else gettext("refusé"),
        }

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Le journal des accès ne peut être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal des accès ne peut être effacé.")
