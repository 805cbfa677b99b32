"""What users may type, checked where it is typed (forms) and where it is saved (models'
`full_clean`, which the services and the scenario loader call).

- Control characters. A single-line field (an RG number, a title, a name, a place) never holds a
  line break or another control character: an RG typed with CR/LF broke the e-mail headers built
  from it (`BadHeaderError`), and a NUL is refused by PostgreSQL. Multi-line text keeps its line
  breaks and tabulations, never the other C0 characters.
- E-mail subjects are built by `mail_subject`, which no field can break, whatever is already
  stored (data typed before these validators existed, imports).
- Dires are bounded (`DIRE_MAX_CHARS`, read at call time): one avocat's 1.2 MB of dires made the
  draft report take 57 s to render.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy, ngettext

# C0 controls, DEL, C1 controls (NEL, U+0085, is a line break for Python and for some mail
# software), and the Unicode line and paragraph separators.
SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Multi-line text: the C0 controls but TAB, LF and CR (a textarea sends CR LF), and DEL.
MULTILINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CHARACTER_NAMES = {
    "\x00": "NUL",
    "\t": gettext_lazy("tabulation"),
    "\n": gettext_lazy("saut de ligne"),
    "\r": gettext_lazy("retour chariot"),
    "\x0b": gettext_lazy("tabulation verticale"),
    "\x0c": gettext_lazy("saut de page"),
    "\x1b": gettext_lazy("échappement"),
    "\x7f": gettext_lazy("suppression"),
    "\x85": gettext_lazy("ligne suivante"),
    "\u2028": gettext_lazy("séparateur de ligne"),
    "\u2029": gettext_lazy("séparateur de paragraphe"),
}

DEFAULT_DIRE_MAX_CHARS = 20_000


def _describe(char: str) -> str:
    name = CHARACTER_NAMES.get(char)
    code = f"U+{ord(char):04X}"
    return f"{code}, {name}" if name else code


def validate_single_line(value: str) -> None:
    """A single-line field holds no control character (C0, DEL, C1) nor U+2028/U+2029."""
    if not isinstance(value, str):
        return
    found = SINGLE_LINE_FORBIDDEN.search(value)
    if found:
        raise ValidationError(
            gettext(
                "Ce champ tient sur une seule ligne : retirez le caractère de contrôle qu'il contient "
                "(%(character)s), par exemple un saut de ligne collé avec le texte."
            ),
            code="control_character",
            params={"character": _describe(found.group())},
        )


def validate_multiline_text(value: str) -> None:
    """Multi-line text keeps its line breaks and tabulations, never the other C0 controls."""
    if not isinstance(value, str):
        return
    found = MULTILINE_FORBIDDEN.search(value)
    if found:
        raise ValidationError(
            gettext("Ce texte contient un caractère de contrôle invisible (%(character)s) : retirez-le."),
            code="control_character",
            params={"character": _describe(found.group())},
        )


def mail_subject(text: str, *, max_length: int = 200) -> str:
    """An e-mail subject no field can break: every control character and line separator becomes
    a space, runs of blanks are collapsed, the length is bounded. Every send builds its subject
    here (reminders, report versions)."""
    line = " ".join(SINGLE_LINE_FORBIDDEN.sub(" ", str(text)).split())
    if len(line) > max_length:
        line = line[: max_length - 1].rstrip() + "…"
    return line


# --- Dires ----------------------------------------------------------------------------------------


def dire_max_chars() -> int:
    """The longest dire (or answer to a dire) accepted, in characters: the DIRE_MAX_CHARS setting,
    read at call time."""
    return int(getattr(settings, "DIRE_MAX_CHARS", DEFAULT_DIRE_MAX_CHARS))


def text_length(value: str) -> int:
    """Characters as the user typed them: a line break counts once, whether the browser sent
    CR LF or LF."""
    return len(value.replace("\r\n", "\n"))


def _check_length(value: str, message: str) -> None:
    limit = dire_max_chars()
    length = text_length(value or "")
    if length > limit:
        raise ValidationError(message, code="too_long", params={"limit": limit, "length": length})


def validate_dire_text(value: str) -> None:
    """CPC art. 276: written observations, bounded so that the report stays readable and renders
    in a bounded time."""
    limit = dire_max_chars()
    _check_length(
        value,
        ngettext(
            "Un dire ne peut dépasser %(limit)s caractère (celui-ci en compte %(length)s) : "
            "résumez vos observations, ou joignez-les en pièce.",
            "Un dire ne peut dépasser %(limit)s caractères (celui-ci en compte %(length)s) : "
            "résumez vos observations, ou joignez-les en pièce.",
            limit,
        ),
    )
    validate_multiline_text(value)


def validate_dire_answer(value: str) -> None:
    limit = dire_max_chars()
    _check_length(
        value,
        ngettext(
            "La réponse à un dire ne peut dépasser %(limit)s caractère (celle-ci en compte %(length)s).",
            "La réponse à un dire ne peut dépasser %(limit)s caractères (celle-ci en compte %(length)s).",
            limit,
        ),
    )
    validate_multiline_text(value)
