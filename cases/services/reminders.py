"""The daily deadline scan: one e-mail per deadline and state (due soon, then overdue), sent once
whatever the number of scans or duplicate task deliveries. One mission that fails (its mail server
refuses, its data breaks a header) never stops the scan for the others: it is logged with its id,
counted, and left to the next scan."""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from cases import countries
from cases.choices import ExpertRole
from cases.deadlines import Deadline, State, mission_deadlines
from cases.models import Mission, Reminder
from cases.selectors import with_deadline_data
from cases.validators import mail_subject

logger = logging.getLogger(__name__)

REMINDED_STATES = (State.DUE_SOON, State.OVERDUE)


def reminder_key(deadline: Deadline) -> str:
    return f"{deadline.mission_id}:{deadline.kind}:{deadline.ref}:{deadline.state}"


def _recipients(mission: Mission, clerks: dict[int, list[User]]) -> dict[str, list[str]]:
    """The addresses to remind, by the language each person reads the application in."""
    experts = [a.expert for a in mission.assignments.all() if a.role in (ExpertRole.EXPERT, ExpertRole.CO_EXPERT)]
    by_language: dict[str, set[str]] = {}
    for user in [*experts, *clerks.get(mission.court_id, [])]:
        if user.email and user.is_active:
            by_language.setdefault(user.language or settings.LANGUAGE_CODE, set()).add(user.email)
    return {language: sorted(emails) for language, emails in sorted(by_language.items())}


def _in_language(mission: Mission, deadline: Deadline, language: str, today: date) -> Deadline:
    """The same deadline with its words (label, state, detail, flag) in the given language."""
    with translation.override(language):
        for other in mission_deadlines(mission, today):
            if (other.kind, other.ref) == (deadline.kind, deadline.ref):
                return other
    return deadline


def _message(mission: Mission, deadline: Deadline) -> tuple[str, str]:
    # No medical content in an e-mail: the case number, the deadline, a link to the app.
    values = {
        "rg": mission.rg,
        "court": mission.court.name,
        "label": deadline.label,
        "due": f"{deadline.due:%d/%m/%Y}",
        "state": deadline.state_label,
    }
    if deadline.state == State.DUE_SOON:
        subject = _("[RG %(rg)s] %(label)s : échéance du %(due)s arrive à échéance") % values
    else:
        subject = _("[RG %(rg)s] %(label)s : échéance du %(due)s est dépassée") % values
    subject = mail_subject(subject)
    lines = [
        _("Mission RG %(rg)s (%(court)s).") % values,
        _("%(label)s : échéance du %(due)s, %(state)s.") % values,
    ]
    if deadline.detail:
        lines.append(deadline.detail)
    if deadline.flag:
        lines.append(deadline.flag)
    lines.append(f"{settings.SITE_URL.rstrip('/')}{mission.get_absolute_url()}")
    return subject, "\n".join(lines)


def reminder_send(*, mission: Mission, deadline: Deadline, recipients: dict[str, list[str]], today: date) -> bool:
    """Sends one reminder unless it was sent already. The row is inserted and the mail sent in
    one transaction: a concurrent scan waits on the unique key, then finds it taken."""
    try:
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(
                key=reminder_key(deadline),
                defaults={
                    "mission": mission,
                    "kind": deadline.kind,
                    "state": deadline.state,
                    "due": deadline.due,
                    "recipients": ", ".join(e for emails in recipients.values() for e in emails),
                },
            )
            if not created:
                return False
            for language, emails in recipients.items():  # each reads it in his own language
                with translation.override(language):
                    subject, body = _message(mission, _in_language(mission, deadline, language, today))
                send_mail(subject, body, None, emails)
            reminder.sent_at = timezone.now()
            reminder.save(update_fields=["sent_at"])
    except IntegrityError:
        return False
    return True


@dataclass
class ScanResult:
    sent: int = 0
    failed: list[int] = field(default_factory=list)  # the ids of the missions that failed


def reminders_run(*, today: date | None = None, mission_ids: list[int] | None = None) -> ScanResult:
    """Sends the reminders due on `today` (None: each court's own date, in its time zone),
    mission by mission. A mission that fails is logged with
    its id and counted; its reminders were not recorded (reminder_send rolls back), so the next
    scan sends them; the scan goes on with the others."""
    missions = Mission.objects.exclude(status__in=["declined", "lapsed"])
    if mission_ids is not None:
        missions = missions.filter(pk__in=mission_ids)
    clerks: dict[int, list[User]] = {}
    for clerk in User.objects.filter(role=Role.CLERK, is_active=True, court__isnull=False):
        clerks.setdefault(clerk.court_id, []).append(clerk)
    result = ScanResult()
    for mission in with_deadline_data(missions.order_by("pk")):
        try:
            recipients = _recipients(mission, clerks)
            day = today or countries.today(mission)
            for deadline in mission_deadlines(mission, day):
                if deadline.state in REMINDED_STATES and reminder_send(
                    mission=mission, deadline=deadline, recipients=recipients, today=day
                ):
                    result.sent += 1
        except Exception:
            logger.exception("deadline reminders of mission %s failed; the next scan retries them", mission.pk)
            result.failed.append(mission.pk)
    return result


def reminders_scan(*, today: date | None = None, mission_ids: list[int] | None = None) -> int:
    """Sends the reminders due on `today`; returns how many were sent (failures: reminders_run)."""
    return reminders_run(today=today, mission_ids=mission_ids).sent
