from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import Country, ExpertRole, Framework, MissionKind, MissionStatus
from cases.countries import profile, today
from cases.validators import validate_multiline_text, validate_single_line


class Court(models.Model):
    """A juridiction: tribunal judiciaire, cour d'appel, tribunal de première instance..."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("nom"), max_length=200, validators=[validate_single_line])
    country = models.CharField(_("pays"), max_length=2, choices=Country.choices)
    address = models.TextField(_("adresse"), blank=True, validators=[validate_multiline_text])
    # An expert may propose a court missing from the list: he uses it at once for his own missions,
    # the others see it once the administrators have checked it.
    approved = models.BooleanField(_("vérifiée"), default=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("juridiction")
        verbose_name_plural = _("juridictions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def currency(self) -> str:
        return profile(self.country).currency


class DocumentLanguage(models.TextChoices):
    """The language of a mission's letters and of its report's fixed parts (DOMAIN.md §11): French,
    or Arabic for a Tunisian court (loi 93-64). The expert's own text keeps the language he writes."""

    FRENCH = "fr", _("français")
    ARABIC = "ar", _("arabe")


# The countries whose courts may work in each language of the documents.
LANGUAGE_COUNTRIES = {DocumentLanguage.FRENCH: (Country.FR, Country.TN), DocumentLanguage.ARABIC: (Country.TN,)}
# DOMAIN.md §8: when the State or another public body is a party to a Tunisian case, the expertise
# is made by three experts unless the parties agree to one (CPCC).
THREE_EXPERTS = 3


