"""The expert's calendar feed (RFC 5545). It holds no names and no medical content: a calendar
is often synchronised to third-party services, so events name the case number only. A meeting
carries the local time of its court with the court's zone (TZID), whose definition the feed
includes (VTIMEZONE): a meeting at 09:00 in Sousse shows 09:00 in a calendar set to Tunis."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

# The zones of the courts (cases.countries), as RFC 5545 defines them: France's summer time since
# 1996 rules (last Sunday of March and of October); Tunisia without summer time since 2009.
VTIMEZONES = {
    "Europe/Paris": [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/Paris",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "TZNAME:CEST",
        "DTSTART:19700329T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19701025T030000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ],
    "Africa/Tunis": [
        "BEGIN:VTIMEZONE",
        "TZID:Africa/Tunis",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0100",
        "TZNAME:CET",
        "DTSTART:19700101T000000",
        "END:STANDARD",
        "END:VTIMEZONE",
    ],
}


def _escape(text: str) -> str:
    # a CR stored before the validators existed must not open a line of its own (RFC 5545 §3.3.11)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    raw = line.encode()
    if len(raw) <= 75:
        return [line]
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return out


def _moment(name: str, moment: datetime, tzid: str | None) -> str:
    """DTSTART;TZID=Africa/Tunis:20260710T090000 in a known zone, DTSTART:20260710T080000Z otherwise."""
    if tzid in VTIMEZONES:
        return f"{name};TZID={tzid}:{moment.astimezone(ZoneInfo(tzid)):%Y%m%dT%H%M%S}"
    return f"{name}:{moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def ics(events: list[dict], *, now: datetime) -> str:
    """events: dicts with uid, summary, and either start (aware datetime) + minutes, or day (date);
    location optional; tzid: the court's zone of a timed event (UTC when absent or unknown)."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    calendar_name = _("Expertises")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//expertise//agenda//FR",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(calendar_name)}",
    ]
    for tzid in sorted({e.get("tzid") for e in events if "start" in e and e.get("tzid") in VTIMEZONES}):
        lines += VTIMEZONES[tzid]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event['uid']}", f"DTSTAMP:{stamp}"]
        if "start" in event:
            start = event["start"]
            end = start + timedelta(minutes=event.get("minutes", 120))
            lines += [_moment("DTSTART", start, event.get("tzid")), _moment("DTEND", end, event.get("tzid"))]
        else:
            day: date = event["day"]
            lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"]
        lines.append(f"SUMMARY:{_escape(event['summary'])}")
        if event.get("location"):
            lines.append(f"LOCATION:{_escape(event['location'])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
