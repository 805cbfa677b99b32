from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import calendar, countries, deadlines, selectors
from cases.models import CalendarFeed, Mission
from cases.services.calendar import calendar_token_renew


@never_cache
@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    if not request.user.is_expert:
        raise PermissionDenied
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        feed = calendar_token_renew(user=request.user)
        messages.success(request, _("Nouvelle adresse d'abonnement créée ; l'ancienne ne fonctionne plus."))
        return redirect("cases:calendar_settings")
    url = request.build_absolute_uri(reverse("cases:calendar_feed", args=[feed.token])) if feed else None
    return render(request, "cases/calendar_settings.html", {"feed_url": url})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed a calendar application subscribes to, behind a secret token (no login)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    missions = selectors.with_deadline_data(
        Mission.objects.filter(assignments__expert=feed.user).exclude(status__in=["declined", "lapsed"])
    )
    events = []
    for mission in missions:
        for conv in mission.convocations.all():
            events.append(
                {
                    "uid": f"meeting-{conv.pk}@expertise",
                    "start": conv.meeting_at,
                    "tzid": countries.zone(mission).key,  # the court's local time (DOMAIN.md §11)
                    "minutes": 180,
                    "summary": _("Réunion d'expertise RG %(rg)s") % {"rg": mission.rg},
                    "location": conv.place,
                }
            )
        for d in deadlines.mission_deadlines(mission, countries.today(mission)):
            if d.state != deadlines.State.DONE:
                events.append(
                    {
                        "uid": f"deadline-{mission.pk}-{d.ref}@expertise",
                        "day": d.due,
                        "summary": _("%(label)s — RG %(rg)s") % {"label": d.label, "rg": mission.rg},
                    }
                )
    response = HttpResponse(calendar.ics(events, now=timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
