from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases import access, actions, countries
from cases.models import Mission

# (url name, label, who sees the tab: "all", "side" = experts and parties' sides, "expert", "patient",
# "history" = who may read the mission's history, cases.actions.Act.HISTORY_READ)
TABS = [
    ("cases:mission_detail", gettext_lazy("Mission"), "all"),
    ("cases:mission_parties", gettext_lazy("Parties"), "all"),
    ("cases:mission_documents", gettext_lazy("Pièces"), "all"),
    ("cases:mission_certificates", gettext_lazy("Certificats"), "side"),
    ("cases:mission_convocations", gettext_lazy("Convocations"), "all"),
    ("cases:mission_dires", gettext_lazy("Dires"), "all"),
    ("cases:mission_deadlines", gettext_lazy("Échéances"), "all"),
    ("reports:mission_report", gettext_lazy("Rapport"), "all"),
    ("cases:mission_consents", gettext_lazy("Consentements"), "patient"),
    ("cases:mission_contradictoire", gettext_lazy("Contradictoire"), "expert"),
    ("cases:mission_access_log", gettext_lazy("Journal des accès"), "patient"),
    ("cases:mission_history", gettext_lazy("Historique"), "history"),
]


def mission_page(request: HttpRequest, pk: int, tab: str) -> tuple[Mission, dict]:
    """The mission (404 for outsiders) and the context of its tabbed page; `tab` is a url name
    ("mission_parties" for the cases app, or "app:name")."""
    tab = tab if ":" in tab else f"cases:{tab}"
    mission = access.mission_for(request.user, pk)
    # The court's zone for the rest of the request (its forms, its pages; DOMAIN.md §11); the
    # default comes back when the response is made (cases.middleware.CourtTimeZoneMiddleware).
    timezone.activate(countries.zone(mission))
    action_seat = actions.seat_of(request.user, mission)  # read once, for both doors
    seat = action_seat.access_seat()
    patient_side = mission.parties.filter(pk__in=seat.side_party_ids, medical_documents__isnull=False).exists() or (
        mission.parties.filter(pk__in=seat.side_party_ids, is_victim=True).exists()
    )
    shown = {
        "all": True,
        "side": seat.expert or bool(seat.side_party_ids),
        "expert": seat.expert,
        "patient": seat.expert or patient_side,
        "history": bool(actions.rule_for(action_seat, actions.Act.HISTORY_READ)),
    }
    tabs = [(name, label) for name, label, who in TABS if shown[who]]
    if tab not in {name for name, _label in tabs}:
        raise PermissionDenied(_("Cette page n'est pas accessible à votre qualité dans la mission."))
    return mission, {
        "mission": mission,
        "tab": tab,
        "tabs": tabs,
        "is_expert": seat.expert,
        "seat": seat,
        "action_seat": action_seat,
        "can": actions.allowed_acts(action_seat),  # which buttons to show: the same rules as `require`
        "patient_side": patient_side,
    }


def require(request: HttpRequest, context: dict, act: actions.Act, party=None) -> None:
    """The view's question to the one door for actions, with the seat the page already read."""
    if party is not None and party.mission_id != context["mission"].pk:
        raise PermissionDenied(str(actions.REFUSALS["party"]))
    verdict = actions.rule_for(context["action_seat"], act, party)
    if not verdict:
        raise PermissionDenied(verdict.reason)


def form_status(request: HttpRequest, *forms) -> int:
    """A page shown again with a refused form answers 400: the input was bad, and nothing was saved
    (a 200 would look like success to a client that does not read the page)."""
    if request.method == "POST" and any(f is not None and f.is_bound and f.errors for f in forms):
        return 400
    return 200


def post_id(request: HttpRequest, name: str) -> int:
    """A row's id sent by a form (a hidden field): a 400 with a French message, never a 500, when it
    is missing or not a number."""
    value = request.POST.get(name, "")
    if not value.isascii() or not value.isdigit():
        raise BadRequest(_("Identifiant « %(name)s » invalide.") % {"name": name})
    return int(value)


def form_errors(form, exc: ValidationError) -> None:
    """Puts a service's ValidationError on the form, next to the field it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def safe_name(text: str) -> str:
    return "".join(c if c.isalnum() or c in " -_.,'()" else "-" for c in text).strip()[:80] or "piece"


def file_extension(content_type: str) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png", "image/tiff": ".tif"}.get(
        content_type, ""
    )


def visible_one(user, pk: int):
    return access.visible_missions(user).filter(pk=pk)
