"""Secret médical: the one door to missions and documents.

Two questions, answered from the same rules (DOMAIN.md §3):
- `decide(user, action, document)`: may this user do this on this document, and which rule decided;
- `visible_documents(user)` / `visible_missions(user)`: the same answer as a SQL filter, so lists,
  counts, search and downloads cannot disagree with the download view.

A user's standing is taken per mission: the same avocat can be the victim's lawyer in one mission
and the adverse lawyer in another.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from accounts.models import COURT_ROLES, User
from cases.choices import GranteeKind, Producer, RepresentativeKind
from cases.models import Consent, Document, ExpertAssignment, Mission, Party, Refusal, Representative


class Action(StrEnum):
    LIST = "list"  # know that the piece exists: number, date, producing party
    VIEW = "view"  # read its title, description and structured content
    DOWNLOAD = "download"  # open its file


class Rule(StrEnum):
    OUTSIDE = "outside-mission"
    EXISTENCE = "existence-only"
    NON_MEDICAL = "non-medical"
    PATIENT_SIDE = "patient-side"
    REFUSED = "refused"
    QUARANTINE = "quarantine"
    EXPERT = "expert"
    UNRELATED = "unrelated"
    CONSENT = "consent"
    NO_CONSENT = "no-consent"
    CONSENT_NOT_WRITTEN = "consent-not-written"
    DOCTORS_ONLY = "doctors-only"


REASONS = {
    Rule.OUTSIDE: "Vous n'avez aucune qualité dans cette mission (art. 160 CPC : les opérations ne sont pas publiques).",
    Rule.EXISTENCE: "Vous voyez l'existence de la pièce (numéro, date, partie productrice) : le contradictoire "
    "reste visible, son contenu est couvert par le secret médical.",
    Rule.NON_MEDICAL: "Pièce non médicale, communiquée à toutes les parties (principe du contradictoire, art. 16 CPC).",
    Rule.PATIENT_SIDE: "Pièce médicale du patient, accessible à lui-même, à son avocat et à son médecin-conseil "
    "(art. L1110-4 et L1111-7 CSP).",
    Rule.REFUSED: "Le patient a refusé la communication de cette pièce ; nul ne peut passer outre "
    "(Civ. 1re, 11 juin 2009).",
    Rule.QUARANTINE: "Pièce médicale apportée par un tiers, en attente d'autorisation du patient "
    "(Civ. 1re, 11 juin 2009 ; Crim. 16 mars 2021).",
    Rule.EXPERT: "Pièce médicale produite ou autorisée par le patient, accessible aux experts de la mission "
    "(Civ. 1re, 15 juin 2004).",
    Rule.UNRELATED: "Pièce marquée sans rapport avec la mission : réservée aux experts et au patient "
    "(art. 244 et 247 CPC ; art. 108 du code de déontologie).",
    Rule.CONSENT: "Pièce médicale communiquée au médecin-conseil de votre partie avec le consentement du patient.",
    Rule.NO_CONSENT: "Le patient n'a pas consenti à la communication de cette pièce à votre partie.",
    Rule.CONSENT_NOT_WRITTEN: "Au profit d'un assureur, le consentement du patient doit être écrit.",
    Rule.DOCTORS_ONLY: "Les pièces médicales de la partie adverse ne sont communiquées qu'à son médecin-conseil, "
    "jamais directement aux parties ni aux avocats (Civ. 1re, 2 mars 2004).",
}


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: Rule

    @property
    def reason(self) -> str:
        return REASONS[self.rule]

    def __bool__(self) -> bool:
        return self.allowed


# --- Which missions a user has a place in ---------------------------------------------------------


def _expert_mission_ids(user: User) -> QuerySet:
    return ExpertAssignment.objects.filter(expert=user).values("mission_id")


def _side_party_ids(user: User) -> QuerySet:
    """The parties the user stands for: as the party itself, its avocat or its médecin-conseil."""
    return Party.objects.filter(Q(account=user) | Q(representatives__user=user)).values("pk")


def _doctor_party_ids(user: User) -> QuerySet:
    return Representative.objects.filter(user=user, kind=RepresentativeKind.MEDECIN_CONSEIL).values("party_id")


def _mission_q(user: User, prefix: str = "") -> Q:
    """Q on missions (or on rows with a `mission` relation, given prefix="mission__")."""
    pk = f"{prefix}pk" if prefix else "pk"
    q = Q(**{f"{pk}__in": _expert_mission_ids(user)})
    q |= Q(**{f"{pk}__in": Party.objects.filter(account=user).values("mission_id")})
    q |= Q(**{f"{pk}__in": Representative.objects.filter(user=user).values("party__mission_id")})
    if user.role in COURT_ROLES and user.court_id:
        q |= Q(**{f"{prefix}court_id": user.court_id})
    return q


def visible_missions(user: User) -> QuerySet[Mission]:
    """Rule 1 (scope): the missions in which the user has a role; clerks and judges, their court's."""
    if not user.is_authenticated or not user.is_active:
        return Mission.objects.none()
    return Mission.objects.filter(_mission_q(user))


# --- Documents as SQL ----------------------------------------------------------------------------


def _covers(document_ref: str = "pk") -> Q:
    """A consent covers the document when it names no documents (all of the patient's) or names it."""
    return Q(documents__isnull=True) | Q(documents=OuterRef(document_ref))


def _refused() -> Exists:
    return Exists(Refusal.objects.filter(document=OuterRef("pk"), patient=OuterRef("about_id")))


