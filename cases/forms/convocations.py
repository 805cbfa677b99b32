from django import forms

from cases.choices import (
    DeliveryMethod,
)
from cases.forms.common import DATE


class ConvocationForm(forms.Form):
    meeting_at = forms.DateTimeField(
        label="Date et heure de la réunion", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    place = forms.CharField(label="Lieu", max_length=255)
    agenda = forms.CharField(
        label="Objet",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        initial="Examen clinique de la victime, puis discussion contradictoire.",
    )
    method = forms.ChoiceField(label="Mode d'envoi", choices=DeliveryMethod.choices, initial=DeliveryMethod.LRAR)


class RecipientForm(forms.Form):
    tracking_number = forms.CharField(label="N° de recommandé", max_length=50, required=False)
    sent_on = forms.DateField(label="Envoyée le", widget=DATE, required=False)
    receipt_on = forms.DateField(label="AR reçu le", widget=DATE, required=False)
    attended = forms.NullBooleanField(
        label="Présent",
        required=False,
        widget=forms.Select(choices=[("unknown", "—"), ("true", "Oui"), ("false", "Non")]),
    )
