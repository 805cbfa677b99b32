"""Thin views: they check access through cases.access, validate with forms, and call services."""

import csv
import shutil
import tempfile
import zipfile
from collections import Counter
from operator import attrgetter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from cases import access, calendar, deadlines, selectors
from cases.choices import MissionStatus
from cases.forms import (
    AccessLogFilterForm,
    CertificateForm,
    ClerkDatesForm,
    ConsentForm,
    ConsignationComplementForm,
    ConsignationPayForm,
    ConvocationForm,
    DashboardFilterForm,
    DireAnswerForm,
    DireForm,
    DocumentEditForm,
    DocumentFilterForm,
    DocumentUploadForm,
    ExpertDatesForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MissionCreateForm,
    OwnDireForm,
    PartyForm,
    RecipientForm,
    RefusalForm,
    RepresentativeForm,
)
from cases.models import CalendarFeed, Consent, ConvocationRecipient, Dire, Mission
from cases.services.calendar import calendar_token_renew
from cases.services.certificates import certificate_record
from cases.services.consents import consent_grant, consent_revoke, refusal_record
from cases.services.convocations import convocation_create, convocation_letter_pdf, recipient_update
from cases.services.dires import dire_answer, dire_file, dire_prepare, dire_record
from cases.services.documents import Upload, document_update, documents_upload
from cases.services.missions import (
    allowed_transitions,
    consignation_pay,
    consignation_record,
    extension_decide,
    extension_request,
    interests_declare,
    mission_create,
    mission_dates_set,
    mission_transition,
)
from cases.services.parties import party_create, representative_add
from cases.templates_questions import all_templates, default_questions
from cases.uploads import too_large_message

# (url name, label, who sees the tab: "all", "side" = experts and parties' sides, "expert", "patient")
TABS = [
    ("cases:mission_detail", "Mission", "all"),
    ("cases:mission_parties", "Parties", "all"),
    ("cases:mission_documents", "Pièces", "all"),
    ("cases:mission_certificates", "Certificats", "side"),
    ("cases:mission_convocations", "Convocations", "all"),
    ("cases:mission_dires", "Dires", "all"),
    ("cases:mission_deadlines", "Échéances", "all"),
    ("reports:mission_report", "Rapport", "all"),
    ("cases:mission_consents", "Consentements", "patient"),
    ("cases:mission_contradictoire", "Contradictoire", "expert"),
    ("cases:mission_access_log", "Journal des accès", "patient"),
]


def mission_page(request: HttpRequest, pk: int, tab: str) -> tuple[Mission, dict]:
    """The mission (404 for outsiders) and the context of its tabbed page; `tab` is a url name
    ("mission_parties" for the cases app, or "app:name")."""
    tab = tab if ":" in tab else f"cases:{tab}"
    mission = access.mission_for(request.user, pk)
    seat = access.seat_in(request.user, mission)
    patient_side = mission.parties.filter(pk__in=seat.side_party_ids, medical_documents__isnull=False).exists() or (
        mission.parties.filter(pk__in=seat.side_party_ids, is_victim=True).exists()
    )
    shown = {
        "all": True,
        "side": seat.expert or bool(seat.side_party_ids),
        "expert": seat.expert,
        "patient": seat.expert or patient_side,
    }
    tabs = [(name, label) for name, label, who in TABS if shown[who]]
    if tab not in {name for name, _ in tabs}:
        raise PermissionDenied("Cette page n'est pas accessible à votre qualité dans la mission.")
    return mission, {
        "mission": mission,
        "tab": tab,
        "tabs": tabs,
        "is_expert": seat.expert,
        "seat": seat,
        "patient_side": patient_side,
    }


def _require_expert(context: dict) -> None:
    if not context["is_expert"]:
        raise PermissionDenied("Seuls les experts de la mission peuvent faire cette opération.")


