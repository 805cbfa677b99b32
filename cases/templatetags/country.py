"""The country of the mission's court in templates (DOMAIN.md §11): its law and its money.

    {% load country %}
    {% cite "dires" mission %}          art. 276 CPC / CPCC
    {% cited "dires" mission %}         " (art. 276 CPC)", nothing where the country has no such rule
    {{ amount|money:mission }}          1 200,00 € / 450,000 DT

`mission` may also be a court, a report's data or a country code."""

from django import template

from cases import countries

register = template.Library()


@register.simple_tag
def cite(key: str, mission) -> str:
    return countries.cite(key, mission)


@register.simple_tag
def cited(key: str, mission) -> str:
    return countries.cited(key, mission)


@register.filter
def money(amount, mission) -> str:
    return countries.money(amount, mission)


@register.filter
def court_zone(mission) -> str:
    """The name of the court's time zone ("Africa/Tunis"), to say which time a page shows."""
    return countries.zone(mission).key
