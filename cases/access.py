"""Secret médical: the one door to missions and documents.

Two questions, answered from the same rules (DOMAIN.md §3):
- `decide(user, action, document)`: may this user do this on this document, and which rule decided;
- `visible_documents(user)` / `visible_missions(user)`: the same answer as a SQL filter, so lists,
  counts, search, exports and downloads cannot disagree with the download view.

A user's standing (his "seat") is taken per mission: the same avocat can be the victim's lawyer in
one mission and the adverse lawyer in another. The rules themselves are the pure function
`rule_for(seat, action, facts)`; `decide` gathers the facts, `_documents_q` is their SQL twin.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import COURT_ROLES, Role, User
from cases import countries
from cases.choices import GranteeKind, Producer, RepresentativeKind
from cases.models import Consent, Dire, Document, ExpertAssignment, Mission, Party, Refusal, Representative


class Action(StrEnum):
    LIST = "list"  # know that the piece exists: number, date, producing party
    VIEW = "view"  # read its title, description and structured content
    DOWNLOAD = "download"  # open its file


class Rule(StrEnum):
    OUTSIDE = "outside-mission"
    EXISTENCE = "existence-only"
    NON_MEDICAL = "non-medical"
    UNRELATED_NON_MEDICAL = "unrelated-non-medical"
    PATIENT_SIDE = "patient-side"
    REFUSED = "refused"
    QUARANTINE = "quarantine"
    EXPERT = "expert"
    UNRELATED = "unrelated"
    CONSENT = "consent"
    NO_CONSENT = "no-consent"
    CONSENT_NOT_WRITTEN = "consent-not-written"
    DOCTORS_ONLY = "doctors-only"


@dataclass(frozen=True)
class Reason:
    """A reason of the policy, citing the law of the mission's country (DOMAIN.md §11): its text, a
    lazy string whose placeholders are named by the citation keys of cases.countries, each filled
    with that country's citation. str() cites French law (France being the default country)."""

    text: Promise
    cites: tuple[str, ...] = ()

    def for_country(self, country) -> str:
        """`country`: a code, a mission or a court; France when None."""
        return str(self.text) % {key: countries.cite(key, country) for key in self.cites}

    def __str__(self) -> str:
        return self.for_country(None)


REASONS = {
    Rule.OUTSIDE: Reason(
        _("Vous n'avez aucune qualité dans cette mission (%(not_public)s : les opérations ne sont pas publiques)."),
        ("not_public",),
    ),
    Rule.EXISTENCE: Reason(
        _(
            "Vous voyez l'existence de la pièce (numéro, date, partie productrice) : le contradictoire reste "
            "visible, son contenu est couvert par le secret médical."
        )
    ),
    Rule.NON_MEDICAL: Reason(
        _("Pièce non médicale, communiquée à toutes les parties (principe de la contradiction, %(contradictoire)s)."),
        ("contradictoire",),
    ),
    Rule.UNRELATED_NON_MEDICAL: Reason(
        _(
            "Pièce non médicale marquée sans rapport avec la mission : elle reste communiquée à toutes les parties "
            "(principe de la contradiction, %(contradictoire)s) mais n'entre ni dans le rapport ni dans ses annexes "
            "(%(not_in_report)s)."
        ),
        ("contradictoire", "not_in_report"),
    ),
    Rule.PATIENT_SIDE: Reason(
        _(
            "Pièce médicale du patient, accessible à lui-même, à son avocat et à son médecin-conseil "
            "(%(patient_secret)s)."
        ),
        ("patient_secret",),
    ),
    Rule.REFUSED: Reason(
        _(
            "Le patient a refusé la communication de cette pièce ; nul ne peut passer outre, le juge en tirera "
            "les conséquences (%(refusal)s)."
        ),
        ("refusal",),
    ),
    Rule.QUARANTINE: Reason(
        _(
            "Pièce médicale apportée par un autre que le patient : en attente d'autorisation du patient (%(quarantine)s)."
        ),
        ("quarantine",),
    ),
    Rule.EXPERT: Reason(
        _(
            "Pièce médicale produite ou autorisée par le patient, accessible aux experts de la mission (%(expert_access)s)."
        ),
        ("expert_access",),
    ),
    Rule.UNRELATED: Reason(
        _(
            "Pièce marquée sans rapport avec la mission : réservée aux experts et au patient "
            "(%(not_in_report)s ; %(unrelated_secret)s)."
        ),
        ("not_in_report", "unrelated_secret"),
    ),
    Rule.CONSENT: Reason(
        _(
            "Pièce médicale communiquée au médecin-conseil de votre partie avec le consentement du patient "
            "(%(consent_to_disclose)s)."
        ),
        ("consent_to_disclose",),
    ),
    Rule.NO_CONSENT: Reason(
        _("Le patient n'a pas consenti à la communication de cette pièce à votre partie (%(consent_to_disclose)s)."),
        ("consent_to_disclose",),
    ),
    Rule.CONSENT_NOT_WRITTEN: Reason(_("Au profit d'un assureur, le consentement du patient doit être écrit.")),
    Rule.DOCTORS_ONLY: Reason(
        _(
            "Les pièces médicales de la partie adverse ne sont communiquées qu'à son médecin-conseil, jamais "
            "directement aux parties ni aux avocats (%(doctors_only)s)."
        ),
        ("doctors_only",),
    ),
}


