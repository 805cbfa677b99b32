"""Scenario files (shared/SCENARIOS.md): a whole situation in one JSON file, created through the
project's own services in one transaction. Any error names its place and creates nothing."""

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role, User
from accounts.services import user_create
from cases import actions
from cases.choices import (
    CertificateKind,
    Country,
    ExpertRole,
    Framework,
    GranteeKind,
    MissionKind,
    PartyRole,
    Producer,
    RepresentativeKind,
)
from cases.models import Court, Document, Mission, Party
from cases.models.mission import DocumentLanguage
from cases.models.party import Sex, WorkerStatus
from cases.pdfgen import simple_pdf
from cases.services.certificates import certificate_record
from cases.services.consents import consent_grant, consent_revoke, refusal_record
from cases.services.court_entries import check_payment_day
from cases.services.documents import Upload, documents_upload
from cases.services.missions import (
    assignment_add,
    consignation_pay,
    consignation_record,
    mission_create,
    mission_event_set,
)
from cases.services.parties import party_create, representative_add
from cases.storage import atomic_files

# Allowed fields of each object: name -> required?
SCHEMA: dict[str, dict[str, bool]] = {
    "root": {"format": False, "courts": False, "users": False, "missions": False},
    "court": {"ref": True, "name": True, "country": True},
    "user": {"username": True, "password": True, "role": True, "name": False, "court": False, "email": False},
    "mission": {
        "ref": True,
        "court": True,
        "rg": True,
        "title": True,
        "framework": True,
        "kind": False,
        "ordered_on": True,
        "judge": False,
        "report_due": True,
        "consignation": False,
        "experts": True,
        "questions": True,
        "parties": False,
        "documents": False,
        "consents": False,
        "refusals": False,
    },
    "consignation": {"amount": True, "payer": False, "due": True, "paid_on": False},
    "expert": {"user": True, "role": False},
    "party": {
        "ref": True,
        "name": True,
        "role": True,
        "victim": False,
        "insurer": False,
        "opposable": False,
        "account": False,
        "avocats": False,
        "medecins_conseils": False,
    },
    "document": {
        "ref": True,
        "title": True,
        "date": False,
        "medical": False,
        "about": False,
        "produced_by": True,
        "unrelated": False,
        "certificate": False,
    },
    "certificate": {
        "type": True,
        "author": False,
        "lesions": False,
        "stoppage_days": False,
        "consolidation_date": False,
        "date": False,
        "stoppage_start": False,
    },
    "consent": {
        "ref": False,
        "patient": True,
        "to": True,
        "written": False,
        "granted_on": True,
        "revoked_on": False,
        "documents": False,
    },
    "refusal": {"patient": True, "document": True, "on": True, "note": False},
    "event": {"date": False, "place": False, "circumstances": False},
}

# Format 2 (shared/SCENARIOS.md): the whole life of a mission. The fields it adds that the loader
# implements, per kind of object (all optional)...
FORMAT_2: dict[str, dict[str, bool]] = {
    "court": {"address": False},
    "mission": {
        "language": False,
        "event": False,
        "previous": False,
        "accepted_on": False,
        "meetings": False,
        "dires": False,
        "report": False,
        "pre_report": False,
        "deposited_on": False,
    },
    "party": {
        "public_body": False,
        "born_on": False,
        "sex": False,
        "occupation": False,
        "worker_status": False,
        "address": False,
        "email": False,
    },
}
# ...and those that come with the issues that need them: refused by name, so that nothing a file
# says is silently dropped.
FORMAT_2_PENDING: dict[str, frozenset[str]] = {
    "user": frozenset({"phone", "title", "address", "hourly_rate", "vat_rate", "vat_note"}),
    "mission": frozenset({"fees"}),
}
FORMATS = (1, 2)


class ScenarioError(Exception):
    def __init__(self, place: str, message: str):
        super().__init__(f"{place}: {message}")
        self.place = place


@dataclass
class _Loaded:
    format: int = 1
    users: dict[str, User] = field(default_factory=dict)
    courts: dict[str, Court] = field(default_factory=dict)
    missions: dict[str, Mission] = field(default_factory=dict)
    output: dict[str, dict] = field(default_factory=lambda: {"users": {}, "missions": {}, "documents": {}})


