from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from cases import access, actions, selectors
from cases.forms import (
    CertificateEditForm,
    CertificateForm,
    DocumentEditForm,
    DocumentFilterForm,
    DocumentUploadForm,
    DocumentWithdrawForm,
)
from cases.services.certificates import certificate_record, certificate_update
from cases.services.documents import (
    Upload,
    document_update,
    document_withdraw,
    documents_upload,
    in_deposited_report,
)
from cases.uploads import too_large_message
from cases.views.common import form_errors, form_status, mission_page, require
from cases.views.consents import refusal_notes


@never_cache
@login_required
def mission_documents(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_documents")
    upload_form = DocumentUploadForm(request.POST or None, request.FILES or None, mission=mission)
    if request.method == "POST":
        oversized = getattr(request, "oversized_uploads", [])
        for name in oversized:
            upload_form.add_error("files", too_large_message(name))
        if upload_form.is_valid() and not oversized:
            data = upload_form.cleaned_data
            producer, producer_party = upload_form.producer(mission)
            seat = context["action_seat"]
            require(request, context, actions.upload_act(seat, producer), party=producer_party)
            try:
                stored = documents_upload(
                    mission=mission,
                    uploaded_by=request.user,
                    uploads=[Upload(name=f.name, file=f) for f in data["files"]],
                    producer=producer,
                    producer_party=producer_party,
                    is_medical=data["is_medical"],
                    about=data["about"],
                    date=data["date"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    form_errors(upload_form, exc)
                else:
                    for message in exc.messages:
                        upload_form.add_error("files", message)
                    upload_form.add_error(
                        None,
                        _(
                            "Aucune pièce n'a été enregistrée : retirez ou corrigez les "
                            "fichiers refusés, puis déposez-les à nouveau."
                        ),
                    )
            else:
                numbers = ", ".join(str(s.document.number) for s in stored)
                messages.success(
                    request,
                    ngettext(
                        "%(count)s pièce(s) ajoutée(s) au bordereau (n° %(numbers)s).",
                        "%(count)s pièce(s) ajoutée(s) au bordereau (n° %(numbers)s).",
                        len(stored),
                    )
                    % {"count": len(stored), "numbers": numbers},
                )
                for s in stored:
                    if s.duplicate_of is not None:
                        messages.warning(
                            request,
                            _(
                                "La pièce n° %(number)s est identique à la pièce "
                                "n° %(original)s (même empreinte SHA-256)."
                            )
                            % {"number": s.document.number, "original": s.duplicate_of.number},
                        )
                return redirect("cases:mission_documents", mission.pk)
    filters = DocumentFilterForm(request.GET or None, mission=mission)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    documents = selectors.documents_for_list(
        request.user,
        mission,
        search=criteria.get("q", ""),
        medical=criteria.get("medical", ""),
        producer=criteria.get("producer", ""),
    )
    context.update(documents=documents, upload_form=upload_form, filters=filters)
    return render(request, "cases/mission_documents.html", context, status=form_status(request, upload_form))


DETAIL_FORMS = ("edit", "withdraw", "certificate")


@never_cache
@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A piece: what the user may read of it (rules 3 to 8); for the experts, its corrections, its
    certificate's, and its withdrawal (DOMAIN.md §8). A withdrawn piece stays, with its reason."""
    document, decision = access.document_for(request, access.Action.VIEW, pk)
    mission, context = mission_page(request, document.mission_id, "mission_documents")
    which = request.POST.get("form", "edit") if request.method == "POST" else None
    if which is not None and which not in DETAIL_FORMS:
        raise BadRequest(_("Formulaire inconnu."))
    can_edit = context["can"]["piece_edit"]
    if which is not None and not can_edit:
        require(request, context, actions.Act.PIECE_EDIT)
    certificate = getattr(document, "certificate", None) if decision.allowed else None
    forms = {"edit": None, "withdraw": None, "certificate": None}
    if can_edit and decision.allowed:  # an expert who may not open the piece may not edit it either
        forms["edit"] = DocumentEditForm(
            request.POST if which == "edit" else None,
            mission=mission,
            document=document,
            frozen=in_deposited_report(document),
        )
        if certificate is not None:
            forms["certificate"] = CertificateEditForm(
                request.POST if which == "certificate" else None, certificate=certificate, prefix="certificate"
            )
    if can_edit:  # withdrawing shows nothing of the piece: any expert, whether he may open it or not
        forms["withdraw"] = DocumentWithdrawForm(request.POST if which == "withdraw" else None, prefix="withdraw")
    if which is not None:
        form = forms[which]
        if form is None and not decision.allowed:
            raise PermissionDenied(decision.reason)
        if form is None:
            raise BadRequest(_("Cette pièce ne porte pas de certificat."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "edit":
                    document_update(by=request.user, document=document, **form.corrections())
                    messages.success(request, _("Pièce mise à jour."))
                elif which == "certificate":
                    certificate_update(by=request.user, certificate=certificate, **data)
                    messages.success(request, _("Certificat corrigé."))
                else:
                    document_withdraw(by=request.user, document=document, reason=data["reason"], on=data["on"])
                    messages.success(request, _("Pièce retirée ; elle reste au bordereau avec le motif du retrait."))
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                return redirect("cases:document_detail", document.pk)
    context.update(
        document=document,
        decision=decision,
        form=forms["edit"],
        withdraw_form=forms["withdraw"],
        certificate_form=forms["certificate"],
        certificate=certificate,
        # the refusals of the piece and the consents they supersede: the experts' and the patient's
        # side's business only (rule 8: the others learn nothing of a refusal)
        refusals=refusal_notes(document) if decision.insider and document.is_medical else [],
    )
    return render(request, "cases/document_detail.html", context, status=form_status(request, *forms.values()))


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    document, decision = access.document_for(request, access.Action.DOWNLOAD, pk)
    if not decision.allowed:
        raise PermissionDenied(decision.reason)
    accel = getattr(settings, "SENDFILE_X_ACCEL_PREFIX", None)
    if accel:
        response = HttpResponse(content_type=document.content_type)
        response["X-Accel-Redirect"] = f"{accel.rstrip('/')}/{document.file.name}"
    else:
        response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, document.original_name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@login_required
def mission_certificates(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_certificates")
    readable = access.visible_documents(request.user, mission, action=access.Action.VIEW).filter(
        is_medical=True, certificate__isnull=True
    )
    form = CertificateForm(request.POST or None, documents=readable)
    if request.method == "POST":
        require(request, context, actions.Act.PIECE_EDIT)  # the certificate's data is the piece's
        if form.is_valid():
            try:
                certificate_record(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Certificat enregistré."))
                return redirect("cases:mission_certificates", mission.pk)
    timeline = selectors.medical_timeline(request.user, mission)
    # Rule 9: the timeline shows the certificates' lesions, stoppages and authors: one log row per
    # piece shown, written in one INSERT.
    access.documents_shown(request, mission, mission.documents.filter(pk__in={e.document_id for e in timeline}))
    context.update(form=form, timeline=timeline)
    return render(request, "cases/mission_certificates.html", context, status=form_status(request, form))
