"""Scenario files, format 2 (shared/SCENARIOS.md): the life of a mission after its parties and
pieces are in place. Each event goes through the service a user's action calls, acting as the person
the event names, on the file's dates: the acceptance, the meetings (moved, cancelled, held), the
report's text, the pre-report, the dires and their answers, the deposit. A step a service refuses
(a deposit the guards block) fails the load at its place."""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext, override

from accounts.models import User
from cases import countries
from cases.choices import ExpertRole, MissionStatus, RepresentativeKind
from cases.deadlines import params_for
from cases.models import Mission, Party
from cases.models.convocation import MeetingStatus
from cases.scenarios import ScenarioError, _date, _list, _ref, _text, _validation

LIFE_SCHEMA: dict[str, dict[str, bool]] = {
    "meeting": {"ref": False, "at": True, "place": False, "status": False, "postponed_to": False, "attended": False},
    "dire": {"ref": False, "party": True, "by": False, "filed_on": True, "text": True, "answer": False},
    "pre_report": {"sent_on": True, "dires_due": True},
    "report": {
        "facts": False,
        "complaints": False,
        "prior_state": False,
        "examination": False,
        "discussion": False,
        "consolidation": False,
        "answers": False,
        "heads": False,
        # come with the heads of damage by framework (the next issue): refused by name until then
        "healed_without_sequelae": False,
        "sapiteur_opinion": False,
    },
}
REPORT_PENDING = frozenset({"healed_without_sequelae", "sapiteur_opinion"})
# The report's texts, by the file's keys.
REPORT_TEXTS = {
    "facts": "facts",
    "complaints": "complaints",
    "prior_state": "prior_state_text",
    "examination": "examination",
    "discussion": "discussion",
}
# Heads of damage the report holds today: the file's abbreviation (DOMAIN.md §9) -> its field.
HEAD_DEGREES = {"SE": "suffering", "PET": "aesthetic_temporary", "PEP": "aesthetic_permanent"}
HEAD_TEXTS = {"PA": "agrement", "PS": "sexual", "PE": "obstetrical", "IP": "professional", "DSF": "future_care"}
DFT_RATES = (100, 75, 50, 25, 10)


def _check(obj: Any, kind: str, place: str) -> dict:
    if not isinstance(obj, dict):
        raise ScenarioError(place, "un objet JSON est attendu")
    schema = LIFE_SCHEMA[kind]
    for key in obj:
        if key not in schema:
            raise ScenarioError(place, f"champ inconnu « {key} »")
    for key, required in schema.items():
        if required and obj.get(key) in (None, ""):
            raise ScenarioError(place, f"champ obligatoire « {key} » manquant")
    return obj


