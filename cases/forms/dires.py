from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cases.forms.common import DATE
from cases.models import Mission, Party
from cases.validators import validate_dire_answer, validate_dire_text, validate_multiline_text


class DireForm(forms.Form):
    party = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("Partie"))
    filed_by = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Avocat"), required=False)
    received_on = forms.DateField(label=_("Reçu le"), widget=DATE)
    text = forms.CharField(
        label=_("Observations"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        validators=[validate_dire_text],  # DIRE_MAX_CHARS, read at each validation
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = mission.parties.all()
        self.fields["filed_by"].queryset = User.objects.filter(
            representations__party__mission=mission, role=Role.AVOCAT
        ).distinct()


class DireAnswerForm(forms.Form):
    """The experts' answer to a dire, and its correction until the deposit (CPC art. 276)."""

    answer = forms.CharField(
        label=_("Réponse de l'expert"), widget=forms.Textarea(attrs={"rows": 3}), validators=[validate_dire_answer]
    )
    answered_on = forms.DateField(label=_("Répondu le"), widget=DATE, required=False)
    reason = forms.CharField(
        label=_("Motif de la correction"), required=False, max_length=500, validators=[validate_multiline_text]
    )


class OwnDireForm(forms.Form):
    """A dire written by a party's avocat (filed) or médecin-conseil (a draft for the avocat)."""

    party = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("Au nom de"))
    text = forms.CharField(
        label=_("Observations"), widget=forms.Textarea(attrs={"rows": 6}), validators=[validate_dire_text]
    )

    def __init__(self, *args, parties: list[Party], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(pk__in=[p.pk for p in parties])
        if len(parties) == 1:
            self.fields["party"].initial = parties[0].pk
