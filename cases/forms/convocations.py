from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import countries
from cases.choices import (
    DeliveryMethod,
)
from cases.forms.common import DATE
from cases.validators import validate_single_line


class ConvocationForm(forms.Form):
    meeting_at = forms.DateTimeField(
        label=_("Date et heure de la réunion"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label=_("Lieu"), max_length=255, validators=[validate_single_line])
    agenda = forms.CharField(
        label=_("Objet"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        initial=_("Examen clinique de la victime, puis discussion contradictoire."),
    )
    method = forms.ChoiceField(label=_("Mode d'envoi"), choices=DeliveryMethod.choices, initial=DeliveryMethod.LRAR)

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The time is read in the court's zone, activated by the mission page (DOMAIN.md §11).
        self.fields["meeting_at"].help_text = gettext("Heure locale de la juridiction (%(zone)s).") % {
            "zone": countries.zone(country).key
        }


class RecipientForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("N° de recommandé"), max_length=50, required=False, validators=[validate_single_line]
    )
    sent_on = forms.DateField(label=_("Envoyée le"), widget=DATE, required=False)
    receipt_on = forms.DateField(label=_("AR reçu le"), widget=DATE, required=False)
    attended = forms.NullBooleanField(
        label=_("Présent"),
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", _("Oui")), ("false", _("Non"))]),
    )
