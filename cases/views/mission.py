from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import access, actions, countries, selectors
from cases.choices import MissionStatus
from cases.forms.mission import SingleExpertAgreementForm
from cases.services.missions import (
    designation_respond,
    interests_declare,
    manual_transitions,
    mission_transition,
    single_expert_agreement_record,
)
from cases.views.common import mission_page, require


@never_cache
@login_required
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_detail")
    three_experts = mission.three_experts_missing()
    context.update(
        questions=mission.questions.all(),
        assignments=mission.assignments.select_related("expert"),
        consignations=mission.consignations.select_related("payer"),
        extensions=mission.extensions.all(),
        transitions=[(s, MissionStatus(s).label) for s in manual_transitions(mission, context["action_seat"])],
        counts=mission.documents.aggregate(total=Count("pk")),
        conflicts=selectors.conflict_warnings(request.user, mission) if context["is_expert"] else [],
        my_assignment=mission.assignments.filter(expert=request.user).first(),
        # DOMAIN.md §8 (CPCC): a public body among the parties of a Tunisian case calls for three experts
        three_experts=three_experts,
        three_experts_law=countries.cite("three_experts", mission),
        experts_seated=mission.seated_experts() if three_experts else None,
    )
    return render(request, "cases/mission_detail.html", context)


@login_required
def mission_single_expert(request: HttpRequest, pk: int) -> HttpResponse:
    """Records (or withdraws, with an empty date) the parties' agreement to one expert."""
    mission, context = mission_page(request, pk, "mission_detail")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(request, context, actions.Act.SEATS_MANAGE)
    form = SingleExpertAgreementForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("cases:mission_detail", mission.pk)
    try:
        single_expert_agreement_record(by=request.user, mission=mission, agreed_on=form.cleaned_data["agreed_on"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Accord des parties sur un expert unique enregistré."))
    return redirect("cases:mission_detail", mission.pk)


@login_required
def mission_status(request: HttpRequest, pk: int) -> HttpResponse:
    mission, _context = mission_page(request, pk, "mission_detail")  # 404 first: outsiders learn nothing
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    to = request.POST.get("to", "")
    try:
        if to in (MissionStatus.ACCEPTED, MissionStatus.DECLINED):
            designation_respond(by=request.user, mission=mission, accept=to == MissionStatus.ACCEPTED)
        else:
            mission_transition(by=request.user, mission=mission, to=to)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("État de la mission mis à jour."))
    if not access.visible_missions(request.user).filter(pk=mission.pk).exists():
        return redirect("cases:dashboard")  # a co-expert who declined has left the mission
    return redirect("cases:mission_detail", mission.pk)


@login_required
def mission_interests(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_detail")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(request, context, actions.Act.INTERESTS_DECLARE)
    assignment = get_object_or_404(mission.assignments, expert=request.user)
    try:
        interests_declare(
            assignment=assignment, text=request.POST.get("interests", ""), declared_on=timezone.localdate()
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cases:mission_detail", mission.pk)
    messages.success(request, _("Déclaration d'intérêts enregistrée."))
    return redirect("cases:mission_detail", mission.pk)
