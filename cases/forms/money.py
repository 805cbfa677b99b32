"""An amount of money in a form, written as everywhere else in the application (cases.countries.money):
"1 200,00" for a French court, "450,000" for a Tunisian one, the currency in the label. It reads what
a user types with a comma or a dot, spaces or not, and refuses a fraction of the currency's unit
(DOMAIN.md §10: cents in euros, millimes in dinars).

Below, the forms that correct the provision's entries and the judge's decisions (the Échéances tab,
cases.services.court_entries)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases import countries
from cases.forms.common import DATE
from cases.forms.parties import reason_field


class MoneyInput(forms.TextInput):
    def __init__(self, attrs=None, country: str | None = None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})
        self.country = country

    def format_value(self, value):
        if value in (None, ""):
            return None
        try:
            return countries.money(value, self.country, symbol=False)
        except (ArithmeticError, ValueError):
            return str(value)  # what the user typed, shown back with its error


class MoneyField(forms.DecimalField):
    widget = MoneyInput

    def __init__(self, *, country: str | None = None, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 3)
        super().__init__(**kwargs)
        self.country = None
        if country:
            self.set_country(country)

    def set_country(self, country) -> None:
        """The currency of the court: its symbol after the label, its unit for the check."""
        self.country = countries.country_of(country)
        self.widget.country = self.country
        if self.label:
            self.label = f"{self.label} ({countries.profile(self.country).currency})"

    def to_python(self, value):
        if isinstance(value, str):
            value = countries.parse_amount(value)
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and self.country:
            check_unit(value, self.country)


def check_unit(value: Decimal, country) -> None:
    """No fraction of the currency's unit: 12,345 € is refused, 12,345 DT accepted."""
    p = countries.profile(countries.country_of(country))
    if value != value.quantize(p.quantum):
        raise ValidationError(
            _("Un montant en %(currency)s s'écrit avec %(decimals)s décimales au plus."),
            code="unit",
            params={"currency": p.currency, "decimals": p.decimals},
        )


# --- The clerk's and the judge's entries, corrected (cases.services.court_entries) ------------------


def _reason_field():
    return reason_field(
        required=True,
        label=_("Motif de la correction"),
        help_text=_("Conservé dans l'historique de la mission avec les valeurs avant et après."),
    )


class ConsignationCorrectForm(forms.Form):
    """A provision or its payment recorded by mistake: amount, due date, payer, day of payment."""

    amount = MoneyField(label=_("Montant"), min_value=0)
    due = forms.DateField(label=_("À consigner avant le"), widget=DATE)
    payer = forms.ModelChoiceField(queryset=None, label=_("Partie tenue de consigner"), required=False)
    paid_on = forms.DateField(
        label=_("Consignée le"),
        widget=DATE,
        required=False,
        help_text=_("Laissez vide si le versement a été enregistré par erreur."),
    )

    def __init__(self, *args, mission, consignation, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "amount": consignation.amount,
                "due": consignation.due,
                "payer": consignation.payer_id,
                "paid_on": consignation.paid_on,
            },
        )
        super().__init__(*args, prefix=f"cc{consignation.pk}", **kwargs)
        self.fields["payer"].queryset = mission.parties.all()
        self.fields["amount"].set_country(mission)  # the court's currency
        self.fields["reason"] = _reason_field()


class ExtensionCorrectForm(forms.Form):
    """The judge's decision on an extension, as recorded by mistake: granted or refused, its date,
    the date granted; or no decision at all (recorded on the wrong request)."""

    granted = forms.TypedChoiceField(
        label=_("Décision du juge"),
        choices=[
            ("1", _("Accordée")),
            ("0", _("Refusée")),
            ("", _("Aucune décision (enregistrée par erreur)")),
        ],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    new_due = forms.DateField(
        label=_("Nouvelle date accordée"), widget=DATE, required=False, help_text=_("Par défaut, la date demandée.")
    )
    decided_on = forms.DateField(label=_("Décision du"), widget=DATE, required=False)

    def __init__(self, *args, extension, **kwargs):
        granted = "" if extension.granted is None else ("1" if extension.granted else "0")
        kwargs.setdefault(
            "initial", {"granted": granted, "new_due": extension.new_due, "decided_on": extension.decided_on}
        )
        super().__init__(*args, prefix=f"ec{extension.pk}", **kwargs)
        self.fields["reason"] = _reason_field()