def _check_fields(obj: Any, kind: str, place: str, fmt: int = 1) -> dict:
    if not isinstance(obj, dict):
        raise ScenarioError(place, "un objet JSON est attendu")
    allowed = SCHEMA[kind] | (FORMAT_2.get(kind, {}) if fmt >= 2 else {})
    for key in obj:
        if key in allowed:
            continue
        if fmt >= 2 and key in FORMAT_2_PENDING.get(kind, ()):
            raise ScenarioError(f"{place}.{key}", f"champ du format 2 pas encore pris en charge : « {key} »")
        if key in FORMAT_2.get(kind, {}) or key in FORMAT_2_PENDING.get(kind, ()):
            raise ScenarioError(f"{place}.{key}", f'champ « {key} » du format 2 : déclarez "format": 2')
        raise ScenarioError(place, f"champ inconnu « {key} »")
    for key, required in allowed.items():
        if required and obj.get(key) in (None, ""):
            raise ScenarioError(place, f"champ obligatoire « {key} » manquant")
    return obj


def _list(obj: dict, key: str, place: str) -> list:
    value = obj.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScenarioError(f"{place}.{key}", "une liste est attendue")
    return value


def _date(value: Any, place: str, *, optional: bool = False) -> date | None:
    if value in (None, "") and optional:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ScenarioError(place, f"date invalide {value!r} (format attendu AAAA-MM-JJ)") from None


def _bool(obj: dict, key: str, place: str, default: bool = False) -> bool:
    value = obj.get(key, default)
    if not isinstance(value, bool):
        raise ScenarioError(f"{place}.{key}", f"true ou false attendu (reçu : {value!r})")
    return value


def _choice(enum, value: Any, place: str):
    if value not in enum.values:
        raise ScenarioError(place, f"valeur {value!r} inconnue (attendu : {', '.join(enum.values)})")
    return enum(value)


def _text(obj: dict, key: str, place: str) -> str:
    value = obj.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ScenarioError(f"{place}.{key}", f"un texte est attendu (reçu : {value!r})")
    return value


def _ref(table: dict, value: Any, place: str, what: str):
    if value not in table:
        raise ScenarioError(place, f"{what} {value!r} inconnu(e) : aucune déclaration avec cette référence")
    return table[value]


def _validation(place: str, exc: ValidationError, obj: dict | None = None) -> ScenarioError:
    """A service's refusal at its place; with the file's object, at the key the refusal names when
    it is one of the object's keys (`missions[0].rg`)."""
    fields = [f for f in getattr(exc, "error_dict", {}) if f != NON_FIELD_ERRORS]
    if obj is not None and len(fields) == 1 and fields[0] in obj:
        place = f"{place}.{fields[0]}"
    return ScenarioError(place, "; ".join(exc.messages))


def load_scenario(data: Any) -> dict:
    """Creates everything the scenario describes and returns the ids and URLs of what it made."""
    root = _check_fields(data, "root", "scenario")
    fmt = root.get("format", 1)
    if isinstance(fmt, bool) or fmt not in FORMATS:
        raise ScenarioError("scenario.format", f"format {fmt!r} inconnu (formats pris en charge : 1 et 2)")
    loaded = _Loaded(format=fmt)
    with atomic_files():
        for i, court in enumerate(_list(root, "courts", "scenario")):
            _load_court(loaded, court, f"courts[{i}]")
        for i, user in enumerate(_list(root, "users", "scenario")):
            _load_user(loaded, user, f"users[{i}]")
        refs: set[str] = set()
        for i, mission in enumerate(_list(root, "missions", "scenario")):
            place = f"missions[{i}]"
            _check_fields(mission, "mission", place, loaded.format)
            if mission["ref"] in refs:
                raise ScenarioError(f"{place}.ref", f"référence {mission['ref']!r} en double")
            refs.add(mission["ref"])
            _load_mission(loaded, mission, place)
    return loaded.output


