from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cases import countries
from cases.choices import DeliveryMethod
from cases.models import Convocation, ConvocationRecipient, Mission

# The agenda a meeting has unless the expert writes another (the form proposes it in the language
# of the page; the letters say it in the language of the mission's documents).
DEFAULT_AGENDA = gettext_noop("Examen clinique de la victime, puis discussion contradictoire.")


def default_recipients(mission: Mission) -> list[ConvocationRecipient]:
    """Every party, its avocats and its médecins-conseils (the contradictoire; FR CPC art. 160). Their
    capacity is written in the language of the mission's documents: the letters print it."""
    recipients = []
    with translation.override(mission.document_language):
        for party in mission.parties.prefetch_related("representatives__user"):
            recipients.append(
                ConvocationRecipient(
                    party=party, user=party.account, name=party.name, capacity=str(party.get_role_display())
                )
            )
            for rep in party.representatives.all():
                recipients.append(
                    ConvocationRecipient(
                        party=party,
                        user=rep.user,
                        name=rep.user.display_name,
                        capacity=_("%(kind)s de %(party)s") % {"kind": rep.get_kind_display(), "party": party.name},
                    )
                )
    return recipients


def _is_default_agenda(text: str) -> bool:
    """The proposed agenda, as the form offered it in any language of the interface."""
    if text == DEFAULT_AGENDA:
        return True
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if text == _(DEFAULT_AGENDA):
                return True
    return False


@transaction.atomic
def convocation_create(
    *, mission: Mission, meeting_at: datetime, place: str, agenda: str = "", method: str = DeliveryMethod.LRAR
) -> Convocation:
    if not mission.parties.exists():
        raise ValidationError(_("Ajoutez les parties avant de les convoquer."))
    agenda = agenda.strip()
    if not agenda or _is_default_agenda(agenda):
        with translation.override(mission.document_language):
            agenda = _(DEFAULT_AGENDA)
    convocation = Convocation(mission=mission, meeting_at=meeting_at, place=place.strip(), agenda=agenda)
    convocation.full_clean()
    convocation.save()
    recipients = default_recipients(mission)
    for recipient in recipients:
        recipient.mission_convocation = convocation
        recipient.method = DeliveryMethod(method)
    ConvocationRecipient.objects.bulk_create(recipients)
    return convocation


@transaction.atomic
def recipient_update(
    *,
    recipient: ConvocationRecipient,
    tracking_number: str = "",
    sent_on=None,
    receipt_on=None,
    attended: bool | None = None,
) -> ConvocationRecipient:
    """Records the sending (LRAR tracking number), the acknowledgement and the attendance."""
    if receipt_on and not sent_on:
        raise ValidationError({"receipt_on": _("L'accusé de réception suppose un envoi : indiquez la date d'envoi.")})
    if receipt_on and sent_on and receipt_on < sent_on:
        raise ValidationError({"receipt_on": _("L'accusé de réception ne peut précéder l'envoi.")})
    recipient.tracking_number = tracking_number.strip()
    recipient.sent_on = sent_on
    recipient.receipt_on = receipt_on
    recipient.attended = attended
    recipient.full_clean()
    recipient.save(update_fields=["tracking_number", "sent_on", "receipt_on", "attended"])
    return recipient


def convocation_letter_pdf(*, recipient: ConvocationRecipient, expert) -> bytes:
    """The letter for one recipient, in the language of the mission's documents (French; Arabic,
    right to left, for a Tunisian mission in Arabic), with the mentions of the law of the court's
    country (FR CPC art. 160; TN CPCC), its date and the meeting's time at the court (DOMAIN.md
    §11), whoever renders it, wherever and in whichever language his pages are."""
    from django.template.loader import render_to_string

    from reports.rendering import render_pdf

    convocation = recipient.mission_convocation
    mission = convocation.mission
    with countries.court_time(mission), translation.override(mission.document_language):
        html = render_to_string(
            "cases/pdf/convocation.html",
            {
                "recipient": recipient,
                "convocation": convocation,
                "mission": mission,
                "country": countries.country_of(mission),
                "expert": expert,
                "meeting": countries.local(convocation.meeting_at, mission),
                "today": countries.today(mission),
            },
        )
    return render_pdf(html)
