from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Role, User
from cases.choices import PartyRole, RepresentativeKind
from cases.models import Mission, Party, Representative


@transaction.atomic
def party_create(
    *,
    mission: Mission,
    name: str,
    role: str,
    is_victim: bool = False,
    is_insurer: bool = False,
    opposable: bool = True,
    account: User | None = None,
) -> Party:
    if account is not None and account.role != Role.PARTY:
        raise ValidationError({"account": f"Le compte {account.username} n'est pas un compte de partie."})
    party = Party(
        mission=mission,
        name=name.strip(),
        role=PartyRole(role),
        is_victim=is_victim,
        is_insurer=is_insurer,
        opposable=opposable,
        account=account,
    )
    party.full_clean()
    party.save()
    return party


@transaction.atomic
def representative_add(*, party: Party, user: User, kind: str) -> Representative:
    kind = RepresentativeKind(kind)
    if user.role != kind.value:
        raise ValidationError({"user": f"{user} n'a pas un compte de {kind.label.lower()}."})
    if party.mission.assignments.filter(expert=user).exists():
        raise ValidationError({"user": f"{user} est expert dans cette mission et ne peut y représenter une partie."})
    if Representative.objects.filter(party=party, user=user, kind=kind).exists():
        raise ValidationError({"user": f"{user} représente déjà {party} à ce titre."})
    representative = Representative(party=party, user=user, kind=kind)
    representative.full_clean()
    representative.save()
    return representative
