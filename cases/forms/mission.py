from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import countries
from cases.choices import (
    Framework,
    MissionKind,
)
from cases.forms.common import DATE, strip_number
from cases.forms.money import MoneyField, check_unit
from cases.models import Court, Mission, Party
from cases.models.mission import DocumentLanguage, language_allowed
from cases.validators import validate_single_line


class MissionCreateForm(forms.Form):
    court = forms.ModelChoiceField(queryset=Court.objects.all(), label=_("Juridiction"))
    rg = forms.CharField(label=_("Numéro RG"), max_length=50, validators=[validate_single_line])
    title = forms.CharField(
        label=_("Intitulé de l'affaire"),
        max_length=255,
        help_text=_("Par exemple : Dupont c/ Atlas Assurances"),
        validators=[validate_single_line],
    )
    framework = forms.ChoiceField(label=_("Cadre"), choices=Framework.choices)
    kind = forms.ChoiceField(label=_("Type de mission"), choices=MissionKind.choices, initial=MissionKind.INITIAL)
    ordered_on = forms.DateField(label=_("Date de la décision"), widget=DATE)
    judge = forms.CharField(
        label=_("Juge chargé du contrôle"), max_length=200, required=False, validators=[validate_single_line]
    )
    report_due = forms.DateField(label=_("Date limite de dépôt du rapport"), widget=DATE)
    consignation_amount = MoneyField(
        label=_("Montant de la consignation"),
        required=False,
        min_value=0,
        help_text=_("En euros pour une juridiction française, en dinars pour une juridiction tunisienne."),
    )
    consignation_due = forms.DateField(label=_("À consigner avant le"), widget=DATE, required=False)
    language = forms.ChoiceField(
        label=_("Langue des documents"),
        choices=DocumentLanguage.choices,
        initial=DocumentLanguage.FRENCH,
        required=False,  # French unless said otherwise
        help_text=_(
            "Lettres de convocation et parties fixes du rapport ; l'arabe pour une juridiction tunisienne seulement."
        ),
    )
    questions = forms.CharField(
        label=_("Questions de la mission"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Une question par ligne, dans l'ordre de la décision. Le modèle proposé selon le cadre "
            "est à adapter au texte exact de la décision."
        ),
    )

    def arabic_courts(self) -> list[int]:
        """The courts whose missions may have their documents in Arabic (the page's script offers
        Arabic for them only)."""
        return [c.pk for c in self.fields["court"].queryset if language_allowed(DocumentLanguage.ARABIC, c)]

    def clean_questions(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines()]
        questions = [strip_number(line) for line in lines if line]
        if not questions:
            raise ValidationError(gettext("Saisissez au moins une question."))
        return questions

    def clean(self):
        data = super().clean()
        if data.get("ordered_on") and data.get("report_due") and data["report_due"] < data["ordered_on"]:
            self.add_error("report_due", gettext("La date de dépôt ne peut précéder la date de la décision."))
        if data.get("consignation_amount") and not data.get("consignation_due"):
            self.add_error("consignation_due", gettext("Indiquez la date limite de la consignation."))
        data["language"] = data.get("language") or DocumentLanguage.FRENCH
        if data.get("court") and not language_allowed(data["language"], data["court"]):
            self.add_error(
                "language", gettext("Les documents en arabe sont réservés aux missions d'une juridiction tunisienne.")
            )
        if data.get("consignation_amount") and data.get("court"):
            try:  # the currency of the court chosen: cents in euros, millimes in dinars
                check_unit(data["consignation_amount"], data["court"])
            except ValidationError as exc:
                self.add_error("consignation_amount", exc)
        return data


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("RG ou affaire"), required=False)
    state = forms.ChoiceField(
        label=_("Prochaine échéance"),
        required=False,
        choices=[
            ("", _("Toutes")),
            ("overdue", _("Dépassée")),
            ("due_soon", _("Proche")),
            ("upcoming", _("À venir")),
            ("done", _("Aucune en cours")),
        ],
    )
    expert = forms.ChoiceField(label=_("Expert"), required=False)
    this_month = forms.BooleanField(label=_("Échéance ce mois-ci"), required=False)
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("echeance", _("Prochaine échéance")),
            ("etat", _("État")),
            ("depot", _("Date de dépôt")),
            ("rg", _("RG")),
        ],
    )

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].choices = [("", gettext("Tous")), *((str(u.pk), u.display_name) for u in experts)]


class ExtensionRequestForm(forms.Form):
    requested_due = forms.DateField(label=_("Nouvelle date de dépôt demandée"), widget=DATE)
    reason = forms.CharField(label=_("Motifs"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(forms.Form):
    granted = forms.TypedChoiceField(
        label=_("Décision du juge"), choices=[("1", _("Accordée")), ("0", _("Refusée"))], coerce=lambda v: v == "1"
    )
    new_due = forms.DateField(
        label=_("Nouvelle date accordée"), widget=DATE, required=False, help_text=_("Par défaut, la date demandée.")
    )
    decided_on = forms.DateField(label=_("Décision du"), widget=DATE)


class ConsignationPayForm(forms.Form):
    paid_on = forms.DateField(label=_("Consignée le"), widget=DATE)


class ConsignationComplementForm(forms.Form):
    amount = MoneyField(label=_("Montant du complément"), min_value=0)
    due = forms.DateField(label=_("À consigner avant le"), widget=DATE)
    payer = forms.ModelChoiceField(queryset=Party.objects.none(), label=_("Partie tenue de consigner"), required=False)

    def __init__(self, *args, mission: Mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = mission.parties.all()
        self.fields["amount"].set_country(mission)  # the court's currency


class ExpertDatesForm(forms.Form):
    dires_due = forms.DateField(label=_("Date limite des dires"), widget=DATE, required=False)
    fee_requested_on = forms.DateField(label=_("Demande de rémunération adressée le"), widget=DATE, required=False)

    def __init__(self, *args, country: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dires_due"].label = gettext("Date limite des dires (%(law)s)") % {
            "law": countries.cite("dires", country)
        }


class ClerkDatesForm(forms.Form):
    fees_taxed_on = forms.DateField(label=_("Rémunération taxée le"), widget=DATE, required=False)


class SingleExpertAgreementForm(forms.Form):
    """DOMAIN.md §8 (CPCC): the date the parties agreed to one expert; empty withdraws it."""

    agreed_on = forms.DateField(label=_("Accord des parties sur un expert unique le"), widget=DATE, required=False)