def _load_court(loaded: _Loaded, obj: dict, place: str) -> None:
    _check_fields(obj, "court", place, loaded.format)
    country = _choice(Country, obj["country"], f"{place}.country")
    address = _text(obj, "address", place).strip()
    court, _ = Court.objects.get_or_create(
        code=obj["ref"], defaults={"name": obj["name"], "country": country, "address": address}
    )
    if court.name != obj["name"] or court.country != country:
        raise ScenarioError(place, f"la juridiction {obj['ref']!r} existe déjà sous un autre nom ou pays")
    if address and court.address != address:
        court.address = address
        try:
            court.full_clean()
        except ValidationError as exc:
            raise _validation(place, exc, obj) from None
        court.save(update_fields=["address"])
    loaded.courts[obj["ref"]] = court


def _load_user(loaded: _Loaded, obj: dict, place: str) -> None:
    _check_fields(obj, "user", place, loaded.format)
    role = _choice(Role, obj["role"], f"{place}.role")
    court = None
    if obj.get("court") is not None:
        court = _ref(loaded.courts, obj["court"], f"{place}.court", "juridiction")
    elif role in (Role.CLERK, Role.JUDGE):
        raise ScenarioError(f"{place}.court", "un greffier ou un juge doit être rattaché à une juridiction")
    username = obj["username"]
    if username in loaded.users:
        raise ScenarioError(f"{place}.username", f"utilisateur {username!r} déclaré deux fois")
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        if existing.role != role:
            raise ScenarioError(place, f"l'utilisateur {username!r} existe déjà avec un autre rôle")
        user = existing
    else:
        try:
            user = user_create(
                username=username,
                password=obj["password"],
                role=role,
                name=obj.get("name", ""),
                email=obj.get("email", ""),
                court=court,
            )
        except ValidationError as exc:
            raise _validation(place, exc) from None
    loaded.users[username] = user
    loaded.output["users"][username] = {"id": user.pk}