class Mission(models.Model):
    """An expertise ordered by a court in a case (affaire, identified by its numéro RG)."""

    court = models.ForeignKey(Court, verbose_name=_("juridiction"), on_delete=models.PROTECT, related_name="missions")
    rg = models.CharField(_("numéro RG"), max_length=50, validators=[validate_single_line])
    title = models.CharField(_("intitulé de l'affaire"), max_length=255, validators=[validate_single_line])
    framework = models.CharField(_("cadre"), max_length=40, choices=Framework.choices)
    kind = models.CharField(
        _("type de mission"), max_length=20, choices=MissionKind.choices, default=MissionKind.INITIAL
    )
    ordered_on = models.DateField(_("date de la décision"))
    judge = models.CharField(
        _("juge chargé du contrôle"), max_length=200, blank=True, validators=[validate_single_line]
    )
    report_due = models.DateField(_("date limite de dépôt du rapport"))
    dires_due = models.DateField(_("date limite des dires"), null=True, blank=True)
    deposited_on = models.DateField(_("rapport déposé le"), null=True, blank=True)
    fee_requested_on = models.DateField(_("demande de rémunération du"), null=True, blank=True)
    fees_taxed_on = models.DateField(_("rémunération taxée le"), null=True, blank=True)
    status = models.CharField(_("état"), max_length=20, choices=MissionStatus.choices, default=MissionStatus.DESIGNATED)
    language = models.CharField(
        _("langue des documents"),
        max_length=2,
        choices=DocumentLanguage.choices,
        default=DocumentLanguage.FRENCH,
        help_text=_(
            "La langue des lettres de convocation et des parties fixes du rapport ; l'arabe pour une "
            "juridiction tunisienne seulement."
        ),
    )
    single_expert_agreed_on = models.DateField(
        _("accord des parties sur un expert unique le"),
        null=True,
        blank=True,
        help_text=_(
            "Une personne publique partie à une affaire tunisienne : l'expertise est faite par trois experts, "
            "à moins que les parties ne consentent qu'il y soit procédé par un seul."
        ),
    )
    # The event the mission is about (DOMAIN.md §9): the accident, the act of care, the fall. The
    # experts record it (cases.services.missions.mission_event_set); every member of the mission
    # reads it, and the report's identification prints it.
    event_date = models.DateField(_("date des faits"), null=True, blank=True)
    event_place = models.CharField(_("lieu des faits"), max_length=255, blank=True, validators=[validate_single_line])
    event_circumstances = models.TextField(
        _("circonstances des faits"), blank=True, validators=[validate_multiline_text]
    )
    # The earlier mission of the same case (a complement, an aggravation, a counter-expertise).
    previous = models.ForeignKey(
        "self",
        verbose_name=_("mission précédente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="following",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["report_due", "id"]
        indexes = [models.Index(fields=["court", "rg"])]

    def __str__(self) -> str:
        return f"RG {self.rg} — {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cases:mission_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.ordered_on and self.report_due and self.report_due < self.ordered_on:
            errors["report_due"] = _("La date de dépôt ne peut précéder la décision qui ordonne l'expertise.")
        if (
            self.court_id
            and self.language == DocumentLanguage.ARABIC
            and not language_allowed(self.language, self.court)
        ):
            errors["language"] = _("Les documents en arabe sont réservés aux missions d'une juridiction tunisienne.")
        if self.event_date and self.court_id and self.event_date > today(self.court.country):
            errors["event_date"] = _("La date des faits ne peut être dans le futur.")
        if errors:
            raise ValidationError(errors)

    @property
    def document_language(self) -> str:
        """The language code its letters and its report's fixed parts are rendered in."""
        return self.language or DocumentLanguage.FRENCH

    @property
    def has_event(self) -> bool:
        return bool(self.event_date or self.event_place or self.event_circumstances)

    @property
    def is_rtl(self) -> bool:
        return self.document_language == DocumentLanguage.ARABIC

    def seated_experts(self) -> int:
        """The experts who make the expertise: the lead expert and the co-experts (not a sapiteur)."""
        return self.assignments.filter(role__in=(ExpertRole.EXPERT, ExpertRole.CO_EXPERT)).count()

    def three_experts_missing(self) -> bool:
        """DOMAIN.md §8 (CPCC): a Tunisian mission with the State or another public body among its
        parties, fewer than three experts seated, and no agreement of the parties on one expert."""
        if self.single_expert_agreed_on is not None or self.court.country != Country.TN:
            return False
        if not self.parties.filter(public_body=True).exists():
            return False
        return self.seated_experts() < THREE_EXPERTS


def language_allowed(language: str, court: Court) -> bool:
    """Whether a court's missions may have their documents in that language (Arabic: Tunisia)."""
    return court.country in LANGUAGE_COUNTRIES.get(language, ())


class MissionQuestion(models.Model):
    """One question of the mission, reproduced verbatim in the report, answered in this order."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordre"))
    text = models.TextField(_("question"), validators=[validate_multiline_text])

    class Meta:
        verbose_name = _("question de la mission")
        verbose_name_plural = _("questions de la mission")
        ordering = ["mission", "position"]
        constraints = [models.UniqueConstraint(fields=["mission", "position"], name="unique_question_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:60]}"


class ExpertAssignment(models.Model):
    """A doctor named in a mission: the expert, a co-expert of a college, or a sapiteur."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="assignments"
    )
    role = models.CharField(_("qualité"), max_length=20, choices=ExpertRole.choices, default=ExpertRole.EXPERT)
    accepted_on = models.DateField(_("acceptée le"), null=True, blank=True)
    declared_interests = models.TextField(
        _("liens d'intérêts déclarés"), blank=True, validators=[validate_multiline_text]
    )
    interests_declared_on = models.DateField(_("déclaration d'intérêts du"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert désigné")
        verbose_name_plural = _("experts désignés")
        constraints = [models.UniqueConstraint(fields=["mission", "expert"], name="unique_expert_per_mission")]

    def __str__(self) -> str:
        return f"{self.expert} ({self.get_role_display()})"


class Consignation(models.Model):
    """The provision on the expert's fees (art. 269 CPC), and its complements (art. 280 CPC)."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="consignations")
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=3)
    payer = models.ForeignKey(
        "cases.Party",
        verbose_name=_("partie tenue de consigner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consignations",
    )
    due = models.DateField(_("à consigner avant le"))
    paid_on = models.DateField(_("consignée le"), null=True, blank=True)
    is_complement = models.BooleanField(_("consignation complémentaire"), default=False)

    class Meta:
        verbose_name = _("consignation")
        verbose_name_plural = _("consignations")
        ordering = ["mission", "due", "id"]

    def __str__(self) -> str:
        return _("%(amount)s avant le %(due)s") % {"amount": self.amount, "due": f"{self.due:%d/%m/%Y}"}

    def clean(self) -> None:
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("Le montant doit être positif.")})


class Extension(models.Model):
    """A request to extend the report deadline (prorogation) and the judge's decision."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="extensions")
    requested_on = models.DateField(_("demandée le"))
    requested_due = models.DateField(_("nouvelle date demandée"))
    reason = models.TextField(_("motifs"), validators=[validate_multiline_text])
    decided_on = models.DateField(_("décidée le"), null=True, blank=True)
    granted = models.BooleanField(_("accordée"), null=True, blank=True)
    new_due = models.DateField(_("nouvelle date accordée"), null=True, blank=True)

    class Meta:
        verbose_name = _("prorogation")
        verbose_name_plural = _("prorogations")
        ordering = ["mission", "requested_on", "id"]

    def __str__(self) -> str:
        return _("Prorogation demandée le %(day)s") % {"day": f"{self.requested_on:%d/%m/%Y}"}

    def clean(self) -> None:
        if self.granted and not self.new_due:
            raise ValidationError({"new_due": _("Indiquez la nouvelle date accordée par le juge.")})
