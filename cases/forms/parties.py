"""The Parties tab. People are seated by e-mail address, never chosen from a list: a list of the
platform's accounts would tell every expert who is a victim or an insurer in other courts' cases
(DOMAIN.md §3 rule 1)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from cases.choices import PartyRole
from cases.models import Mission, Party
from cases.models.party import Sex, WorkerStatus
from cases.validators import validate_multiline_text, validate_single_line

EMAIL_ATTRS = {"autocomplete": "off", "spellcheck": "false"}


class PartyForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200, validators=[validate_single_line])
    role = forms.ChoiceField(label=_("Qualité"), choices=PartyRole.choices)
    is_victim = forms.BooleanField(label=_("Victime (personne examinée)"), required=False)
    is_insurer = forms.BooleanField(label=_("Assureur"), required=False)
    opposable = forms.BooleanField(label=_("Partie à l'instance (expertise opposable)"), required=False, initial=True)
    public_body = forms.BooleanField(
        label=_("État ou autre personne publique"),
        required=False,
        help_text=_("En Tunisie, l'expertise est alors faite par trois experts, sauf accord des parties sur un seul."),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail de la partie (facultatif)"),
        required=False,
        widget=forms.EmailInput(attrs=EMAIL_ATTRS),
        help_text=_(
            "Pour que la partie suive la mission elle-même : son compte est rattaché s'il existe, "
            "sinon elle reçoit une invitation à le créer."
        ),
    )
    # The person (DOMAIN.md §9): what the report says of the victim. Seen by the experts and the
    # party's own side only.
    born_on = forms.DateField(
        label=_("Date de naissance"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sex = forms.ChoiceField(label=_("Sexe"), choices=[("", "—"), *Sex.choices], required=False)
    occupation = forms.CharField(
        label=_("Profession"), max_length=200, required=False, validators=[validate_single_line]
    )
    worker_status = forms.ChoiceField(
        label=_("Situation professionnelle"), choices=[("", "—"), *WorkerStatus.choices], required=False
    )
    address = forms.CharField(
        label=_("Adresse"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
    )
    contact_email = forms.EmailField(
        label=_("Adresse e-mail pour écrire à la partie (facultatif)"),
        required=False,
        widget=forms.EmailInput(attrs=EMAIL_ATTRS),
        help_text=_("Pour la correspondance seulement : aucun compte n'est rattaché ni invité."),
    )


def reason_field(*, required: bool = False, label=None, help_text=None) -> forms.CharField:
    """The reason typed for a correction, kept in the mission's history (cases.history)."""
    return forms.CharField(
        label=label or (_("Motif") if required else _("Motif (facultatif)")),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline_text],
        help_text=help_text,
    )


class PartyEditForm(forms.Form):
    """Corrects a party and the person's details (cases.services.parties.party_update)."""

    name = forms.CharField(label=_("Nom"), max_length=200, validators=[validate_single_line])
    role = forms.ChoiceField(label=_("Qualité"), choices=PartyRole.choices)
    is_victim = forms.BooleanField(label=_("Victime (personne examinée)"), required=False)
    is_insurer = forms.BooleanField(label=_("Assureur"), required=False)
    opposable = forms.BooleanField(label=_("Partie à l'instance (expertise opposable)"), required=False)
    public_body = forms.BooleanField(label=_("État ou autre personne publique"), required=False)
    born_on = PartyForm.base_fields["born_on"]
    sex = PartyForm.base_fields["sex"]
    occupation = PartyForm.base_fields["occupation"]
    worker_status = PartyForm.base_fields["worker_status"]
    address = PartyForm.base_fields["address"]
    email = forms.EmailField(
        label=_("Adresse e-mail pour écrire à la partie"),
        required=False,
        widget=forms.EmailInput(attrs=EMAIL_ATTRS),
        help_text=_("Pour la correspondance seulement : le compte de la partie se gère par son siège."),
    )
    reason = reason_field(help_text=_("Conservé dans l'historique de la mission avec les valeurs avant et après."))

    FIELDS = (
        *("name", "role", "is_victim", "is_insurer", "opposable", "public_body"),
        *("born_on", "sex", "occupation", "worker_status", "address", "email"),
    )

    @classmethod
    def for_party(cls, party: Party, data=None) -> "PartyEditForm":
        return cls(
            data,
            prefix=f"edit{party.pk}",
            initial={name: getattr(party, name) for name in cls.FIELDS},
        )


class SeatEndForm(forms.Form):
    """Ends a seat (or withdraws an invitation), with the reason kept in the history."""

    reason = reason_field(help_text=_("Par exemple : siège attribué par erreur."))


class RepresentativeForm(forms.Form):
    party = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("Partie représentée"))
    role = forms.ChoiceField(
        label=_("Qualité"),
        choices=[(Role.AVOCAT.value, Role.AVOCAT.label), (Role.MEDECIN_CONSEIL.value, Role.MEDECIN_CONSEIL.label)],
    )
    email = forms.EmailField(
        label=_("Adresse e-mail de l'avocat ou du médecin-conseil"),
        widget=forms.EmailInput(attrs=EMAIL_ATTRS),
        help_text=_("Son compte est rattaché s'il existe ; sinon il reçoit une invitation à le créer."),
    )
    reason = reason_field(help_text=_("Par exemple : remplace le médecin-conseil désigné par erreur."))

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = mission.parties.all()