def _load_mission(loaded: _Loaded, obj: dict, place: str) -> None:
    court = _ref(loaded.courts, obj["court"], f"{place}.court", "juridiction")
    if not Court.objects.filter(pk=court.pk).exists():
        raise ScenarioError(f"{place}.court", "juridiction inconnue")
    experts = _list(obj, "experts", place)
    if not experts:
        raise ScenarioError(f"{place}.experts", "au moins un expert est attendu")
    for j, expert in enumerate(experts):
        _check_fields(expert, "expert", f"{place}.experts[{j}]")
    lead = _ref(loaded.users, experts[0]["user"], f"{place}.experts[0].user", "utilisateur")
    questions = _list(obj, "questions", place)
    previous = None
    if obj.get("previous") is not None:
        previous = _ref(loaded.missions, obj["previous"], f"{place}.previous", "mission antérieure")
    if not all(isinstance(q, str) for q in questions):
        raise ScenarioError(f"{place}.questions", "chaque question est un texte")
    try:
        mission = mission_create(
            created_by=lead,
            expert=lead,
            court=court,
            rg=str(obj["rg"]),
            title=obj["title"],
            framework=_choice(Framework, obj["framework"], f"{place}.framework"),
            kind=_choice(MissionKind, obj.get("kind", "initial"), f"{place}.kind"),
            ordered_on=_date(obj["ordered_on"], f"{place}.ordered_on"),
            report_due=_date(obj["report_due"], f"{place}.report_due"),
            judge=obj.get("judge") or "",
            questions=questions,
            language=_choice(DocumentLanguage, obj.get("language", "fr"), f"{place}.language"),
            previous=previous,
        )
    except ValidationError as exc:
        raise _validation(place, exc, obj) from None
    if experts[0].get("role", "expert") != ExpertRole.EXPERT:
        mission.assignments.filter(expert=lead).update(
            role=_choice(ExpertRole, experts[0]["role"], f"{place}.experts[0].role")
        )
    for j, expert in enumerate(experts[1:], start=1):
        where = f"{place}.experts[{j}]"
        user = _ref(loaded.users, expert["user"], f"{where}.user", "utilisateur")
        try:
            assignment_add(
                mission=mission, expert=user, role=_choice(ExpertRole, expert.get("role", "expert"), f"{where}.role")
            )
        except ValidationError as exc:
            raise _validation(where, exc) from None

    if obj.get("event") is not None:
        _load_event(mission, obj["event"], f"{place}.event")

    parties: dict[str, Party] = {}
    for j, party in enumerate(_list(obj, "parties", place)):
        parties[party.get("ref")] = _load_party(loaded, mission, party, f"{place}.parties[{j}]", parties)

    if obj.get("consignation") is not None:
        where = f"{place}.consignation"
        c = _check_fields(obj["consignation"], "consignation", where)
        try:
            amount = Decimal(str(c["amount"]))
        except InvalidOperation:
            raise ScenarioError(f"{where}.amount", f"montant invalide {c['amount']!r}") from None
        payer = _ref(parties, c["payer"], f"{where}.payer", "partie") if c.get("payer") else None
        paid_on = _date(c.get("paid_on"), f"{where}.paid_on", optional=True)
        try:
            consignation = consignation_record(
                by=_lead(mission), mission=mission, amount=amount, payer=payer, due=_date(c["due"], f"{where}.due")
            )
            if paid_on is not None:
                _consignation_paid(mission, consignation, paid_on)
        except ValidationError as exc:
            raise _validation(where, exc, c) from None
        except PermissionDenied as exc:
            raise ScenarioError(where, str(exc)) from None

    documents: dict[str, Document] = {}
    for j, doc in enumerate(_list(obj, "documents", place)):
        where = f"{place}.documents[{j}]"
        _check_fields(doc, "document", where)
        if doc["ref"] in documents:
            raise ScenarioError(f"{where}.ref", f"référence {doc['ref']!r} en double")
        documents[doc["ref"]] = _load_document(loaded, mission, doc, where, parties)
        key = f"{obj['ref']}/{doc['ref']}"
        document = documents[doc["ref"]]
        loaded.output["documents"][key] = {
            "id": document.pk,
            "url": reverse("cases:document_detail", args=[document.pk]),
            "download_url": reverse("cases:document_download", args=[document.pk]),
        }

    for j, consent in enumerate(_list(obj, "consents", place)):
        _load_consent(loaded, mission, consent, f"{place}.consents[{j}]", parties, documents)
    for j, refusal in enumerate(_list(obj, "refusals", place)):
        where = f"{place}.refusals[{j}]"
        _check_fields(refusal, "refusal", where)
        patient = _ref(parties, refusal["patient"], f"{where}.patient", "partie")
        document = _ref(documents, refusal["document"], f"{where}.document", "pièce")
        actor = _patient_actor(mission, patient)
        try:
            refusal_record(
                recorded_by=actor,
                patient=patient,
                document=document,
                refused_on=_date(refusal["on"], f"{where}.on"),
                note=refusal.get("note", ""),
                scan=_signed_statement(mission, patient, "refus") if _by_expert(mission, actor) else None,
            )
        except ValidationError as exc:
            raise _validation(where, exc) from None
    if loaded.format >= 2:
        from cases.scenario_life import load_life

        load_life(loaded, mission, obj, place, parties, _lead(mission))
    loaded.missions[obj["ref"]] = mission
    loaded.output["missions"][obj["ref"]] = {"id": mission.pk, "url": mission.get_absolute_url()}


