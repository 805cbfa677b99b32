from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from cases import access, actions, countries
from cases.forms import (
    DireAnswerForm,
    DireForm,
    OwnDireForm,
)
from cases.models import Dire
from cases.services.dires import deposited, dire_answer, dire_file, dire_prepare, dire_record
from cases.views.common import form_errors, form_status, mission_page, post_id, require


@never_cache
@login_required
def mission_dires(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert records dires received by mail and answers them; a party's avocat files his
    own; a médecin-conseil prepares a draft that only his side sees, and his avocat files it."""
    mission, context = mission_page(request, pk, "mission_dires")
    user = request.user
    parties = list(mission.parties.all())
    lawyer_of = actions.parties_for(context["action_seat"], actions.Act.DIRE_FILE, parties)
    doctor_of = actions.parties_for(context["action_seat"], actions.Act.DIRE_PREPARE, parties)
    which = request.POST.get("form") if request.method == "POST" else None
    today = countries.today(mission)
    form = DireForm(request.POST if which == "dire" else None, mission=mission, initial={"received_on": today})
    own_form = OwnDireForm(request.POST if which in ("file", "prepare") else None, parties=lawyer_of or doctor_of)
    if which == "answer":  # the experts' answer, or its correction until the deposit (CPC art. 276)
        require(request, context, actions.Act.DIRE_RECORD)
        dire = get_object_or_404(Dire, pk=post_id(request, "dire"), mission=mission, is_filed=True)
        answer_form = DireAnswerForm(request.POST)
        if answer_form.is_valid():
            data = answer_form.cleaned_data
            corrected = bool(dire.answer)
            try:
                dire_answer(
                    by=user, dire=dire, answer=data["answer"], answered_on=data["answered_on"], reason=data["reason"]
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("Réponse corrigée.") if corrected else _("Réponse enregistrée."))
        else:  # empty, or longer than DIRE_MAX_CHARS
            for errors in answer_form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("cases:mission_dires", mission.pk)
    if which == "dire":
        require(request, context, actions.Act.DIRE_RECORD)
        if form.is_valid():
            try:
                dire_record(by=user, mission=mission, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("Dire enregistré."))
                return redirect("cases:mission_dires", mission.pk)
    if which in ("file", "prepare"):
        act = actions.Act.DIRE_FILE if which == "file" else actions.Act.DIRE_PREPARE
        if not (lawyer_of if which == "file" else doctor_of):
            require(request, context, act)  # for no party of the mission: refused, with the reason
        if own_form.is_valid():
            party, text = own_form.cleaned_data["party"], own_form.cleaned_data["text"]
            require(request, context, act, party=party)
            try:
                if which == "file":
                    dire_record(by=user, mission=mission, party=party, filed_by=user, received_on=today, text=text)
                    messages.success(request, _("Dire déposé ; l'expert et les autres parties le reçoivent."))
                else:
                    dire_prepare(party=party, prepared_by=user, text=text)
                    messages.success(request, _("Projet de dire enregistré ; votre avocat peut le déposer."))
            except ValidationError as exc:
                form_errors(own_form, exc)
            else:
                return redirect("cases:mission_dires", mission.pk)
    if which == "file_draft":
        draft = get_object_or_404(
            Dire, pk=post_id(request, "dire"), mission=mission, is_filed=False, party__in=lawyer_of
        )
        try:
            dire_file(dire=draft, filed_by=user, received_on=today)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Dire déposé."))
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
        # each with `text_shown`: the court's staff read a dire once annexed to a deposited report
        dires=access.filed_dires(context["seat"], mission),
        # the experts answer and correct their answers until the deposit (CPC art. 276 al. 2)
        answers_open=context["can"]["dire_record"] and not deposited(mission),
    )
    return render(request, "cases/mission_dires.html", context, status=form_status(request, form, own_form))
