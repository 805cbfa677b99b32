"""The history of a mission (cases.models.Change): what each correction or step changed, written by
the service that makes it, in its transaction. Services call `snapshot` before they change an
object and `record` after; the pages read `for_seat`."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from cases.models import Change, ChangeAction, Mission

LABEL_MAX = 255


def _shown(value: Any) -> str:
    """A value as the pages show it: dates the French way, booleans as words, objects by name."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("oui") if value else gettext("non")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "d/m/Y H:i")
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple):
        return "; ".join(_shown(v) for v in value)
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, str]:
    """The printed values of these fields of an object, keyed by the field's verbose name; a
    foreign key reads its object (one query per key: take it on the object already loaded)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        value = getattr(obj, name)
        if getattr(field, "choices", None) and value not in (None, ""):
            value = getattr(obj, f"get_{name}_display")()
        values[str(field.verbose_name)] = _shown(value)
    return values


def diff(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """{label: [before, after]} for each value that changed."""
    return {key: [before.get(key, ""), after.get(key, "")] for key in after if before.get(key, "") != after[key]}


def record(
    *,
    mission: Mission | int,
    by,
    action: str,
    obj: models.Model | None = None,
    label: str = "",
    changes: dict[str, list[str]] | None = None,
    reason: str = "",
    court_visible: bool = True,
) -> Change | None:
    """Writes one line of the history. A correction that changed nothing writes none.
    `court_visible=False` for whatever touches medical content (a medical piece, a certificate,
    a consent): the experts read it, the court staff do not."""
    if action == ChangeAction.CORRECTED and not changes and not reason:
        return None
    mission_id = mission if isinstance(mission, int) else mission.pk
    return Change.objects.create(
        mission_id=mission_id,
        by=by if getattr(by, "pk", None) else None,
        action=ChangeAction(action),
        subject=obj._meta.model_name if obj is not None else "mission",
        object_id=obj.pk if obj is not None else None,
        label=(label or (str(obj) if obj is not None else ""))[:LABEL_MAX],
        changes=changes or {},
        reason=reason.strip(),
        court_visible=court_visible,
    )


def for_mission(mission: Mission, *, court_staff: bool = False) -> QuerySet[Change]:
    """The history a member reads: all of it for the experts, what is not medical for the court."""
    changes = Change.objects.filter(mission=mission).select_related("by")
    return changes.filter(court_visible=True) if court_staff else changes
