"""Reads: querysets scoped to a user, always through cases.access."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from cases import access, countries, deadlines, search
from cases.choices import CertificateKind
from cases.deadlines_sql import annotate_next_deadline, state_of_next
from cases.models import Certificate, Convocation, Dire, Document, ExpertAssignment, Extension, Mission, Party


def with_deadline_data(missions: QuerySet[Mission]) -> QuerySet[Mission]:
    """Everything cases.deadlines reads, fetched in a fixed number of queries whatever the
    number of missions."""
    return missions.select_related("court").prefetch_related(
        Prefetch("assignments", queryset=ExpertAssignment.objects.select_related("expert")),
        "consignations",
        "extensions",
        Prefetch("convocations", queryset=Convocation.objects.prefetch_related("recipients")),
        Prefetch("dires", queryset=Dire.objects.only("pk", "mission_id", "is_filed", "received_on")),
    )


@dataclass
class DashboardRow:
    mission: Mission
    deadlines: list
    next: object
    state: str
    # an ended mission's deadline past due that no one is late for: the fee observations are over,
    # the taxation is the judge's (CPC art. 284); shown as such, never as "en retard"
    waiting: object = None
    extension_pending: bool = False  # a request awaits the judge's decision

    @property
    def ended_without_report(self) -> bool:
        """Declined or lapsed: no deadline at all any more."""
        return self.mission.status in deadlines.ENDED

    @property
    def report_due(self) -> date:
        """The report's due date, with the extensions granted."""
        return deadlines.report_due(self.mission)


class DashboardEntry(NamedTuple):
    """What the dashboard filters, sorts and counts on, for one mission (one row of one query)."""

    pk: int
    rg: str
    report_due: date
    next_due: date
    state: str


def mission_state(state: str, *, ended: bool) -> str:
    """A mission's state on the dashboard from its nearest deadline's: a deposited, declined or
    lapsed mission is never late (its operations' deadlines closed, DOMAIN.md §8); what may still
    be past due then (the fee observations) awaits the court, not the expert."""
    return deadlines.State.DONE if ended and state == deadlines.State.OVERDUE else state


def dashboard_missions(user: User, *, search_text: str = "", status: str = "", pending: bool = False) -> QuerySet:
    """The user's missions (cases.access) filtered by the dashboard's search, mission state and
    pending extension requests, in SQL."""
    missions = access.visible_missions(user)
    if search_text.strip():
        missions = missions.filter(search.mission_search(search_text))
    if status == "open":
        missions = missions.exclude(status__in=[*deadlines.ENDED, "deposited"]).filter(deposited_on__isnull=True)
    elif status:
        missions = missions.filter(status=status)
    if pending:
        missions = missions.filter(Exists(pending_extensions_of(OuterRef("pk"))))
    return missions


def dashboard_entries(
    user: User,
    today: date | None = None,
    *,
    search: str = "",
    expert_id: int | None = None,
    status: str = "",
    pending: bool = False,
) -> list:
    """The user's missions, each with its nearest open deadline computed in SQL (one query,
    a few small values a mission): thousands of missions without loading them. `today` None: each
    court's own date (its time zone, DOMAIN.md §11). `search` ignores accents and case (RG, title,
    parties' names); `status` a mission state, or "open" for those not ended; `pending`: only the
    missions with an extension request awaiting the judge."""
    missions = annotate_next_deadline(dashboard_missions(user, search_text=search, status=status, pending=pending))
    if expert_id:
        missions = missions.filter(assignments__expert_id=expert_id)
    rows = missions.values_list("pk", "rg", "report_due", "next_due", "court__country", "status", "deposited_on")
    days: dict[str, tuple[date, date]] = {}  # each country's day and due-soon limit, read once
    entries = []
    for pk, rg, due, next_due, country, status_, deposited_on in rows:
        if country not in days:
            day = today or countries.today(country)
            days[country] = (day, day + timedelta(days=deadlines.params_for(country).due_soon_days))
        ended = status_ in deadlines.ENDED or status_ == "deposited" or deposited_on is not None
        state = mission_state(state_of_next(next_due, *days[country]), ended=ended)
        entries.append(DashboardEntry(pk, rg, due, next_due, state))
    return entries


