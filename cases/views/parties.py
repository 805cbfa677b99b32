from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from cases import selectors
from cases.forms import (
    PartyForm,
    RepresentativeForm,
)
from cases.services.parties import party_create, representative_add
from cases.views.common import _require_expert, form_errors, mission_page


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
            form_errors(party_form if which == "party" else rep_form, exc)
    context.update(parties=selectors.parties_with_representatives(mission), party_form=party_form, rep_form=rep_form)
    return render(request, "cases/mission_parties.html", context)