def reason_for(rule: Rule, country) -> str:
    """The reason of a rule, citing the law of `country` (a code, a mission or a court)."""
    return REASONS[rule].for_country(country)


# Short labels, for tables (the contradictoire panel).
LABELS = {
    Rule.OUTSIDE: _("aucun accès en ligne : à communiquer par courrier"),
    Rule.EXISTENCE: _("existence seule"),
    Rule.NON_MEDICAL: _("communiquée"),
    Rule.UNRELATED_NON_MEDICAL: _("communiquée, hors du rapport"),
    Rule.PATIENT_SIDE: _("le patient et son côté"),
    Rule.REFUSED: _("refus du patient"),
    Rule.QUARANTINE: _("en attente d'autorisation du patient"),
    Rule.EXPERT: _("experts"),
    Rule.UNRELATED: _("sans rapport avec la mission"),
    Rule.CONSENT: _("avec le consentement du patient"),
    Rule.NO_CONSENT: _("sans consentement du patient"),
    Rule.CONSENT_NOT_WRITTEN: _("consentement écrit requis (assureur)"),
    Rule.DOCTORS_ONLY: _("pas de médecin-conseil désigné"),
}


# Rule 8: whoever may not open a medical piece learns that it exists, not why he may not open it
# ("the patient refused it", "marked unrelated", "in quarantine" are themselves facts of the secret).
NEUTRAL_REASON = _("Pièce médicale couverte par le secret médical.")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    rule: Rule
    # The mission's experts, and the patient's own side for a piece about him, may read the precise
    # rule; anyone else refused reads NEUTRAL_REASON (rule 8). Not part of the decision's identity.
    insider: bool = field(default=False, compare=False)
    # The country of the mission, whose law the reason cites (DOMAIN.md §11); France when None.
    country: str | None = field(default=None, compare=False)

    @property
    def reason(self) -> str:
        """The reason to show to the user the decision is about."""
        return self.reason_for(self.country)

    def reason_for(self, country) -> str:
        """The reason, citing the law of `country` (a code, a mission or a court)."""
        if self.allowed or self.insider:
            return reason_for(self.rule, country)
        return str(NEUTRAL_REASON)

    @property
    def label(self) -> str:
        """A short label of the rule, for the experts' contradictoire panel."""
        return str(LABELS[self.rule])

    def __bool__(self) -> bool:
        return self.allowed


# --- The rules, as a pure function ---------------------------------------------------------------


@dataclass(frozen=True)
class Seat:
    """What a user is in one mission."""

    expert: bool = False
    court: bool = False
    side_party_ids: frozenset[int] = frozenset()  # parties he is, or is avocat or médecin-conseil of
    doctor_party_ids: frozenset[int] = frozenset()  # parties he is médecin-conseil of

    @property
    def member(self) -> bool:
        return self.expert or self.court or bool(self.side_party_ids)


@dataclass(frozen=True)
class PartyConsent:
    grantee_party_id: int
    written: bool
    grantee_is_insurer: bool


