from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import access, actions
from cases.forms import (
    ConsentForm,
    RefusalForm,
    RevokeForm,
)
from cases.models import Consent
from cases.services.consents import consent_grant, consent_revoke, refusal_record
from cases.services.documents import Upload
from cases.views.common import form_errors, form_status, mission_page


def _upload(file) -> Upload | None:
    return Upload(name=file.name, file=file) if file else None


@never_cache
@login_required
def mission_consents(request: HttpRequest, pk: int) -> HttpResponse:
    """Consents and refusals: the patient's own decisions (rules 3, 5, 6), recorded by himself or his
    avocat, or by the experts on his signed statement; never by the sapiteur or another side."""
    mission, context = mission_page(request, pk, "mission_consents")
    seat = context["action_seat"]
    # the persons examined, or whom a medical piece is about: the patients (rule 3)
    persons = mission.parties.filter(Q(is_victim=True) | Q(medical_documents__isnull=False)).distinct()
    patients = mission.parties.filter(
        pk__in=[p.pk for p in actions.parties_for(seat, actions.Act.CONSENT_RECORD, persons)]
    )
    medical = access.annotate_openable(request.user, mission.documents.filter(is_medical=True, about__in=patients))
    which = request.POST.get("form") if request.method == "POST" else None
    files = request.FILES if which else None
    consent_form = ConsentForm(
        request.POST if which == "consent" else None,
        files if which == "consent" else None,
        mission=mission,
        patients=patients,
        documents=medical,
        prefix="consent",
        initial={"granted_on": timezone.localdate()},
    )
    refusal_form = RefusalForm(
        request.POST if which == "refusal" else None,
        files if which == "refusal" else None,
        patients=patients,
        documents=medical,
        prefix="refusal",
        initial={"refused_on": timezone.localdate()},
    )
    revoke_form = RevokeForm(request.POST if which == "revoke" else None, files if which == "revoke" else None)
    if which:
        if which not in ("consent", "refusal", "revoke"):
            raise BadRequest(_("Formulaire inconnu."))
        if not patients.exists():
            raise PermissionDenied(str(actions.REFUSALS["patient"]))
        form = {"consent": consent_form, "refusal": refusal_form, "revoke": revoke_form}[which]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "consent":
                    consent_grant(
                        recorded_by=request.user,
                        mission=mission,
                        patient=data["patient"],
                        grantee=data["grantee"],
                        grantee_party=data["grantee_party"],
                        written=data["written"],
                        scan=_upload(data["scan"]),
                        documents=list(data["documents"]),
                        granted_on=data["granted_on"],
                    )
                    messages.success(request, _("Consentement enregistré."))
                elif which == "refusal":
                    refusal_record(
                        recorded_by=request.user,
                        patient=data["patient"],
                        document=data["document"],
                        refused_on=data["refused_on"],
                        note=data["note"],
                        scan=_upload(data["scan"]),
                    )
                    messages.success(request, _("Refus enregistré ; il sera porté à la connaissance du juge."))
                else:
                    consent = get_object_or_404(Consent, pk=data["consent"], mission=mission, patient__in=patients)
                    consent_revoke(
                        by=request.user, consent=consent, revoked_on=timezone.localdate(), scan=_upload(data["scan"])
                    )
                    messages.success(request, _("Consentement retiré : l'accès cesse immédiatement."))
            except ValidationError as exc:
                if which == "revoke":
                    for message in exc.messages:
                        messages.error(request, message)
                    return redirect("cases:mission_consents", mission.pk)
                form_errors(form, exc)
            else:
                return redirect("cases:mission_consents", mission.pk)
        elif which == "revoke":
            raise BadRequest(_("Identifiant « %(name)s » invalide.") % {"name": "consent"})
    own = mission.parties.filter(pk__in=context["seat"].side_party_ids)
    shown = Q() if context["is_expert"] else Q(patient__in=own)
    context.update(
        consents=mission.consents.filter(shown)
        .select_related("patient", "grantee_party")
        .prefetch_related("documents"),
        refusals=mission.refusals.filter(shown).select_related("patient", "document"),
        consent_form=consent_form,
        refusal_form=refusal_form,
        may_record=patients.exists(),
        records_for_patient=seat.expert,
    )
    return render(
        request, "cases/mission_consents.html", context, status=form_status(request, consent_form, refusal_form)
    )
