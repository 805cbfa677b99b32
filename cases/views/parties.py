from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import Invitation
from cases import actions, selectors
from cases.forms import PartyForm, RepresentativeForm
from cases.forms.parties import PartyEditForm, SeatEndForm
from cases.models import Representative
from cases.services import parties as services
from cases.views.common import form_errors, form_status, mission_page, post_id, require

END_FORMS = ("end_representative", "end_account", "cancel_invitation")
KNOWN_FORMS = ("party", "representative", "edit_party", *END_FORMS)


@never_cache
@login_required
def mission_parties(request: HttpRequest, pk: int) -> HttpResponse:
    mission, context = mission_page(request, pk, "mission_parties")
    which = request.POST.get("form") if request.method == "POST" else None
    party_form = PartyForm(request.POST if which == "party" else None, prefix="party")
    rep_form = RepresentativeForm(request.POST if which == "representative" else None, mission=mission, prefix="rep")
    edit_form = None  # the correction of one party, posted
    if which:
        if which not in KNOWN_FORMS:
            raise BadRequest(_("Formulaire inconnu."))
        require(request, context, actions.Act.SEATS_MANAGE)
        if which in END_FORMS:
            _end_seat(request, mission, which)
            return redirect("cases:mission_parties", mission.pk)
        if which == "edit_party":
            edited = get_object_or_404(mission.parties, pk=post_id(request, "party"))
            edit_form = PartyEditForm.for_party(edited, request.POST)
            if _edit_party(request, edited, edit_form):
                return redirect("cases:mission_parties", mission.pk)
        try:
            if which == "party" and party_form.is_valid():
                data = party_form.cleaned_data
                party, outcome = services.party_add(
                    by=request.user,
                    mission=mission,
                    name=data["name"],
                    role=data["role"],
                    is_victim=data["is_victim"],
                    is_insurer=data["is_insurer"],
                    opposable=data["opposable"],
                    public_body=data["public_body"],
                    email=data["email"],
                    born_on=data["born_on"],
                    sex=data["sex"],
                    occupation=data["occupation"],
                    worker_status=data["worker_status"],
                    address=data["address"],
                    contact_email=data["contact_email"],
                )
                messages.success(request, _("Partie « %(name)s » ajoutée.") % {"name": party.name})
                if outcome is not None:
                    _tell_outcome(request, outcome, data["email"])
                return redirect("cases:mission_parties", mission.pk)
            if which == "representative" and rep_form.is_valid():
                data = rep_form.cleaned_data
                outcome = services.seat_by_email(
                    by=request.user,
                    party=data["party"],
                    role=data["role"],
                    email=data["email"],
                    reason=data["reason"],
                )
                _tell_outcome(request, outcome, data["email"])
                return redirect("cases:mission_parties", mission.pk)
        except ValidationError as exc:
            form_errors(party_form if which == "party" else rep_form, exc)
    # A person's details (date of birth, address...) are personal data: the experts and the party's
    # own side (itself, its avocat, its médecin-conseil) see them; the adverse side and the court do not.
    seat = context["action_seat"]
    own_side = seat.own_party_ids | seat.avocat_of | seat.doctor_of
    parties = list(selectors.parties_with_representatives(mission))
    for party in parties:
        party.details_shown = context["is_expert"] or party.pk in own_side
        if context["can"]["seats_manage"]:
            bound = edit_form is not None and edit_form.prefix == f"edit{party.pk}"
            party.edit_form = edit_form if bound else PartyEditForm.for_party(party)
            party.edit_open = bound
    context.update(
        parties=parties,
        invitations=selectors.pending_invitations(mission) if context["can"]["seats_manage"] else [],
        party_form=party_form,
        rep_form=rep_form,
    )
    status = form_status(request, party_form, rep_form, edit_form)
    return render(request, "cases/mission_parties.html", context, status=status)


def _edit_party(request: HttpRequest, party, form: PartyEditForm) -> bool:
    """Corrects a party with the reason typed; False (the form shown again, with its errors at the
    fields) when the input or the rules of the seats refuse it."""
    if not form.is_valid():
        return False
    data = dict(form.cleaned_data)
    reason = data.pop("reason")
    try:
        services.party_update(by=request.user, party=party, reason=reason, **data)
    except ValidationError as exc:
        form_errors(form, exc)
        return False
    messages.success(request, _("Partie « %(name)s » corrigée.") % {"name": data["name"]})
    return True


def _tell_outcome(request: HttpRequest, outcome: services.SeatOutcome, email: str) -> None:
    if outcome.seated:
        messages.success(request, _("%(name)s siège désormais dans la mission.") % {"name": outcome.user.display_name})
    else:
        messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": email})


def _end_seat(request: HttpRequest, mission, which: str) -> None:
    """Ends a seat of this mission (an id of another mission is a 404, like any unknown id), with
    the reason typed."""
    form = SeatEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
        return
    reason = form.cleaned_data["reason"]
    if which == "end_representative":
        representative = get_object_or_404(
            Representative.objects.select_related("user", "party__mission"),
            pk=post_id(request, "representative"),
            party__mission=mission,
        )
        services.representative_end(by=request.user, representative=representative, reason=reason)
        messages.success(
            request,
            _("%(name)s ne siège plus pour %(party)s.")
            % {"name": representative.user.display_name, "party": representative.party.name},
        )
    elif which == "end_account":
        party = get_object_or_404(mission.parties.select_related("account"), pk=post_id(request, "party"))
        services.party_account_end(by=request.user, party=party, reason=reason)
        messages.success(request, _("Le compte de la partie %(party)s n'y siège plus.") % {"party": party.name})
    else:
        invitation = get_object_or_404(Invitation, pk=post_id(request, "invitation"), mission=mission)
        try:
            services.invitation_cancel(by=request.user, invitation=invitation, reason=reason)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return
        messages.success(request, _("Invitation annulée."))