@dataclass(frozen=True)
class Facts:
    """What the rules need to know of one document."""

    is_medical: bool
    about_id: int | None
    producer: str
    producer_party_id: int | None
    unrelated: bool
    refused: bool = False  # a standing refusal of the patient (a lifted one no longer counts)
    consented_to_experts: bool = False
    party_consents: tuple[PartyConsent, ...] = ()
    withdrawn: bool = False  # withdrawn from the bordereau, with its reason (it stays listed)

    @property
    def experts_may_see(self) -> bool:
        """Rule 3: produced by the patient (or by the experts themselves), or authorized by him;
        rule 6: never once he refused it."""
        if not self.is_medical:
            return True
        if self.refused:
            return False
        produced_by_patient = self.producer == Producer.PARTY and self.producer_party_id == self.about_id
        return produced_by_patient or self.producer == Producer.EXPERT or self.consented_to_experts


def relied_on(facts: Facts) -> bool:
    """The pieces the experts rely on, hence the only ones the report names (CPC art. 244): those
    they may read (rules 3, 6), never one marked unrelated, medical or not (rule 7; CPC art. 247),
    nor one withdrawn from the bordereau (it stays listed with its reason; the report leaves it)."""
    return facts.experts_may_see and not facts.unrelated and not facts.withdrawn


def rule_for(seat: Seat, action: Action, facts: Facts) -> Decision:
    decision = _rule_for(seat, action, facts)
    if seat.expert or (facts.about_id is not None and facts.about_id in seat.side_party_ids):
        return replace(decision, insider=True)  # rule 8: the precise reason, for them only
    return decision


def _rule_for(seat: Seat, action: Action, facts: Facts) -> Decision:
    if not seat.member:
        return Decision(False, Rule.OUTSIDE)  # rule 1
    if action == Action.LIST:
        return Decision(True, Rule.EXISTENCE)  # rule 8: existence is visible to every member
    if not facts.is_medical:
        if facts.unrelated:
            # Rule 7 for a non-medical piece: it stays communicated to every party (rule 2, the
            # contradictoire) and the court sees it (rule 8), but it leaves the report (CPC art. 244, 247).
            return Decision(True, Rule.UNRELATED_NON_MEDICAL)
        return Decision(True, Rule.NON_MEDICAL)  # rule 2 (and 8: the court sees non-medical pieces)
    if facts.about_id in seat.side_party_ids:
        return Decision(True, Rule.PATIENT_SIDE)  # rules 3, 6, 7: his own side always
    if facts.refused:
        return Decision(False, Rule.REFUSED)  # rule 6
    if seat.expert:
        if not facts.experts_may_see:
            return Decision(False, Rule.QUARANTINE)  # rule 3
        return Decision(True, Rule.UNRELATED if facts.unrelated else Rule.EXPERT)  # rules 3, 7
    if not seat.doctor_party_ids:
        # rule 4 for adverse parties and their avocats; rule 8 for the clerk and the judge
        return Decision(False, Rule.DOCTORS_ONLY if seat.side_party_ids else Rule.EXISTENCE)
    if facts.unrelated:
        return Decision(False, Rule.UNRELATED)  # rule 7
    if not facts.experts_may_see:
        return Decision(False, Rule.QUARANTINE)  # rule 5: only once the experts may see it
    consents = [c for c in facts.party_consents if c.grantee_party_id in seat.doctor_party_ids]
    if not consents:
        return Decision(False, Rule.NO_CONSENT)  # rule 5
    if any(c.written or not c.grantee_is_insurer for c in consents):
        return Decision(True, Rule.CONSENT)  # rule 5
    return Decision(False, Rule.CONSENT_NOT_WRITTEN)  # rule 5: written for insurers


# --- Gathering the facts for one user and one document ---------------------------------------------


def seat_in(user: User, mission: Mission) -> Seat:
    if not user.is_authenticated or not user.is_active:
        return Seat()
    side = set(
        Party.objects.filter(mission=mission)
        .filter(Q(account=user) | Q(representatives__user=user))
        .values_list("pk", flat=True)
    )
    doctor = set(
        Representative.objects.filter(
            user=user, kind=RepresentativeKind.MEDECIN_CONSEIL, party__mission=mission
        ).values_list("party_id", flat=True)
    )
    return Seat(
        expert=ExpertAssignment.objects.filter(mission=mission, expert=user).exists(),
        court=user.role in COURT_ROLES and user.court_id is not None and user.court_id == mission.court_id,
        side_party_ids=frozenset(side),
        doctor_party_ids=frozenset(doctor),
    )


