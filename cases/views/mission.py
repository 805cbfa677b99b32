from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import access, actions, countries, selectors
from cases.choices import MissionStatus
from cases.forms.mission import MissionEditForm, SingleExpertAgreementForm, StatusConfirmForm
from cases.services.mission_data import mission_update, questions_frozen
from cases.services.missions import (
    ENDING_STATES,
    allowed_transitions,
    designation_respond,
    ending_notice,
    interests_declare,
    manual_transitions,
    mission_transition,
    single_expert_agreement_record,
)
from cases.views.common import form_errors, form_status, mission_page, require


@never_cache
@login_required
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_detail")
    three_experts = mission.three_experts_missing()
    transitions = manual_transitions(mission, context["action_seat"])
    context.update(
        questions=mission.questions.all(),
        assignments=mission.assignments.select_related("expert"),
        consignations=mission.consignations.select_related("payer"),
        extensions=mission.extensions.all(),
        # a state that ends the mission goes through its confirmation page; the others at once
        transitions=[(s, MissionStatus(s).label) for s in transitions if s not in ENDING_STATES],
        ending_transitions=[(s, MissionStatus(s).label) for s in transitions if s in ENDING_STATES],
        counts=mission.documents.aggregate(total=Count("pk")),
        conflicts=selectors.conflict_warnings(request.user, mission) if context["is_expert"] else [],
        my_assignment=mission.assignments.filter(expert=request.user).first(),
        # DOMAIN.md §8 (CPCC): a public body among the parties of a Tunisian case calls for three experts
        three_experts=three_experts,
        three_experts_law=countries.cite("three_experts", mission),
        experts_seated=mission.seated_experts() if three_experts else None,
        # the mission this one completes, when the user has a place in it (never revealed otherwise)
        previous=access.visible_missions(request.user).filter(pk=mission.previous_id).first()
        if mission.previous_id
        else None,
    )
    return render(request, "cases/mission_detail.html", context)


@never_cache
@login_required
def mission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Corrects the mission's data (the experts); each change enters the history with its reason.
    The questions are corrected until the pre-report is sent."""
    mission, context = mission_page(request, pk, "mission_detail")
    require(request, context, actions.Act.MISSION_EDIT)
    frozen = questions_frozen(mission)
    form = MissionEditForm(request.POST or None, user=request.user, mission=mission, questions_frozen=frozen)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        if frozen:
            data.pop("questions", None)  # shown, not sent: the service would refuse any change
        try:
            mission_update(by=request.user, mission=mission, reason=reason, **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Mission corrigée ; la correction figure dans l'historique."))
            return redirect("cases:mission_detail", mission.pk)
    context.update(form=form, questions_frozen=frozen)
    return render(request, "cases/mission_edit.html", context, status=form_status(request, form))


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


def _change_state(request: HttpRequest, mission, to: str, *, confirmed: bool = False, reason: str = "") -> None:
    if to in (MissionStatus.ACCEPTED, MissionStatus.DECLINED):
        designation_respond(
            by=request.user, mission=mission, accept=to == MissionStatus.ACCEPTED, confirmed=confirmed, reason=reason
        )
    else:
        mission_transition(by=request.user, mission=mission, to=to, confirmed=confirmed, reason=reason)


def _after_state(request: HttpRequest, mission) -> HttpResponse:
    if not access.visible_missions(request.user).filter(pk=mission.pk).exists():
        return redirect("cases:dashboard")  # a co-expert who declined has left the mission
    return redirect("cases:mission_detail", mission.pk)


def _may_end(request: HttpRequest, mission, context: dict, to: str) -> bool:
    """The door for a state that ends the mission (a 403 with its reason for a seat that may not),
    then whether the mission's state allows it now."""
    seat = context["action_seat"]
    require(
        request, context, actions.Act.DESIGNATION_RESPOND if to == MissionStatus.DECLINED else actions.Act.MISSION_STATE
    )
    if to == MissionStatus.DECLINED and actions.SeatKind.LEAD_EXPERT not in seat.kinds:
        return mission.status not in (MissionStatus.DECLINED, MissionStatus.LAPSED, MissionStatus.DEPOSITED)
    return to in allowed_transitions(mission)


@login_required
def mission_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A move that does not end the mission, at once (and in its history); one that ends it is sent
    to its confirmation page."""
    mission, context = mission_page(request, pk, "mission_detail")  # 404 first: outsiders learn nothing
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    to = request.POST.get("to", "")
    if to in ENDING_STATES:
        _may_end(request, mission, context, to)
        return redirect(f"{reverse('cases:mission_status_confirm', args=[mission.pk])}?{urlencode({'to': to})}")
    try:
        _change_state(request, mission, to)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("État de la mission mis à jour."))
    return _after_state(request, mission)


@never_cache
@login_required
def mission_status_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The page before a state that ends the mission (declined, lapsed): what it means, its legal
    basis, and the explicit confirmation it needs ("Je confirme")."""
    mission, context = mission_page(request, pk, "mission_detail")
    to = request.POST.get("to") if request.method == "POST" else request.GET.get("to")
    if to not in ENDING_STATES:
        messages.error(request, _("Ce changement d'état ne demande pas de confirmation."))
        return redirect("cases:mission_detail", mission.pk)
    if not _may_end(request, mission, context, to):
        messages.error(
            request,
            _("Une mission à l'état « %(current)s » ne peut passer à l'état « %(target)s ».")
            % {"current": mission.get_status_display(), "target": MissionStatus(to).label},
        )
        return redirect("cases:mission_detail", mission.pk)
    form = StatusConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _change_state(request, mission, to, confirmed=True, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("État de la mission mis à jour."))
            return _after_state(request, mission)
    lead = actions.SeatKind.LEAD_EXPERT in context["action_seat"].kinds
    context.update(
        form=form,
        to=to,
        target=MissionStatus(to).label,
        notice=ending_notice(mission, to, lead=lead),
        moves_mission=lead or to != MissionStatus.DECLINED,
    )
    return render(request, "cases/mission_status_confirm.html", context, status=form_status(request, form))


@login_required
def mission_interests(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_detail")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(request, context, actions.Act.INTERESTS_DECLARE)
    assignment = get_object_or_404(mission.assignments.select_related("mission__court"), expert=request.user)
    try:
        interests_declare(
            by=request.user,
            assignment=assignment,
            text=request.POST.get("interests", ""),
            declared_on=countries.today(mission),
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("cases:mission_detail", mission.pk)
    messages.success(request, _("Déclaration d'intérêts enregistrée."))
    return redirect("cases:mission_detail", mission.pk)