def _load_party(loaded: _Loaded, mission: Mission, obj: dict, place: str, parties: dict) -> Party:
    _check_fields(obj, "party", place, loaded.format)
    if obj["ref"] in parties:
        raise ScenarioError(f"{place}.ref", f"référence {obj['ref']!r} en double")
    account = _ref(loaded.users, obj["account"], f"{place}.account", "utilisateur") if obj.get("account") else None
    # Seats are taken in the name of the mission's lead expert, under the rules of
    # cases.services.parties: a refused seat names its place.
    lead = _lead(mission)
    try:
        party = party_create(
            by=lead,
            mission=mission,
            name=obj["name"],
            role=_choice(PartyRole, obj["role"], f"{place}.role"),
            is_victim=bool(obj.get("victim", False)),
            is_insurer=bool(obj.get("insurer", False)),
            opposable=bool(obj.get("opposable", True)),
            account=account,
            public_body=_bool(obj, "public_body", place),
            born_on=_date(obj.get("born_on"), f"{place}.born_on", optional=True),
            sex=_choice(Sex, obj["sex"], f"{place}.sex") if obj.get("sex") not in (None, "") else "",
            occupation=_text(obj, "occupation", place),
            worker_status=(
                _choice(WorkerStatus, obj["worker_status"], f"{place}.worker_status")
                if obj.get("worker_status") not in (None, "")
                else ""
            ),
            address=_text(obj, "address", place),
            email=_text(obj, "email", place),
        )
    except ValidationError as exc:
        if "account" in getattr(exc, "error_dict", {}):
            raise _validation(f"{place}.account", exc) from None
        raise _validation(place, exc, obj) from None
    except PermissionDenied as exc:
        raise ScenarioError(place, str(exc)) from None
    for key, kind in (
        ("avocats", RepresentativeKind.AVOCAT),
        ("medecins_conseils", RepresentativeKind.MEDECIN_CONSEIL),
    ):
        for k, username in enumerate(_list(obj, key, place)):
            where = f"{place}.{key}[{k}]"
            user = _ref(loaded.users, username, where, "utilisateur")
            try:
                representative_add(by=lead, party=party, user=user, kind=kind)
            except ValidationError as exc:
                raise _validation(where, exc) from None
            except PermissionDenied as exc:
                raise ScenarioError(where, str(exc)) from None
    return party


# The event's keys in the file, by the Mission fields a refusal names.
EVENT_FIELDS = {"event_date": "date", "event_place": "place", "event_circumstances": "circumstances"}


def _load_event(mission: Mission, obj: Any, place: str) -> None:
    """The event the mission is about, recorded by the lead expert (the experts write the facts)."""
    _check_fields(obj, "event", place)
    try:
        mission_event_set(
            by=_lead(mission),
            mission=mission,
            date=_date(obj.get("date"), f"{place}.date", optional=True),
            place=_text(obj, "place", place),
            circumstances=_text(obj, "circumstances", place),
        )
    except ValidationError as exc:
        fields = [f for f in getattr(exc, "error_dict", {}) if f != NON_FIELD_ERRORS]
        if len(fields) == 1 and fields[0] in EVENT_FIELDS:
            place = f"{place}.{EVENT_FIELDS[fields[0]]}"
        raise ScenarioError(place, "; ".join(exc.messages)) from None
    except PermissionDenied as exc:
        raise ScenarioError(place, str(exc)) from None


def _load_document(loaded: _Loaded, mission: Mission, obj: dict, place: str, parties: dict) -> Document:
    produced_by = obj["produced_by"]
    if produced_by in (Producer.COURT, Producer.EXPERT, Producer.THIRD_PARTY):
        producer, producer_party = Producer(produced_by), None
    else:
        producer = Producer.PARTY
        producer_party = _ref(parties, produced_by, f"{place}.produced_by", "partie")
    medical = bool(obj.get("medical", False))
    about = _ref(parties, obj["about"], f"{place}.about", "partie") if obj.get("about") else None
    if medical and about is None:
        raise ScenarioError(f"{place}.about", "une pièce médicale doit indiquer la personne concernée")
    when = _date(obj.get("date"), f"{place}.date", optional=True)
    lines = [f"RG {mission.rg} - {mission.title}", obj["title"], f"Pièce du {when:%d/%m/%Y}" if when else ""]
    name = f"{obj['ref']}.pdf"
    try:
        stored = documents_upload(
            mission=mission,
            uploaded_by=_lead(mission),
            uploads=[Upload(name=name, file=io.BytesIO(simple_pdf(lines)))],
            producer=producer,
            producer_party=producer_party,
            is_medical=medical,
            about=about,
            date=when,
            unrelated=bool(obj.get("unrelated", False)),
            titles=[obj["title"]],
        )
    except ValidationError as exc:
        raise _validation(place, exc) from None
    document = stored[0].document
    if obj.get("certificate") is not None:
        where = f"{place}.certificate"
        cert = _check_fields(obj["certificate"], "certificate", where)
        try:
            certificate_record(
                by=_lead(mission),
                document=document,
                kind=_choice(CertificateKind, cert["type"], f"{where}.type"),
                issued_on=_date(cert.get("date"), f"{where}.date", optional=True),
                author=cert.get("author", ""),
                lesions=cert.get("lesions", ""),
                stoppage_days=cert.get("stoppage_days"),
                stoppage_start=_date(cert.get("stoppage_start"), f"{where}.stoppage_start", optional=True),
                consolidation_date=_date(cert.get("consolidation_date"), f"{where}.consolidation_date", optional=True),
            )
        except ValidationError as exc:
            raise _validation(where, exc) from None
    return document


