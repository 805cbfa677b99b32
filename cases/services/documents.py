import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from cases import access, actions, countries, history
from cases.choices import Producer
from cases.models import ChangeAction, Document, Mission, Party
from cases.storage import atomic_files, save_file
from cases.uploads import Inspected, inspect_file
from cases.validators import validate_multiline_text

# --- Dates of recorded facts ---------------------------------------------------------------------


def fact_date_errors(mission: Mission, *, after_order: bool = False, **dates: date | None) -> dict[str, str]:
    """The dates of facts the mission records (a piece, a certificate, a consent, a refusal, a dire
    and its answer): never after the court's today (cases.countries.today); with `after_order`,
    never before the decision that ordered the expertise either (a dire answers the experts' work).
    Returns {field: message} for each date refused; None dates are not checked. A past date is
    always accepted, so a loader replaying an old file on its own dates passes."""
    today = countries.today(mission)
    errors: dict[str, str] = {}
    for name, value in dates.items():
        if value is None:
            continue
        if value > today:
            errors[name] = _("Cette date ne peut être dans le futur.")
        elif after_order and mission.ordered_on and value < mission.ordered_on:
            errors[name] = _("Cette date ne peut précéder la décision qui ordonne l'expertise.")
    return errors


def reason_errors(reason: str) -> dict[str, str]:
    """The reason of a correction, kept in the history: multi-line text without control characters."""
    try:
        validate_multiline_text(reason)
    except ValidationError as exc:
        return {"reason": exc.messages[0]}
    return {}


@dataclass(frozen=True)
class Upload:
    """A file to store: its display name (the user's file name) and an open binary stream."""

    name: str
    file: IO[bytes]


@dataclass(frozen=True)
class Stored:
    document: Document
    # An earlier piece with the same SHA-256, named only to an uploader who may open it (rule 8):
    # "identical to piece n° 3" would otherwise tell him what a quarantined or refused piece holds.
    duplicate_of: Document | None


def _check_parties(
    *, mission: Mission, producer: str, producer_party: Party | None, is_medical: bool, about: Party | None
) -> None:
    errors: dict[str, str] = {}
    if producer == Producer.PARTY and producer_party is None:
        errors["producer_party"] = _("Indiquez la partie qui produit la pièce.")
    if producer_party is not None and producer_party.mission_id != mission.pk:
        errors["producer_party"] = _("La partie productrice n'est pas une partie de cette mission.")
    if is_medical and about is None:
        errors["about"] = _("Une pièce médicale concerne une personne : indiquez laquelle.")
    if about is not None and about.mission_id != mission.pk:
        errors["about"] = _("La personne concernée n'est pas une partie de cette mission.")
    if errors:
        raise ValidationError(errors)


def documents_upload(
    *,
    mission: Mission,
    uploaded_by: User | None,
    uploads: list[Upload],
    producer: str,
    producer_party: Party | None = None,
    is_medical: bool = False,
    about: Party | None = None,
    date: date | None = None,
    unrelated: bool = False,
    titles: list[str] | None = None,
) -> list[Stored]:
    """Adds pieces to the mission's bordereau, numbered in order. Every file is checked first;
    if one is refused, none is stored and the error names each refused file."""
    if not uploads:
        raise ValidationError(_("Choisissez au moins un fichier."))
    if errors := fact_date_errors(mission, date=date):
        raise ValidationError(errors)
    producer = Producer(producer)
    if producer != Producer.PARTY:
        producer_party = None
    if uploaded_by is not None:  # None: the server's operator (import_documents)
        actions.require_upload(uploaded_by, mission, producer, producer_party)
    _check_parties(
        mission=mission, producer=producer, producer_party=producer_party, is_medical=is_medical, about=about
    )
    inspected: list[Inspected] = []
    refused: list[str] = []
    for upload in uploads:
        try:
            inspected.append(inspect_file(upload.file, upload.name))
        except ValidationError as exc:
            refused.extend(exc.messages)
    if refused:
        raise ValidationError(refused)

    stored: list[Stored] = []
    with atomic_files():
        # Lock the mission so that two uploads never take the same number.
        Mission.objects.select_for_update().filter(pk=mission.pk).first()
        last = mission.documents.aggregate(last=Max("number"))["last"] or 0
        known: dict[str, list[Document]] = {}  # the pieces with each hash, earliest first
        for earlier in mission.documents.filter(sha256__in=[i.sha256 for i in inspected]).order_by("number"):
            known.setdefault(earlier.sha256, []).append(earlier)
        for offset, (upload, facts) in enumerate(zip(uploads, inspected, strict=True), start=1):
            title = (titles[offset - 1] if titles else "") or _title_from_name(upload.name)
            document = Document(
                mission=mission,
                number=last + offset,
                title=title[:255],
                date=date,
                is_medical=is_medical,
                about=about if is_medical else None,
                producer=producer,
                producer_party=producer_party,
                unrelated=unrelated,
                original_name=_display_name(upload.name),
                size=facts.size,
                content_type=facts.content_type,
                sha256=facts.sha256,
                uploaded_by=uploaded_by,
            )
            save_file(document.file, document.original_name, File(upload.file))
            document.full_clean()
            document.save()
            earlier = known.setdefault(facts.sha256, [])
            stored.append(Stored(document=document, duplicate_of=_nameable(uploaded_by, earlier, stored)))
            earlier.append(document)
    return stored