def _experts_may_see() -> Q:
    """Rule 3: produced by the patient's side or by the experts, or authorized by the patient;
    and never refused (rule 6)."""
    consented = Exists(
        Consent.objects.filter(
            patient=OuterRef("about_id"), grantee=GranteeKind.EXPERTS, revoked_on__isnull=True
        ).filter(_covers())
    )
    produced_by_patient = Q(producer=Producer.PARTY, producer_party_id=F("about_id"))
    return (produced_by_patient | Q(producer=Producer.EXPERT) | consented) & ~_refused()


def _documents_q(user: User) -> Q:
    seat = _mission_q(user, prefix="mission__")
    non_medical = Q(is_medical=False) & seat
    patient_side = Q(is_medical=True, about_id__in=_side_party_ids(user))
    experts = Q(is_medical=True, mission_id__in=_expert_mission_ids(user)) & _experts_may_see()
    adverse_doctor_consent = Exists(
        Consent.objects.filter(
            patient=OuterRef("about_id"),
            grantee=GranteeKind.PARTY,
            revoked_on__isnull=True,
            grantee_party_id__in=_doctor_party_ids(user),
        )
        .filter(Q(grantee_party__is_insurer=False) | Q(written=True))
        .filter(_covers())
    )
    adverse_doctor = Q(is_medical=True, unrelated=False) & _experts_may_see() & adverse_doctor_consent
    return non_medical | patient_side | experts | adverse_doctor


def visible_documents(user: User, mission: Mission | None = None, action: Action = Action.DOWNLOAD) -> QuerySet:
    """The documents the user may act on, as one SQL filter. `list` is every piece of the
    user's missions (rule 8); `view` and `download` follow the secrecy rules."""
    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    qs = Document.objects.all() if mission is None else Document.objects.filter(mission=mission)
    if Action(action) == Action.LIST:
        return qs.filter(_mission_q(user, prefix="mission__"))
    return qs.filter(_documents_q(user))


def annotate_openable(user: User, queryset: QuerySet) -> QuerySet:
    """Adds `openable` to each document of a listing: whether this user may read its title and
    file. Same SQL as visible_documents, so the list and the download view agree."""
    from django.db.models import BooleanField, Case, Value, When

    return queryset.annotate(
        openable=Case(When(_documents_q(user), then=Value(True)), default=Value(False), output_field=BooleanField())
    )


# --- The same rules, for one document ------------------------------------------------------------


def decide(user: User, action: Action | str, document: Document) -> Decision:
    action = Action(action)
    if not user.is_authenticated or not user.is_active:
        return Decision(False, Rule.OUTSIDE)
    mission = document.mission
    is_expert = ExpertAssignment.objects.filter(mission=mission, expert=user).exists()
    side_ids = set(
        Party.objects.filter(mission=mission)
        .filter(Q(account=user) | Q(representatives__user=user))
        .values_list("pk", flat=True)
    )
    is_court = user.role in COURT_ROLES and user.court_id == mission.court_id
    if not (is_expert or side_ids or is_court):
        return Decision(False, Rule.OUTSIDE)
    if action == Action.LIST:
        return Decision(True, Rule.EXISTENCE)
    if not document.is_medical:
        return Decision(True, Rule.NON_MEDICAL)
    if document.about_id in side_ids:
        return Decision(True, Rule.PATIENT_SIDE)
    refused = Refusal.objects.filter(document=document, patient_id=document.about_id).exists()
    if refused:
        return Decision(False, Rule.REFUSED)
    experts_may = _experts_authorized(document)
    if is_expert:
        if not experts_may:
            return Decision(False, Rule.QUARANTINE)
        return Decision(True, Rule.UNRELATED if document.unrelated else Rule.EXPERT)
    doctor_party_ids = set(
        Representative.objects.filter(
            user=user, kind=RepresentativeKind.MEDECIN_CONSEIL, party__mission=mission
        ).values_list("party_id", flat=True)
    )
    if not doctor_party_ids:
        return Decision(False, Rule.DOCTORS_ONLY if side_ids else Rule.EXISTENCE)
    if document.unrelated:
        return Decision(False, Rule.UNRELATED)
    if not experts_may:
        return Decision(False, Rule.QUARANTINE)
    consents = [c for c in _active_consents(document, GranteeKind.PARTY) if c.grantee_party_id in doctor_party_ids]
    if not consents:
        return Decision(False, Rule.NO_CONSENT)
    if any(c.written or not c.grantee_party.is_insurer for c in consents):
        return Decision(True, Rule.CONSENT)
    return Decision(False, Rule.CONSENT_NOT_WRITTEN)


def _active_consents(document: Document, grantee: GranteeKind) -> list[Consent]:
    consents = (
        Consent.objects.filter(patient_id=document.about_id, grantee=grantee, revoked_on__isnull=True)
        .select_related("grantee_party")
        .prefetch_related("documents")
    )
    return [c for c in consents if not c.documents.all() or document in c.documents.all()]


def _experts_authorized(document: Document) -> bool:
    if document.producer == Producer.PARTY and document.producer_party_id == document.about_id:
        return True
    if document.producer == Producer.EXPERT:
        return True
    return bool(_active_consents(document, GranteeKind.EXPERTS))


def mission_for(user: User, mission_id: int) -> Mission:
    """The mission, or the same 404 as for one that does not exist (rule 1)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(visible_missions(user).select_related("court"), pk=mission_id)


def is_mission_expert(user: User, mission: Mission) -> bool:
    return ExpertAssignment.objects.filter(mission=mission, expert=user).exists()