def _facts(document: Document, consents: list[Consent], refused: bool) -> Facts:
    experts = False
    party_consents: list[PartyConsent] = []
    if document.is_medical:
        for consent in consents:
            if consent.patient_id != document.about_id or consent.revoked_on is not None:
                continue
            named = {d.pk for d in consent.documents.all()}
            if named and document.pk not in named:
                continue
            if consent.grantee == GranteeKind.EXPERTS:
                experts = True
            else:
                party_consents.append(
                    PartyConsent(consent.grantee_party_id, consent.written, consent.grantee_party.is_insurer)
                )
    return Facts(
        is_medical=document.is_medical,
        about_id=document.about_id,
        producer=document.producer,
        producer_party_id=document.producer_party_id,
        unrelated=document.unrelated,
        refused=document.is_medical and refused,
        consented_to_experts=experts,
        party_consents=tuple(party_consents),
        withdrawn=document.withdrawn_on is not None,
    )


def _active_consents(**filters) -> list[Consent]:
    return list(
        Consent.objects.filter(revoked_on__isnull=True, **filters)
        .select_related("grantee_party")
        .prefetch_related("documents")
    )


def standing_refusals() -> QuerySet[Refusal]:
    """The refusals that decide (rule 6): a lifted refusal stays in the record, "levé le ...", and no
    longer closes the piece (the patient, master of the secret, may change his mind). Every reading
    of Refusal by the policy, in Python or in SQL, goes through here."""
    return Refusal.objects.filter(lifted_on__isnull=True)


def facts_of(document: Document) -> Facts:
    if not document.is_medical:
        return _facts(document, [], False)
    refused = standing_refusals().filter(document=document, patient_id=document.about_id).exists()
    return _facts(document, _active_consents(patient_id=document.about_id), refused)


def facts_for_mission(mission: Mission, documents: list[Document]) -> dict[int, Facts]:
    """The facts of many documents of one mission, in a fixed number of queries."""
    consents = _active_consents(mission=mission)
    refused = set(standing_refusals().filter(mission=mission).values_list("document_id", "patient_id"))
    return {d.pk: _facts(d, consents, (d.pk, d.about_id) in refused) for d in documents}


def decide(user: User, action: Action | str, document: Document) -> Decision:
    seat = seat_in(user, document.mission)
    country = countries.country_of(document.mission)
    if not seat.member:
        return Decision(False, Rule.OUTSIDE, country=country)
    return replace(rule_for(seat, Action(action), facts_of(document)), country=country)


def decide_many(user: User, action: Action | str, mission: Mission, documents: list[Document]) -> dict[int, Decision]:
    """decide() for many documents of one mission, in a fixed number of queries."""
    seat = seat_in(user, mission)
    country = countries.country_of(mission)
    if not seat.member:
        return {d.pk: Decision(False, Rule.OUTSIDE, country=country) for d in documents}
    facts = facts_for_mission(mission, documents)
    return {d.pk: replace(rule_for(seat, Action(action), facts[d.pk]), country=country) for d in documents}


# --- The same rules as SQL ------------------------------------------------------------------------


def _expert_mission_ids(user: User) -> QuerySet:
    return ExpertAssignment.objects.filter(expert=user).values("mission_id")


def _side_party_ids(user: User) -> QuerySet:
    return Party.objects.filter(Q(account=user) | Q(representatives__user=user)).values("pk")


def _doctor_party_ids(user: User) -> QuerySet:
    return Representative.objects.filter(user=user, kind=RepresentativeKind.MEDECIN_CONSEIL).values("party_id")


def _mission_q(user: User, prefix: str = "") -> Q:
    """Rule 1 as a Q on missions (prefix="") or on rows with a `mission` relation ("mission__")."""
    pk = f"{prefix}pk"
    q = Q(**{f"{pk}__in": _expert_mission_ids(user)})
    q |= Q(**{f"{pk}__in": Party.objects.filter(account=user).values("mission_id")})
    q |= Q(**{f"{pk}__in": Representative.objects.filter(user=user).values("party__mission_id")})
    if user.role in COURT_ROLES and user.court_id:
        q |= Q(**{f"{prefix}court_id": user.court_id})
    return q


def _covers() -> Q:
    """A consent covers the document when it names no documents (all the patient's) or names it."""
    return Q(documents__isnull=True) | Q(documents=OuterRef("pk"))


