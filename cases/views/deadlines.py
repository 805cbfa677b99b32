from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import actions, deadlines, selectors
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
from cases.views.common import form_errors, form_status, mission_page, post_id, require, visible_one

# Each form of the page and the act it does (DOMAIN.md §8): the lead expert asks for more time and
# sets the dires deadline and the fee request (FR CPC art. 276, 282); the court records the judge's
# decisions and the provision's facts.
FORM_ACTS = {
    "extension": actions.Act.EXTENSION_REQUEST,
    "expert_dates": actions.Act.REPORT_PUBLISH,
    "decision": actions.Act.EXTENSION_DECIDE,
    "pay": actions.Act.CONSIGNATION_RECORD,
    "complement": actions.Act.CONSIGNATION_RECORD,
    "clerk_dates": actions.Act.CONSIGNATION_RECORD,
}


@never_cache
@login_required
def mission_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    """The procedural timeline and the deadlines. The expert requests extensions and sets the
    dires deadline; the court's clerk records the judge's decisions, payments and complements."""
    mission, context = mission_page(request, pk, "mission_deadlines")
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
            country=mission.court.country,
        ),
        "clerk_dates": ClerkDatesForm(
            post("clerk_dates"), prefix="tax", initial={"fees_taxed_on": mission.fees_taxed_on}
        ),
    }
    if which:
        if which not in FORM_ACTS:
            raise BadRequest(_("Formulaire inconnu."))
        require(request, context, FORM_ACTS[which])
        form = forms_[which]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "extension":
                    extension_request(by=request.user, mission=mission, requested_on=timezone.localdate(), **data)
                elif which == "decision":
                    extension = get_object_or_404(mission.extensions, pk=post_id(request, "extension"))
                    extension_decide(by=request.user, extension=extension, **data)
                elif which == "pay":
                    consignation = get_object_or_404(mission.consignations, pk=post_id(request, "consignation"))
                    consignation_pay(by=request.user, consignation=consignation, **data)
                elif which == "complement":
                    consignation_record(mission=mission, is_complement=True, **data)
                else:
                    mission_dates_set(mission=mission, **data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Enregistré."))
                return redirect("cases:mission_deadlines", mission.pk)
    data = selectors.with_deadline_data(visible_one(request.user, mission.pk)).get()
    context.update(
        deadlines=deadlines.mission_deadlines(data, timezone.localdate()),
        timeline=selectors.procedural_timeline(data),
        extensions=data.extensions.all(),
        consignations=data.consignations.all(),
        **{f"{name}_form": form for name, form in forms_.items()},
    )
    return render(request, "cases/mission_deadlines.html", context, status=form_status(request, *forms_.values()))
