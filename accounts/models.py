import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EXPERT = "expert", _("Expert judiciaire")
    CLERK = "clerk", _("Greffier")
    JUDGE = "judge", _("Juge")
    AVOCAT = "avocat", _("Avocat")
    MEDECIN_CONSEIL = "medecin_conseil", _("Médecin-conseil")
    PARTY = "party", _("Partie")


class Language(models.TextChoices):
    """The languages of the interface (settings.LANGUAGES); French is the source and the default."""

    FRENCH = "fr", "Français"
    ARABIC = "ar", "العربية"


COURT_ROLES = (Role.CLERK, Role.JUDGE)
# The roles of the people seated for a party: its own account, its avocat, its médecin-conseil.
SEAT_ROLES = (Role.PARTY, Role.AVOCAT, Role.MEDECIN_CONSEIL)


class User(AbstractUser):
    """A person who logs in. The role is the user's profession; what he may do in a given
    mission depends on his place in that mission (expert, a party's avocat, ...)."""

    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    name = models.CharField(_("nom affiché"), max_length=200, blank=True)
    court = models.ForeignKey(
        "cases.Court",
        verbose_name=_("juridiction"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("Pour les greffiers et les juges : la juridiction dont ils suivent les missions."),
    )
    language = models.CharField(
        _("langue de l'interface"),
        max_length=8,
        choices=Language.choices,
        default=Language.FRENCH,
        help_text=_("La langue des pages, choisie par l'utilisateur ; elle l'emporte sur celle du navigateur."),
    )

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.CheckConstraint(
                name="court_staff_have_a_court",
                condition=~models.Q(role__in=COURT_ROLES) | models.Q(court__isnull=False),
            ),
            # An e-mail address names one person: experts seat people by it (invitations).
            models.UniqueConstraint(
                Lower("email"),
                name="unique_active_email",
                condition=models.Q(is_active=True) & ~models.Q(email=""),
                violation_error_code="email_taken",
                violation_error_message=_("Un compte actif utilise déjà cette adresse e-mail."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.role in COURT_ROLES and self.court_id is None:
            raise ValidationError({"court": _("Un greffier ou un juge doit être rattaché à une juridiction.")})
        if self.role not in COURT_ROLES and self.court_id is not None:
            raise ValidationError({"court": _("Seuls les greffiers et les juges sont rattachés à une juridiction.")})

    @property
    def is_expert(self) -> bool:
        return self.role == Role.EXPERT

    @property
    def is_court_staff(self) -> bool:
        return self.role in COURT_ROLES


# Who must log in with two factors (PGSSI-S: remote access to health data): everyone who may open
# another person's medical document (experts, médecins-conseils, court staff, avocats, who open
# their client's whole file); staff too. A party is offered it and, once enabled, must use it.
TWO_FACTOR_ROLES = (Role.EXPERT, Role.MEDECIN_CONSEIL, Role.CLERK, Role.JUDGE, Role.AVOCAT)


def needs_two_factors(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.role in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser:
        return True
    return has_two_factors(user)  # chosen by the user himself: required at his next logins


def has_two_factors(user) -> bool:
    """Whether the user has a confirmed authenticator (or recovery codes)."""
    from django_otp import devices_for_user

    return any(devices_for_user(user, confirmed=True))


# --- Invitations ------------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_lifetime():
    from datetime import timedelta

    return timedelta(days=getattr(settings, "INVITATION_VALID_DAYS", 14))


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """A seat offered by e-mail to someone who has no account yet: a party's own account, or
    a party's avocat or médecin-conseil. The link carries a random token, single-use; only its
    digest is stored. Accepting it creates the account with this e-mail and role and takes the
    seat, under the same rules as seating an existing account."""

    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=20, choices=[(r.value, r.label) for r in SEAT_ROLES])
    mission = models.ForeignKey(
        "cases.Mission", verbose_name=_("mission"), on_delete=models.CASCADE, related_name="invitations"
    )
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("partie"),
        on_delete=models.CASCADE,
        related_name="invitations",
        help_text=_("La partie pour laquelle l'invité siégera (son compte, son avocat ou son médecin-conseil)."),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité par"),
        on_delete=models.PROTECT,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte créé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(Lower("email"), name="invitation_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_role_display()})"

    def clean(self) -> None:
        super().clean()
        if self.party_id is not None and self.mission_id is not None and self.party.mission_id != self.mission_id:
            raise ValidationError({"party": _("La partie n'appartient pas à cette mission.")})

    @property
    def is_used(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_pending(self) -> bool:
        return not (self.is_used or self.is_cancelled or self.is_expired)
