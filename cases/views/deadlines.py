from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import actions, countries, deadlines, selectors
from cases.forms import (
    ClerkDatesForm,
    ConsignationComplementForm,
    ConsignationPayForm,
    ExpertDatesForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
)
from cases.forms.money import ConsignationCorrectForm, ExtensionCorrectForm
from cases.services.court_entries import consignation_correct, extension_correct
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
# decisions and the provision's facts, and corrects them (the same act as the entry corrected).
FORM_ACTS = {
    "extension": actions.Act.EXTENSION_REQUEST,
    "expert_dates": actions.Act.REPORT_PUBLISH,
    "decision": actions.Act.EXTENSION_DECIDE,
    "correct_extension": actions.Act.EXTENSION_DECIDE,
    "pay": actions.Act.CONSIGNATION_RECORD,
    "correct_consignation": actions.Act.CONSIGNATION_RECORD,
    "complement": actions.Act.CONSIGNATION_RECORD,
    "clerk_dates": actions.Act.CONSIGNATION_RECORD,
}
# The forms about one row of the page (a consignation, an extension), named by a hidden id.
ROW_FORMS = {
    "pay": "consignation",
    "correct_consignation": "consignation",
    "decision": "extension",
    "correct_extension": "extension",
}


@never_cache
@login_required
def mission_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    """The procedural timeline and the deadlines. The expert requests extensions and sets the
    dires deadline; the court's clerk records the judge's decisions, payments and complements, and
    corrects them with a reason (each correction in the mission's history)."""
    mission, context = mission_page(request, pk, "mission_deadlines")
    today = countries.today(mission)
    which = request.POST.get("form") if request.method == "POST" else None
    if which and which not in FORM_ACTS:
        raise BadRequest(_("Formulaire inconnu."))
    if which:
        require(request, context, FORM_ACTS[which])
    post = lambda name: request.POST if which == name else None  # noqa: E731
    forms_ = {
        "extension": ExtensionRequestForm(post("extension"), prefix="ext"),
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
    row = None  # the consignation or extension a posted row form is about
    if which in ROW_FORMS:
        rows = mission.consignations if ROW_FORMS[which] == "consignation" else mission.extensions
        row = get_object_or_404(rows, pk=post_id(request, ROW_FORMS[which]))
        forms_[which] = _row_form(which, mission, row, request.POST, today)
    if which:
        form = forms_[which]
        if form.is_valid():
            try:
                _save(which, request, mission, row, dict(form.cleaned_data), today)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Enregistré."))
                return redirect("cases:mission_deadlines", mission.pk)
    data = selectors.with_deadline_data(visible_one(request.user, mission.pk)).get()
    extensions = list(data.extensions.all())
    consignations = list(data.consignations.all())
    can = context["can"]
    for e in extensions:
        if can["extension_decide"]:
            name = "decision" if e.granted is None else "correct_extension"
            posted = which == name and row is not None and row.pk == e.pk
            e.form = forms_[which] if posted else _row_form(name, mission, e, None, today)
            e.form_open = posted
    for c in consignations:
        if can["consignation_record"]:
            c.pay_form = forms_["pay"] if which == "pay" and row.pk == c.pk else None
            if c.paid_on is None and c.pay_form is None:
                c.pay_form = _row_form("pay", mission, c, None, today)
            posted = which == "correct_consignation" and row.pk == c.pk
            c.correct_form = forms_[which] if posted else _row_form("correct_consignation", mission, c, None, today)
            c.correct_open = posted
    context.update(
        deadlines=deadlines.mission_deadlines(data, today),
        timeline=selectors.procedural_timeline(data),
        extensions=extensions,
        consignations=consignations,
        **{f"{name}_form": form for name, form in forms_.items() if name not in ROW_FORMS},
    )
    return render(request, "cases/mission_deadlines.html", context, status=form_status(request, *forms_.values()))


def _row_form(which: str, mission, row, data, today):
    if which == "pay":
        return ConsignationPayForm(data, prefix="pay", initial={"paid_on": today})
    if which == "decision":
        return ExtensionDecisionForm(data, prefix="dec", initial={"decided_on": today})
    if which == "correct_consignation":
        return ConsignationCorrectForm(data, mission=mission, consignation=row)
    return ExtensionCorrectForm(data, extension=row)


def _save(which: str, request: HttpRequest, mission, row, data: dict, today) -> None:
    by = request.user
    if which == "extension":
        extension_request(by=by, mission=mission, requested_on=today, **data)
    elif which == "decision":
        extension_decide(by=by, extension=row, **data)
    elif which == "correct_extension":
        extension_correct(by=by, extension=row, **data)
    elif which == "pay":
        consignation_pay(by=by, consignation=row, **data)
    elif which == "correct_consignation":
        consignation_correct(by=by, consignation=row, **data)
    elif which == "complement":
        consignation_record(by=by, mission=mission, is_complement=True, **data)
    else:
        mission_dates_set(by=by, mission=mission, **data)
