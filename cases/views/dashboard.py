from collections import Counter
from operator import attrgetter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import deadlines, selectors
from cases.csv_export import csv_response
from cases.forms import (
    DashboardFilterForm,
    MissionCreateForm,
)
from cases.services.missions import (
    consignation_record,
    mission_create,
)
from cases.templates_questions import all_templates, default_questions
from cases.views.common import form_errors, form_status

SORTS = {
    "echeance": attrgetter("next_due", "pk"),
    "rg": attrgetter("rg", "pk"),
    "depot": attrgetter("report_due", "pk"),
    "etat": lambda e: (STATE_ORDER[e.state], e.next_due, e.pk),
}


STATE_ORDER = {"overdue": 0, "due_soon": 1, "upcoming": 2, "done": 3}


@never_cache
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every mission the user has a place in (a clerk: all of his court's), each with its next
    deadline and state; filters, sort, pages and CSV. Queries do not grow with the missions."""
    today = timezone.localdate()
    filters = DashboardFilterForm(request.GET or None, experts=selectors.dashboard_experts(request.user))
    data = filters.cleaned_data if filters.is_valid() else {}
    # each mission's deadline states on its court's date (Paris and Tunis differ around midnight)
    entries = selectors.dashboard_entries(
        request.user,
        search=data.get("q") or "",
        expert_id=int(data["expert"]) if data.get("expert") else None,
        status=data.get("status") or "",
        pending=bool(data.get("pending")),
    )
    if data.get("state"):
        entries = [e for e in entries if e.state == data["state"]]
    if data.get("this_month"):
        entries = [e for e in entries if (e.next_due.year, e.next_due.month) == (today.year, today.month)]
    entries.sort(key=SORTS.get(data.get("sort") or "echeance", SORTS["echeance"]))
    if request.GET.get("format") == "csv":
        return _dashboard_csv(selectors.dashboard_rows([e.pk for e in entries]))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.dashboard_rows([e.pk for e in page.object_list])
    query = request.GET.copy()
    query.pop("page", None)
    by_state = Counter(e.state for e in entries)
    counts = {state: by_state[state] for state in STATE_ORDER}
    # the requests awaiting the judge, for those who follow them (one query whatever their number)
    follows = request.user.is_court_staff or request.user.is_expert
    return render(
        request,
        "cases/dashboard.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "today": today,
            "counts": counts,
            "total": page.paginator.count,
            "pending_extensions": selectors.pending_extensions(request.user) if follows else [],
        },
    )


def _dashboard_csv(rows) -> HttpResponse:
    header = [
        _("RG"),
        _("affaire"),
        _("juridiction"),
        _("experts"),
        _("état de la mission"),
        _("dépôt du rapport"),
        _("rapport déposé le"),
        _("prochaine échéance"),
        _("date"),
        _("état de l'échéance"),
    ]

    def lines():
        for r in rows:
            experts = ", ".join(a.expert.display_name for a in r.mission.assignments.all())
            shown = r.next or r.waiting
            if r.next:
                state = r.next.state_label
            elif r.waiting:
                state = _("taxation attendue")
            elif r.ended_without_report:
                state = _("mission terminée")
            else:
                state = _("à jour")
            yield [
                r.mission.rg,
                r.mission.title,
                r.mission.court.name,
                experts,
                r.mission.get_status_display(),
                deadlines.report_due(r.mission),
                r.mission.deposited_on,
                shown.label if shown else "",
                shown.due if shown else None,
                state,
            ]

    # One writer for every CSV of the app: quoted, formulas neutralised, UTF-8 with BOM, ';' and
    # French dates and decimals for Excel.
    return csv_response("missions.csv", header, lines())


@never_cache
@login_required
def mission_create_view(request: HttpRequest) -> HttpResponse:
    """The court's order entered by the expert it designates. A court missing from the list is
    proposed on the way; a second mission with the RG of one he has at that court asks whether it
    completes it (then linked) or is a mistake (nothing created)."""
    from django.db import transaction

    from cases.services.courts import court_propose

    if not request.user.is_expert:
        raise PermissionDenied(_("Seul un expert crée une mission à partir de la décision qui le désigne."))
    form = MissionCreateForm(
        request.POST or None,
        user=request.user,
        initial={"questions": "\n".join(default_questions("civil", "initial"))},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("duplicate") == MissionCreateForm.DUPLICATE_MISTAKE:
            messages.info(request, _("Aucune mission créée : la mission existante reste inchangée."))
            if len(form.duplicates) == 1:
                return redirect("cases:mission_detail", form.duplicates[0].pk)
            return redirect("cases:dashboard")
        try:
            with transaction.atomic():  # nothing half saved: the court proposed, the mission, its provision
                court = data["court"] or court_propose(
                    by=request.user,
                    name=data["new_court_name"],
                    country=data["new_court_country"],
                    address=data["new_court_address"],
                )
                mission = mission_create(
                    created_by=request.user,
                    court=court,
                    rg=data["rg"],
                    title=data["title"],
                    framework=data["framework"],
                    kind=data["kind"],
                    ordered_on=data["ordered_on"],
                    report_due=data["report_due"],
                    judge=data["judge"],
                    questions=data["questions"],
                    language=data["language"],
                    previous=data.get("previous"),
                )
                if data.get("consignation_amount"):
                    consignation_record(
                        by=request.user,
                        mission=mission,
                        amount=data["consignation_amount"],
                        due=data["consignation_due"],
                    )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Mission créée. Ajoutez maintenant les parties."))
            return redirect("cases:mission_parties", mission.pk)
    return render(
        request,
        "cases/mission_form.html",
        {"form": form, "question_templates": all_templates()},
        status=form_status(request, form),
    )
