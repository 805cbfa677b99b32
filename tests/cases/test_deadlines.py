"""Deadlines of the procedure (DOMAIN.md §7), reminders, extensions, consignations, the clerk's
dashboard. The clock is given explicitly (pure functions) or frozen (time-machine)."""

import io
import json
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import MissionStatus
from cases.deadlines import Kind, Params, State, mission_deadlines, state_of
from cases.models import Mission, Reminder
from cases.selectors import with_deadline_data
from cases.services.convocations import convocation_create, recipient_update
from cases.services.missions import (
    consignation_pay,
    consignation_record,
    designation_respond,
    extension_decide,
    extension_request,
    mission_dates_set,
    mission_state_follow,
    mission_transition,
)
from cases.services.reminders import reminders_run, reminders_scan
from tests import factories

DUE = date(2027, 1, 15)
AFTER_DECISIONS = datetime(2027, 1, 20, 12, 0, tzinfo=timezone.get_fixed_timezone(60))


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2027, 1, 7), State.UPCOMING),  # 8 days before
        (date(2027, 1, 8), State.DUE_SOON),  # 7 days before
        (date(2027, 1, 15), State.DUE_SOON),  # the due date itself
        (date(2027, 1, 16), State.OVERDUE),  # the day after
    ],
)
def test_state_boundaries(today, state):
    assert state_of(DUE, today, done=False, due_soon_days=7) == state


def test_done_wins_whatever_the_day():
    assert state_of(DUE, date(2030, 1, 1), done=True) == State.DONE


def test_due_soon_window_is_a_setting():
    assert state_of(DUE, date(2027, 1, 1), done=False, due_soon_days=14) == State.DUE_SOON


pytestmark_db = pytest.mark.django_db


def _deadlines(m: Mission, today: date, params: Params | None = None):
    return {
        (d.kind, d.ref): d
        for d in mission_deadlines(with_deadline_data(Mission.objects.filter(pk=m.pk)).get(), today, params)
    }


@pytestmark_db
@time_machine.travel(AFTER_DECISIONS, tick=False)  # the request and the decision are past facts
def test_report_deposit_follows_the_last_granted_extension_and_is_done_at_deposit():
    m = factories.mission(report_due=DUE)
    assert _deadlines(m, date(2027, 1, 20))[(Kind.REPORT_DEPOSIT, "report")].state == State.OVERDUE
    lead, greffe = factories.lead_expert(m), factories.clerk(m.court)
    ext = extension_request(
        by=lead,
        mission=m,
        requested_on=date(2027, 1, 5),
        requested_due=date(2027, 3, 31),
        reason="Attente d'un examen complémentaire",
    )
    assert _deadlines(m, date(2027, 1, 20))[(Kind.REPORT_DEPOSIT, "report")].due == DUE  # not decided yet
    extension_decide(by=greffe, extension=ext, granted=True, decided_on=date(2027, 1, 10))
    d = _deadlines(m, date(2027, 1, 20))[(Kind.REPORT_DEPOSIT, "report")]
    assert (d.due, d.state) == (date(2027, 3, 31), State.UPCOMING)
    designation_respond(by=lead, mission=m, accept=True)
    mission_transition(by=lead, mission=m, to=MissionStatus.IN_PROGRESS)
    mission_state_follow(mission=m, to=MissionStatus.DEPOSITED)  # the fact: a frozen report deposited
    assert _deadlines(m, date(2027, 6, 1))[(Kind.REPORT_DEPOSIT, "report")].state == State.DONE


