"""The report editor's calculators, answered in place: the editor's script posts the calculator's
two fields here and shows the proposal without reloading the page (the scroll position and the text
being typed stay as they are). Without JavaScript the editor's own form does the same with a reload
(reports.views.mission_report, action "calculate"). The result is a proposal: nothing is saved."""

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases import actions
from cases.views.common import mission_page, require
from reports.forms import CalculatorForm
from reports.scales import fmt

TAB = "reports:mission_report"


def calculation(form: CalculatorForm) -> dict:
    """What the editor shows of a valid calculator form: the rate as the rate field takes it
    ("71.20"), the proposal and its reasoning as the page writes them."""
    result = form.cleaned_data["result"]
    return {
        "ok": True,
        "rate": str(result.value.quantize(Decimal("0.01"))),
        "proposal": _("Proposition : %(value)s %%") % {"value": fmt(result.value)},
        "reasoning": result.reasoning,
        "take": _("Reprendre ce taux et ce raisonnement"),
        "taken": _("Proposition reprise dans le formulaire : vérifiez-la, puis enregistrez."),
    }


@never_cache
@require_POST
@login_required
def report_calculate(request: HttpRequest, pk: int) -> JsonResponse:
    """The calculator of the editor, for the experts who write the report: JSON, the proposal or
    the errors of each field (400), in the language of the page."""
    _mission, context = mission_page(request, pk, TAB)
    require(request, context, actions.Act.REPORT_WRITE)
    form = CalculatorForm(request.POST)
    if not form.is_valid():
        errors = {f"calc-{name}": [str(e) for e in errs] for name, errs in form.errors.items()}
        return JsonResponse({"ok": False, "errors": errors}, status=400)
    return JsonResponse(calculation(form))