def _experts_may_see_q() -> Q:
    consented = Exists(
        Consent.objects.filter(
            patient=OuterRef("about_id"), grantee=GranteeKind.EXPERTS, revoked_on__isnull=True
        ).filter(_covers())
    )
    refused = Exists(standing_refusals().filter(document=OuterRef("pk"), patient=OuterRef("about_id")))
    produced_by_patient = Q(producer=Producer.PARTY, producer_party_id=F("about_id"))
    return (produced_by_patient | Q(producer=Producer.EXPERT) | consented) & ~refused


def _documents_q(user: User) -> Q:
    """view/download, as SQL: the twin of rule_for (checked against it by the tests)."""
    non_medical = Q(is_medical=False) & _mission_q(user, prefix="mission__")
    patient_side = Q(is_medical=True, about_id__in=_side_party_ids(user))
    experts = Q(is_medical=True, mission_id__in=_expert_mission_ids(user)) & _experts_may_see_q()
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
    adverse_doctor = Q(is_medical=True, unrelated=False) & _experts_may_see_q() & adverse_doctor_consent
    return non_medical | patient_side | experts | adverse_doctor


def visible_missions(user: User) -> QuerySet[Mission]:
    """Rule 1 (scope): the missions in which the user has a role; clerks and judges, their court's."""
    if not user.is_authenticated or not user.is_active:
        return Mission.objects.none()
    return Mission.objects.filter(_mission_q(user))


def visible_documents(user: User, mission: Mission | None = None, action: Action | str = Action.DOWNLOAD) -> QuerySet:
    """The documents the user may act on, as one SQL filter. `list`: every piece of his missions
    (rule 8); `view` and `download`: the secrecy rules."""
    if not user.is_authenticated or not user.is_active:
        return Document.objects.none()
    qs = Document.objects.all() if mission is None else Document.objects.filter(mission=mission)
    if Action(action) == Action.LIST:
        return qs.filter(_mission_q(user, prefix="mission__"))
    return qs.filter(_documents_q(user))


def annotate_openable(user: User, queryset: QuerySet) -> QuerySet:
    """Adds `openable` (may read the title and open the file) and `refused` to a listing,
    with the same SQL as visible_documents."""
    refused = Exists(standing_refusals().filter(document=OuterRef("pk"), patient=OuterRef("about_id")))
    return queryset.annotate(
        openable=Case(When(_documents_q(user), then=Value(True)), default=Value(False), output_field=BooleanField()),
        refused=refused,
    )


# --- Helpers for views ----------------------------------------------------------------------------


def mission_for(user: User, mission_id: int) -> Mission:
    """The mission, or the same 404 as for one that does not exist (rule 1)."""
    return get_object_or_404(visible_missions(user).select_related("court"), pk=mission_id)


def document_for(request: HttpRequest, action: Action, document_id: int) -> tuple[Document, Decision]:
    """The document and the decision on it, logged (rule 9). Outsiders get the 404 of a
    document that does not exist."""
    from cases.services.access_log import access_log_record

    document = get_object_or_404(
        Document.objects.select_related("mission__court", "producer_party", "about"), pk=document_id
    )
    decision = decide(request.user, action, document)
    if decision.rule == Rule.OUTSIDE:
        raise Http404
    access_log_record(request=request, document=document, action=action, decision=decision)
    return document, decision


def documents_shown(
    request: HttpRequest, mission: Mission, documents: Iterable[Document], action: Action = Action.VIEW
) -> dict[int, Decision]:
    """Rule 9 for a page that shows the content of many pieces at once (the certificates' timeline,
    the admin's list): the decision on each, logged as one row per piece in a single INSERT, in a
    fixed number of queries whatever the number of pieces."""
    from cases.services.access_log import access_log_record_many

    documents = list(documents)
    if not documents:
        return {}
    decisions = decide_many(request.user, action, mission, documents)
    access_log_record_many(
        request=request,
        action=action,
        rows=[(d, decisions[d.pk]) for d in documents if decisions[d.pk].rule != Rule.OUTSIDE],
    )
    return decisions


# --- The contradictoire, seen from each party ------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    party: Party
    through: str  # who of the party reaches the piece
    decision: Decision


