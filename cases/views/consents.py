from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases import access, selectors
from cases.forms import (
    ConsentForm,
    RefusalForm,
)
from cases.models import Consent
from cases.services.consents import consent_grant, consent_revoke, refusal_record
from cases.services.documents import Upload
from cases.views.common import form_errors, mission_page


@never_cache
@login_required
def mission_consents(request: HttpRequest, pk: int) -> HttpResponse:
    """Consents and refusals, recorded by the experts or by the patient's own avocat (rules 3, 5, 6)."""
    mission, context = mission_page(request, pk, "mission_consents")
    patients = selectors.consent_patients(request.user, mission, is_expert=context["is_expert"])
    medical = access.annotate_openable(request.user, mission.documents.filter(is_medical=True, about__in=patients))
    which = request.POST.get("form") if request.method == "POST" else None
    consent_form = ConsentForm(
        request.POST if which == "consent" else None,
        request.FILES if which == "consent" else None,
        mission=mission,
        patients=patients,
        documents=medical,
        prefix="consent",
        initial={"granted_on": timezone.localdate()},
    )
    refusal_form = RefusalForm(
        request.POST if which == "refusal" else None,
        patients=patients,
        documents=medical,
        prefix="refusal",
        initial={"refused_on": timezone.localdate()},
    )
    if which:
        if not patients.exists():
            raise PermissionDenied("Seuls les experts et l'avocat du patient enregistrent consentements et refus.")
        try:
            if which == "consent" and consent_form.is_valid():
                data = consent_form.cleaned_data
                scan = Upload(name=data["scan"].name, file=data["scan"]) if data["scan"] else None
                consent_grant(
                    mission=mission,
                    patient=data["patient"],
                    grantee=data["grantee"],
                    grantee_party=data["grantee_party"],
                    written=data["written"],
                    scan=scan,
                    documents=list(data["documents"]),
                    granted_on=data["granted_on"],
                    recorded_by=request.user,
                )
                messages.success(request, "Consentement enregistré.")
                return redirect("cases:mission_consents", mission.pk)
            if which == "refusal" and refusal_form.is_valid():
                refusal_record(recorded_by=request.user, **refusal_form.cleaned_data)
                messages.success(request, "Refus enregistré ; il sera porté à la connaissance du juge.")
                return redirect("cases:mission_consents", mission.pk)
            if which == "revoke":
                consent = get_object_or_404(
                    Consent, pk=request.POST.get("consent"), mission=mission, patient__in=patients
                )
                consent_revoke(consent=consent, revoked_on=timezone.localdate())
                messages.success(request, "Consentement retiré : l'accès cesse immédiatement.")
                return redirect("cases:mission_consents", mission.pk)
        except ValidationError as exc:
            form_errors(consent_form if which == "consent" else refusal_form, exc)
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
    )
    return render(request, "cases/mission_consents.html", context)
