from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.uploads import refusal

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def strip_number(line: str) -> str:
    """'1/ Examiner la victime.' or '2. Dire si...' -> the question alone."""
    head, sep, rest = line.partition(" ")
    if sep and head.rstrip("/.)-°").isdigit():
        return rest.strip()
    return line


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            return []
        return [self._clean_one(item, initial) for item in items]

    def _clean_one(self, item, initial):
        try:
            return super().clean(item, initial)
        except ValidationError as exc:
            if getattr(item, "name", None) and any(e.code == "empty" for e in exc.error_list):
                raise refusal(item.name, _("le fichier est vide.")) from None
            raise


def piece_label(document) -> str:
    """A medical piece the user may not open is named by its number and date only (rule 8)."""
    if getattr(document, "openable", False):
        return _("n° %(number)s — %(title)s") % {"number": document.number, "title": document.title}
    if document.date:
        return _("n° %(number)s du %(date)s — pièce médicale") % {
            "number": document.number,
            "date": f"{document.date:%d/%m/%Y}",
        }
    return _("n° %(number)s — pièce médicale") % {"number": document.number}