def _nameable(uploader: User | None, earlier: list[Document], batch: list[Stored]) -> Document | None:
    """The earliest piece with the same hash that the uploader may be told about: any, for the
    server's operator (no uploader); one of this upload (he sent both files); otherwise one he may
    open (cases.access, rules 3 to 8). None when there is no such piece."""
    mine = {s.document.pk for s in batch}
    for candidate in earlier:
        if uploader is None or candidate.pk in mine:
            return candidate
        if access.decide(uploader, access.Action.VIEW, candidate).allowed:
            return candidate
    return None


# A piece as the history shows it; its identity (nature, person concerned, producer) is frozen once
# a deposited report relies on it.
PIECE_FIELDS = ("title", "date", "unrelated", "is_medical", "about", "producer", "producer_party")
KEEP: Any = object()  # document_update: leave this field as it is


def in_deposited_report(document: Document) -> bool:
    """Whether a deposited report (final or complementary) relies on the piece. The frozen versions
    do not list their pieces, and a version loaded from a past file is dated before the pieces
    loaded with it: once a report is deposited, every piece the experts rely on (cases.access.
    relied_on) is taken as relied on by it. Erring this way keeps the record; a piece added
    after the deposit with a wrong nature is withdrawn and added again."""
    from reports.models import ReportVersion, VersionKind

    deposited = ReportVersion.objects.filter(
        mission_id=document.mission_id, kind__in=[VersionKind.FINAL, VersionKind.COMPLEMENT]
    ).exists()
    return deposited and access.relied_on(access.facts_of(document))


def document_update(
    *,
    by: User,
    document: Document,
    title: str,
    date: date | None,
    unrelated: bool,
    is_medical: bool | None = None,
    about: Party | None = KEEP,
    producer: str | None = None,
    producer_party: Party | None = None,
    reason: str = "",
) -> Document:
    """The experts correct a piece (DOMAIN.md §8): its title, date and "unrelated" mark; its nature
    (medical or not), the person it is about and who produced it while no deposited report relies
    on it (a deposited report is frozen). `is_medical`/`producer` None and `about` KEEP leave them
    as they are. The checks of the upload apply (a medical piece is about someone: rule 3). The
    experts correct only a piece they may open: never one in quarantine, nor one the patient refused
    (rule 6: nobody overrides a refusal, so a refused piece cannot be made non-medical). A piece
    that becomes non-medical, hence communicated to every party, needs a reason. Each correction is
    a line of the history, kept from the court when the piece is medical before or after."""
    mission = document.mission
    actions.require(by, mission, actions.Act.PIECE_EDIT)
    decision = access.decide(by, access.Action.VIEW, document)
    if not decision.allowed:  # an expert who may not open the piece (quarantine, refusal) may not edit it
        raise PermissionDenied(decision.reason)
    reason = reason.strip()
    with atomic_files():
        document = (
            Document.objects.select_for_update(of=("self",))
            .select_related("mission__court", "about", "producer_party")
            .get(pk=document.pk)
        )
        before = history.snapshot(document, PIECE_FIELDS)
        was_medical = document.is_medical
        medical = document.is_medical if is_medical is None else bool(is_medical)
        if about is KEEP:
            about = document.about
        if producer is None:
            producer, producer_party = document.producer, document.producer_party
        producer = Producer(producer)
        if producer != Producer.PARTY:
            producer_party = None
        _check_parties(
            mission=mission, producer=producer, producer_party=producer_party, is_medical=medical, about=about
        )
        errors = {**fact_date_errors(mission, date=date), **reason_errors(reason)}
        identity_before = (document.is_medical, document.about_id, document.producer, document.producer_party_id)
        identity_after = (
            medical,
            about.pk if medical and about else None,
            producer,
            producer_party.pk if producer_party else None,
        )
        if identity_before != identity_after and in_deposited_report(document):
            raise ValidationError(
                _(
                    "La pièce n° %(number)s est citée dans un rapport déposé : sa nature, la personne "
                    "concernée et la partie productrice ne se corrigent plus (le rapport déposé est figé)."
                )
                % {"number": document.number}
            )
        if was_medical and not medical and not reason:
            errors["reason"] = _(
                "Indiquez le motif : une pièce qui n'est plus médicale est communiquée à toutes les parties."
            )
        if errors:
            raise ValidationError(errors)
        document.title = title.strip()
        document.date = date
        document.unrelated = unrelated
        document.is_medical = medical
        document.about = about if medical else None
        document.producer = producer
        document.producer_party = producer_party
        document.full_clean()
        document.save(update_fields=list(PIECE_FIELDS))
        history.record(
            mission=mission,
            by=by,
            action=ChangeAction.CORRECTED,
            obj=document,
            changes=history.diff(before, history.snapshot(document, PIECE_FIELDS)),
            reason=reason,
            court_visible=not (was_medical or medical),  # a medical piece's data is the experts' (rule 8)
        )
    return document


