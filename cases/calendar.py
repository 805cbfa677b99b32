"""The expert's calendar feed (RFC 5545). It holds no names and no medical content: a calendar
is often synchronised to third-party services, so events name the case number only."""

from datetime import UTC, date, datetime, timedelta


def _escape(text: str) -> str:
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


def ics(events: list[dict], *, now: datetime) -> str:
    """events: dicts with uid, summary, and either start (aware datetime) + minutes, or day (date);
    location optional."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//expertise//agenda//FR",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Expertises",
    ]
    for event in events:
        lines += ["BEGIN:VEVENT", f"UID:{event['uid']}", f"DTSTAMP:{stamp}"]
        if "start" in event:
            start = event["start"].astimezone(UTC)
            end = start + timedelta(minutes=event.get("minutes", 120))
            lines += [f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{end:%Y%m%dT%H%M%SZ}"]
        else:
            day: date = event["day"]
            lines += [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"]
        lines.append(f"SUMMARY:{_escape(event['summary'])}")
        if event.get("location"):
            lines.append(f"LOCATION:{_escape(event['location'])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
