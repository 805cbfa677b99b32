from django import forms

from cases.choices import (
    GranteeKind,
)
from cases.forms.common import DATE, piece_label
from cases.models import Document, Mission, Party


class ConsentForm(forms.Form):
    patient = forms.ModelChoiceField(queryset=Party.objects.none(), label="Patient")
    grantee = forms.ChoiceField(label="Au profit de", choices=GranteeKind.choices)
    grantee_party = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        label="Partie bénéficiaire",
        required=False,
        help_text="Son médecin-conseil pourra consulter les pièces couvertes.",
    )
    written = forms.BooleanField(label="Consentement écrit", required=False)
    scan = forms.FileField(label="Consentement signé (scan)", required=False)
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        label="Pièces couvertes",
        required=False,
        help_text="Aucune pièce choisie : toutes les pièces médicales du patient.",
    )
    granted_on = forms.DateField(label="Donné le", widget=DATE)

    def __init__(self, *args, mission: Mission, patients, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["grantee_party"].queryset = mission.parties.all()
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = piece_label


class RefusalForm(forms.Form):
    patient = forms.ModelChoiceField(queryset=Party.objects.none(), label="Patient")
    document = forms.ModelChoiceField(queryset=Document.objects.none(), label="Pièce refusée")
    refused_on = forms.DateField(label="Refusé le", widget=DATE)
    note = forms.CharField(label="Observations", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, patients, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = piece_label
