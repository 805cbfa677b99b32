from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    GranteeKind,
)
from cases.forms.common import DATE, piece_label
from cases.models import Document, Mission, Party
from cases.validators import validate_multiline_text


class ConsentForm(forms.Form):
    patient = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("Patient"))
    grantee = forms.ChoiceField(label=_("Au profit de"), choices=GranteeKind.choices)
    grantee_party = forms.ModelChoiceField(
        queryset=Party.objects.none(),
        label=_("Partie bénéficiaire"),
        required=False,
        help_text=_("Son médecin-conseil pourra consulter les pièces couvertes."),
    )
    written = forms.BooleanField(label=_("Consentement écrit"), required=False)
    scan = forms.FileField(
        label=_("Consentement signé (scan)"),
        required=False,
        help_text=_(
            "Obligatoire pour un consentement écrit (toujours écrit au profit d'un assureur), et lorsque "
            "l'expert enregistre pour le patient un consentement au profit d'une partie."
        ),
    )
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        label=_("Pièces couvertes"),
        required=False,
        help_text=_("Aucune pièce choisie : toutes les pièces médicales du patient."),
    )
    granted_on = forms.DateField(label=_("Donné le"), widget=DATE)

    def __init__(self, *args, mission: Mission, patients, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["grantee_party"].queryset = mission.parties.all()
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = piece_label


class RefusalForm(forms.Form):
    patient = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("Patient"))
    document = forms.ModelChoiceField(queryset=Document.objects.none(), label=_("Pièce refusée"))
    refused_on = forms.DateField(label=_("Refusé le"), widget=DATE)
    note = forms.CharField(label=_("Observations"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    scan = forms.FileField(
        label=_("Déclaration signée du patient (scan)"),
        required=False,
        help_text=_("Obligatoire lorsque l'expert enregistre le refus pour le patient."),
    )

    def __init__(self, *args, patients, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = piece_label


class RevokeForm(forms.Form):
    """The patient's withdrawal of a consent; the expert records it on the signed withdrawal."""

    consent = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    scan = forms.FileField(label=_("Retrait signé du patient (scan)"), required=False)


class ConsentEditForm(forms.Form):
    """The correction of a consent as recorded (its date, form and the pieces it covers)."""

    consent = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    granted_on = forms.DateField(label=_("Donné le"), widget=DATE)
    written = forms.BooleanField(label=_("Consentement écrit"), required=False)
    scan = forms.FileField(
        label=_("Consentement signé (scan)"),
        required=False,
        help_text=_("Lorsqu'aucun scan signé n'est encore au dossier."),
    )
    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(),
        label=_("Pièces couvertes"),
        required=False,
        help_text=_("Aucune pièce choisie : toutes les pièces médicales du patient."),
    )
    revoked_on = forms.DateField(label=_("Retiré le"), widget=DATE, required=False)
    reason = forms.CharField(
        label=_("Motif de la correction"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[validate_multiline_text],
        help_text=_("Conservé dans l'historique de la mission, lu des seuls experts."),
    )

    def __init__(self, *args, consent, documents, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "consent": consent.pk,
                "granted_on": consent.granted_on,
                "written": consent.written,
                "documents": [d.pk for d in consent.documents.all()],
                "revoked_on": consent.revoked_on,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents.filter(about_id=consent.patient_id)
        self.fields["documents"].label_from_instance = piece_label
        if consent.revoked_on is None:
            del self.fields["revoked_on"]
        if consent.scan:
            del self.fields["scan"]


class RefusalLiftForm(forms.Form):
    """The patient lifts his refusal; the expert records it on the patient's signed statement."""

    refusal = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    on = forms.DateField(label=_("Levé le"), widget=DATE, required=False)
    scan = forms.FileField(label=_("Levée signée du patient (scan)"), required=False)
