from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases import deadlines, selectors
from cases.forms import (
    ClerkDatesForm,
    ConsignationComplementForm,
    ConsignationPayForm,
    ExpertDatesForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
)
from cases.services.missions import (
    consignation_pay,
    consignation_record,
    extension_decide,
    extension_request,
    mission_dates_set,
)
from cases.views.common import _require_expert, form_errors, mission_page, visible_one


@never_cache
@login_required
def mission_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    """The procedural timeline and the deadlines. The expert requests extensions and sets the
    dires deadline; the court's clerk records the judge's decisions, payments and complements."""
    mission, context = mission_page(request, pk, "mission_deadlines")
    is_clerk = context["seat"].court
    which = request.POST.get("form") if request.method == "POST" else None
    post = lambda name: request.POST if which == name else None  # noqa: E731
    forms_ = {
        "extension": ExtensionRequestForm(post("extension"), prefix="ext"),
        "decision": ExtensionDecisionForm(post("decision"), prefix="dec", initial={"decided_on": timezone.localdate()}),
        "pay": ConsignationPayForm(post("pay"), prefix="pay", initial={"paid_on": timezone.localdate()}),
        "complement": ConsignationComplementForm(post("complement"), mission=mission, prefix="cmp"),
        "expert_dates": ExpertDatesForm(
            post("expert_dates"),
            prefix="dates",
            initial={"dires_due": mission.dires_due, "fee_requested_on": mission.fee_requested_on},
        ),
        "clerk_dates": ClerkDatesForm(
            post("clerk_dates"), prefix="tax", initial={"fees_taxed_on": mission.fees_taxed_on}
        ),
    }
    if which:
        if which in ("extension", "expert_dates"):
            _require_expert(context)
        elif which in ("decision", "pay", "complement", "clerk_dates"):
            if not is_clerk:
                raise PermissionDenied("Seul le greffe de la juridiction enregistre cette décision.")
        else:
            raise PermissionDenied
        form = forms_[which]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "extension":
                    extension_request(mission=mission, requested_on=timezone.localdate(), **data)
                elif which == "decision":
                    extension = get_object_or_404(mission.extensions, pk=request.POST.get("extension"))
                    extension_decide(extension=extension, **data)
                elif which == "pay":
                    consignation = get_object_or_404(mission.consignations, pk=request.POST.get("consignation"))
                    consignation_pay(consignation=consignation, **data)
                elif which == "complement":
                    consignation_record(mission=mission, is_complement=True, **data)
                else:
                    mission_dates_set(mission=mission, **data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, "Enregistré.")
                return redirect("cases:mission_deadlines", mission.pk)
    data = selectors.with_deadline_data(visible_one(request.user, mission.pk)).get()
    context.update(
        deadlines=deadlines.mission_deadlines(data, timezone.localdate()),
        timeline=selectors.procedural_timeline(data),
        extensions=data.extensions.all(),
        consignations=data.consignations.all(),
        is_clerk=is_clerk,
        **{f"{name}_form": form for name, form in forms_.items()},
    )
    return render(request, "cases/mission_deadlines.html", context)
