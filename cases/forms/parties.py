from django import forms

from accounts.models import Role, User
from cases.choices import (
    PartyRole,
)
from cases.forms.common import user_choice
from cases.models import Mission, Party


class PartyForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=200)
    role = forms.ChoiceField(label="Qualité", choices=PartyRole.choices)
    is_victim = forms.BooleanField(label="Victime (personne examinée)", required=False)
    is_insurer = forms.BooleanField(label="Assureur", required=False)
    opposable = forms.BooleanField(label="Partie à l'instance (expertise opposable)", required=False, initial=True)
    account = user_choice(Role.PARTY, "Compte de la partie (facultatif)", required=False)


class RepresentativeForm(forms.Form):
    party = forms.ModelChoiceField(queryset=Party.objects.none(), label="Partie représentée")
    user = forms.ModelChoiceField(
        queryset=User.objects.filter(role__in=[Role.AVOCAT, Role.MEDECIN_CONSEIL], is_active=True).order_by(
            "role", "name"
        ),
        label="Avocat ou médecin-conseil",
    )

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = mission.parties.all()
        self.fields["user"].label_from_instance = lambda u: f"{u.display_name} — {u.get_role_display()}"
