"""Reads on a mission's meetings (convocations): which were held, which are still to come. The
warnings on a meeting's date and the rules of the examination (DOMAIN.md §3, rule 10) live here
too, as plain functions: cases.services.convocations asks them, the pages show what they say."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache

import holidays
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from cases import countries, deadlines
from cases.models import Convocation, Mission
from cases.models.convocation import MeetingStatus

# The form field a list of warnings is shown at, with the checkbox that confirms them.
WARNINGS_FIELD = "confirm_warnings"


def held_meetings(mission: Mission) -> QuerySet[Convocation]:
    """The meetings held, at their final date (a postponed meeting is held at its new date): the
    only ones the report names."""
    return mission.convocations.filter(status=MeetingStatus.HELD).order_by("meeting_at", "id")


def scheduled_meetings(mission: Mission) -> QuerySet[Convocation]:
    """The meetings still to come: neither held nor cancelled."""
    return mission.convocations.filter(status=MeetingStatus.SCHEDULED).order_by("meeting_at", "id")


# --- The date of a meeting -------------------------------------------------------------------------


def court_day(mission: Mission, moment: datetime) -> date:
    """The day of a moment at the court (23:30 in Tunis is already the next day in Paris, in summer)."""
    return countries.local(moment, mission).date()


@lru_cache(maxsize=32)
def _holidays(country: str, year: int, language: str | None = None) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=year, language=language)


def holiday_name(country: str, day: date) -> str | None:
    """The name of the public holiday of the country on that day, in the language of the page when
    the `holidays` library has it (French for France, Arabic for Tunisia otherwise), or None."""
    calendar = _holidays(country, day.year)
    if day not in calendar:
        return None
    wanted = translation.get_language() or "fr"
    supported = getattr(calendar, "supported_languages", ()) or ()
    language = next((code for code in supported if code.split("_")[0] == wanted.split("-")[0]), None)
    language = language or getattr(calendar, "default_language", None) or "en_US"
    return _holidays(country, day.year, language).get(day)


def meeting_warnings(mission: Mission, meeting_at: datetime, on: date) -> list[str]:
    """What the expert must confirm before convoking to this date, decided on the day `on`: a notice
    shorter than the setting (DEADLINES convocation_notice_days, per country), a Sunday, a public
    holiday of the court's country, a day after the report's deadline. Warnings, not refusals: a
    meeting may have to be held on such a day, once the expert has seen it."""
    country = countries.country_of(mission)
    day = court_day(mission, meeting_at)
    warnings = []
    notice_days = deadlines.params_for(country).convocation_notice_days
    notice = (day - on).days
    if notice < notice_days:
        warnings.append(
            _(
                "Délai de convocation court : %(notice)s jour(s) entre ce jour et la réunion, pour %(days)s jours "
                "au moins habituellement ; les parties doivent pouvoir s'y rendre et communiquer leurs pièces "
                "(%(law)s)."
            )
            % {"notice": notice, "days": notice_days, "law": countries.cite("convocation", country)}
        )
    if day.weekday() == 6:
        warnings.append(_("Le %(day)s est un dimanche.") % {"day": f"{day:%d/%m/%Y}"})
    name = holiday_name(country, day)
    if name:
        warnings.append(
            _("Le %(day)s est un jour férié (%(country)s) : %(name)s.")
            % {"day": f"{day:%d/%m/%Y}", "country": countries.COUNTRY_NAMES[country], "name": name}
        )
    due = deadlines.report_due(mission)
    if due and day > due:
        warnings.append(
            _("La réunion est fixée après la date de dépôt du rapport (%(due)s) : une prorogation est à demander.")
            % {"due": f"{due:%d/%m/%Y}"}
        )
    return warnings


def meeting_refusals(mission: Mission, meeting_at: datetime, on: date, *, field: str = "meeting_at") -> dict:
    """What forbids convoking to this date on the day `on`: a day already past, a day before the
    expert's designation, a mission that is over (deposited, declined, lapsed). {field: [messages]}."""
    from cases.choices import MissionStatus

    day = court_day(mission, meeting_at)
    errors = []
    if mission.status in (MissionStatus.DEPOSITED, MissionStatus.DECLINED, MissionStatus.LAPSED):
        errors.append(
            _("La mission est terminée (%(state)s) : aucune réunion ne peut y être fixée.")
            % {"state": mission.get_status_display()}
        )
    if day < on:
        errors.append(
            _("La réunion ne peut être fixée dans le passé (%(day)s, avant le %(on)s).")
            % {"day": f"{day:%d/%m/%Y}", "on": f"{on:%d/%m/%Y}"}
        )
    elif mission.ordered_on and day < mission.ordered_on:
        errors.append(
            _("La réunion ne peut précéder la désignation de l'expert (%(ordered)s).")
            % {"ordered": f"{mission.ordered_on:%d/%m/%Y}"}
        )
    return {field: errors} if errors else {}


