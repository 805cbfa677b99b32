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
from django.utils import timezone

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


def _recipients(mission: Mission, clerks: dict[int, list[User]]) -> list[str]:
    experts = [a.expert for a in mission.assignments.all() if a.role in (ExpertRole.EXPERT, ExpertRole.CO_EXPERT)]
    return sorted({u.email for u in [*experts, *clerks.get(mission.court_id, [])] if u.email and u.is_active})


def _message(mission: Mission, deadline: Deadline) -> tuple[str, str]:
    # No medical content in an e-mail: the case number, the deadline, a link to the app.
    when = "arrive à échéance" if deadline.state == State.DUE_SOON else "est dépassée"
    subject = mail_subject(f"[RG {mission.rg}] {deadline.label} : échéance du {deadline.due:%d/%m/%Y} {when}")
    lines = [
        f"Mission RG {mission.rg} ({mission.court.name}).",
        f"{deadline.label} : échéance du {deadline.due:%d/%m/%Y}, {deadline.state_label}.",
    ]
    if deadline.detail:
        lines.append(deadline.detail)
    if deadline.flag:
        lines.append(deadline.flag)
    lines.append(f"{settings.SITE_URL.rstrip('/')}{mission.get_absolute_url()}")
    return subject, "\n".join(lines)


def reminder_send(*, mission: Mission, deadline: Deadline, recipients: list[str]) -> bool:
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
                    "recipients": ", ".join(recipients),
                },
            )
            if not created:
                return False
            subject, body = _message(mission, deadline)
            if recipients:
                send_mail(subject, body, None, recipients)
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
            for deadline in mission_deadlines(mission, today or countries.today(mission)):
                if deadline.state in REMINDED_STATES and reminder_send(
                    mission=mission, deadline=deadline, recipients=recipients
                ):
                    result.sent += 1
        except Exception:
            logger.exception("deadline reminders of mission %s failed; the next scan retries them", mission.pk)
            result.failed.append(mission.pk)
    return result


def reminders_scan(*, today: date | None = None, mission_ids: list[int] | None = None) -> int:
    """Sends the reminders due on `today`; returns how many were sent (failures: reminders_run)."""
    return reminders_run(today=today, mission_ids=mission_ids).sent
