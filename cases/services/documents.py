import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import User
from cases import access, actions
from cases.choices import Producer
from cases.models import Document, Mission, Party
from cases.storage import atomic_files, save_file
from cases.uploads import Inspected, inspect_file


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


def document_update(*, by: User, document: Document, title: str, date: date | None, unrelated: bool) -> Document:
    actions.require(by, document.mission, actions.Act.PIECE_EDIT)
    with atomic_files():
        document.title = title.strip()
        document.date = date
        document.unrelated = unrelated
        document.full_clean()
        document.save(update_fields=["title", "date", "unrelated"])
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