def _pending_extensions() -> QuerySet[Extension]:
    """The extension requests the judge has not decided, while the report is still due (a deposit
    or the end of the mission makes them moot)."""
    ended = Q(mission__status__in=[*deadlines.ENDED, "deposited"]) | Q(mission__deposited_on__isnull=False)
    return Extension.objects.filter(granted__isnull=True, decided_on__isnull=True).exclude(ended)


def pending_extensions_of(mission) -> QuerySet[Extension]:
    """Those of one mission (or an OuterRef)."""
    return _pending_extensions().filter(mission=mission)


def pending_extensions(user: User) -> list[Extension]:
    """The extension requests awaiting the judge in the user's missions, oldest first (one query)."""
    return list(
        _pending_extensions()
        .filter(mission__in=access.visible_missions(user).values("pk"))
        .select_related("mission", "mission__court")
        .order_by("requested_on", "pk")
    )


def dashboard_experts(user: User) -> list[User]:
    """The experts of the user's missions, for the dashboard's filter, by name."""
    assigned = ExpertAssignment.objects.filter(mission__in=access.visible_missions(user)).values("expert_id")
    return sorted(User.objects.filter(pk__in=assigned), key=lambda u: u.display_name)


def dashboard_rows(ids: list[int], today: date | None = None) -> list[DashboardRow]:
    """The given missions (a page, or an export), in their order, each with its deadlines
    computed by cases.deadlines, in a fixed number of queries. `ids` come from dashboard_entries,
    already scoped by cases.access. `today` None: each court's own date."""
    loaded = {m.pk: m for m in with_deadline_data(Mission.objects.filter(pk__in=ids))}
    rows = []
    for pk in ids:
        mission = loaded[pk]
        items = deadlines.mission_deadlines(mission, today or countries.today(mission))
        upcoming = deadlines.next_open(items)
        ended = deadlines.is_ended(mission)
        waiting = None
        if upcoming and mission_state(upcoming.state, ended=ended) != upcoming.state:
            waiting, upcoming = upcoming, None
        pending = not ended and any(e.granted is None and e.decided_on is None for e in mission.extensions.all())
        state = upcoming.state if upcoming else deadlines.State.DONE
        rows.append(DashboardRow(mission, items, upcoming, state, waiting, pending))
    return rows


def documents_for_list(
    user: User, mission: Mission, *, search: str = "", medical: str = "", producer: str = ""
) -> QuerySet[Document]:
    """The bordereau as this user may see it: every piece's existence (rule 8), with `openable`
    telling whether he may read its title and open it. Searching by title only finds what he
    may open, so a search never reveals a hidden title."""
    qs = access.annotate_openable(user, access.visible_documents(user, mission, action=access.Action.LIST))
    # A duplicate is named only when the user may open the earlier piece (rule 8): the hint would
    # otherwise tell what a quarantined or refused piece holds.
    earlier_same = access.visible_documents(user, mission, action=access.Action.VIEW).filter(
        sha256=OuterRef("sha256"), number__lt=OuterRef("number")
    )
    qs = qs.annotate(
        duplicate_of=Subquery(earlier_same.order_by("number").values("number")[:1]),
        has_certificate=Exists(Certificate.objects.filter(document=OuterRef("pk"))),
    ).select_related("producer_party", "about")
    if search:
        qs = qs.filter(Q(openable=True) & (Q(title__icontains=search) | Q(original_name__icontains=search)))
    if medical == "1":
        qs = qs.filter(is_medical=True)
    elif medical == "0":
        qs = qs.filter(is_medical=False)
    if producer:
        if producer.startswith("party:") and producer[6:].isdigit():
            qs = qs.filter(producer="party", producer_party_id=int(producer[6:]))
        else:
            qs = qs.filter(producer=producer)
    return qs.order_by("number")


def parties_with_representatives(mission: Mission) -> QuerySet[Party]:
    return mission.parties.select_related("account").prefetch_related("representatives__user")


def pending_invitations(mission: Mission) -> QuerySet:
    """The seats offered by e-mail and not yet taken, for those who seat people (the invitees'
    addresses are shown to them only)."""
    from accounts.models import Invitation

    return Invitation.objects.pending().filter(mission=mission).select_related("party", "invited_by").order_by("pk")


