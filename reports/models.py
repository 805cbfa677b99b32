"""The expert's report: its text, the structured assessment (DOMAIN.md §5), one answer per mission
question, and the versions sent out (pre-report) or deposited (final report, complements)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.scales import DEGREE_CHOICES, degree_label

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]

# The seven conditions of imputability (DOMAIN.md §5), in the order the discussion answers them.
IMPUTABILITY = [
    ("imputability_trauma", _("Nature du traumatisme")),
    ("imputability_affection", _("Nature de l'affection")),
    ("imputability_site", _("Concordance de siège")),
    ("imputability_chain", _("Enchaînement anatomo-clinique")),
    ("imputability_time", _("Conditions de délai")),
    ("imputability_new_onset", _("Apparition nouvelle (intégrité antérieure)")),
    ("imputability_foreign_cause", _("Exclusion d'une cause étrangère")),
]


class PriorState(models.TextChoices):
    NONE = "none", _("Aucun état antérieur")
    TRIGGERING = "triggering", _("Révélation (état antérieur latent déclenché)")
    DECOMPENSATION = "decompensation", _("Décompensation")
    AGGRAVATION = "aggravation", _("Aggravation")
    ACCELERATION = "acceleration", _("Accélération de l'évolution")


def _text(label: str) -> models.TextField:
    return models.TextField(label, blank=True)


def _degree(label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(label, null=True, blank=True, choices=DEGREE_CHOICES)


class Report(models.Model):
    """The working copy of a mission's report. `revision` grows at each save: an editor saves only
    over the revision he opened, so that no concurrent edit is silently overwritten."""

    mission = models.OneToOneField("cases.Mission", on_delete=models.CASCADE, related_name="report")
    revision = models.PositiveIntegerField(_("révision"), default=0)

    operations_notes = _text(_("déroulement des opérations (compléments)"))
    facts = _text(_("commémoratifs (les faits)"))
    complaints = _text(_("doléances"))
    prior_state_text = _text(_("antécédents et état antérieur"))
    examination = _text(_("examen clinique"))
    discussion = _text(_("discussion"))

    consolidation_date = models.DateField(_("date de consolidation"), null=True, blank=True)
    ipp_rate = models.DecimalField(
        _("déficit fonctionnel permanent (IPP, %)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    ipp_reasoning = _text(_("raisonnement du taux"))
    suffering = _degree(_("souffrances endurées"))
    aesthetic_temporary = _degree(_("préjudice esthétique temporaire"))
    aesthetic_permanent = _degree(_("préjudice esthétique permanent"))
    agrement = _text(_("préjudice d'agrément (décrit, non chiffré)"))
    professional = _text(_("retentissement professionnel"))
    sexual = _text(_("préjudice sexuel"))
    obstetrical = _text(_("préjudice d'établissement et obstétrical"))
    juvenile = _text(_("préjudice juvénile"))
    third_party_hours = models.DecimalField(
        _("tierce personne (heures par jour)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
    )
    third_party_kind = _text(_("nature de l'aide (tierce personne)"))
    devices = _text(_("appareillages et aménagements"))
    future_care = _text(_("soins futurs"))
    reserves = _text(_("réserves pour l'avenir"))

    imputability_trauma = _text(IMPUTABILITY[0][1])
    imputability_affection = _text(IMPUTABILITY[1][1])
    imputability_site = _text(IMPUTABILITY[2][1])
    imputability_chain = _text(IMPUTABILITY[3][1])
    imputability_time = _text(IMPUTABILITY[4][1])
    imputability_new_onset = _text(IMPUTABILITY[5][1])
    imputability_foreign_cause = _text(IMPUTABILITY[6][1])
    prior_state = models.CharField(_("état antérieur"), max_length=20, choices=PriorState.choices, blank=True)
    prior_state_discussion = _text(_("discussion de l'état antérieur"))

    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapports")

    def __str__(self) -> str:
        return gettext("Rapport — %(mission)s") % {"mission": self.mission}

    @property
    def suffering_label(self) -> str:
        return degree_label(self.suffering)

    @property
    def aesthetic_temporary_label(self) -> str:
        return degree_label(self.aesthetic_temporary)

    @property
    def aesthetic_permanent_label(self) -> str:
        return degree_label(self.aesthetic_permanent)

    def imputability(self) -> list[tuple[str, str]]:
        return [(label, getattr(self, field)) for field, label in IMPUTABILITY]


class IncapacityKind(models.TextChoices):
    TOTAL = "total", _("Incapacité temporaire totale")
    PARTIAL = "partial", _("Incapacité temporaire partielle")


class IncapacityPeriod(models.Model):
    """A period of temporary incapacity (déficit fonctionnel temporaire), total or partial at a rate."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField(_("nature"), max_length=10, choices=IncapacityKind.choices)
    start = models.DateField(_("du"))
    end = models.DateField(_("au"))
    rate = models.DecimalField(_("taux (%)"), max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT)

    class Meta:
        verbose_name = _("période d'incapacité temporaire")
        verbose_name_plural = _("périodes d'incapacité temporaire")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(name="incapacity_period_in_order", condition=models.Q(end__gte=models.F("start"))),
        ]

    def __str__(self) -> str:
        return gettext("%(label)s du %(start)s au %(end)s") % {
            "label": self.label,
            "start": f"{self.start:%d/%m/%Y}",
            "end": f"{self.end:%d/%m/%Y}",
        }

    @property
    def label(self) -> str:
        if self.kind == IncapacityKind.TOTAL:
            return gettext("Totale")
        if self.rate is None:
            return gettext("Partielle")
        return gettext("Partielle à %(rate)s %%") % {"rate": f"{self.rate.normalize():f}".replace(".", ",")}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Answer(models.Model):
    """The conclusion for one mission question: a short answer the judge can read."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("cases.MissionQuestion", on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("réponse"), blank=True)

    class Meta:
        verbose_name = _("réponse à une question")
        verbose_name_plural = _("réponses aux questions")
        constraints = [models.UniqueConstraint(fields=["report", "question"], name="one_answer_per_question")]

    def __str__(self) -> str:
        return gettext("Réponse à la question %(position)s") % {"position": self.question.position}


class VersionKind(models.TextChoices):
    PRE_REPORT = "pre_report", _("Pré-rapport")
    FINAL = "final", _("Rapport définitif")
    COMPLEMENT = "complement", _("Rapport complémentaire")


class ReportVersion(models.Model):
    """A report sent out or deposited, frozen: its PDF bytes and their SHA-256. Never changed
    (on PostgreSQL a trigger refuses updates and deletes); a later change is a new version."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.PROTECT, related_name="report_versions")
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("nature"), max_length=20, choices=VersionKind.choices)
    pdf = models.BinaryField(_("PDF"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("taille (octets)"))
    pages = models.PositiveIntegerField(_("pages"))
    report_revision = models.PositiveIntegerField(_("révision du rapport"))
    dires_due = models.DateField(_("date limite des dires"), null=True, blank=True)
    # A complementary report says what it changes and why; a deposit keeps the warnings its
    # author confirmed having read (reports.guards).
    reason = models.TextField(_("motif"), blank=True)
    confirmed = models.JSONField(_("avertissements confirmés"), default=list, blank=True)
    created_at = models.DateTimeField(_("établi le"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("version du rapport")
        verbose_name_plural = _("versions du rapport")
        ordering = ["mission", "number"]
        constraints = [models.UniqueConstraint(fields=["mission", "number"], name="unique_report_version")]

    def __str__(self) -> str:
        return gettext("%(kind)s n° %(number)s") % {"kind": self.get_kind_display(), "number": self.number}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Une version déposée ou diffusée du rapport ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Une version déposée ou diffusée du rapport ne se supprime pas.")

    @property
    def filename(self) -> str:
        label = {"pre_report": "pre-rapport", "final": "rapport", "complement": "rapport-complementaire"}[self.kind]
        return f"{label}-{self.mission.rg.replace('/', '-')}-v{self.number}.pdf"


class RenderJob(models.Model):
    """A PDF being built in a worker: the page polls its progress and offers the PDF when ready.
    A draft stays here (experts only); a pre-report or a deposit becomes a ReportVersion."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échec")

    class Kind(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PRE_REPORT = "pre_report", _("Pré-rapport")
        FINAL = "final", _("Dépôt du rapport")

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="render_jobs")
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("avancement (%)"), default=0)
    step = models.CharField(_("étape"), max_length=100, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    report_revision = models.PositiveIntegerField(_("révision du rapport"))
    dires_due = models.DateField(_("date limite des dires"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True)
    confirmed = models.JSONField(_("avertissements confirmés"), default=list, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    version = models.OneToOneField(
        ReportVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="render_job"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("génération de PDF")
        verbose_name_plural = _("générations de PDF")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_status_display()}"
