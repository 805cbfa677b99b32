"""An amount of money in a form, written as everywhere else in the application (cases.countries.money):
"1 200,00" for a French court, "450,000" for a Tunisian one, the currency in the label. It reads what
a user types with a comma or a dot, spaces or not, and refuses a fraction of the currency's unit
(DOMAIN.md §10: cents in euros, millimes in dinars)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases import countries


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