def _consignation_paid(mission: Mission, consignation, paid_on: date) -> None:
    """The payment is the registry's fact (DOMAIN.md §8): recorded in the name of a clerk (else a
    judge) of the mission's court. A format-1 file that declares none still loads: the payment is
    written as the file states it, after the same checks of its date."""
    actor = (
        User.objects.filter(court=mission.court_id, role__in=(Role.CLERK, Role.JUDGE), is_active=True)
        .order_by("role", "pk")
        .first()
    )
    if actor is not None:
        consignation_pay(by=actor, consignation=consignation, paid_on=paid_on)
        return
    check_payment_day(mission, paid_on)
    consignation.paid_on = paid_on
    consignation.save(update_fields=["paid_on"])


def _lead(mission: Mission) -> User:
    """The lead expert, who acts for the file where an expert would (pieces received, seats)."""
    assignment = mission.assignments.filter(role=ExpertRole.EXPERT).select_related("expert").first()
    return (assignment or mission.assignments.select_related("expert").first()).expert


def _patient_actor(mission: Mission, patient: Party) -> User:
    """Who records the patient's decisions in the file: the patient himself, else his avocat, else
    the lead expert on the patient's signed statement (DOMAIN.md §8)."""
    if patient.account_id:
        return patient.account
    avocat = patient.representatives.filter(kind=RepresentativeKind.AVOCAT).select_related("user").first()
    return avocat.user if avocat else _lead(mission)


def _by_expert(mission: Mission, actor: User) -> bool:
    return actions.seat_of(actor, mission).expert


def _signed_statement(mission: Mission, patient: Party, what: str) -> Upload:
    """The patient's signed statement (a written consent; a decision an expert records for him): a
    small generated PDF standing for the scan that the file's event implies."""
    text = [f"RG {mission.rg}", f"{what.capitalize()} signé par {patient.name}"]
    return Upload(name=f"{what}-{patient.pk}.pdf", file=io.BytesIO(simple_pdf(text)))


def _load_consent(loaded: _Loaded, mission: Mission, obj: dict, place: str, parties: dict, documents: dict) -> None:
    _check_fields(obj, "consent", place)
    patient = _ref(parties, obj["patient"], f"{place}.patient", "partie")
    if obj["to"] == GranteeKind.EXPERTS:
        grantee, grantee_party = GranteeKind.EXPERTS, None
    else:
        grantee, grantee_party = GranteeKind.PARTY, _ref(parties, obj["to"], f"{place}.to", "partie")
    covered = [
        _ref(documents, ref, f"{place}.documents[{k}]", "pièce") for k, ref in enumerate(_list(obj, "documents", place))
    ]
    written = bool(obj.get("written", False))
    actor = _patient_actor(mission, patient)
    try:
        consent = consent_grant(
            recorded_by=actor,
            mission=mission,
            patient=patient,
            grantee=grantee,
            grantee_party=grantee_party,
            written=written,
            scan=_signed_statement(mission, patient, "consentement") if written else None,
            granted_on=_date(obj["granted_on"], f"{place}.granted_on"),
            documents=covered,
        )
        revoked_on = _date(obj.get("revoked_on"), f"{place}.revoked_on", optional=True)
        if revoked_on is not None:
            consent_revoke(
                by=actor,
                consent=consent,
                revoked_on=revoked_on,
                scan=_signed_statement(mission, patient, "retrait") if _by_expert(mission, actor) else None,
            )
    except ValidationError as exc:
        raise _validation(place, exc) from None
