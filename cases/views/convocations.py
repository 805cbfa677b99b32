"""The Convocations tab: the meetings of the mission, their letters, and for the experts the forms
to convoke, postpone, cancel and record a meeting held (DOMAIN.md §8: experts only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import actions, countries, meetings
from cases.forms import ConvocationForm, RecipientForm
from cases.forms.convocations import CancelForm, HeldForm, PostponeForm
from cases.models import Convocation, ConvocationRecipient
from cases.models.convocation import MeetingStatus
from cases.services import convocations as services
from cases.views.common import form_errors, form_status, mission_page, post_id, require, safe_name

# What each form of a meeting is, by the name of its view: (form class, prefix letter)
MEETING_FORMS = {"postpone": (PostponeForm, "p"), "cancel": (CancelForm, "x"), "held": (HeldForm, "h")}


def _meeting_form(name: str, convocation: Convocation, mission, data=None):
    form_class, letter = MEETING_FORMS[name]
    kwargs = {"prefix": f"{letter}{convocation.pk}"}
    if name == "postpone":
        kwargs["country"] = mission.court.country
    if name == "held":
        kwargs["convocation"] = convocation
    return form_class(data, **kwargs)


def _page(request: HttpRequest, mission, context: dict, *, form=None, bound=None) -> HttpResponse:
    """The tab; `bound`: (convocation id, form name, form) shown again with its errors."""
    form = form or ConvocationForm(country=mission.court.country)
    convocations = list(
        mission.convocations.prefetch_related(
            Prefetch("recipients", queryset=ConvocationRecipient.objects.order_by("pk"))
        )
    )
    now = timezone.now()
    for c in convocations:
        c.has_come = c.meeting_at <= now
        c.is_held, c.is_cancelled = c.status == MeetingStatus.HELD, c.status == MeetingStatus.CANCELLED
        c.is_scheduled = c.status == MeetingStatus.SCHEDULED
        c.letter_label = {
            "cancellation": _("Lettre d'annulation (PDF)"),
            "postponement": _("Lettre de report (PDF)"),
        }.get(services.letter_kind(c), _("Convocation (PDF)"))
        c.forms = {}
        if context["can"].get(actions.Act.MEETING_MANAGE.value):
            for name in MEETING_FORMS:
                c.forms[name] = _meeting_form(name, c, mission)
        if bound and bound[0] == c.pk:
            c.forms[bound[1]] = bound[2]
            c.open = bound[1]
    extra = [f for f in ([form] + ([bound[2]] if bound else [])) if f is not None]
    context.update(form=form, convocations=convocations)
    return render(request, "cases/mission_convocations.html", context, status=form_status(request, *extra))


def _warned(form, exc: ValidationError) -> None:
    warnings = services.only_warnings(exc)
    if warnings:
        form.show_warnings(warnings)
    else:
        form_errors(form, exc)


@never_cache
@login_required
def mission_convocations(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    if request.method != "POST":
        return _page(request, mission, context)
    require(request, context, actions.Act.MEETING_MANAGE)
    form = ConvocationForm(request.POST, country=mission.court.country)
    if form.is_valid():
        data = form.service_data()
        on = countries.today(mission)
        confirm = form.confirmed(meetings.meeting_warnings(mission, data["meeting_at"], on))
        try:
            services.convocation_create(by=request.user, mission=mission, on=on, confirm_warnings=confirm, **data)
        except ValidationError as exc:
            _warned(form, exc)
        else:
            messages.success(
                request, _("Réunion programmée ; les destinataires sont toutes les parties et leurs représentants.")
            )
            return redirect("cases:mission_convocations", mission.pk)
    return _page(request, mission, context, form=form)


def _meeting_post(request: HttpRequest, pk: int, name: str):
    """The mission, its page's context, the meeting named by the form, and the form bound."""
    mission, context = mission_page(request, pk, "mission_convocations")
    if request.method != "POST":
        return None
    require(request, context, actions.Act.MEETING_MANAGE)
    convocation = get_object_or_404(
        mission.convocations.prefetch_related(
            Prefetch("recipients", queryset=ConvocationRecipient.objects.order_by("pk"))
        ),
        pk=post_id(request, "convocation"),
    )
    return mission, context, convocation, _meeting_form(name, convocation, mission, request.POST)


@login_required
def convocation_postpone(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_post(request, pk, "postpone")
    if found is None:
        return HttpResponseNotAllowed(["POST"])
    mission, context, convocation, form = found
    if form.is_valid():
        data = form.service_data()
        on = countries.today(mission)
        confirm = form.confirmed(meetings.meeting_warnings(mission, data["new_at"], on))
        try:
            services.convocation_postpone(
                by=request.user, convocation=convocation, on=on, confirm_warnings=confirm, **data
            )
        except ValidationError as exc:
            _warned(form, exc)
        else:
            messages.success(request, _("Réunion reportée : adressez à chaque destinataire la lettre de report (PDF)."))
            return redirect("cases:mission_convocations", mission.pk)
    return _page(request, mission, context, bound=(convocation.pk, "postpone", form))


@login_required
def convocation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_post(request, pk, "cancel")
    if found is None:
        return HttpResponseNotAllowed(["POST"])
    mission, context, convocation, form = found
    if form.is_valid():
        try:
            services.convocation_cancel(by=request.user, convocation=convocation, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request, _("Réunion annulée : adressez à chaque destinataire la lettre d'annulation (PDF).")
            )
            return redirect("cases:mission_convocations", mission.pk)
    return _page(request, mission, context, bound=(convocation.pk, "cancel", form))


@login_required
def convocation_held(request: HttpRequest, pk: int) -> HttpResponse:
    found = _meeting_post(request, pk, "held")
    if found is None:
        return HttpResponseNotAllowed(["POST"])
    mission, context, convocation, form = found
    if form.is_valid():
        try:
            services.convocation_record_held(by=request.user, convocation=convocation, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Réunion enregistrée comme tenue, avec les présences."))
            return redirect("cases:mission_convocations", mission.pk)
    return _page(request, mission, context, bound=(convocation.pk, "held", form))


LETTER_NAMES = {"cancellation": "annulation", "postponement": "report", "convocation": "convocation"}


@login_required
def convocation_letter(request: HttpRequest, pk: int, recipient_id: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    require(request, context, actions.Act.MEETING_MANAGE)
    recipient = get_object_or_404(
        ConvocationRecipient.objects.select_related("mission_convocation__mission__court"),
        pk=recipient_id,
        mission_convocation__mission=mission,
    )
    pdf = services.convocation_letter_pdf(recipient=recipient, expert=request.user)
    kind = LETTER_NAMES[services.letter_kind(recipient.mission_convocation)]
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{kind}-{safe_name(recipient.name)}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def convocation_recipient(request: HttpRequest, pk: int, recipient_id: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    require(request, context, actions.Act.MEETING_MANAGE)
    recipient = get_object_or_404(
        ConvocationRecipient.objects.select_related("mission_convocation__mission__court"),
        pk=recipient_id,
        mission_convocation__mission=mission,
    )
    form = RecipientForm(request.POST, prefix=f"r{recipient.pk}")
    if form.is_valid():
        try:
            services.recipient_update(by=request.user, recipient=recipient, **form.cleaned_data)
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
