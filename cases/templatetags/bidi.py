"""The direction of a user's text inside a document (DOMAIN.md §11): an Arabic letter or report
quotes names, places and the expert's own text, often French, which keep their own direction.

    {% load bidi %}
    <div dir="{{ r.facts|text_dir }}">{{ r.facts|linebreaks }}</div>
    {{ mission.court.name|isolate }}       <bdi dir="ltr">Tribunal de première instance de Sousse</bdi>

WeasyPrint lays out `dir="ltr"`/`dir="rtl"` but not `dir="auto"`, nor `unicode-bidi`: the direction
is decided here, as HTML's `dir="auto"` would (the first strong character), and written out."""

import unicodedata

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language_bidi, get_language_info

register = template.Library()

RTL_CLASSES = frozenset({"R", "AL"})


def direction(text, fallback: str = "ltr") -> str:
    """ "rtl" when the first strong character of the text is right to left (Arabic, Hebrew), "ltr"
    when it is left to right; `fallback` for a text without any (digits, dates, a dash): "ltr",
    "rtl", or a language code whose direction is taken ("ar")."""
    for char in str(text or ""):
        kind = unicodedata.bidirectional(char)
        if kind in RTL_CLASSES:
            return "rtl"
        if kind == "L":
            return "ltr"
    if fallback in ("ltr", "rtl"):
        return fallback
    try:
        return "rtl" if get_language_info(fallback)["bidi"] else "ltr"
    except KeyError:
        return "ltr"


@register.filter
def text_dir(value, fallback: str = "ltr") -> str:
    return direction(value, fallback)


@register.filter
def isolate(value, fallback: str = "ltr"):
    """The text (escaped) isolated in its own direction, `<bdi dir="ltr">Tribunal de Sousse</bdi>`:
    a French name inside an Arabic sentence (or the reverse) keeps its words and its punctuation in
    order, also as a value of {% blocktranslate %} (the result is safe HTML). A left-to-right text
    in a left-to-right page is left as it is: a French document is laid out as it always was."""
    text_direction = direction(value, fallback)
    if text_direction == "ltr" and not get_language_bidi():
        return conditional_escape(value)
    return format_html('<bdi dir="{}">{}</bdi>', text_direction, value)
