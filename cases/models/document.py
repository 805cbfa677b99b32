import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.choices import Producer
from cases.validators import validate_multiline_text, validate_single_line


def private_file_name(instance: models.Model, filename: str) -> str:
    """A random storage name: the user's file name is kept only as a display name."""
    return f"private/{uuid.uuid4().hex[:2]}/{uuid.uuid4().hex}"


class Document(models.Model):
    """A piece (pièce) of the mission, numbered in its bordereau, with its file."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="documents")
    number = models.PositiveIntegerField(_("n° de pièce"))
    title = models.CharField(_("intitulé"), max_length=255, validators=[validate_single_line])
    date = models.DateField(_("date de la pièce"), null=True, blank=True)
    is_medical = models.BooleanField(_("pièce médicale"), default=False)
    about = models.ForeignKey(
        "cases.Party",
        verbose_name=_("personne concernée"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="medical_documents",
    )
    producer = models.CharField(_("produite par"), max_length=20, choices=Producer.choices)
    producer_party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("partie productrice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="produced_documents",
    )
    unrelated = models.BooleanField(
        _("sans rapport avec la mission"),
        default=False,
        help_text=_("N'est plus visible que des experts et du patient ; n'entre jamais dans le rapport."),
    )
    file = models.FileField(_("fichier"), upload_to=private_file_name, max_length=200)
    original_name = models.CharField(_("nom du fichier"), max_length=255, validators=[validate_single_line])
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    content_type = models.CharField(_("type"), max_length=100)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("déposée le"), auto_now_add=True)
    # What a party received is never erased: a piece is withdrawn, with its reason, and stays listed.
    withdrawn_on = models.DateField(_("retirée le"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("motif du retrait"), blank=True, validators=[validate_multiline_text])
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retirée par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pièce")
        verbose_name_plural = _("pièces")
        ordering = ["mission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "number"], name="unique_document_number"),
            models.CheckConstraint(
                name="party_producer_names_the_party",
                condition=(Q(producer=Producer.PARTY) & Q(producer_party__isnull=False))
                | (~Q(producer=Producer.PARTY) & Q(producer_party__isnull=True)),
            ),
            models.CheckConstraint(
                name="medical_document_is_about_someone",
                condition=Q(is_medical=False) | Q(about__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Pièce n° %(number)s — %(title)s") % {"number": self.number, "title": self.title}

    @property
    def producer_label(self) -> str:
        if self.producer == Producer.PARTY and self.producer_party_id:
            return self.producer_party.name
        return self.get_producer_display()