@transaction.atomic
def document_withdraw(*, by: User, document: Document, reason: str, on: date | None = None) -> Document:
    """The experts withdraw a piece from the mission, with its reason (DOMAIN.md §8). What a party
    has received is never erased: the piece stays in the bordereau with "retirée le ... : motif",
    read by everyone who may list it (rule 8: its existence is visible to every member), and leaves
    the report (cases.access.relied_on). Its file stays open to whoever could open it before, on the
    same rules (cases.access is unchanged by a withdrawal): it is the evidence of what was
    communicated, and a party may have to show what it received. A withdrawal made by mistake
    is not undone here: the piece can be added again, under a new number."""
    mission = document.mission
    actions.require(by, mission, actions.Act.PIECE_EDIT)
    reason = reason.strip()
    on = on or countries.today(mission)
    errors = fact_date_errors(mission, on=on)
    errors.update(reason_errors(reason))
    if not reason:
        errors["reason"] = _("Indiquez le motif du retrait : il reste lisible dans le bordereau.")
    if "on" not in errors and document.date and on < document.date:
        errors["on"] = _("Le retrait ne peut précéder la date de la pièce.")
    if errors:
        raise ValidationError(errors)
    document = Document.objects.select_for_update(of=("self",)).select_related("mission").get(pk=document.pk)
    if document.withdrawn_on is not None:
        raise ValidationError(
            _("La pièce n° %(number)s est déjà retirée (le %(day)s).")
            % {"number": document.number, "day": f"{document.withdrawn_on:%d/%m/%Y}"}
        )
    fields = ["withdrawn_on", "withdrawal_reason"]
    before = history.snapshot(document, fields)
    document.withdrawn_on = on
    document.withdrawal_reason = reason
    document.withdrawn_by = by
    document.full_clean()
    document.save(update_fields=[*fields, "withdrawn_by"])
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.WITHDRAWN,
        obj=document,
        changes=history.diff(before, history.snapshot(document, fields)),
        reason=reason,
        court_visible=not document.is_medical,
    )
    return document


def _display_name(name: str) -> str:
    # Keep only the last path component, whatever the client sent ("../../x.pdf", "C:\\x.pdf"),
    # without control or bidirectional characters ("\u202efdp.exe", displayed "exe.pdf", is kept as "fdp.exe"),
    # nor line or paragraph separators (U+2028, U+2029: a name stays on one line).
    name = "".join(c for c in name if not unicodedata.category(c).startswith(("C", "Zl", "Zp")))
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().lstrip(".")
    return name[:255] or "fichier"


def _title_from_name(name: str) -> str:
    stem = _display_name(name).rsplit(".", 1)[0]
    return stem.replace("_", " ").strip() or _("Pièce sans titre")
