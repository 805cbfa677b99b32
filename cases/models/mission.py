from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from cases.choices import Country, ExpertRole, Framework, MissionKind, MissionStatus
from cases.countries import profile
from cases.validators import validate_multiline_text, validate_single_line


class Court(models.Model):
    """A juridiction: tribunal judiciaire, cour d'appel, tribunal de première instance..."""

    code = models.SlugField("code", max_length=50, unique=True)
    name = models.CharField("nom", max_length=200, validators=[validate_single_line])
    country = models.CharField("pays", max_length=2, choices=Country.choices)

    class Meta:
        verbose_name = "juridiction"
        verbose_name_plural = "juridictions"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def currency(self) -> str:
        return profile(self.country).currency


class Mission(models.Model):
    """An expertise ordered by a court in a case (affaire, identified by its numéro RG)."""

    court = models.ForeignKey(Court, verbose_name="juridiction", on_delete=models.PROTECT, related_name="missions")
    rg = models.CharField("numéro RG", max_length=50, validators=[validate_single_line])
    title = models.CharField("intitulé de l'affaire", max_length=255, validators=[validate_single_line])
    framework = models.CharField("cadre", max_length=40, choices=Framework.choices)
    kind = models.CharField("type de mission", max_length=20, choices=MissionKind.choices, default=MissionKind.INITIAL)
    ordered_on = models.DateField("date de la décision")
    judge = models.CharField("juge chargé du contrôle", max_length=200, blank=True, validators=[validate_single_line])
    report_due = models.DateField("date limite de dépôt du rapport")
    dires_due = models.DateField("date limite des dires", null=True, blank=True)
    deposited_on = models.DateField("rapport déposé le", null=True, blank=True)
    fee_requested_on = models.DateField("demande de rémunération du", null=True, blank=True)
    fees_taxed_on = models.DateField("rémunération taxée le", null=True, blank=True)
    status = models.CharField("état", max_length=20, choices=MissionStatus.choices, default=MissionStatus.DESIGNATED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    class Meta:
        verbose_name = "mission"
        verbose_name_plural = "missions"
        ordering = ["report_due", "id"]
        indexes = [models.Index(fields=["court", "rg"])]

    def __str__(self) -> str:
        return f"RG {self.rg} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cases:mission_detail", args=[self.pk])

    def clean(self) -> None:
        if self.ordered_on and self.report_due and self.report_due < self.ordered_on:
            raise ValidationError(
                {"report_due": "La date de dépôt ne peut précéder la décision qui ordonne l'expertise."}
            )


class MissionQuestion(models.Model):
    """One question of the mission, reproduced verbatim in the report, answered in this order."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("ordre")
    text = models.TextField("question", validators=[validate_multiline_text])

    class Meta:
        verbose_name = "question de la mission"
        verbose_name_plural = "questions de la mission"
        ordering = ["mission", "position"]
        constraints = [models.UniqueConstraint(fields=["mission", "position"], name="unique_question_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class ExpertAssignment(models.Model):
    """A doctor named in a mission: the expert, a co-expert of a college, or a sapiteur."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="expert", on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField("qualité", max_length=20, choices=ExpertRole.choices, default=ExpertRole.EXPERT)
    accepted_on = models.DateField("acceptée le", null=True, blank=True)
    declared_interests = models.TextField("liens d'intérêts déclarés", blank=True, validators=[validate_multiline_text])
    interests_declared_on = models.DateField("déclaration d'intérêts du", null=True, blank=True)

    class Meta:
        verbose_name = "expert désigné"
        verbose_name_plural = "experts désignés"
        constraints = [models.UniqueConstraint(fields=["mission", "expert"], name="unique_expert_per_mission")]

    def __str__(self) -> str:
        return f"{self.expert} ({self.get_role_display()})"


class Consignation(models.Model):
    """The provision on the expert's fees (art. 269 CPC), and its complements (art. 280 CPC)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="consignations")
    amount = models.DecimalField("montant", max_digits=12, decimal_places=3)
    payer = models.ForeignKey(
        "cases.Party",
        verbose_name="partie tenue de consigner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consignations",
    )
    due = models.DateField("à consigner avant le")
    paid_on = models.DateField("consignée le", null=True, blank=True)
    is_complement = models.BooleanField("consignation complémentaire", default=False)

    class Meta:
        verbose_name = "consignation"
        verbose_name_plural = "consignations"
        ordering = ["mission", "due", "id"]

    def __str__(self) -> str:
        return f"{self.amount} avant le {self.due:%d/%m/%Y}"

    def clean(self) -> None:
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": "Le montant doit être positif."})


class Extension(models.Model):
    """A request to extend the report deadline (prorogation) and the judge's decision."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="extensions")
    requested_on = models.DateField("demandée le")
    requested_due = models.DateField("nouvelle date demandée")
    reason = models.TextField("motifs", validators=[validate_multiline_text])
    decided_on = models.DateField("décidée le", null=True, blank=True)
    granted = models.BooleanField("accordée", null=True, blank=True)
    new_due = models.DateField("nouvelle date accordée", null=True, blank=True)

    class Meta:
        verbose_name = "prorogation"
        verbose_name_plural = "prorogations"
        ordering = ["mission", "requested_on", "id"]

    def __str__(self) -> str:
        return f"Prorogation demandée le {self.requested_on:%d/%m/%Y}"

    def clean(self) -> None:
        if self.granted and not self.new_due:
            raise ValidationError({"new_due": "Indiquez la nouvelle date accordée par le juge."})
