from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.choices import DeliveryMethod
from cases.models import Convocation, ConvocationRecipient, Mission


def default_recipients(mission: Mission) -> list[ConvocationRecipient]:
    """Every party, its avocats and its médecins-conseils (the contradictoire, art. 160 CPC)."""
    recipients = []
    for party in mission.parties.prefetch_related("representatives__user"):
        recipients.append(
            ConvocationRecipient(party=party, user=party.account, name=party.name, capacity=party.get_role_display())
        )
        for rep in party.representatives.all():
            recipients.append(
                ConvocationRecipient(
                    party=party,
                    user=rep.user,
                    name=rep.user.display_name,
                    capacity=f"{rep.get_kind_display()} de {party.name}",
                )
            )
    return recipients


@transaction.atomic
def convocation_create(
    *, mission: Mission, meeting_at: datetime, place: str, agenda: str = "", method: str = DeliveryMethod.LRAR
) -> Convocation:
    if not mission.parties.exists():
        raise ValidationError("Ajoutez les parties avant de les convoquer.")
    convocation = Convocation(mission=mission, meeting_at=meeting_at, place=place.strip())
    if agenda.strip():
        convocation.agenda = agenda.strip()
    convocation.full_clean()
    convocation.save()
    recipients = default_recipients(mission)
    for recipient in recipients:
        recipient.mission_convocation = convocation
        recipient.method = DeliveryMethod(method)
    ConvocationRecipient.objects.bulk_create(recipients)
    return convocation
