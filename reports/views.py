"""The report's tab: the editor for the experts of the mission, the versions each member may read;
PDF jobs and their progress; the confirmation page before the pre-report, the deposit and a
complementary report (reports.guards). Access goes through cases.access, writes through reports.services."""

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cases import access, actions
from cases.views.common import form_errors, form_status, mission_page, require
from reports import checks, guards
from reports.builder import report_for
from reports.forms import AnswersForm, CalculatorForm, PeriodFormSet, PublishForm, ReportForm
from reports.models import RenderJob
from reports.services import (
    EDITABLE_FIELDS,
    ConfirmationNeeded,
    certificate_proposals,
    publish_check,
    publish_is_complement,
    render_request,
    report_save,
)

TAB = "reports:mission_report"


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response  # nosniff, no-store and the sandbox policy come from the middleware


def _with_proposals(data, proposals) -> None:
    """Puts the certificates' proposals into the submitted editor (not saved: the expert reviews)."""
    for key in [k for k in data if k.startswith("periods-")]:
        del data[key]
    data["periods-TOTAL_FORMS"] = str(len(proposals.periods) + 1)
    data["periods-INITIAL_FORMS"] = "0"
    for i, period in enumerate(proposals.periods):
        data[f"periods-{i}-kind"] = period.kind
        data[f"periods-{i}-start"] = period.start.isoformat()
        data[f"periods-{i}-end"] = period.end.isoformat()
    if proposals.consolidation_date:
        data["consolidation_date"] = proposals.consolidation_date.isoformat()


def _periods_initial(periods) -> list[dict]:
    return [{"kind": p.kind, "start": p.start, "end": p.end, "rate": p.rate} for p in periods]


