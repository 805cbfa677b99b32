"""The access log of a mission (secret rule 9) and the contradictoire panel.

The log is read by the mission's experts and the patient's side. They see who (his name and his
quality in the mission), which piece (its title only where the reader may read it himself), when,
the decision and why, in French. Login names and IP addresses are not shown here: the addresses
are for the administrators, in the Django admin.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from accounts.models import Role
from cases import access, selectors
from cases.choices import ExpertRole, RepresentativeKind
from cases.csv_export import csv_response
from cases.forms import (
    AccessLogFilterForm,
)
from cases.models import ExpertAssignment, Mission, Party, Representative
from cases.views.common import mission_page, safe_name

ACTIONS = {access.Action.VIEW: _("consultation"), access.Action.DOWNLOAD: _("ouverture")}
EXPERT_QUALITIES = {
    ExpertRole.EXPERT: _("expert"),
    ExpertRole.CO_EXPERT: _("co-expert"),
    ExpertRole.SAPITEUR: _("sapiteur"),
}
COURT_QUALITIES = {Role.CLERK: _("greffier"), Role.JUDGE: _("juge")}
SECRET_TITLE = _("pièce médicale — secret médical")
HIDDEN_TITLE = _("pièce non communiquée")
CSV_HEADER = [
    _("date"),
    _("utilisateur"),
    _("qualité dans la mission"),
    _("pièce n°"),
    _("pièce"),
    _("action"),
    _("décision"),
    _("motif"),
    _("explication"),
]


@dataclass(frozen=True)
class LogEntry:
    """One row of the log as its reader may see it."""

    at: datetime
    who: str
    quality: str
    number: int
    title: str
    openable: bool
    action: str
    allowed: bool
    label: str
    reason: str

    @property
    def decision(self) -> str:
        return str(_("autorisé") if self.allowed else _("refusé"))

    def as_csv(self) -> list:
        at = timezone.localtime(self.at).strftime("%d/%m/%Y %H:%M:%S")
        return [
            at,
            self.who,
            self.quality,
            self.number,
            self.title,
            self.action,
            self.decision,
            self.label,
            self.reason,
        ]


def mission_qualities(mission: Mission) -> dict[int, list[str]]:
    """Each user's qualities in the mission, by user id, in three queries whatever the log's size:
    expert, co-expert or sapiteur; avocat or médecin-conseil of a party; a party itself."""
    qualities: dict[int, list[str]] = {}
    for user_id, role in ExpertAssignment.objects.filter(mission=mission).values_list("expert_id", "role"):
        qualities.setdefault(user_id, []).append(str(EXPERT_QUALITIES.get(role, _("expert"))))
    for user_id, kind, party in (
        Representative.objects.filter(party__mission=mission)
        .order_by("party_id", "kind")
        .values_list("user_id", "kind", "party__name")
    ):
        if kind == RepresentativeKind.AVOCAT:
            quality = _("avocat de %(party)s") % {"party": party}
        else:
            quality = _("médecin-conseil de %(party)s") % {"party": party}
        qualities.setdefault(user_id, []).append(quality)
    for user_id, party in Party.objects.filter(mission=mission, account__isnull=False).values_list(
        "account_id", "name"
    ):
        qualities.setdefault(user_id, []).append(_("la partie %(party)s") % {"party": party})
    return qualities


def _who(row, mission: Mission, qualities: dict[int, list[str]]) -> tuple[str, str]:
    user = row.user
    if user is None:
        return str(_("utilisateur non identifié")), ""
    seats = list(qualities.get(user.pk, []))
    if user.role in COURT_QUALITIES and user.court_id is not None and user.court_id == mission.court_id:
        seats.append(str(COURT_QUALITIES[user.role]))
    quality = ", ".join(seats) if seats else str(_("sans qualité actuelle dans la mission"))
    return user.display_name, quality


def _hidden_title(document) -> str:
    return SECRET_TITLE if document.is_medical else HIDDEN_TITLE


def _rule(code: str, country=None) -> tuple[str, str]:
    try:
        rule = access.Rule(code)
    except ValueError:  # a rule since renamed: say so in French, with its code
        return _("règle « %(code)s »") % {"code": code}, ""
    return str(access.LABELS.get(rule, code)), access.reason_for(rule, country) if rule in access.REASONS else ""


def log_entries(rows: Iterable, mission: Mission, qualities: dict[int, list[str]]) -> Iterator[LogEntry]:
    """The rows of selectors.access_log_for (with `document_openable`) as their reader may see them."""
    for row in rows:
        who, quality = _who(row, mission, qualities)
        document = row.document
        # The title only where the reader may read it himself (rule 8: a title is medical information).
        title = document.title if row.document_openable else _hidden_title(document)
        label, reason = _rule(row.rule, mission)
        yield LogEntry(
            at=row.at,
            who=who,
            quality=quality,
            number=document.number,
            title=str(title),
            openable=row.document_openable,
            action=str(ACTIONS.get(row.action, row.action)),
            allowed=row.allowed,
            label=label,
            reason=reason,
        )


@never_cache
@login_required
def mission_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Rule 9: the log of the mission, for its experts and the patient's side; filterable, CSV."""
    mission, context = mission_page(request, pk, "mission_access_log")
    rows = selectors.access_log_for(request.user, mission, is_expert=context["is_expert"])
    filters = AccessLogFilterForm(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["username"]:
            # By the name shown, never by login name: the log does not reveal who logs in as what.
            name = data["username"]
            rows = rows.filter(
                Q(user__name__icontains=name) | Q(user__first_name__icontains=name) | Q(user__last_name__icontains=name)
            )
        if data["number"]:
            rows = rows.filter(document__number=data["number"])
        if data["allowed"] in ("1", "0"):
            rows = rows.filter(allowed=data["allowed"] == "1")
        if data["since"]:
            rows = rows.filter(at__date__gte=data["since"])
        if data["until"]:
            rows = rows.filter(at__date__lte=data["until"])
    qualities = mission_qualities(mission)
    if request.GET.get("format") == "csv":
        entries = log_entries(rows.iterator(), mission, qualities)
        return csv_response(
            f"journal-acces-RG-{safe_name(mission.rg)}.csv", CSV_HEADER, (entry.as_csv() for entry in entries)
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        page=page,
        entries=list(log_entries(page, mission, qualities)),
        filters=filters,
        query=query.urlencode(),
    )
    return render(request, "cases/mission_access_log.html", context)


@never_cache
@login_required
def mission_contradictoire(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_contradictoire")
    rows = selectors.contradictoire(request.user, mission)
    context.update(rows=rows, warnings=[r for r in rows if r.missing])
    return render(request, "cases/mission_contradictoire.html", context)
