"""Searches that ignore accents and case: "Marechal" finds "Maréchal", "MARÉCHAL" and "maréchal".

One query for both databases: the `unaccented` lookup calls UNACCENT() on the column and on the
searched text (a bilateral transform), then `icontains` ignores the case.
- PostgreSQL: the `unaccent` extension (created by migration cases/0009).
- SQLite: a deterministic Python function of the same name, registered on every new connection
  (`install`, called from CasesConfig.ready), that removes the accents the same way.
"""

import unicodedata

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import CharField, Exists, OuterRef, Q, TextField, Transform

LOOKUP = "unaccented"

# Letters that carry no combining accent but that PostgreSQL's unaccent rules also flatten.
_LETTERS = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
    }
)


def unaccent(text: str | None) -> str | None:
    """The text without its accents (é → e, Ç → C, œ → oe); the case is kept."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(text).translate(_LETTERS))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


class Unaccent(Transform):
    """UNACCENT(expression), applied to both sides of the lookup that follows it."""

    bilateral = True
    lookup_name = LOOKUP
    function = "UNACCENT"


def _register_sqlite_function(sender=None, connection=None, **kwargs) -> None:
    if connection is not None and connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function("unaccent", 1, unaccent, deterministic=True)


def install() -> None:
    """Registers the lookup on text fields and the SQLite function (idempotent)."""
    CharField.register_lookup(Unaccent)
    TextField.register_lookup(Unaccent)
    connection_created.connect(_register_sqlite_function, dispatch_uid="cases.search.unaccent")
    for connection in connections.all(initialized_only=True):  # those opened before ready()
        _register_sqlite_function(connection=connection)


def contains(field: str, text: str) -> Q:
    """`field` contains `text`, whatever the accents and the case."""
    return Q(**{f"{field}__{LOOKUP}__icontains": text})


def mission_search(text: str) -> Q:
    """A mission whose RG, title or one of its parties' names contains `text` (accents and case
    ignored). The parties are matched through EXISTS: a mission is found once."""
    from cases.models import Party

    text = text.strip()
    if not text:
        return Q()
    parties = Party.objects.filter(contains("name", text), mission=OuterRef("pk"))
    return contains("rg", text) | contains("title", text) | Q(Exists(parties))
