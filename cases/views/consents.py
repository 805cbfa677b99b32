from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import access, actions, countries
from cases.forms import (
    ConsentEditForm,
    ConsentForm,
    RefusalForm,
    RefusalLiftForm,
    RevokeForm,
)
from cases.models import Consent, Document, Refusal
from cases.services.consents import consent_grant, consent_revoke, consent_update, refusal_lift, refusal_record
from cases.services.documents import Upload
from cases.views.common import form_errors, form_status, mission_page

FORMS = ("consent", "refusal", "revoke", "edit", "lift")


def _upload(file) -> Upload | None:
    return Upload(name=file.name, file=file) if file else None


def _covers(consent: Consent, refusal: Refusal) -> bool:
    """Whether the consent covered the refused piece: the same patient, and every piece of his or
    a list naming it (as cases.access reads a consent)."""
    if consent.patient_id != refusal.patient_id or refusal.document.about_id != refusal.patient_id:
        return False
    named = {d.pk for d in consent.documents.all()}
    return not named or refusal.document_id in named


def supersede(consents: list[Consent], refusals: list[Refusal]) -> None:
    """A standing refusal supersedes the consents that cover its piece (rule 6 over rule 5; Civ.
    1re, 11 juin 2009): each consent in force gets `refused`, the standing refusals of the pieces
    it covered, so the page says the consent no longer covers them."""
    standing = [r for r in refusals if r.lifted_on is None]
    for consent in consents:
        consent.refused = [r for r in standing if consent.revoked_on is None and _covers(consent, r)]


def refusal_notes(document: Document) -> list[Refusal]:
    """The refusals of a medical piece, standing or lifted, each with `superseded`: the consents in
    force that covered the piece and that a standing refusal sets aside. For the experts and the
    patient's own side only (rule 8)."""
    refusals = list(
        document.refusals.filter(patient_id=document.about_id)
        .select_related("patient", "document")
        .order_by("refused_on", "pk")
    )
    if not refusals:
        return []
    consents = list(
        Consent.objects.filter(mission_id=document.mission_id, patient_id=document.about_id, revoked_on__isnull=True)
        .select_related("grantee_party")
        .prefetch_related("documents")
    )
    for refusal in refusals:
        refusal.superseded = [c for c in consents if _covers(c, refusal)] if refusal.lifted_on is None else []
    return refusals


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
        initial={"granted_on": countries.today(mission)},
    )
    refusal_form = RefusalForm(
        request.POST if which == "refusal" else None,
        files if which == "refusal" else None,
        patients=patients,
        documents=medical,
        prefix="refusal",
        initial={"refused_on": countries.today(mission)},
    )
    revoke_form = RevokeForm(request.POST if which == "revoke" else None, files if which == "revoke" else None)
    lift_form = RefusalLiftForm(request.POST if which == "lift" else None, files if which == "lift" else None)
    # the correction of a consent: asked by ?corriger=<id>, sent with the consent's id
    editing = None
    edit_id = request.POST.get("edit-consent") if which == "edit" else request.GET.get("corriger")
    if edit_id and patients.exists():
        if not edit_id.isascii() or not edit_id.isdigit():
            raise BadRequest(_("Identifiant « %(name)s » invalide.") % {"name": "consent"})
        editing = get_object_or_404(
            Consent.objects.prefetch_related("documents"), pk=int(edit_id), mission=mission, patient__in=patients
        )
    edit_form = (
        ConsentEditForm(
            request.POST if which == "edit" else None,
            files if which == "edit" else None,
            consent=editing,
            documents=medical,
            prefix="edit",
        )
        if editing is not None
        else None
    )
    if which:
        if which not in FORMS:
            raise BadRequest(_("Formulaire inconnu."))
        if not patients.exists():
            raise PermissionDenied(str(actions.REFUSALS["patient"]))
        if which == "edit" and edit_form is None:
            raise BadRequest(_("Identifiant « %(name)s » invalide.") % {"name": "consent"})
        form = {
            "consent": consent_form,
            "refusal": refusal_form,
            "revoke": revoke_form,
            "edit": edit_form,
            "lift": lift_form,
        }[which]
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
                elif which == "edit":
                    consent_update(
                        by=request.user,
                        consent=editing,
                        granted_on=data["granted_on"],
                        written=data["written"],
                        documents=list(data["documents"]),
                        revoked_on=data.get("revoked_on"),
                        scan=_upload(data.get("scan")),
                        reason=data["reason"],
                    )
                    messages.success(request, _("Consentement corrigé."))
                elif which == "lift":
                    refusal = get_object_or_404(Refusal, pk=data["refusal"], mission=mission, patient__in=patients)
                    refusal_lift(by=request.user, refusal=refusal, on=data["on"], scan=_upload(data["scan"]))
                    messages.success(request, _("Refus levé : les consentements qui couvrent la pièce s'appliquent."))
                else:
                    consent = get_object_or_404(Consent, pk=data["consent"], mission=mission, patient__in=patients)
                    consent_revoke(
                        by=request.user,
                        consent=consent,
                        revoked_on=countries.today(mission),
                        scan=_upload(data["scan"]),
                    )
                    messages.success(request, _("Consentement retiré : l'accès cesse immédiatement."))
            except ValidationError as exc:
                if which in ("revoke", "lift"):
                    for message in exc.messages:
                        messages.error(request, message)
                    return redirect("cases:mission_consents", mission.pk)
                form_errors(form, exc)
            else:
                return redirect("cases:mission_consents", mission.pk)
        elif which in ("revoke", "lift"):
            name = "consent" if which == "revoke" else "refusal"
            if name in form.errors:
                raise BadRequest(_("Identifiant « %(name)s » invalide.") % {"name": name})
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("cases:mission_consents", mission.pk)
    own = mission.parties.filter(pk__in=context["seat"].side_party_ids)
    shown = Q() if context["is_expert"] else Q(patient__in=own)
    consents = list(
        mission.consents.filter(shown).select_related("patient", "grantee_party").prefetch_related("documents")
    )
    refusals = list(mission.refusals.filter(shown).select_related("patient", "document").order_by("refused_on", "pk"))
    supersede(consents, refusals)
    context.update(
        consents=consents,
        refusals=refusals,
        consent_form=consent_form,
        refusal_form=refusal_form,
        edit_form=edit_form,
        editing=editing,
        may_record=patients.exists(),
        # the patients whose decisions this user records: their consents and refusals get the buttons
        recordable=set(patients.values_list("pk", flat=True)),
        records_for_patient=seat.expert,
    )
    return render(
        request,
        "cases/mission_consents.html",
        context,
        status=form_status(request, consent_form, refusal_form, edit_form),
    )