@never_cache
@login_required
def mission_report(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, TAB)
    context["versions"] = (
        access.visible_report_versions(request.user, mission).defer("pdf").select_related("created_by")
    )
    if not context["can"]["report_write"]:
        return render(request, "reports/mission_report.html", context)

    report = report_for(mission)
    questions = list(mission.questions.order_by("position"))
    saved_answers = dict(report.answers.values_list("question_id", "text"))
    saved_periods = list(report.periods.all())
    proposals = certificate_proposals(mission)
    calc_result = None
    if request.method == "POST":
        data = request.POST.copy()
        action = data.get("action", "save")
        calculator = CalculatorForm(data if action in ("calculate", "take_calc") else None)
        if action in ("calculate", "take_calc") and calculator.is_valid():
            calc_result = calculator.cleaned_data["result"]
            if action == "take_calc":
                data["ipp_rate"] = str(calc_result.value.quantize(Decimal("0.01")))
                data["ipp_reasoning"] = calc_result.reasoning
        if action == "take_certificates" and proposals:
            _with_proposals(data, proposals)
        form = ReportForm(data, instance=report)
        periods = PeriodFormSet(data, prefix="periods")
        answers = AnswersForm(data, questions=questions, answers=saved_answers, prefix="answers")
        if action == "save" and form.is_valid() and periods.is_valid() and answers.is_valid():
            try:
                report_save(
                    report=report,
                    user=request.user,
                    expected_revision=form.cleaned_data["revision"],
                    fields={name: form.cleaned_data[name] for name in EDITABLE_FIELDS},
                    periods=periods.periods(),
                    answers=answers.answers(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Rapport enregistré."))
                return redirect(TAB, mission.pk)
        elif action != "save":
            messages.info(request, _("Proposition reprise dans le formulaire : vérifiez-la, puis enregistrez."))
    else:
        calculator = CalculatorForm()
        form = ReportForm(instance=report)
        periods = PeriodFormSet(initial=_periods_initial(saved_periods), prefix="periods")
        answers = AnswersForm(questions=questions, answers=saved_answers, prefix="answers")

    context.update(
        report=report,
        form=form,
        periods=periods,
        answers_form=answers,
        calculator=calculator,
        calc_result=calc_result,
        proposals=proposals,
        publish_form=PublishForm(country=mission.court.country),
        warnings=checks.report_warnings(
            country=mission.court.country,
            framework=mission.framework,
            ipp_rate=report.ipp_rate,
            third_party_hours=report.third_party_hours,
            consolidation_date=report.consolidation_date,
            periods=saved_periods,
            imputability_missing=[label for label, text in report.imputability() if not text.strip()],
            prior_state_discussed=bool(report.prior_state),
        ),
        problems=checks.finalize_problems(questions, saved_answers),
        revision_rule=checks.revision_rule(mission.framework, mission.court.country),
        jobs=mission.render_jobs.defer("pdf").select_related("requested_by")[:5],
    )
    return render(request, "reports/mission_report.html", context, status=form_status(request, form, periods, answers))


@require_POST
@login_required
def report_render(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Asks for a draft PDF. The pre-report and the deposit are irreversible: a request for them
    leads to their confirmation page, which lists the guards first (nothing starts on one click)."""
    mission, context = mission_page(request, pk, TAB)
    if kind not in RenderJob.Kind.values:
        raise Http404
    require(request, context, actions.Act.REPORT_WRITE if kind == RenderJob.Kind.DRAFT else actions.Act.REPORT_PUBLISH)
    if kind != RenderJob.Kind.DRAFT:
        url = reverse("reports:report_publish", args=[mission.pk, kind])
        dires_due = request.POST.get("dires_due", "")
        return redirect(f"{url}?{urlencode({'dires_due': dires_due})}" if dires_due else url)
    try:
        job = render_request(mission=mission, user=request.user, kind=kind)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(TAB, mission.pk)
    return redirect("reports:render_job", job.pk)


class ConfirmForm(PublishForm):
    """The confirmation of a pre-report (its dires deadline), a deposit or a complementary report
    (its reason): each warning has its own checkbox, `confirmed`."""

    reason = forms.CharField(
        label=_lazy("Motif du rapport complémentaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Ce qui a changé depuis le rapport déposé, et pourquoi ; il figure au registre de la mission."),
    )

    def __init__(self, *args, kind: str, complement: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if kind != RenderJob.Kind.PRE_REPORT:
            del self.fields["dires_due"]
        if complement:
            self.fields["reason"].required = True
        else:
            del self.fields["reason"]


def _publish_title(kind: str, complement: bool) -> str:
    if kind == RenderJob.Kind.PRE_REPORT:
        return _("Diffuser le pré-rapport")
    return _("Déposer un rapport complémentaire") if complement else _("Déposer le rapport")


@never_cache
@login_required
def report_publish(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The confirmation page of the pre-report, the deposit and a complementary report: what blocks
    (in red), each warning to confirm with its own checkbox, the dires deadline or the reason. Only
    the POST with every warning checked starts the job (reports.services.render_request checks)."""
    mission, context = mission_page(request, pk, TAB)
    if kind not in (RenderJob.Kind.PRE_REPORT, RenderJob.Kind.FINAL):
        raise Http404
    require(request, context, actions.Act.REPORT_PUBLISH)
    complement = publish_is_complement(mission, kind)
    options = {"country": mission.court.country, "kind": kind, "complement": complement}
    if request.method == "POST":
        form = ConfirmForm(request.POST, **options)
    else:
        form = ConfirmForm(request.GET if "dires_due" in request.GET else None, **options)
    dires_due = form.cleaned_data.get("dires_due") if form.is_bound and form.is_valid() else None
    status, refused = 200, []
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                job = render_request(
                    mission=mission,
                    user=request.user,
                    kind=kind,
                    dires_due=dires_due,
                    confirmed=request.POST.getlist("confirmed"),
                    reason=form.cleaned_data.get("reason", ""),
                )
            except ConfirmationNeeded:
                form.add_error(
                    None, _("Cochez chacun des avertissements ci-dessous pour confirmer en avoir pris connaissance.")
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return redirect("reports:render_job", job.pk)
    elif kind == RenderJob.Kind.FINAL or (form.is_bound and form.is_valid()):
        try:  # a deadline already past, a mission in the wrong state: said at once, at its field
            publish_check(mission=mission, kind=kind, dires_due=dires_due)
        except ValidationError as exc:
            if form.is_bound:
                form_errors(form, exc)
            else:
                refused = exc.messages
    found = guards.guards_for(mission, kind, dires_due=dires_due)
    context.update(
        kind=kind,
        complement=complement,
        form=form,
        guards=found,
        checked=set(request.POST.getlist("confirmed")),
        refused=refused,
        title=_publish_title(kind, complement),
    )
    return render(request, "reports/publish_confirm.html", context, status=status)


def _job_for(request: HttpRequest, job_id: int) -> RenderJob:
    """A job is the report's writers' own: others, the one who asked for it included once his seat
    has ended, get the 404 of a job that does not exist (a draft holds medical content)."""
    job = get_object_or_404(RenderJob.objects.defer("pdf").select_related("mission__court"), pk=job_id)
    if not actions.may(request.user, job.mission, actions.Act.REPORT_WRITE):
        raise Http404
    return job


def _job_state(job: RenderJob) -> dict:
    state = {"status": job.status, "progress": job.progress, "step": job.step, "error": job.error}
    if job.status == RenderJob.Status.DONE:
        if job.version_id:
            state["pdf"] = reverse("reports:version_pdf", args=[job.version_id])
        else:
            state["pdf"] = reverse("reports:render_job_pdf", args=[job.pk])
    return state


@never_cache
@login_required
def render_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    _mission, context = mission_page(request, job.mission_id, TAB)
    context.update(job=job, state=_job_state(job))
    return render(request, "reports/render_job.html", context)


@never_cache
@login_required
def render_job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    return JsonResponse(_job_state(_job_for(request, job_id)))


@never_cache
@login_required
def render_job_pdf(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_for(request, job_id)
    pdf = RenderJob.objects.filter(pk=job.pk, status=RenderJob.Status.DONE).values_list("pdf", flat=True).first()
    if not pdf:
        raise Http404
    return _pdf_response(bytes(pdf), f"projet-rapport-{job.mission.rg.replace('/', '-')}.pdf")


@never_cache
@login_required
def version_pdf(request: HttpRequest, version_id: int) -> HttpResponse:
    """A sent or deposited version, exactly the bytes that were frozen."""
    from reports.models import ReportVersion

    version = get_object_or_404(ReportVersion.objects.defer("pdf").select_related("mission"), pk=version_id)
    if not access.visible_report_versions(request.user, version.mission).filter(pk=version.pk).exists():
        raise Http404
    pdf = ReportVersion.objects.filter(pk=version.pk).values_list("pdf", flat=True).get()
    return _pdf_response(bytes(pdf), version.filename)
