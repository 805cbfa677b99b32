import csv

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from cases import selectors
from cases.forms import (
    AccessLogFilterForm,
)
from cases.views.common import mission_page, safe_name


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
            rows = rows.filter(username__icontains=data["username"])
        if data["number"]:
            rows = rows.filter(document__number=data["number"])
        if data["allowed"] in ("1", "0"):
            rows = rows.filter(allowed=data["allowed"] == "1")
        if data["since"]:
            rows = rows.filter(at__date__gte=data["since"])
        if data["until"]:
            rows = rows.filter(at__date__lte=data["until"])
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"journal-acces-RG-{safe_name(mission.rg)}.csv"
        )
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["date", "utilisateur", "pièce", "action", "autorisé", "règle", "adresse IP"])
        for row in rows.iterator():
            writer.writerow(
                [
                    timezone.localtime(row.at).strftime("%d/%m/%Y %H:%M:%S"),
                    row.username,
                    row.document.number,
                    row.action,
                    "oui" if row.allowed else "non",
                    row.rule,
                    row.ip or "",
                ]
            )
        return response
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, filters=filters, query=query.urlencode())
    return render(request, "cases/mission_access_log.html", context)


@never_cache
@login_required
def mission_contradictoire(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_contradictoire")
    rows = selectors.contradictoire(request.user, mission)
    context.update(rows=rows, warnings=[r for r in rows if r.missing])
    return render(request, "cases/mission_contradictoire.html", context)
