from decimal import Decimal

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html

from reports import builder
from reports.scales import fmt

register = template.Library()


@register.filter(expects_localtime=True)
def long_date(value) -> str:
    """ "1er novembre 2026" in French; the long date of the active language otherwise."""
    return builder.long_date(value)


@register.filter
def percent(value) -> str:
    """71.20 → "71,2" (a French decimal, without trailing zeros)."""
    if value in (None, ""):
        return ""
    return fmt(Decimal(value))


@register.filter(needs_autoescape=True)
def paragraphs(value: str, autoescape: bool = True) -> str:
    """The user's text in paragraphs (escaped), or a dash when there is none."""
    if not (value or "").strip():
        return format_html("<p>{}</p>", "—")
    return linebreaks_filter(value, autoescape=autoescape)