# --- The examination (rule 10) ---------------------------------------------------------------------


class Presence(StrEnum):
    """What a recipient of a convocation is, for the examination."""

    VICTIM = "victim"  # the person examined
    PARTY = "party"  # another party (its account, or the party written to)
    AVOCAT = "avocat"
    DOCTOR = "doctor"  # a party's médecin-conseil
    OTHER = "other"  # a seat ended since the letters went out: not known to be a doctor


@dataclass(frozen=True)
class Attendee:
    id: int
    name: str
    kind: Presence


def examination_errors(
    attendees: Iterable[Attendee],
    attended: set[int],
    at_examination: set[int],
    *,
    country: str,
    mental_examination: bool,
    doctors_excluded: bool,
    victim_agreed: bool,
) -> dict[str, list[str]]:
    """Rule 10 of DOMAIN.md §3: the examination is private; only doctors and the persons the victim
    chooses attend it, never the adverse parties nor the lawyers; the victim decides whether the
    parties' doctors attend; for a mental examination the expert may exclude them (Civ. 1re,
    25 avril 1989). Someone present at the examination attended the meeting. {field: [messages]}."""
    people = {a.id: a for a in attendees}
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    unknown = (attended | at_examination) - set(people)
    if unknown:
        add("attended", _("Ces destinataires ne sont pas convoqués à cette réunion."))
    secret = countries.cite("patient_secret", country)
    mental = countries.cite("mental_examination", country)
    if doctors_excluded and not mental_examination:
        add(
            "doctors_excluded",
            _(
                "Les médecins des parties ne peuvent être exclus que d'un examen psychiatrique ou psychologique "
                "(%(law)s)."
            )
            % {"law": mental},
        )
    examined = [people[i] for i in sorted(at_examination) if i in people]
    for person in examined:
        if person.id not in attended:
            add(
                "at_examination",
                _("%(name)s : présent à l'examen, donc à la réunion ; cochez sa présence.") % {"name": person.name},
            )
        if person.kind == Presence.DOCTOR:
            if doctors_excluded:
                add(
                    "at_examination",
                    _("%(name)s : les médecins des parties sont exclus de cet examen psychiatrique (%(law)s).")
                    % {"name": person.name, "law": mental},
                )
            elif not victim_agreed:
                add(
                    "at_examination",
                    _(
                        "%(name)s : la présence d'un médecin des parties à l'examen suppose l'accord de la "
                        "victime, à indiquer (%(law)s)."
                    )
                    % {"name": person.name, "law": secret},
                )
        elif person.kind != Presence.VICTIM:
            add(
                "at_examination",
                _(
                    "%(name)s : l'examen est privé ; seuls les médecins et les personnes que la victime choisit y "
                    "assistent, hors la présence des parties et de leurs avocats (%(law)s)."
                )
                % {"name": person.name, "law": secret},
            )
    victims = [a for a in people.values() if a.kind == Presence.VICTIM]
    if examined and victims and not any(v.id in at_examination for v in victims):
        add("at_examination", _("L'examen est celui de la victime : cochez sa présence à l'examen."))
    return errors
