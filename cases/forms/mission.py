from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import countries
from cases.choices import (
    Framework,
    MissionKind,
)
from cases.forms.common import DATE, strip_number
from cases.forms.money import MoneyField, check_unit
from cases.models import Court, Mission, Party
from cases.validators import validate_single_line


class MissionCreateForm(forms.Form):
    court = forms.ModelChoiceField(queryset=Court.objects.all(), label="Juridiction")
    rg = forms.CharField(label="Numéro RG", max_length=50, validators=[validate_single_line])
    title = forms.CharField(
        label="Intitulé de l'affaire",
        max_length=255,
        help_text="Par exemple : Dupont c/ Atlas Assurances",
        validators=[validate_single_line],
    )
    framework = forms.ChoiceField(label="Cadre", choices=Framework.choices)
    kind = forms.ChoiceField(label="Type de mission", choices=MissionKind.choices, initial=MissionKind.INITIAL)
    ordered_on = forms.DateField(label="Date de la décision", widget=DATE)
    judge = forms.CharField(
        label="Juge chargé du contrôle", max_length=200, required=False, validators=[validate_single_line]
    )
    report_due = forms.DateField(label="Date limite de dépôt du rapport", widget=DATE)
    consignation_amount = MoneyField(
        label=gettext_lazy("Montant de la consignation"),
        required=False,
        min_value=0,
        help_text=gettext_lazy("En euros pour une juridiction française, en dinars pour une juridiction tunisienne."),
    )
    consignation_due = forms.DateField(label="À consigner avant le", widget=DATE, required=False)
    questions = forms.CharField(
        label="Questions de la mission",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Une question par ligne, dans l'ordre de la décision. Le modèle proposé selon le cadre "
        "est à adapter au texte exact de la décision.",
    )

    def clean_questions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines()]
        questions = [strip_number(line) for line in lines if line]
        if not questions:
            raise ValidationError("Saisissez au moins une question.")
        return questions

    def clean(self):
        data = super().clean()
        if data.get("ordered_on") and data.get("report_due") and data["report_due"] < data["ordered_on"]:
            self.add_error("report_due", "La date de dépôt ne peut précéder la date de la décision.")
        if data.get("consignation_amount") and not data.get("consignation_due"):
            self.add_error("consignation_due", "Indiquez la date limite de la consignation.")
        if data.get("consignation_amount") and data.get("court"):
            try:  # the currency of the court chosen: cents in euros, millimes in dinars
                check_unit(data["consignation_amount"], data["court"])
            except ValidationError as exc:
                self.add_error("consignation_amount", exc)
        return data


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label="RG ou affaire", required=False)
    state = forms.ChoiceField(
        label="Prochaine échéance",
        required=False,
        choices=[
            ("", "Toutes"),
            ("overdue", "Dépassée"),
            ("due_soon", "Proche"),
            ("upcoming", "À venir"),
            ("done", "Aucune en cours"),
        ],
    )
    expert = forms.ChoiceField(label="Expert", required=False)
    this_month = forms.BooleanField(label="Échéance ce mois-ci", required=False)
    sort = forms.ChoiceField(
        label="Trier par",
        required=False,
        choices=[("echeance", "Prochaine échéance"), ("etat", "État"), ("depot", "Date de dépôt"), ("rg", "RG")],
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", "Tous"), *((str(u.pk), u.display_name) for u in experts)]


class ExtensionRequestForm(forms.Form):
    requested_due = forms.DateField(label="Nouvelle date de dépôt demandée", widget=DATE)
    reason = forms.CharField(label="Motifs", widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(forms.Form):
    granted = forms.TypedChoiceField(
        label="Décision du juge", choices=[("1", "Accordée"), ("0", "Refusée")], coerce=lambda v: v == "1"
    )
    new_due = forms.DateField(
        label="Nouvelle date accordée", widget=DATE, required=False, help_text="Par défaut, la date demandée."
    )
    decided_on = forms.DateField(label="Décision du", widget=DATE)


class ConsignationPayForm(forms.Form):
    paid_on = forms.DateField(label="Consignée le", widget=DATE)


class ConsignationComplementForm(forms.Form):
    amount = MoneyField(label=gettext_lazy("Montant du complément"), min_value=0)
    due = forms.DateField(label="À consigner avant le", widget=DATE)
    payer = forms.ModelChoiceField(queryset=Party.objects.none(), label="Partie tenue de consigner", required=False)

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = mission.parties.all()
        self.fields["amount"].set_country(mission)  # the court's currency


class ExpertDatesForm(forms.Form):
    dires_due = forms.DateField(label=gettext_lazy("Date limite des dires"), widget=DATE, required=False)
    fee_requested_on = forms.DateField(label="Demande de rémunération adressée le", widget=DATE, required=False)

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dires_due"].label = _("Date limite des dires (%(law)s)") % {
            "law": countries.cite("dires", country)
        }


class ClerkDatesForm(forms.Form):
    fees_taxed_on = forms.DateField(label="Rémunération taxée le", widget=DATE, required=False)