@dataclass(frozen=True)
class TimelineEvent:
    day: date
    label: str
    detail: str
    document_number: int
    kind: str
    document_id: int = 0  # the piece whose content the event shows: its view is logged (rule 9)


def medical_timeline(user: User, mission: Mission) -> list[TimelineEvent]:
    """The medical course of the case, derived from the certificates the user may read."""
    certificates = (
        Certificate.objects.filter(document__in=access.visible_documents(user, mission, action=access.Action.VIEW))
        .select_related("document")
        .order_by("issued_on", "pk")
    )
    events: list[TimelineEvent] = []
    for cert in certificates:
        number = cert.document.number
        events.append(
            TimelineEvent(
                cert.issued_on,
                cert.get_kind_display(),
                cert.lesions or cert.author,
                number,
                cert.kind,
                cert.document_id,
            )
        )
        if cert.stoppage_days:
            events.append(
                TimelineEvent(
                    cert.stoppage_from,
                    _("Arrêt de travail"),
                    ngettext(
                        "%(days)s jour, du %(start)s au %(end)s",
                        "%(days)s jours, du %(start)s au %(end)s",
                        cert.stoppage_days,
                    )
                    % {
                        "days": cert.stoppage_days,
                        "start": f"{cert.stoppage_from:%d/%m/%Y}",
                        "end": f"{cert.stoppage_until:%d/%m/%Y}",
                    },
                    number,
                    "stoppage",
                    cert.document_id,
                )
            )
        if cert.consolidation_date:
            events.append(
                TimelineEvent(
                    cert.consolidation_date,
                    _("Consolidation"),
                    cert.author,
                    number,
                    CertificateKind.CONSOLIDATION,
                    cert.document_id,
                )
            )
    return sorted(events, key=lambda e: (e.day, e.document_number))


def conflict_warnings(user: User, mission: Mission) -> list[str]:
    """The treating doctor cannot be the expert: warn when a certificate the user may read seems
    written by one of the mission's experts (matched on the name, a hint for the expert to check)."""
    experts = [a.expert for a in mission.assignments.select_related("expert")]
    certificates = Certificate.objects.filter(
        document__in=access.visible_documents(user, mission, action=access.Action.VIEW)
    ).select_related("document")
    warnings = []
    for cert in certificates:
        author = _normalize(cert.author)
        for expert_user in experts:
            surname = _surname(expert_user.display_name)
            if surname and surname in author.split():
                warnings.append(
                    _(
                        "Le certificat de la pièce n° %(number)s (%(author)s) semble établi par %(expert)s : un "
                        "expert ne peut être le médecin traitant de la personne qu'il examine (%(law)s)."
                    )
                    % {
                        "number": cert.document.number,
                        "author": cert.author,
                        "expert": expert_user.display_name,
                        "law": countries.cite("treating_doctor", mission),
                    }
                )
    return warnings


def _normalize(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.split())


def _surname(name: str) -> str:
    words = [w for w in _normalize(name.split(",")[0]).split() if w not in {"dr", "pr", "docteur", "professeur"}]
    return words[-1] if words else ""


def access_log_for(user: User, mission: Mission, *, is_expert: bool) -> QuerySet:
    """Rule 9: the experts read the whole log of their mission; the patient's side, the log of
    the pieces about the patient. Each row carries `document_openable`: whether the reader may read
    the piece's title (the same SQL as visible_documents), so that no title leaks through the log."""
    from cases.models import AccessLog

    openable = access.visible_documents(user, mission, action=access.Action.VIEW).filter(pk=OuterRef("document_id"))
    qs = (
        AccessLog.objects.filter(mission=mission)
        .select_related("document", "user")
        .annotate(document_openable=Exists(openable))
    )
    if is_expert:
        return qs
    own = Party.objects.filter(mission=mission).filter(Q(account=user) | Q(representatives__user=user))
    return qs.filter(document__about__in=own.values("pk"))


@dataclass(frozen=True)
class ContradictoireRow:
    document: Document
    openable: bool
    relied_on: bool
    reaches: list
    openers: list[str]
    missing: list[str]


