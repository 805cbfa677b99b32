from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from cases.forms import (
    DireAnswerForm,
    DireForm,
    OwnDireForm,
)
from cases.models import Dire
from cases.services.dires import dire_answer, dire_file, dire_prepare, dire_record
from cases.views.common import _require_expert, form_errors, mission_page


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
                form_errors(form, exc)
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
                form_errors(own_form, exc)
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
