from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases import countries
from cases.choices import PartyRole, RepresentativeKind
from cases.validators import validate_multiline_text, validate_single_line


class Sex(models.TextChoices):
    FEMALE = "F", _("féminin")
    MALE = "M", _("masculin")


class WorkerStatus(models.TextChoices):
    """The victim's situation at work when the event happened (DOMAIN.md §9: the rules of the
    professional heads depend on it; Tunisian professional prejudice needs a declared worker)."""

    EMPLOYEE = "employee", _("Salarié")
    SELF_EMPLOYED = "self_employed", _("Travailleur indépendant")
    CIVIL_SERVANT = "civil_servant", _("Fonctionnaire")
    UNEMPLOYED = "unemployed", _("Sans emploi")
    STUDENT = "student", _("Étudiant ou élève")
    RETIRED = "retired", _("Retraité")
    CHILD = "child", _("Enfant")
    OTHER = "other", _("Autre situation")


def age_on(born_on: date, day: date) -> int:
    """Whole years from the birth to the day (a birthday counts from its day)."""
    return day.year - born_on.year - ((day.month, day.day) < (born_on.month, born_on.day))


def months_on(born_on: date, day: date) -> int:
    """Whole months from the birth to the day, for a victim younger than one year."""
    return (day.year - born_on.year) * 12 + day.month - born_on.month - (day.day < born_on.day)


class Party(models.Model):
    """A party to the case: the victim, a defendant, an insurer, an intervenant."""

    mission = models.ForeignKey("cases.Mission", on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("nom"), max_length=200, validators=[validate_single_line])
    role = models.CharField(_("qualité"), max_length=20, choices=PartyRole.choices)
    is_victim = models.BooleanField(_("victime (personne examinée)"), default=False)
    is_insurer = models.BooleanField(_("assureur"), default=False)
    opposable = models.BooleanField(
        _("expertise opposable"),
        default=True,
        help_text=_("Décochez pour un tiers qui assiste aux opérations sans avoir été assigné."),
    )
    # DOMAIN.md §8 (CPCC): in Tunisia, the State or another public body among the parties calls for
    # three experts, unless the parties agree to one (Mission.three_experts_missing).
    public_body = models.BooleanField(
        _("État ou autre personne publique"),
        default=False,
        help_text=_("En Tunisie, l'expertise est alors faite par trois experts, sauf accord des parties sur un seul."),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte de la partie"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_seats",
    )
    # The person (DOMAIN.md §9, "the victim and the event"): what the report's identification says
    # of the victim and what the rules depend on. Personal data: shown to the experts and to the
    # party's own side only (cases.views.parties), printed in the report for the victim only.
    born_on = models.DateField(_("date de naissance"), null=True, blank=True)
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices, blank=True)
    occupation = models.CharField(_("profession"), max_length=200, blank=True, validators=[validate_single_line])
    worker_status = models.CharField(
        _("situation professionnelle"), max_length=20, choices=WorkerStatus.choices, blank=True
    )
    address = models.TextField(_("adresse"), blank=True, validators=[validate_multiline_text])
    # An address to write to the party as a person (letters, copies): not an account, which is
    # seated by `account` (cases.services.parties.seat_by_email).
    email = models.EmailField(_("adresse e-mail de correspondance"), blank=True, validators=[validate_single_line])

    class Meta:
        verbose_name = _("partie")
        verbose_name_plural = _("parties")
        ordering = ["mission", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.born_on is None or self.mission_id is None:
            return
        if self.born_on > countries.today(self.mission):
            raise ValidationError({"born_on": _("La date de naissance ne peut être dans le futur.")})
        event_date = self.mission.event_date
        # The victim was born by the day of the event (an injury at birth: that very day). Another
        # party may be born after it: an heir claiming his own prejudice.
        if self.is_victim and event_date is not None and self.born_on > event_date:
            raise ValidationError(
                {
                    "born_on": _("La victime ne peut être née après les faits (%(day)s).")
                    % {"day": f"{event_date:%d/%m/%Y}"}
                }
            )


class Representative(models.Model):
    """A party's avocat or médecin-conseil, in this mission only."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="representations")
    kind = models.CharField(_("qualité"), max_length=20, choices=RepresentativeKind.choices)

    class Meta:
        verbose_name = _("représentant")
        verbose_name_plural = _("représentants")
        ordering = ["party", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["party", "user", "kind"], name="unique_representative")]

    def __str__(self) -> str:
        return _("%(user)s (%(kind)s de %(party)s)") % {
            "user": self.user,
            "kind": self.get_kind_display(),
            "party": self.party,
        }