def _form_errors(form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on the form, next to the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


SORTS = {
    "echeance": attrgetter("next_due", "pk"),
    "rg": attrgetter("rg", "pk"),
    "depot": attrgetter("report_due", "pk"),
    "etat": lambda e: (STATE_ORDER[e.state], e.next_due, e.pk),
}
STATE_ORDER = {"overdue": 0, "due_soon": 1, "upcoming": 2, "done": 3}


@never_cache
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every mission the user has a place in (a clerk: all of his court's), each with its next
    deadline and state; filters, sort, pages and CSV. Queries do not grow with the missions."""
    today = timezone.localdate()
    filters = DashboardFilterForm(request.GET or None, experts=selectors.dashboard_experts(request.user))
    data = filters.cleaned_data if filters.is_valid() else {}
    entries = selectors.dashboard_entries(
        request.user, today, search=data.get("q") or "", expert_id=int(data["expert"]) if data.get("expert") else None
    )
    if data.get("state"):
        entries = [e for e in entries if e.state == data["state"]]
    if data.get("this_month"):
        entries = [e for e in entries if (e.next_due.year, e.next_due.month) == (today.year, today.month)]
    entries.sort(key=SORTS.get(data.get("sort") or "echeance", SORTS["echeance"]))
    if request.GET.get("format") == "csv":
        return _dashboard_csv(selectors.dashboard_rows([e.pk for e in entries], today))
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.dashboard_rows([e.pk for e in page.object_list], today)
    query = request.GET.copy()
    query.pop("page", None)
    by_state = Counter(e.state for e in entries)
    counts = {state: by_state[state] for state in STATE_ORDER}
    return render(
        request,
        "cases/dashboard.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "today": today,
            "counts": counts,
            "total": page.paginator.count,
        },
    )


def _dashboard_csv(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, "missions.csv")
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            "RG",
            "affaire",
            "juridiction",
            "experts",
            "état de la mission",
            "dépôt du rapport",
            "prochaine échéance",
            "date",
            "état de l'échéance",
        ]
    )
    for r in rows:
        experts = ", ".join(a.expert.display_name for a in r.mission.assignments.all())
        writer.writerow(
            [
                r.mission.rg,
                r.mission.title,
                r.mission.court.name,
                experts,
                r.mission.get_status_display(),
                deadlines.report_due(r.mission).strftime("%d/%m/%Y"),
                r.next.label if r.next else "",
                r.next.due.strftime("%d/%m/%Y") if r.next else "",
                r.next.state_label if r.next else "à jour",
            ]
        )
    return response


@never_cache
@login_required
def mission_create_view(request: HttpRequest) -> HttpResponse:
    if not request.user.is_expert:
        raise PermissionDenied("Seul un expert crée une mission à partir de la décision qui le désigne.")
    form = MissionCreateForm(
        request.POST or None, initial={"questions": "\n".join(default_questions("civil", "initial"))}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mission = mission_create(
                created_by=request.user,
                court=data["court"],
                rg=data["rg"],
                title=data["title"],
                framework=data["framework"],
                kind=data["kind"],
                ordered_on=data["ordered_on"],
                report_due=data["report_due"],
                judge=data["judge"],
                questions=data["questions"],
            )
            if data.get("consignation_amount"):
                consignation_record(mission=mission, amount=data["consignation_amount"], due=data["consignation_due"])
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Mission créée. Ajoutez maintenant les parties.")
            return redirect("cases:mission_parties", mission.pk)
    return render(request, "cases/mission_form.html", {"form": form, "question_templates": all_templates()})


@never_cache
@login_required
def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_detail")
    context.update(
        questions=mission.questions.all(),
        assignments=mission.assignments.select_related("expert"),
        consignations=mission.consignations.select_related("payer"),
        extensions=mission.extensions.all(),
        transitions=[(s, MissionStatus(s).label) for s in allowed_transitions(mission)],
        counts=mission.documents.aggregate(total=Count("pk")),
        conflicts=selectors.conflict_warnings(request.user, mission) if context["is_expert"] else [],
        my_assignment=mission.assignments.filter(expert=request.user).first(),
    )
    return render(request, "cases/mission_detail.html", context)


@login_required
def mission_status(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_detail")  # 404 first: outsiders learn nothing
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_expert(context)
    try:
        mission_transition(mission=mission, to=request.POST.get("to", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "État de la mission mis à jour.")
    return redirect("cases:mission_detail", mission.pk)


@never_cache
@login_required
def mission_parties(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_parties")
    which = request.POST.get("form") if request.method == "POST" else None
    party_form = PartyForm(request.POST if which == "party" else None, prefix="party")
    rep_form = RepresentativeForm(request.POST if which == "representative" else None, mission=mission, prefix="rep")
    if which:
        _require_expert(context)
        try:
            if which == "party" and party_form.is_valid():
                data = party_form.cleaned_data
                party = party_create(
                    mission=mission,
                    name=data["name"],
                    role=data["role"],
                    is_victim=data["is_victim"],
                    is_insurer=data["is_insurer"],
                    opposable=data["opposable"],
                    account=data["account"],
                )
                messages.success(request, f"Partie « {party.name} » ajoutée.")
                return redirect("cases:mission_parties", mission.pk)
            if which == "representative" and rep_form.is_valid():
                user = rep_form.cleaned_data["user"]
                representative_add(party=rep_form.cleaned_data["party"], user=user, kind=user.role)
                messages.success(request, f"{user.display_name} ajouté(e).")
                return redirect("cases:mission_parties", mission.pk)
        except ValidationError as exc:
            _form_errors(party_form if which == "party" else rep_form, exc)
    context.update(parties=selectors.parties_with_representatives(mission), party_form=party_form, rep_form=rep_form)
    return render(request, "cases/mission_parties.html", context)


@never_cache
@login_required
def mission_documents(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_documents")
    upload_form = DocumentUploadForm(request.POST or None, request.FILES or None, mission=mission)
    if request.method == "POST":
        _require_expert(context)
        oversized = getattr(request, "oversized_uploads", [])
        for name in oversized:
            upload_form.add_error("files", too_large_message(name))
        if upload_form.is_valid() and not oversized:
            data = upload_form.cleaned_data
            producer, producer_party = upload_form.producer(mission)
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
                    _form_errors(upload_form, exc)
                else:
                    for message in exc.messages:
                        upload_form.add_error("files", message)
                    upload_form.add_error(
                        None,
                        "Aucune pièce n'a été enregistrée : retirez ou corrigez les "
                        "fichiers refusés, puis déposez-les à nouveau.",
                    )
            else:
                numbers = ", ".join(str(s.document.number) for s in stored)
                messages.success(request, f"{len(stored)} pièce(s) ajoutée(s) au bordereau (n° {numbers}).")
                for s in stored:
                    if s.duplicate_of is not None:
                        messages.warning(
                            request,
                            f"La pièce n° {s.document.number} est identique à la pièce "
                            f"n° {s.duplicate_of.number} (même empreinte SHA-256).",
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
    return render(request, "cases/mission_documents.html", context)


@never_cache
@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document, decision = access.document_for(request, access.Action.VIEW, pk)
    _, context = mission_page(request, document.mission_id, "mission_documents")
    form = None
    if context["is_expert"] and decision.allowed:
        form = DocumentEditForm(
            request.POST or None,
            initial={"title": document.title, "date": document.date, "unrelated": document.unrelated},
        )
        if request.method == "POST" and form.is_valid():
            document_update(document=document, **form.cleaned_data)
            messages.success(request, "Pièce mise à jour.")
            return redirect("cases:document_detail", document.pk)
    elif request.method == "POST":
        raise PermissionDenied
    context.update(
        document=document,
        decision=decision,
        form=form,
        certificate=getattr(document, "certificate", None) if decision.allowed else None,
    )
    return render(request, "cases/document_detail.html", context)


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
        _require_expert(context)
        if form.is_valid():
            try:
                certificate_record(**form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Certificat enregistré.")
                return redirect("cases:mission_certificates", mission.pk)
    context.update(form=form, timeline=selectors.medical_timeline(request.user, mission))
    return render(request, "cases/mission_certificates.html", context)


@never_cache
@login_required
def mission_convocations(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    form = ConvocationForm(request.POST or None)
    if request.method == "POST":
        _require_expert(context)
        if form.is_valid():
            try:
                convocation_create(mission=mission, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(
                    request, "Réunion programmée ; les destinataires sont toutes les parties et leurs représentants."
                )
                return redirect("cases:mission_convocations", mission.pk)
    convocations = mission.convocations.prefetch_related(
        Prefetch("recipients", queryset=ConvocationRecipient.objects.order_by("pk"))
    )
    context.update(form=form, convocations=convocations)
    return render(request, "cases/mission_convocations.html", context)


@never_cache
@login_required
def mission_dires(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert records dires received by mail and answers them; a party's avocat files his
    own; a médecin-conseil prepares a draft that only his side sees, and his avocat files it."""
    mission, context = mission_page(request, pk, "mission_dires")
    user = request.user
    seat = context["seat"]
    lawyer_of = list(mission.parties.filter(representatives__user=user, representatives__kind="avocat").distinct())
    doctor_of = list(mission.parties.filter(pk__in=seat.doctor_party_ids))
    which = request.POST.get("form") if request.method == "POST" else None
    form = DireForm(
        request.POST if which == "dire" else None, mission=mission, initial={"received_on": timezone.localdate()}
    )
    own_form = OwnDireForm(request.POST if which in ("file", "prepare") else None, parties=lawyer_of or doctor_of)
    today = timezone.localdate()
    if which == "answer":
        _require_expert(context)
        dire = get_object_or_404(Dire, pk=request.POST.get("dire"), mission=mission, is_filed=True)
        answer_form = DireAnswerForm(request.POST)
        if answer_form.is_valid():
            dire_answer(dire=dire, answer=answer_form.cleaned_data["answer"], answered_on=today)
            messages.success(request, "Réponse enregistrée.")
        else:
            messages.error(request, "La réponse ne peut être vide.")
        return redirect("cases:mission_dires", mission.pk)
    if which == "dire":
        _require_expert(context)
        if form.is_valid():
            try:
                dire_record(mission=mission, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Dire enregistré.")
                return redirect("cases:mission_dires", mission.pk)
    if which in ("file", "prepare"):
        if (which == "file" and not lawyer_of) or (which == "prepare" and not doctor_of):
            raise PermissionDenied("Seul l'avocat d'une partie dépose un dire ; son médecin-conseil peut le préparer.")
        if own_form.is_valid():
            party, text = own_form.cleaned_data["party"], own_form.cleaned_data["text"]
            try:
                if which == "file":
                    dire_record(mission=mission, party=party, filed_by=user, received_on=today, text=text)
                    messages.success(request, "Dire déposé ; l'expert et les autres parties le reçoivent.")
                else:
                    dire_prepare(party=party, prepared_by=user, text=text)
                    messages.success(request, "Projet de dire enregistré ; votre avocat peut le déposer.")
            except ValidationError as exc:
                _form_errors(own_form, exc)
            else:
                return redirect("cases:mission_dires", mission.pk)
    if which == "file_draft":
        draft = get_object_or_404(
            Dire, pk=request.POST.get("dire"), mission=mission, is_filed=False, party__in=lawyer_of
        )
        try:
            dire_file(dire=draft, filed_by=user, received_on=today)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Dire déposé.")
        return redirect("cases:mission_dires", mission.pk)
    drafts = mission.dires.filter(is_filed=False, party__in=[*lawyer_of, *doctor_of]).select_related(
        "party", "prepared_by"
    )
    context.update(
        form=form,
        own_form=own_form,
        drafts=drafts,
        may_file=bool(lawyer_of),
        may_prepare=bool(doctor_of),
        dires=mission.dires.filter(is_filed=True).select_related("party", "filed_by"),
    )
    return render(request, "cases/mission_dires.html", context)


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
            _form_errors(consent_form if which == "consent" else refusal_form, exc)
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


@login_required
def mission_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The bordereau as a ZIP of the pieces this user may open (and only those), each access logged."""
    mission, _ = mission_page(request, pk, "mission_documents")
    documents = list(
        access.visible_documents(request.user, mission, action=access.Action.DOWNLOAD)
        .select_related("producer_party")
        .order_by("number")
    )
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        lines = ["N°;Date;Pièce;Produite par;Fichier;SHA-256"]
        for doc in documents:
            access.document_for(request, access.Action.DOWNLOAD, doc.pk)
            name = f"{doc.number:03d} - {_safe_name(doc.title)}{_extension(doc.content_type)}"
            with doc.file.open("rb") as handle, zf.open(name, "w") as target:
                shutil.copyfileobj(handle, target, 64 * 1024)
            lines.append(f"{doc.number};{doc.date or ''};{doc.title};{doc.producer_label};{name};{doc.sha256}")
        zf.writestr("bordereau.csv", "\n".join(lines) + "\n")
    archive.seek(0)
    response = FileResponse(
        archive,
        content_type="application/zip",
        as_attachment=True,
        filename=f"bordereau-RG-{_safe_name(mission.rg)}.zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in " -_.,'()" else "-" for c in text).strip()[:80] or "piece"


def _extension(content_type: str) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif"}.get(
        content_type, ""
    )


@never_cache
@login_required
def mission_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Rule 9: the log of the mission, for its experts and the patient's side; filterable, CSV."""
    mission, context = mission_page(request, pk, "mission_access_log")
    rows = selectors.access_log_for(request.user, mission, is_expert=context["is_expert"])
    filters = AccessLogFilterForm(request.GET or None)
    if filters.is_valid():
        data = filters.cleaned_data
        if data["username"]:
            rows = rows.filter(username__icontains=data["username"])
        if data["number"]:
            rows = rows.filter(document__number=data["number"])
        if data["allowed"] in ("1", "0"):
            rows = rows.filter(allowed=data["allowed"] == "1")
        if data["since"]:
            rows = rows.filter(at__date__gte=data["since"])
        if data["until"]:
            rows = rows.filter(at__date__lte=data["until"])
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"journal-acces-RG-{_safe_name(mission.rg)}.csv"
        )
        response["Cache-Control"] = "private, no-store"
        writer = csv.writer(response, delimiter=";")
        writer.writerow(["date", "utilisateur", "pièce", "action", "autorisé", "règle", "adresse IP"])
        for row in rows.iterator():
            writer.writerow(
                [
                    timezone.localtime(row.at).strftime("%d/%m/%Y %H:%M:%S"),
                    row.username,
                    row.document.number,
                    row.action,
                    "oui" if row.allowed else "non",
                    row.rule,
                    row.ip or "",
                ]
            )
        return response
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, filters=filters, query=query.urlencode())
    return render(request, "cases/mission_access_log.html", context)


@never_cache
@login_required
def mission_contradictoire(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_contradictoire")
    rows = selectors.contradictoire(request.user, mission)
    context.update(rows=rows, warnings=[r for r in rows if r.missing])
    return render(request, "cases/mission_contradictoire.html", context)


@login_required
def mission_interests(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_detail")
    _require_expert(context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    assignment = get_object_or_404(mission.assignments, expert=request.user)
    interests_declare(assignment=assignment, text=request.POST.get("interests", ""), declared_on=timezone.localdate())
    messages.success(request, "Déclaration d'intérêts enregistrée.")
    return redirect("cases:mission_detail", mission.pk)


@never_cache
@login_required
def mission_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    """The procedural timeline and the deadlines. The expert requests extensions and sets the
    dires deadline; the court's clerk records the judge's decisions, payments and complements."""
    mission, context = mission_page(request, pk, "mission_deadlines")
    is_clerk = context["seat"].court
    which = request.POST.get("form") if request.method == "POST" else None
    post = lambda name: request.POST if which == name else None  # noqa: E731
    forms_ = {
        "extension": ExtensionRequestForm(post("extension"), prefix="ext"),
        "decision": ExtensionDecisionForm(post("decision"), prefix="dec", initial={"decided_on": timezone.localdate()}),
        "pay": ConsignationPayForm(post("pay"), prefix="pay", initial={"paid_on": timezone.localdate()}),
        "complement": ConsignationComplementForm(post("complement"), mission=mission, prefix="cmp"),
        "expert_dates": ExpertDatesForm(
            post("expert_dates"),
            prefix="dates",
            initial={"dires_due": mission.dires_due, "fee_requested_on": mission.fee_requested_on},
        ),
        "clerk_dates": ClerkDatesForm(
            post("clerk_dates"), prefix="tax", initial={"fees_taxed_on": mission.fees_taxed_on}
        ),
    }
    if which:
        if which in ("extension", "expert_dates"):
            _require_expert(context)
        elif which in ("decision", "pay", "complement", "clerk_dates"):
            if not is_clerk:
                raise PermissionDenied("Seul le greffe de la juridiction enregistre cette décision.")
        else:
            raise PermissionDenied
        form = forms_[which]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if which == "extension":
                    extension_request(mission=mission, requested_on=timezone.localdate(), **data)
                elif which == "decision":
                    extension = get_object_or_404(mission.extensions, pk=request.POST.get("extension"))
                    extension_decide(extension=extension, **data)
                elif which == "pay":
                    consignation = get_object_or_404(mission.consignations, pk=request.POST.get("consignation"))
                    consignation_pay(consignation=consignation, **data)
                elif which == "complement":
                    consignation_record(mission=mission, is_complement=True, **data)
                else:
                    mission_dates_set(mission=mission, **data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, "Enregistré.")
                return redirect("cases:mission_deadlines", mission.pk)
    data = selectors.with_deadline_data(visible_one(request.user, mission.pk)).get()
    context.update(
        deadlines=deadlines.mission_deadlines(data, timezone.localdate()),
        timeline=selectors.procedural_timeline(data),
        extensions=data.extensions.all(),
        consignations=data.consignations.all(),
        is_clerk=is_clerk,
        **{f"{name}_form": form for name, form in forms_.items()},
    )
    return render(request, "cases/mission_deadlines.html", context)


def visible_one(user, pk: int):
    return access.visible_missions(user).filter(pk=pk)


@login_required
def convocation_letter(request: HttpRequest, pk: int, recipient_id: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    _require_expert(context)
    recipient = get_object_or_404(
        ConvocationRecipient.objects.select_related("mission_convocation__mission__court"),
        pk=recipient_id,
        mission_convocation__mission=mission,
    )
    pdf = convocation_letter_pdf(recipient=recipient, expert=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"convocation-{_safe_name(recipient.name)}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def convocation_recipient(request: HttpRequest, pk: int, recipient_id: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_convocations")
    _require_expert(context)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    recipient = get_object_or_404(ConvocationRecipient, pk=recipient_id, mission_convocation__mission=mission)
    form = RecipientForm(request.POST, prefix=f"r{recipient.pk}")
    if form.is_valid():
        try:
            recipient_update(recipient=recipient, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, f"{recipient.name} : " + " ".join(exc.messages))
        else:
            messages.success(request, f"Envoi à {recipient.name} mis à jour.")
    else:
        messages.error(request, f"{recipient.name} : " + " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("cases:mission_convocations", mission.pk)


@never_cache
@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    if not request.user.is_expert:
        raise PermissionDenied
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        feed = calendar_token_renew(user=request.user)
        messages.success(request, "Nouvelle adresse d'abonnement créée ; l'ancienne ne fonctionne plus.")
        return redirect("cases:calendar_settings")
    url = request.build_absolute_uri(reverse("cases:calendar_feed", args=[feed.token])) if feed else None
    return render(request, "cases/calendar_settings.html", {"feed_url": url})


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The ICS feed a calendar application subscribes to, behind a secret token (no login)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    if feed is None:
        raise Http404
    missions = selectors.with_deadline_data(
        Mission.objects.filter(assignments__expert=feed.user).exclude(status__in=["declined", "lapsed"])
    )
    today = timezone.localdate()
    events = []
    for mission in missions:
        for conv in mission.convocations.all():
            events.append(
                {
                    "uid": f"meeting-{conv.pk}@expertise",
                    "start": conv.meeting_at,
                    "minutes": 180,
                    "summary": f"Réunion d'expertise RG {mission.rg}",
                    "location": conv.place,
                }
            )
        for d in deadlines.mission_deadlines(mission, today):
            if d.state != deadlines.State.DONE:
                events.append(
                    {
                        "uid": f"deadline-{mission.pk}-{d.ref}@expertise",
                        "day": d.due,
                        "summary": f"{d.label} — RG {mission.rg}",
                    }
                )
    response = HttpResponse(calendar.ics(events, now=timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
