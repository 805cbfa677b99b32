"""The deadlines that close (SCENARIOS.md, `deadlines` after the deposit; DOMAIN.md §8): once the
report is deposited (CPC art. 282), the deadlines of the operations (convocations, receipts, dires,
consignation, deposit) are closed and only what follows the deposit stays open (the parties'
observations on the fees until the taxation, CPC art. 282 and 284). A declined or lapsed mission
has no open deadline. A cancelled meeting has no deadline; a held meeting's are closed; a
postponed meeting's follow its new date. The Python rules and their SQL twin agree on each case;
`manage.py deadlines` and `send_reminders` read them."""

import io
import json
from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from cases.choices import MissionStatus
from cases.deadlines import Kind, State, mission_deadlines, next_open
from cases.deadlines_sql import NONE, annotate_next_deadline
from cases.models import Consignation, Convocation, ConvocationRecipient, Mission, Reminder
from cases.selectors import with_deadline_data
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 1)
OPERATIONS = {Kind.REPORT_DEPOSIT, Kind.CONSIGNATION, Kind.DIRES, Kind.CONVOCATION_NOTICE, Kind.RECEIPT_MISSING}


def _meeting(day: date, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


def _busy_mission(**kwargs) -> Mission:
    """A mission with every kind of deadline open and late on TODAY: report due, consignation
    unpaid, dires period over, a meeting whose letters are not all sent, an LRAR without its
    acknowledgement, and the fee request sent (its observations period over too)."""
    court = kwargs.pop("court", None) or factories.CourtFactory()
    m = factories.mission(court=court, report_due=date(2027, 1, 15), **kwargs)
    victim = factories.party(m, is_victim=True)
    Consignation.objects.create(mission=m, amount=800, payer=victim, due=date(2026, 10, 1))
    conv = Convocation.objects.create(mission=m, meeting_at=_meeting(date(2027, 2, 20)), place="Cabinet")
    ConvocationRecipient.objects.create(mission_convocation=conv, name="Jeanne Martin", method="lrar")
    ConvocationRecipient.objects.create(
        mission_convocation=conv, name="Me Durand", method="lrar", sent_on=date(2027, 1, 20)
    )
    Mission.objects.filter(pk=m.pk).update(
        status=MissionStatus.PRE_REPORT, dires_due=date(2027, 2, 1), fee_requested_on=date(2027, 2, 10)
    )
    return m


def _deadlines(m: Mission, today: date = TODAY) -> dict:
    mission = with_deadline_data(Mission.objects.filter(pk=m.pk)).get()
    return {(d.kind, d.ref): d for d in mission_deadlines(mission, today)}


def _sql_next(m: Mission) -> date:
    return annotate_next_deadline(Mission.objects.filter(pk=m.pk)).get().next_due


def _reference_next(m: Mission, today: date = TODAY) -> date:
    nearest = next_open(list(_deadlines(m, today).values()))
    return nearest.due if nearest else NONE


def _deposit(m: Mission, on: date = date(2027, 2, 25)) -> None:
    """The fact the deposit service records: the mission deposited, on that day (CPC art. 282)."""
    Mission.objects.filter(pk=m.pk).update(status=MissionStatus.DEPOSITED, deposited_on=on)


def test_before_the_deposit_every_operation_is_late():
    m = _busy_mission()
    states = {kind: d.state for (kind, _ref), d in _deadlines(m).items()}
    assert {kind for kind, state in states.items() if state == State.OVERDUE} == OPERATIONS | {Kind.FEE_COMMENTS}
    assert _sql_next(m) == _reference_next(m) == date(2026, 10, 1)


def test_the_deposit_closes_the_operations_deadlines_cpc_282():
    """SCENARIOS.md: once the report is deposited, the deadlines of the operations are closed; only
    what follows the deposit (fee observations, taxation) stays open."""
    m = _busy_mission()
    _deposit(m)
    ds = _deadlines(m)
    for (kind, ref), d in ds.items():
        if kind in OPERATIONS:
            assert d.state == State.DONE, (kind, ref)
    report = ds[(Kind.REPORT_DEPOSIT, "report")]
    assert report.state == State.DONE and not report.closed  # the deposit is the fact itself
    unsent = next(d for (kind, _), d in ds.items() if kind == Kind.CONVOCATION_NOTICE)
    assert unsent.closed == "rapport déposé le 25/02/2027" and unsent.state_label == "close"
    fees = ds[(Kind.FEE_COMMENTS, "fees")]
    assert fees.state == State.OVERDUE and not fees.closed  # the taxation is still to come
    assert _sql_next(m) == _reference_next(m) == date(2027, 2, 25)  # the fee observations' end
    Mission.objects.filter(pk=m.pk).update(fees_taxed_on=date(2027, 2, 28))
    assert _deadlines(m)[(Kind.FEE_COMMENTS, "fees")].state == State.DONE
    assert _sql_next(m) == _reference_next(m) == NONE


def test_the_state_deposited_alone_closes_them_too():
    """A mission in the state "deposited" whose date was not recorded: the same rule."""
    m = _busy_mission()
    Mission.objects.filter(pk=m.pk).update(status=MissionStatus.DEPOSITED, fee_requested_on=None)
    assert all(d.state == State.DONE for d in _deadlines(m).values())
    assert _sql_next(m) == _reference_next(m) == NONE


@pytest.mark.parametrize("status", [MissionStatus.DECLINED, MissionStatus.LAPSED])
def test_declined_and_lapsed_missions_have_no_open_deadline(status):
    """SCENARIOS.md: declined and lapsed missions have no open deadline (DOMAIN.md §8: the states
    that end a mission end its open deadlines), the fee observations included."""
    m = _busy_mission()
    Mission.objects.filter(pk=m.pk).update(status=status)
    ds = _deadlines(m)
    assert (Kind.REPORT_DEPOSIT, "report") not in ds
    assert ds and all(d.state == State.DONE and d.closed for d in ds.values())
    assert _sql_next(m) == _reference_next(m) == NONE


def test_a_cancelled_meeting_has_no_deadline():
    m = _busy_mission()
    conv = m.convocations.get()
    Convocation.objects.filter(pk=conv.pk).update(status="cancelled", cancelled_on=date(2027, 2, 1))
    ds = _deadlines(m)
    assert not {kind for kind, _ref in ds} & {Kind.CONVOCATION_NOTICE, Kind.RECEIPT_MISSING}
    assert _sql_next(m) == _reference_next(m)


def test_a_held_meeting_s_letters_and_receipts_are_closed():
    m = _busy_mission()
    Convocation.objects.filter(mission=m).update(status="held")
    ds = _deadlines(m)
    meeting = [d for (kind, _), d in ds.items() if kind in (Kind.CONVOCATION_NOTICE, Kind.RECEIPT_MISSING)]
    assert len(meeting) == 2
    assert all(d.state == State.DONE and d.closed == "réunion tenue" for d in meeting)
    # the rest still runs: the mission is not deposited
    assert ds[(Kind.REPORT_DEPOSIT, "report")].state == State.OVERDUE
    assert _sql_next(m) == _reference_next(m) == date(2026, 10, 1)
    Consignation.objects.filter(mission=m).update(paid_on=date(2026, 9, 30))
    Mission.objects.filter(pk=m.pk).update(dires_due=None, fee_requested_on=None)
    assert _sql_next(m) == _reference_next(m) == date(2027, 1, 15)  # the report, not the meeting


def test_a_postponed_meeting_s_deadline_follows_its_new_date():
    m = _busy_mission()
    conv = m.convocations.get()
    Convocation.objects.filter(pk=conv.pk).update(
        meeting_at=_meeting(date(2027, 4, 20)), postponed_from=conv.meeting_at
    )
    Consignation.objects.filter(mission=m).update(paid_on=date(2026, 9, 30))
    Mission.objects.filter(pk=m.pk).update(
        report_due=date(2027, 6, 30), dires_due=None, fee_requested_on=None, status=MissionStatus.IN_PROGRESS
    )
    ConvocationRecipient.objects.filter(mission_convocation=conv).update(sent_on=None)
    notice = _deadlines(m)[(Kind.CONVOCATION_NOTICE, f"convocation-{conv.pk}")]
    assert notice.due == date(2027, 4, 5) and notice.state == State.UPCOMING  # 15 days before the new date
    assert _sql_next(m) == _reference_next(m) == date(2027, 4, 5)


def test_deadlines_command_lists_nothing_open_of_a_deposited_mission():
    """`manage.py deadlines --today D --json` (SCENARIOS.md): after the deposit, no deadline of the
    operations is open; the fee observations are."""
    m = _busy_mission()
    _deposit(m)
    out = io.StringIO()
    call_command("deadlines", "--today", TODAY.isoformat(), "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines and all(line["mission"] == m.pk for line in lines)
    still_open = {line["kind"] for line in lines if line["state"] != "done"}
    assert still_open == {"fee_comments"}


def test_send_reminders_reminds_nothing_of_the_operations_after_the_deposit():
    """`send_reminders --today D` (SCENARIOS.md): the deposited mission's operations are not
    reminded; its fee observations are, once; a lapsed mission is not reminded at all."""
    expert = factories.expert(email="expert@example.org")
    deposited = _busy_mission(expert_user=expert)
    _deposit(deposited)
    lapsed = _busy_mission(expert_user=expert, rg="26/00002")
    Mission.objects.filter(pk=lapsed.pk).update(status=MissionStatus.LAPSED)
    out = io.StringIO()
    call_command("send_reminders", "--today", TODAY.isoformat(), stdout=out)
    assert out.getvalue().strip().endswith("reminders sent: 1")
    reminder = Reminder.objects.get()
    assert (reminder.mission_id, reminder.kind) == (deposited.pk, Kind.FEE_COMMENTS)
    assert len(mail.outbox) == 1
    # the same mission before its deposit: each operation would be reminded
    Mission.objects.filter(pk=deposited.pk).update(status=MissionStatus.PRE_REPORT, deposited_on=None)
    call_command("send_reminders", "--today", (TODAY + timedelta(days=1)).isoformat(), stdout=io.StringIO())
    assert {r.kind for r in Reminder.objects.filter(mission=deposited)} == {str(k) for k in OPERATIONS} | {
        Kind.FEE_COMMENTS
    }
