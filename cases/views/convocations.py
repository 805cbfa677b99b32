from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import actions
from cases.forms import (
    ConvocationForm,
    RecipientForm,
)
from cases.models import ConvocationRecipient
from cases.services.convocations import convocation_create, convocation_letter_pdf, recipient_update
from cases.views.common import form_errors, form_status, mission_page, require, safe_name


@never_cache
@login_required
def mission_convocations(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    form = ConvocationForm(request.POST or None, country=mission.court.country)
    if request.method == "POST":
        require(request, context, actions.Act.MEETING_MANAGE)
        if form.is_valid():
            try:
                convocation_create(mission=mission, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(
                    request, _("Réunion programmée ; les destinataires sont toutes les parties et leurs représentants.")
                )
                return redirect("cases:mission_convocations", mission.pk)
    convocations = mission.convocations.prefetch_related(
        Prefetch("recipients", queryset=ConvocationRecipient.objects.order_by("pk"))
    )
    context.update(form=form, convocations=convocations)
    return render(request, "cases/mission_convocations.html", context, status=form_status(request, form))


@login_required
def convocation_letter(request: HttpRequest, pk: int, recipient_id: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    require(request, context, actions.Act.MEETING_MANAGE)
    recipient = get_object_or_404(
        ConvocationRecipient.objects.select_related("mission_convocation__mission__court"),
        pk=recipient_id,
        mission_convocation__mission=mission,
    )
    pdf = convocation_letter_pdf(recipient=recipient, expert=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"convocation-{safe_name(recipient.name)}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def convocation_recipient(request: HttpRequest, pk: int, recipient_id: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(request, context, actions.Act.MEETING_MANAGE)
    recipient = get_object_or_404(ConvocationRecipient, pk=recipient_id, mission_convocation__mission=mission)
    form = RecipientForm(request.POST, prefix=f"r{recipient.pk}")
    if form.is_valid():
        try:
            recipient_update(recipient=recipient, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(
                request, _("%(name)s : %(errors)s") % {"name": recipient.name, "errors": " ".join(exc.messages)}
            )
        else:
            messages.success(request, _("Envoi à %(name)s mis à jour.") % {"name": recipient.name})
    else:
        errors = " ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, _("%(name)s : %(errors)s") % {"name": recipient.name, "errors": errors})
    return redirect("cases:mission_convocations", mission.pk)
