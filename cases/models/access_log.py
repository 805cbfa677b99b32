from django.conf import settings
from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal des accès ne peut être modifié.")

    def delete(self):
        raise PermissionError("Le journal des accès ne peut être effacé.")


class AccessLog(models.Model):
    """One decision on a document (secret rule 9): who, when, which document, which rule decided.
    Append-only: the application cannot update or delete a row (and on PostgreSQL a trigger
    refuses it as well)."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        null=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField("identifiant", max_length=150)
    mission = models.ForeignKey(
        "cases.Mission", on_delete=models.DO_NOTHING, related_name="access_log", db_constraint=False
    )
    document = models.ForeignKey(
        "cases.Document", on_delete=models.DO_NOTHING, related_name="access_log", db_constraint=False
    )
    action = models.CharField("action", max_length=20)
    allowed = models.BooleanField("autorisé")
    rule = models.CharField("règle", max_length=40)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "accès à une pièce"
        verbose_name_plural = "journal des accès"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["mission", "-at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.action} pièce {self.document_id} : {'autorisé' if self.allowed else 'refusé'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Le journal des accès ne peut être modifié.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal des accès ne peut être effacé.")