def contradictoire(user: User, mission: Mission) -> list[ContradictoireRow]:
    """For each piece: which parties receive it, who opened it (from the log), and a warning for
    every piece the experts rely on that a party has not received (rule 2)."""
    from cases.models import AccessLog

    documents = list(
        access.annotate_openable(user, mission.documents.all()).select_related("producer_party").order_by("number")
    )
    parties = list(mission.parties.prefetch_related("representatives"))
    facts = access.facts_for_mission(mission, documents)
    openers: dict[int, set[str]] = {}
    for doc_id, username in (
        AccessLog.objects.filter(mission=mission, allowed=True).values_list("document_id", "username").distinct()
    ):
        openers.setdefault(doc_id, set()).add(username)
    rows = []
    for doc in documents:
        f = facts[doc.pk]
        relied_on = access.relied_on(f)  # never a withdrawn piece, nor one marked unrelated
        reaches = access.reach_by_party(doc, parties, f)
        # A third party with no standing (not opposable) is not owed the communication.
        missing = [r.party.name for r in reaches if not r.decision.allowed and r.party.opposable] if relied_on else []
        rows.append(ContradictoireRow(doc, doc.openable, relied_on, reaches, sorted(openers.get(doc.pk, ())), missing))
    return rows


@dataclass(frozen=True)
class TimelineStep:
    day: date
    label: str


def procedural_timeline(mission: Mission) -> list[TimelineStep]:
    """The procedure so far, from the data fetched by with_deadline_data: order, acceptance,
    consignations, meetings, dires, extensions, deposit. No medical content."""
    steps = [TimelineStep(mission.ordered_on, _("Décision ordonnant l'expertise"))]
    for a in mission.assignments.all():
        if a.accepted_on:
            steps.append(
                TimelineStep(
                    a.accepted_on, _("Acceptation de la mission par %(expert)s") % {"expert": a.expert.display_name}
                )
            )
    for c in mission.consignations.all():
        if c.paid_on:
            amount = countries.money(c.amount, mission)
            if c.is_complement:
                label = _("Consignation complémentaire versée (%(amount)s)") % {"amount": amount}
            else:
                label = _("Consignation versée (%(amount)s)") % {"amount": amount}
            steps.append(TimelineStep(c.paid_on, label))
    for conv in mission.convocations.all():
        steps.append(
            TimelineStep(
                countries.local(conv.meeting_at, mission).date(),
                _("Réunion d'expertise — %(place)s") % {"place": conv.place},
            )
        )
    for e in mission.extensions.all():
        steps.append(
            TimelineStep(
                e.requested_on, _("Demande de prorogation au %(day)s") % {"day": f"{e.requested_due:%d/%m/%Y}"}
            )
        )
        if e.decided_on:
            if e.granted:
                outcome = _("Prorogation accordée jusqu'au %(day)s") % {"day": f"{e.new_due:%d/%m/%Y}"}
            else:
                outcome = _("Prorogation refusée")
            steps.append(TimelineStep(e.decided_on, outcome))
    for d in mission.dires.all():
        if d.is_filed and d.received_on:
            steps.append(TimelineStep(d.received_on, _("Dire reçu")))
    if mission.fee_requested_on:
        steps.append(TimelineStep(mission.fee_requested_on, _("Demande de rémunération")))
    for version in mission.report_versions.only("kind", "number", "created_at", "dires_due", "mission_id"):
        if version.dires_due:
            label = _("%(kind)s n° %(number)s (dires jusqu'au %(day)s)") % {
                "kind": version.get_kind_display(),
                "number": version.number,
                "day": f"{version.dires_due:%d/%m/%Y}",
            }
        else:
            label = _("%(kind)s n° %(number)s") % {"kind": version.get_kind_display(), "number": version.number}
        steps.append(TimelineStep(countries.local(version.created_at, mission).date(), label))
    if mission.deposited_on:
        steps.append(TimelineStep(mission.deposited_on, _("Dépôt du rapport au greffe")))
    if mission.fees_taxed_on:
        steps.append(TimelineStep(mission.fees_taxed_on, _("Taxation de la rémunération")))
    return sorted(steps, key=lambda s: s.day)
