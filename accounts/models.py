from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models


class Role(models.TextChoices):
    EXPERT = "expert", "Expert judiciaire"
    CLERK = "clerk", "Greffier"
    JUDGE = "judge", "Juge"
    AVOCAT = "avocat", "Avocat"
    MEDECIN_CONSEIL = "medecin_conseil", "Médecin-conseil"
    PARTY = "party", "Partie"


COURT_ROLES = (Role.CLERK, Role.JUDGE)


class User(AbstractUser):
    """A person who logs in. The role is the user's profession; what he may do in a given
    mission depends on his place in that mission (expert, a party's avocat, ...)."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    name = models.CharField("nom affiché", max_length=200, blank=True)
    court = models.ForeignKey(
        "cases.Court",
        verbose_name="juridiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="Pour les greffiers et les juges : la juridiction dont ils suivent les missions.",
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        constraints = [
            models.CheckConstraint(
                name="court_staff_have_a_court",
                condition=~models.Q(role__in=COURT_ROLES) | models.Q(court__isnull=False),
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
            raise ValidationError({"court": "Un greffier ou un juge doit être rattaché à une juridiction."})
        if self.role not in COURT_ROLES and self.court_id is not None:
            raise ValidationError({"court": "Seuls les greffiers et les juges sont rattachés à une juridiction."})

    @property
    def is_expert(self) -> bool:
        return self.role == Role.EXPERT

    @property
    def is_court_staff(self) -> bool:
        return self.role in COURT_ROLES


# Who must log in with two factors (PGSSI-S: remote access to health data); staff too.
TWO_FACTOR_ROLES = (Role.EXPERT, Role.MEDECIN_CONSEIL, Role.CLERK, Role.JUDGE)


def needs_two_factors(user) -> bool:
    return user.is_authenticated and (user.role in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser)