def reach_by_party(document: Document, parties: list[Party], facts: Facts) -> list[Reach]:
    """For one piece, whether each party receives it, through which of its members (rule 2).
    A party's doctor is asked for medical pieces, its avocat or itself for the others."""
    reaches = []
    for party in parties:
        reps = list(party.representatives.all())
        has_doctor = any(r.kind == RepresentativeKind.MEDECIN_CONSEIL for r in reps)
        has_member = has_doctor or bool(reps) or party.account_id is not None
        if not has_member:
            reaches.append(Reach(party, gettext("aucun compte"), Decision(False, Rule.OUTSIDE)))
            continue
        if facts.is_medical and facts.about_id != party.pk and has_doctor:
            seat = Seat(side_party_ids=frozenset({party.pk}), doctor_party_ids=frozenset({party.pk}))
            through = gettext("son médecin-conseil")
        else:
            seat = Seat(side_party_ids=frozenset({party.pk}))
            through = gettext("ses représentants")
        reaches.append(Reach(party, through, rule_for(seat, Action.DOWNLOAD, facts)))
    return reaches


# --- The report ------------------------------------------------------------------------------------

EXPERT_SEAT = Seat(expert=True)


@dataclass(frozen=True)
class ReportPieces:
    """What a report may say of the mission's pieces (art. 244 CPC): those the experts relied on,
    by number and title; how many the patient refused, never which; nothing of the others."""

    pieces: list[Document]
    refused: int


def report_pieces(mission: Mission) -> ReportPieces:
    """The pieces the experts rely on: those they may read, less those marked unrelated, medical
    or not (rules 3, 6, 7; CPC art. 244, 247), in a fixed number of queries whatever the number of
    pieces. A refusal is only counted (rule 6: "la victime a refusé la communication d'une pièce")."""
    documents = list(Document.objects.filter(mission=mission).select_related("producer_party").order_by("number", "pk"))
    facts = facts_for_mission(mission, documents)
    pieces, refused = [], 0
    for document in documents:
        decision = rule_for(EXPERT_SEAT, Action.VIEW, facts[document.pk])
        if decision.rule == Rule.REFUSED:
            refused += 1
        elif decision.allowed and relied_on(facts[document.pk]):
            pieces.append(document)
    return ReportPieces(pieces, refused)


def report_version_readers(mission: Mission, kind: str) -> QuerySet[User]:
    """The twin of visible_report_versions for the people to notify (experts aside): every
    party's side; the court's clerks too for what is deposited."""
    from reports.models import VersionKind

    readers = Q(party_seats__mission=mission) | Q(representations__party__mission=mission)
    if kind != VersionKind.PRE_REPORT:
        readers |= Q(role=Role.CLERK, court_id=mission.court_id)
    return User.objects.filter(readers, is_active=True).distinct()


def visible_report_versions(user: User, mission: Mission) -> QuerySet:
    """The experts see every version; each party's side (the party, its avocat, its médecin-conseil)
    receives the pre-report and the reports (art. 276 CPC); the court sees what was deposited."""
    from reports.models import ReportVersion, VersionKind

    seat = seat_in(user, mission)
    versions = ReportVersion.objects.filter(mission=mission)
    if seat.expert or seat.side_party_ids:
        return versions
    if seat.court:
        return versions.exclude(kind=VersionKind.PRE_REPORT)
    return versions.none()


# --- Dires -----------------------------------------------------------------------------------------


def deposited_until(mission: Mission) -> date | None:
    """The day of the last deposited report (final or complementary), None before the deposit."""
    from reports.models import ReportVersion, VersionKind

    last = (
        ReportVersion.objects.filter(mission=mission, kind__in=[VersionKind.FINAL, VersionKind.COMPLEMENT])
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return timezone.localdate(last) if last else None


def filed_dires(seat: Seat, mission: Mission) -> list[Dire]:
    """The filed dires, each with `text_shown`: whether this seat reads its text and the experts'
    answer. The experts and every party's side receive them (CPC art. 276, the contradictoire).
    The court's staff see that a dire was filed (date, party) and read it once it is annexed to a
    deposited report: before the deposit, a dire argues the medical case, which is the experts' and
    the parties' business, not the clerk's (rules 4, 8)."""
    dires = list(
        Dire.objects.filter(mission=mission, is_filed=True)
        .select_related("party", "filed_by")
        .order_by("received_on", "pk")
    )
    if seat.expert or seat.side_party_ids:
        until: date | None = date.max
    elif seat.court:
        until = deposited_until(mission)
    else:
        until = None
    for dire in dires:
        dire.text_shown = until is not None and dire.received_on is not None and dire.received_on <= until
    return dires