@pytestmark_db
@time_machine.travel(AFTER_DECISIONS, tick=False)  # the request and the decision are past facts
def test_a_second_extension_is_flagged_in_tunisia_only():
    for country, flagged in (("TN", True), ("FR", False)):
        m = factories.mission(court=factories.CourtFactory(code=f"c-{country}", country=country))
        lead, greffe = factories.lead_expert(m), factories.clerk(m.court)
        for n, new_due in enumerate((date(2027, 2, 15), date(2027, 3, 15))):
            ext = extension_request(
                by=lead, mission=m, requested_on=date(2027, 1, 1 + n), requested_due=new_due, reason="x"
            )
            extension_decide(by=greffe, extension=ext, granted=True, decided_on=date(2027, 1, 2 + n))
        flag = _deadlines(m, date(2027, 1, 20))[(Kind.REPORT_DEPOSIT, "report")].flag
        assert bool(flag) is flagged, country


@pytestmark_db
def test_consignation_overdue_warns_that_the_designation_may_lapse():
    m = factories.mission()
    c = consignation_record(by=factories.lead_expert(m), mission=m, amount=800, due=date(2026, 10, 1))
    d = _deadlines(m, date(2026, 10, 2))[(Kind.CONSIGNATION, f"consignation-{c.pk}")]
    assert d.state == State.OVERDUE and "art. 271" in d.flag
    consignation_pay(by=factories.clerk(m.court), consignation=c, paid_on=date(2026, 10, 3))
    assert _deadlines(m, date(2026, 10, 4))[(Kind.CONSIGNATION, f"consignation-{c.pk}")].state == State.DONE


@pytestmark_db
def test_dires_deadline_flags_late_dires():
    from cases.services.dires import dire_record

    m = factories.mission()
    insurer = factories.party(m, name="Assureur", role="defendeur")
    mission_dates_set(by=factories.lead_expert(m), mission=m, dires_due=date(2026, 11, 1))
    # a dire is received on a day that has come (issue #14 item 5): dates in the past
    dire_record(mission=m, party=insurer, received_on=date(2026, 11, 3), text="Observations tardives")
    d = _deadlines(m, date(2026, 11, 5))[(Kind.DIRES, "dires")]
    assert d.state == State.OVERDUE and "1 dire(s) reçu(s) après" in d.flag


@pytestmark_db
def test_convocation_notice_and_missing_receipt():
    m = factories.mission()
    factories.party(m, is_victim=True)
    meeting = timezone.make_aware(datetime(2026, 12, 10, 14, 0))
    lead = factories.lead_expert(m)
    conv = convocation_create(
        by=lead, mission=m, meeting_at=meeting, place="Cabinet, 3 rue des Lilas", on=date(2026, 11, 20)
    )
    recipient = conv.recipients.get()
    notice = _deadlines(m, date(2026, 11, 20))[(Kind.CONVOCATION_NOTICE, f"convocation-{conv.pk}")]
    assert notice.due == date(2026, 11, 25) and notice.state == State.DUE_SOON
    recipient_update(
        by=lead,
        recipient=recipient,
        tracking_number="1A 234 567 8901 2",
        sent_on=date(2026, 11, 28),
        on=date(2026, 11, 28),
    )
    ds = _deadlines(m, date(2026, 12, 20))
    notice = ds[(Kind.CONVOCATION_NOTICE, f"convocation-{conv.pk}")]
    assert notice.state == State.DONE and "moins de 15 jours" in notice.flag
    receipt = ds[(Kind.RECEIPT_MISSING, f"receipt-{recipient.pk}")]
    assert receipt.due == date(2026, 12, 13) and receipt.state == State.OVERDUE
    recipient_update(
        by=lead,
        recipient=recipient,
        tracking_number="1A",
        sent_on=date(2026, 11, 28),
        receipt_on=date(2026, 11, 30),
        on=date(2026, 11, 30),
    )
    assert _deadlines(m, date(2026, 12, 20))[(Kind.RECEIPT_MISSING, f"receipt-{recipient.pk}")].state == State.DONE


