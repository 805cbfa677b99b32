"""The history of a mission ("Historique"): every change, newest first, who, when, each value before
and after, and why. The experts read all of it; the court staff what is not medical; the parties'
sides and the sapiteur do not have the tab (cases.actions.Act.HISTORY_READ)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from cases import actions, countries, history
from cases.views.common import mission_page, require

PER_PAGE = 50


@never_cache
@login_required
def mission_history(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_history")
    require(request, context, actions.Act.HISTORY_READ)
    court_staff = context["action_seat"].court_staff
    page = Paginator(history.for_mission(mission, court_staff=court_staff), PER_PAGE).get_page(request.GET.get("page"))
    context.update(page=page, court_staff=court_staff, zone=countries.zone(mission))
    return render(request, "cases/mission_history.html", context)
