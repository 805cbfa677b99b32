"""The courts (juridictions): the list the administrators maintain, with the courts an expert
proposes when one is missing (used at once for his own missions, offered to the others once checked)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Role, User
from cases.choices import Country
from cases.models import Court


def courts_offered(user: User) -> QuerySet[Court]:
    """The courts a user may choose for a mission: the list checked by the administrators, and the
    ones he proposed himself (the others' proposals wait for the check); a clerk or a judge, his own."""
    if user.role in (Role.CLERK, Role.JUDGE):
        return Court.objects.filter(pk=user.court_id)
    return Court.objects.filter(Q(approved=True) | Q(proposed_by=user))


@transaction.atomic
def court_propose(*, by: User, name: str, country: str, address: str = "") -> Court:
    """An expert proposes a court missing from the list: he uses it at once for his own missions;
    the others are offered it once the administrators have checked it (Court.approved)."""
    if by.role != Role.EXPERT:
        raise PermissionDenied(_("Seul un expert propose une juridiction manquante."))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"new_court_name": _("Indiquez le nom de la juridiction.")})
    if country not in Country.values:
        raise ValidationError({"new_court_country": _("Choisissez le pays de la juridiction.")})
    if courts_offered(by).filter(name__iexact=name, country=country).exists():
        raise ValidationError({"new_court_name": _("Cette juridiction figure déjà dans la liste : choisissez-la.")})
    base = (slugify(name) or "juridiction")[:40]
    code, n = base, 1
    while Court.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    court = Court(
        code=code, name=name, country=country, address=(address or "").strip(), approved=False, proposed_by=by
    )
    try:
        court.full_clean()
    except ValidationError as exc:
        raise ValidationError(
            {f"new_court_{k}" if k in ("name", "country", "address") else k: v for k, v in exc.error_dict.items()}
        ) from None
    court.save()
    return court


def check_court(user: User, court: Court, *, current: Court | None = None) -> None:
    """A mission's court: one of the list (checked by the administrators), or one the expert
    proposed himself; a clerk or a judge records missions of his own court only."""
    if current is not None and court.pk == current.pk:
        return
    if user.role in (Role.CLERK, Role.JUDGE):
        if court.pk != user.court_id:
            raise ValidationError({"court": _("Vous enregistrez les missions de votre juridiction seulement.")})
        return
    if not court.approved and court.proposed_by_id != user.pk:
        raise ValidationError({"court": _("Choisissez une juridiction de la liste.")})