@pytestmark_db
def test_fee_comments_last_fifteen_days():
    m = factories.mission()
    # a fee request is a fact: dated today or before (the court's date)
    mission_dates_set(by=factories.lead_expert(m), mission=m, fee_requested_on=date(2026, 11, 2))
    d = _deadlines(m, date(2026, 11, 18))[(Kind.FEE_COMMENTS, "fees")]
    assert (d.due, d.state) == (date(2026, 11, 17), State.OVERDUE)


@pytestmark_db
def test_deadlines_command_prints_one_json_line_per_deadline():
    m = factories.mission(report_due=DUE)
    consignation_record(by=factories.lead_expert(m), mission=m, amount=500, due=date(2026, 10, 1))
    out = io.StringIO()
    call_command("deadlines", "--today", "2027-01-10", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [
        {"mission": m.pk, "rg": m.rg, "kind": "consignation", "due": "2026-10-01", "state": "overdue"},
        {"mission": m.pk, "rg": m.rg, "kind": "report_deposit", "due": "2027-01-15", "state": "due_soon"},
    ]


@pytestmark_db
def test_reminders_are_sent_once_per_deadline_and_state():
    the_expert = factories.expert(email="expert@example.org")
    court = factories.CourtFactory()
    factories.clerk(court, email="greffe@example.org")
    m = factories.mission(expert_user=the_expert, court=court, report_due=DUE)
    out = io.StringIO()
    call_command("send_reminders", "--today", "2027-01-10", stdout=out)
    assert out.getvalue().strip().endswith("reminders sent: 1")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["expert@example.org", "greffe@example.org"]
    assert f"RG {m.rg}" in message.subject and "15/01/2027" in message.subject
    out = io.StringIO()
    call_command("send_reminders", "--today", "2027-01-10", stdout=out)
    assert out.getvalue().strip() == "reminders sent: 0"
    assert reminders_scan(today=date(2027, 1, 12)) == 0  # still due soon: nothing new
    assert reminders_scan(today=date(2027, 1, 16)) == 1  # now overdue: one more
    assert len(mail.outbox) == 2 and Reminder.objects.count() == 2


@pytestmark_db
def test_a_failed_mail_leaves_the_reminder_to_the_next_scan(monkeypatch):
    factories.mission(expert_user=factories.expert(email="e@example.org"), report_due=DUE)

    def broken(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("cases.services.reminders.send_mail", broken)
    m = Mission.objects.get()
    # the failure is logged and counted, not raised: the scan goes on with the other missions
    assert reminders_run(today=date(2027, 1, 10)).failed == [m.pk]
    assert Reminder.objects.count() == 0
    monkeypatch.undo()
    assert reminders_scan(today=date(2027, 1, 10)) == 1


@pytestmark_db
def test_clerk_dashboard_queries_do_not_grow_with_missions(client):
    court = factories.CourtFactory()
    clerk = factories.clerk(court)
    client.force_login(clerk)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx.captured_queries)

    factories.mission(court=court)
    few = queries()
    for i in range(15):
        m = factories.mission(court=court, rg=f"26/{i:05d}", report_due=DUE + timedelta(days=i))
        consignation_record(by=factories.lead_expert(m), mission=m, amount=100, due=date(2026, 10, 1))
        factories.party(m)
    assert queries() == few


@pytestmark_db
@time_machine.travel(datetime(2027, 1, 10, 9, 0, tzinfo=timezone.get_fixed_timezone(60)), tick=False)
def test_clerk_dashboard_filters_and_csv(client):
    court = factories.CourtFactory()
    late = factories.mission(court=court, rg="26/00001", title="Affaire en retard", report_due=date(2027, 1, 5))
    factories.mission(court=court, rg="26/00002", title="Affaire à jour", report_due=date(2027, 6, 30))
    client.force_login(factories.clerk(court))
    page = client.get("/?state=overdue").content.decode()
    assert "Affaire en retard" in page and "Affaire à jour" not in page
    assert "dépassée" in page
    month = client.get("/?this_month=on").content.decode()
    assert "Affaire en retard" in month and "Affaire à jour" not in month
    csv_text = client.get("/?format=csv&sort=rg").content.decode("utf-8-sig")  # UTF-8 with a BOM, for Excel
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("RG;affaire")
    assert lines[1].startswith("26/00001;Affaire en retard") and "dépassée" in lines[1]
    assert late.rg in csv_text


@pytestmark_db
def test_expert_requests_an_extension_and_the_clerk_records_the_decision(client):
    court = factories.CourtFactory()
    m = factories.mission(court=court, report_due=DUE)
    url = reverse("cases:mission_deadlines", args=[m.pk])
    client.force_login(m.assignments.get().expert)
    response = client.post(url, {"form": "extension", "ext-requested_due": "2027-01-01", "ext-reason": "x"})
    assert "postérieure" in response.context["extension_form"].errors["requested_due"][0]
    client.post(url, {"form": "extension", "ext-requested_due": "2027-04-30", "ext-reason": "Sapiteur"})
    ext = m.extensions.get()
    assert (
        client.post(
            url, {"form": "decision", "extension": ext.pk, "dec-granted": "1", "dec-decided_on": "2027-01-12"}
        ).status_code
        == 403
    )
    client.force_login(factories.clerk(court))
    decided_on = ext.requested_on.isoformat()  # a decision follows its request, never in the future (CPC art. 279)
    client.post(url, {"form": "decision", "extension": ext.pk, "dec-granted": "1", "dec-decided_on": decided_on})
    ext.refresh_from_db()
    assert ext.granted and ext.new_due == date(2027, 4, 30)
    page = client.get(url).content.decode()
    assert "30/04/2027" in page and "Demande de prorogation" in page


@pytestmark_db
def test_convocation_letters_are_pdfs_in_french_with_the_mentions_of_article_160(client, tmp_path):
    import subprocess

    m = factories.mission()
    victim = factories.party(m, name="Alice Dupont", is_victim=True)
    factories.represent(victim)
    meeting = timezone.make_aware(datetime(2026, 12, 10, 14, 30))
    conv = convocation_create(
        by=factories.lead_expert(m),
        mission=m,
        meeting_at=meeting,
        place="Cabinet médical, 3 rue des Lilas, Lyon",
        on=date(2026, 11, 20),
    )
    assert conv.recipients.first().name == "Alice Dupont" and conv.recipients.count() == 2
    client.force_login(m.assignments.get().expert)
    recipient = conv.recipients.first()
    response = client.get(reverse("cases:convocation_letter", args=[m.pk, recipient.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Alice Dupont" in text
    assert "article 160 du code de procédure civile" in " ".join(text.split())
    assert "jeudi 10 décembre 2026 à 14h30" in " ".join(text.split())
    assert f"RG {m.rg}" in text


@pytestmark_db
def test_calendar_feed_behind_a_secret_token_names_no_one(client):
    m = factories.mission(report_due=DUE)
    factories.party(m, name="Alice Dupont", is_victim=True)
    convocation_create(
        by=factories.lead_expert(m),
        mission=m,
        meeting_at=timezone.make_aware(datetime(2026, 12, 10, 14, 30)),
        place="Cabinet",
        on=date(2026, 11, 20),
    )
    client.force_login(m.assignments.get().expert)
    client.post(reverse("cases:calendar_settings"))
    feed_url = client.get(reverse("cases:calendar_settings")).context["feed_url"]
    client.logout()
    body = client.get(feed_url).content.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert "SUMMARY:Réunion d'expertise RG 26/00001" in body.replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/Paris:20261210T143000" in body and "TZID:Europe/Paris" in body  # the court's time
    assert "DTSTART;VALUE=DATE:20270115" in body
    assert "Alice" not in body and m.title not in body
    assert client.get(feed_url.replace(feed_url.rsplit("/", 1)[1], "forged.ics")).status_code == 404
