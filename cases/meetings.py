"""Reads on a mission's meetings (convocations): which were held, which are still to come. The
warnings on a meeting's date live here too (cases.services.convocations asks them)."""

from django.db.models import QuerySet

from cases.models import Convocation, Mission
from cases.models.convocation import MeetingStatus


def held_meetings(mission: Mission) -> QuerySet[Convocation]:
    """The meetings held, at their final date (a postponed meeting is held at its new date): the
    only ones the report names."""
    return mission.convocations.filter(status=MeetingStatus.HELD).order_by("meeting_at", "id")


def scheduled_meetings(mission: Mission) -> QuerySet[Convocation]:
    """The meetings still to come: neither held nor cancelled."""
    return mission.convocations.filter(status=MeetingStatus.SCHEDULED).order_by("meeting_at", "id")
