from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from cases import access, actions, selectors
from cases.forms import (
    CertificateForm,
    DocumentEditForm,
    DocumentFilterForm,
    DocumentUploadForm,
)
from cases.services.certificates import certificate_record
from cases.services.documents import Upload, document_update, documents_upload
from cases.uploads import too_large_message
from cases.views.common import form_errors, form_status, mission_page, require


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


@never_cache
@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document, decision = access.document_for(request, access.Action.VIEW, pk)
    _mission, context = mission_page(request, document.mission_id, "mission_documents")
    form = None
    if context["can"]["piece_edit"] and decision.allowed:
        form = DocumentEditForm(
            request.POST or None,
            initial={"title": document.title, "date": document.date, "unrelated": document.unrelated},
        )
        if request.method == "POST" and form.is_valid():
            document_update(by=request.user, document=document, **form.cleaned_data)
            messages.success(request, _("Pièce mise à jour."))
            return redirect("cases:document_detail", document.pk)
    elif request.method == "POST":
        require(request, context, actions.Act.PIECE_EDIT)
        raise PermissionDenied  # an expert who may not open the piece may not edit it either
    context.update(
        document=document,
        decision=decision,
        form=form,
        certificate=getattr(document, "certificate", None) if decision.allowed else None,
    )
    return render(request, "cases/document_detail.html", context, status=form_status(request, form))


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
                certificate_record(**form.cleaned_data)
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