def _moment(value: Any, mission: Mission, place: str) -> datetime:
    """A local date-time of the court (`2026-09-15T09:30`), made aware in the court's zone."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ScenarioError(place, f"date et heure invalides {value!r} (format attendu AAAA-MM-JJTHH:MM)") from None
    if moment.tzinfo is not None:
        raise ScenarioError(place, "l'heure locale de la juridiction est attendue, sans fuseau")
    return moment.replace(tzinfo=countries.zone(mission))


def _refused(place: str, exc: Exception) -> ScenarioError:
    if isinstance(exc, ValidationError):
        return _validation(place, exc)
    return ScenarioError(place, str(exc))


def load_life(loaded, mission: Mission, obj: dict, place: str, parties: dict[str, Party], lead: User) -> None:
    """Replays the life of the mission in the order it happens."""
    accepted_on = _date(obj.get("accepted_on"), f"{place}.accepted_on", optional=True)
    if accepted_on is not None:
        _accept(mission, accepted_on, f"{place}.accepted_on")
    started = accepted_on or mission.ordered_on
    later = ("meetings", "report", "pre_report", "dires", "deposited_on")
    if accepted_on is not None and any(obj.get(key) not in (None, [], {}) for key in later):
        _start(mission, lead, f"{place}.accepted_on")
    for j, meeting in enumerate(_list(obj, "meetings", place)):
        _load_meeting(mission, meeting, f"{place}.meetings[{j}]", parties, lead, started)
    if obj.get("report") is not None:
        _load_report(mission, obj["report"], f"{place}.report", lead)
    if obj.get("pre_report") is not None:
        _load_pre_report(mission, obj["pre_report"], f"{place}.pre_report", lead)
    deposited_on = _date(obj.get("deposited_on"), f"{place}.deposited_on", optional=True)
    dires = {}
    for j, dire in enumerate(_list(obj, "dires", place)):
        where = f"{place}.dires[{j}]"
        _check(dire, "dire", where)
        if dire.get("ref") is not None and dire["ref"] in dires:
            raise ScenarioError(f"{where}.ref", f"référence {dire['ref']!r} en double")
        dires[dire.get("ref", j)] = _load_dire(loaded, mission, dire, where, parties, lead, deposited_on)
    if deposited_on is not None:
        _deposit(mission, lead, deposited_on, f"{place}.deposited_on")


def _accept(mission: Mission, on: date, place: str) -> None:
    """Each expert who makes the expertise answers his own designation (CPC art. 235)."""
    from cases.services.missions import designation_respond

    experts = mission.assignments.filter(role__in=(ExpertRole.EXPERT, ExpertRole.CO_EXPERT)).select_related("expert")
    # the lead expert first: his answer is the mission's
    for assignment in sorted(experts, key=lambda a: a.role != ExpertRole.EXPERT):
        try:
            designation_respond(by=assignment.expert, mission=mission, accept=True, on=on)
        except (ValidationError, PermissionDenied) as exc:
            raise _refused(place, exc) from None
    mission.refresh_from_db()


def _start(mission: Mission, lead: User, place: str) -> None:
    """The operations start once the mission is accepted (the lead expert's move)."""
    from cases.services.missions import mission_transition

    mission.refresh_from_db()
    if mission.status != MissionStatus.ACCEPTED:
        return
    try:
        mission_transition(by=lead, mission=mission, to=MissionStatus.IN_PROGRESS)
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(place, exc) from None
    mission.refresh_from_db()


def _letters_on(mission: Mission, at: datetime, started: date) -> date:
    """The day the convocation letters went out: the notice before the meeting the court's rules
    ask for, never before the mission was accepted (nor after the meeting itself)."""
    notice = timedelta(days=params_for(mission.court.country).convocation_notice_days)
    day = countries.local(at, mission).date()
    return min(day, max(started, day - notice))


def _load_meeting(mission: Mission, obj: Any, place: str, parties: dict, lead: User, started: date) -> None:
    from cases.services import convocations

    _check(obj, "meeting", place)
    at = _moment(obj["at"], mission, f"{place}.at")
    status = obj.get("status", MeetingStatus.SCHEDULED)
    if status not in MeetingStatus.values:
        raise ScenarioError(
            f"{place}.status", f"valeur {status!r} inconnue (attendu : {', '.join(MeetingStatus.values)})"
        )
    moved_to = _moment(obj["postponed_to"], mission, f"{place}.postponed_to") if obj.get("postponed_to") else None
    attended = [
        _ref(parties, ref, f"{place}.attended[{k}]", "partie") for k, ref in enumerate(_list(obj, "attended", place))
    ]
    if attended and status != MeetingStatus.HELD:
        raise ScenarioError(f"{place}.attended", "seule une réunion tenue a des présents")
    sent_on = _letters_on(mission, at, started)
    with override(mission.document_language):
        place_text = _text(obj, "place", place) or gettext("Cabinet de l'expert")
        moved = gettext("Réunion reportée")
        cancelled = gettext("Réunion annulée")
    try:
        convocation = convocations.convocation_create(
            by=lead, mission=mission, meeting_at=at, place=place_text, on=sent_on, confirm_warnings=True
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(f"{place}.at", exc) from None
    if moved_to is not None:
        try:
            convocation = convocations.convocation_postpone(
                by=lead, convocation=convocation, new_at=moved_to, reason=moved, on=sent_on, confirm_warnings=True
            )
        except (ValidationError, PermissionDenied) as exc:
            raise _refused(f"{place}.postponed_to", exc) from None
    final = moved_to or at
    try:
        if status == MeetingStatus.CANCELLED:
            convocations.convocation_cancel(by=lead, convocation=convocation, reason=cancelled, on=sent_on)
        elif status == MeetingStatus.HELD:
            present = {p.pk for p in attended}
            # a party present, with whoever came for it (its avocat, its médecin-conseil)
            recipients = [r.pk for r in convocation.recipients.all() if r.party_id in present]
            convocations.convocation_record_held(
                by=lead,
                convocation=convocation,
                attended=recipients,
                at_examination=[],
                on=countries.local(final, mission).date(),
            )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(f"{place}.status", exc) from None


def _load_report(mission: Mission, obj: Any, place: str, lead: User) -> None:
    from reports.services import report_for, report_save

    _check(obj, "report", place)
    for key in REPORT_PENDING & set(obj):
        raise ScenarioError(f"{place}.{key}", f"champ du format 2 pas encore pris en charge : « {key} »")
    fields: dict[str, Any] = {field: _text(obj, key, place) for key, field in REPORT_TEXTS.items() if key in obj}
    if obj.get("consolidation") is not None:
        fields["consolidation_date"] = _date(obj["consolidation"], f"{place}.consolidation")
    periods = None
    if obj.get("heads") is not None:
        periods = _heads(obj["heads"], f"{place}.heads", fields)
    questions = list(mission.questions.order_by("position").values_list("pk", flat=True))
    texts = _list(obj, "answers", place)
    if len(texts) > len(questions):
        raise ScenarioError(f"{place}.answers", f"{len(texts)} réponses pour {len(questions)} questions")
    if not all(isinstance(text, str) for text in texts):
        raise ScenarioError(f"{place}.answers", "chaque réponse est un texte")
    answers = {pk: text for pk, text in zip(questions, texts, strict=False) if text.strip()}
    report = report_for(mission)
    try:
        report_save(
            report=report,
            user=lead,
            expected_revision=report.revision,
            fields=fields,
            periods=periods,
            answers=answers or None,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(place, exc) from None


def _number(value: Any, place: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ScenarioError(place, f"nombre invalide {value!r}") from None
    if not number.is_finite():
        raise ScenarioError(place, f"nombre invalide {value!r}")
    return number


def _heads(heads: Any, place: str, fields: dict) -> list[dict] | None:
    """The heads the report holds today; the others come with the heads by framework, refused by
    name meanwhile so that nothing a file says is silently dropped."""
    if not isinstance(heads, dict):
        raise ScenarioError(place, "un objet JSON est attendu")
    periods = None
    for key, value in heads.items():
        where = f"{place}.{key}"
        if key == "DFT":
            periods = _dft(value, where)
        elif key == "DFP":
            fields["ipp_rate"] = _number(value, where)
        elif key in HEAD_DEGREES:
            degree = _number(value, where)
            if degree != degree.to_integral() or not 0 <= degree <= 7:
                raise ScenarioError(where, f"degré entier de 0 à 7 attendu (reçu : {value!r})")
            fields[HEAD_DEGREES[key]] = int(degree)
        elif key in HEAD_TEXTS:
            if not isinstance(value, str):
                raise ScenarioError(where, "un texte est attendu")
            fields[HEAD_TEXTS[key]] = value
        elif key == "ATP":
            _atp(value, where, fields)
        else:
            raise ScenarioError(where, f"poste du format 2 pas encore pris en charge : « {key} »")
    return periods


def _dft(value: Any, place: str) -> list[dict]:
    from reports.models import IncapacityKind

    if not isinstance(value, list):
        raise ScenarioError(place, "une liste est attendue")
    periods = []
    for k, row in enumerate(value):
        where = f"{place}[{k}]"
        if not isinstance(row, dict) or set(row) - {"from", "to", "rate"}:
            raise ScenarioError(where, "{from, to, rate} attendu")
        rate = _number(row.get("rate"), f"{where}.rate")
        if rate not in DFT_RATES:
            raise ScenarioError(f"{where}.rate", f"taux attendu parmi {', '.join(map(str, DFT_RATES))}")
        total = rate == 100
        periods.append(
            {
                "kind": IncapacityKind.TOTAL if total else IncapacityKind.PARTIAL,
                "start": _date(row.get("from"), f"{where}.from"),
                "end": _date(row.get("to"), f"{where}.to"),
                "rate": None if total else rate,
            }
        )
    return periods


def _atp(value: Any, place: str, fields: dict) -> None:
    if not isinstance(value, dict) or set(value) - {"hours", "per", "kind"}:
        raise ScenarioError(place, "{hours, per, kind} attendu")
    if value.get("per", "day") != "day":
        raise ScenarioError(f"{place}.per", "heures par semaine : pas encore pris en charge (heures par jour)")
    fields["third_party_hours"] = _number(value.get("hours"), f"{place}.hours")
    fields["third_party_kind"] = _text(value, "kind", place)


def _load_pre_report(mission: Mission, obj: Any, place: str, lead: User) -> None:
    from reports.models import RenderJob
    from reports.services import report_publish

    _check(obj, "pre_report", place)
    sent_on = _date(obj["sent_on"], f"{place}.sent_on")
    dires_due = _date(obj["dires_due"], f"{place}.dires_due")
    try:
        report_publish(mission=mission, user=lead, kind=RenderJob.Kind.PRE_REPORT, on=sent_on, dires_due=dires_due)
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(place, exc) from None
    mission.refresh_from_db()


def _filer(party: Party, by: Any, loaded, place: str) -> User:
    """Who files the dire: the user named, else the party's avocat, else its own account."""
    if by not in (None, ""):
        return _ref(loaded.users, by, place, "utilisateur")
    avocat = party.representatives.filter(kind=RepresentativeKind.AVOCAT).select_related("user").first()
    if avocat is not None:
        return avocat.user
    if party.account_id:
        return party.account
    raise ScenarioError(place, f"aucun avocat ni compte pour déposer le dire de {party.name}")


def _load_dire(loaded, mission: Mission, obj: dict, place: str, parties: dict, lead: User, deposited_on):
    from cases.services.dires import dire_answer, dire_record

    party = _ref(parties, obj["party"], f"{place}.party", "partie")
    filer = _filer(party, obj.get("by"), loaded, f"{place}.by")
    filed_on = _date(obj["filed_on"], f"{place}.filed_on")
    if not isinstance(obj["text"], str):
        raise ScenarioError(f"{place}.text", "un texte est attendu")
    try:
        dire = dire_record(by=filer, mission=mission, party=party, received_on=filed_on, text=obj["text"])
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(place, exc) from None
    answer = _text(obj, "answer", place)
    if answer.strip():
        try:
            dire_answer(by=lead, dire=dire, answer=answer, answered_on=deposited_on or filed_on)
        except (ValidationError, PermissionDenied) as exc:
            raise _refused(f"{place}.answer", exc) from None
    return dire


def _deposit(mission: Mission, lead: User, on: date, place: str) -> None:
    """The deposit, checked by the guards as on the page; the file says it happened, so each
    warning the expert would have confirmed is confirmed, and what blocks fails the load."""
    from reports.models import RenderJob
    from reports.services import report_publish

    mission.refresh_from_db()
    try:
        report_publish(mission=mission, user=lead, kind=RenderJob.Kind.FINAL, on=on)
    except (ValidationError, PermissionDenied) as exc:
        raise _refused(place, exc) from None
