"""The calculators of the seeds, as pure functions over exact decimals.

They propose; the expert decides. Each result comes with the reasoning written out, so that the
discussion of the report can show how the figure was reached. Rates are percents of a whole person.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HUNDRED = Decimal(100)

DEGREES = {
    0: gettext_lazy("nul"),
    1: gettext_lazy("très léger"),
    2: gettext_lazy("léger"),
    3: gettext_lazy("modéré"),
    4: gettext_lazy("moyen"),
    5: gettext_lazy("assez important"),
    6: gettext_lazy("important"),
    7: gettext_lazy("très important"),
}


class ScaleError(ValueError):
    """An input the calculators refuse; the message is for the user, in French."""


@dataclass(frozen=True)
class Result:
    value: Decimal
    reasoning: str


def _rate(value, name: str | None = None) -> Decimal:
    name = name or _("Le taux")
    if isinstance(value, float):
        value = repr(value)
    try:
        rate = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ScaleError(_("%(name)s « %(value)s » n'est pas un nombre.") % {"name": name, "value": value}) from None
    if not rate.is_finite() or rate < 0 or rate > HUNDRED:
        raise ScaleError(
            _("%(name)s doit être compris entre 0 et 100 %% (reçu : %(value)s).") % {"name": name, "value": value}
        )
    return rate


def fmt(value: Decimal) -> str:
    """A percent the French way, without trailing zeros: 71,2 ; 78,57."""
    value = value.quantize(Decimal("0.01")).normalize()
    text = f"{value:f}"
    return text.replace(".", ",")


def balthazard_steps(rates: Iterable) -> Result:
    """Several infirmities: each rate applies to the capacity left by the previous ones, from the
    highest. 60, 20, 10 → 60 + 20 × 40 / 100 + 10 × 32 / 100 = 71,2 (unrounded)."""
    values = sorted((_rate(r) for r in rates), reverse=True)
    if not values:
        raise ScaleError(_("Indiquez au moins un taux."))
    total = Decimal(0)
    terms = []
    for rate in values:
        remaining = HUNDRED - total
        part = rate * remaining / HUNDRED
        terms.append(fmt(rate) if total == 0 else f"{fmt(rate)} × {fmt(remaining)} / 100")
        total += part
    reasoning = _(
        "Règle de Balthazard (infirmités multiples, chaque taux s'appliquant à la capacité restante) : "
        "%(terms)s = %(total)s %%."
    ) % {"terms": " + ".join(terms), "total": fmt(total)}
    return Result(total, reasoning)


def balthazard(rates: Iterable) -> Decimal:
    return balthazard_steps(rates).value


def gabrielli_steps(capacity_before, capacity_after) -> Result:
    """Prior state: the accident's rate = (C1 − C2) / C1 × 100, where C1 is the capacity before the
    accident and C2 the capacity after it (capacity = 100 − incapacity)."""
    c1 = _rate(capacity_before, _("La capacité avant l'accident (C1)"))
    c2 = _rate(capacity_after, _("La capacité après l'accident (C2)"))
    if c1 == 0:
        raise ScaleError(_("La capacité avant l'accident (C1) ne peut être nulle."))
    if c2 > c1:
        raise ScaleError(
            _(
                "La capacité après l'accident (C2) ne peut dépasser la capacité avant l'accident (C1) : "
                "vérifiez l'ordre des valeurs."
            )
        )
    value = (c1 - c2) / c1 * HUNDRED
    reasoning = _(
        "Formule de Gabrielli (état antérieur) : (C1 − C2) / C1 × 100 = (%(c1)s − %(c2)s) / %(c1)s × 100 "
        "= %(value)s %%."
    ) % {"c1": fmt(c1), "c2": fmt(c2), "value": fmt(value)}
    return Result(value, reasoning)


def gabrielli(capacity_before, capacity_after) -> Decimal:
    return gabrielli_steps(capacity_before, capacity_after).value


def _pair(first, second) -> tuple[Decimal, Decimal]:
    a, b = sorted((_rate(first), _rate(second)), reverse=True)
    return a, b


def _at_most_hundred(value: Decimal) -> Decimal:
    if value > HUNDRED:
        raise ScaleError(
            _(
                "Le taux obtenu (%(value)s %%) dépasse 100 %% : la règle de synergie ne convient pas, "
                "proposez un taux global."
            )
            % {"value": fmt(value)}
        )
    return value


def synergy_hands_steps(first, second) -> Result:
    """Work accidents, both hands (prehension needs both): a + b + (a + b) / 10, with a ≥ b."""
    a, b = _pair(first, second)
    value = _at_most_hundred(a + b + (a + b) / 10)
    reasoning = _(
        "Atteinte des deux mains (synergie ajoutée) : a + b + (a + b) / 10 = %(a)s + %(b)s + "
        "%(sum)s / 10 = %(value)s %%."
    ) % {"a": fmt(a), "b": fmt(b), "sum": fmt(a + b), "value": fmt(value)}
    return Result(value, reasoning)


def synergy_hands(first, second) -> Decimal:
    return synergy_hands_steps(first, second).value


def synergy_feet_steps(first, second) -> Result:
    """Work accidents, both feet (walking already counts both limbs): a + b − b / 2, with a ≥ b."""
    a, b = _pair(first, second)
    value = _at_most_hundred(a + b - b / 2)
    reasoning = _(
        "Atteinte des deux pieds (synergie retranchée) : a + b − b / 2 = %(a)s + %(b)s − %(b)s / 2 = %(value)s %%."
    ) % {"a": fmt(a), "b": fmt(b), "value": fmt(value)}
    return Result(value, reasoning)


def synergy_feet(first, second) -> Decimal:
    return synergy_feet_steps(first, second).value


def degree_label(degree: int | None) -> str:
    """The 7-degree scale of souffrances endurées and préjudice esthétique: 3 → "3/7 (modéré)"."""
    if degree is None:
        return _("non évalué")
    if isinstance(degree, bool) or not isinstance(degree, int) or degree not in DEGREES:
        raise ScaleError(_("Le degré doit être un entier de 0 à 7 (reçu : %(degree)s).") % {"degree": degree})
    return f"{degree}/7 ({DEGREES[degree]})"


# Lazy labels: the choices of the report's fields, translated when shown.
DEGREE_CHOICES = [(d, format_lazy("{}/7 ({})", d, label)) for d, label in DEGREES.items()]
