"""The dashboard filters and pages in SQL: its nearest-deadline annotation must agree with the
reference computation (cases.deadlines) on every mission, whatever the data."""

import random
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from cases.choices import MissionStatus
from cases.deadlines import mission_deadlines, next_open, params_for
from cases.deadlines_sql import NONE, annotate_next_deadline, state_of_next
from cases.models import Consignation, Convocation, ConvocationRecipient, Dire, Extension, Mission
from cases.selectors import with_deadline_data
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)


def _random_mission(rng: random.Random, courts, expert) -> Mission:
    day = lambda: TODAY + timedelta(days=rng.randint(-40, 40))  # noqa: E731
    m = factories.mission(
        expert_user=expert,
        court=rng.choice(courts),
        ordered_on=TODAY - timedelta(days=120),
        report_due=day(),
        rg=f"26/{rng.randint(1, 99999):05d}",
    )
    status = rng.choice(
        [
            MissionStatus.IN_PROGRESS,
            MissionStatus.PRE_REPORT,
            MissionStatus.DEPOSITED,
            MissionStatus.LAPSED,
            MissionStatus.DECLINED,
        ]
    )
    Mission.objects.filter(pk=m.pk).update(
        status=status,
        deposited_on=day() if status == MissionStatus.DEPOSITED and rng.random() < 0.8 else None,
        dires_due=day() if rng.random() < 0.5 else None,
        fee_requested_on=day() if rng.random() < 0.3 else None,
        fees_taxed_on=day() if rng.random() < 0.15 else None,
    )
    victim = factories.party(m, is_victim=True)
    for _ in range(rng.randint(0, 2)):
        Consignation.objects.create(
            mission=m, amount=800, payer=victim, due=day(), paid_on=day() if rng.random() < 0.5 else None
        )
    for _ in range(rng.randint(0, 3)):
        granted = rng.choice([True, False, None])
        Extension.objects.create(
            mission=m,
            requested_on=day(),
            requested_due=day(),
            reason="x",
            granted=granted,
            decided_on=day() if granted is not None and rng.random() < 0.8 else None,
            new_due=day() if granted else None,
        )
    for _ in range(rng.randint(0, 2)):
        meeting = timezone.make_aware(datetime.combine(day(), time(rng.choice([0, 9, 23]), 30)))
        # scheduled (maybe postponed: meeting_at holds the new date), held or cancelled (SCENARIOS.md)
        status = rng.choice(["scheduled", "scheduled", "held", "cancelled"])
        conv = Convocation.objects.create(
            mission=m,
            meeting_at=meeting,
            place="Cabinet",
            status=status,
            postponed_from=meeting - timedelta(days=7) if status == "scheduled" and rng.random() < 0.3 else None,
        )
        for i in range(rng.randint(0, 3)):
            ConvocationRecipient.objects.create(
                mission_convocation=conv,
                name=f"Destinataire {i}",
                method=rng.choice(["lrar", "email"]),
                sent_on=day() if rng.random() < 0.7 else None,
                receipt_on=day() if rng.random() < 0.4 else None,
            )
    if rng.random() < 0.3:
        Dire.objects.create(mission=m, party=victim, received_on=day(), text="Observations")
    return m


def test_sql_next_deadline_agrees_with_the_reference_on_random_missions(settings):
    """Including the deadlines the deposit, the end of a mission and a meeting's status close."""
    settings.DEADLINES = {**settings.DEADLINES, "TN": {"max_extensions": 1, "due_soon_days": 10, "receipt_days": 20}}
    rng = random.Random(0)
    courts = [factories.CourtFactory(country="FR"), factories.CourtFactory(country="TN")]
    expert = factories.expert()
    missions = [_random_mission(rng, courts, expert) for _ in range(80)]
    annotated = {m.pk: m for m in annotate_next_deadline(Mission.objects.filter(pk__in=[m.pk for m in missions]))}
    for today in (TODAY - timedelta(days=30), TODAY, TODAY + timedelta(days=25)):
        for mission in with_deadline_data(Mission.objects.filter(pk__in=annotated)):
            nearest = next_open(mission_deadlines(mission, today))
            sql = annotated[mission.pk]
            assert sql.next_due == (nearest.due if nearest else NONE), (mission.pk, today)
            soon = today + timedelta(days=params_for(mission.court.country).due_soon_days)
            assert state_of_next(sql.next_due, today, soon) == (nearest.state if nearest else "done")
