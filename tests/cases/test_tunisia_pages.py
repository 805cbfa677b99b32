"""A Tunisian mission in Tunisian terms (DOMAIN.md §11): every page its expert, the court's clerk and
a party's avocat open, and every document it produces (convocation letter, pre-report, report), cite
Tunisian law only (CPCC, code des assurances, loi 2005-86, loi 94-28), write dinars with millimes and
show the time of the court (Africa/Tunis); a French mission keeps Europe/Paris."""

import re
import subprocess
from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cases import access, countries
from cases.choices import Framework, PartyRole
from cases.models import Convocation, Reminder
from cases.selectors import dashboard_entries
from cases.services.convocations import convocation_create, convocation_letter_pdf, convocation_record_held
from cases.services.dires import dire_record
from cases.services.missions import consignation_record, extension_decide, extension_request, mission_dates_set
from cases.services.reminders import reminders_run
from tests import factories
from tests.conftest import MISSION_PAGES

pytestmark = pytest.mark.django_db

FRENCH_ARTICLE = re.compile(r"\bCPC\b|\bCSP\b|L\.?\s?11\d\d")
# The pages that print the reasons of the secret-médical policy (cases.access.REASONS), which cite
# the law of the mission's country: see test_access_reasons_cite_the_law_of_the_country.
REASON_PAGES = {"cases:document_detail", "cases:mission_access_log"}


@pytest.fixture
def sousse():
    """A road-accident mission of the tribunal de première instance de Sousse, with what makes its
    pages cite the law: a convocation, consignations, late dires, two extensions, a fee request."""
    court = factories.CourtFactory(code="tpi-sousse", name="Tribunal de première instance de Sousse", country="TN")
    m = factories.mission(
        court=court,
        rg="2026/4521",
        title="Ben Salah c/ Assurances Maghrebia",
        framework=Framework.ROAD_ACCIDENT,
        ordered_on=date(2026, 6, 1),
    )
    lead = factories.lead_expert(m)
    clerk = factories.clerk(court)
    victim = factories.party(m, name="Mohamed Ben Salah", is_victim=True)
    insurer = factories.party(m, name="Assurances Maghrebia", role=PartyRole.DEFENDEUR)
    avocat = factories.represent(victim)
    insurer_avocat = factories.represent(insurer)
    factories.document(m, title="Jugement ordonnant l'expertise")
    factories.medical(m, victim, title="Certificat médical initial")
    consignation_record(by=lead, mission=m, amount=Decimal("450"), due=date(2026, 7, 1))
    consignation_record(by=clerk, mission=m, amount=Decimal("1200.5"), due=date(2026, 10, 1), is_complement=True)
    meeting = countries.aware(date(2026, 7, 10), time(9, 0), "TN")
    convocation = convocation_create(
        by=lead, mission=m, meeting_at=meeting, place="Cabinet, avenue Habib Bourguiba, Sousse", on=date(2026, 6, 20)
    )
    # only the meetings held enter the report (issue #14)
    attended = [r.pk for r in convocation.recipients.all()]
    convocation_record_held(by=lead, convocation=convocation, attended=attended, on=date(2026, 7, 10))
    mission_dates_set(by=lead, mission=m, dires_due=date(2026, 11, 1), fee_requested_on=date(2026, 11, 16))
    dire_record(mission=m, party=insurer, filed_by=insurer_avocat, received_on=date(2026, 11, 5), text="Dire tardif.")
    for n, new_due in enumerate((date(2027, 2, 15), date(2027, 3, 15))):
        ext = extension_request(
            by=lead, mission=m, requested_on=date(2026, 11, 1 + n), requested_due=new_due, reason="x"
        )
        extension_decide(by=clerk, extension=ext, granted=True, decided_on=date(2026, 11, 2 + n))
    return SimpleNamespace(
        mission=m, users={"expert": lead, "clerk": clerk, "avocat": avocat}, convocation=convocation, lead=lead
    )


def _pages(client, case) -> list[tuple[str, str, str]]:
    """(who, page, html) for every page of the mission each user opens: the document pages first
    (so that the access log has rows), then every tab and the deadlines page."""
    m = case.mission
    seen = []
    for who, user in case.users.items():
        client.force_login(user)
        for doc in m.documents.all():
            response = client.get(reverse("cases:document_detail", args=[doc.pk]))
            seen.append((who, "cases:document_detail", response.content.decode()))
    for who, user in case.users.items():
        client.force_login(user)
        for name in [*MISSION_PAGES, "cases:mission_deadlines"]:
            response = client.get(reverse(name, args=[m.pk]))
            assert response.status_code in (200, 403), (who, name, response.status_code)
            seen.append((who, name, response.content.decode()))
    return seen


def _without_access_reasons(name: str, html: str) -> str:
    """The page without the policy's reasons, on the pages that print them."""
    if name in REASON_PAGES:
        for reason in access.REASONS.values():
            html = html.replace(escape(str(reason)), "")
    return html


def _pdf_text(pdf: bytes, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


def test_no_page_of_a_tunisian_mission_cites_french_law(client, sousse):
    """DOMAIN.md §11: the pages of a Tunisian mission cite the CPCC (art. 113 for the fees), never
    the French CPC or CSP; whoever opens them (expert, clerk, avocat). The policy's reasons are
    checked apart (cases.access)."""
    pages = _pages(client, sousse)
    assert {name for _, name, _ in pages} >= {*MISSION_PAGES, "cases:mission_deadlines", "cases:document_detail"}
    offending = [
        (who, name, FRENCH_ARTICLE.findall(_without_access_reasons(name, html)))
        for who, name, html in pages
        if FRENCH_ARTICLE.search(_without_access_reasons(name, html))
    ]
    assert offending == []
    client.force_login(sousse.lead)
    deadlines = client.get(reverse("cases:mission_deadlines", args=[sousse.mission.pk])).content.decode()
    assert "art. 113 CPCC" in deadlines  # the parties' observations on the fees, DOMAIN.md §10
    assert "2 prorogations accordées" in deadlines  # the single extension of Tunisia still flagged


def test_access_reasons_cite_the_law_of_the_country(client, sousse):
    """DOMAIN.md §11: the reasons of the document pages and of the access log are reasons too."""
    pages = _pages(client, sousse)
    offending = [(who, name) for who, name, html in pages if name in REASON_PAGES and FRENCH_ARTICLE.search(html)]
    assert offending == []


def test_dinars_are_written_with_millimes_everywhere(client, sousse):
    """DOMAIN.md §10-11: "450,000 DT", one way on every page; never "450.000" beside "450,00 DT"."""
    client.force_login(sousse.users["clerk"])
    for name in ("cases:mission_detail", "cases:mission_deadlines"):
        html = client.get(reverse(name, args=[sousse.mission.pk])).content.decode()
        assert "450,000 DT" in html and "1 200,500 DT" in html, name
        assert "450,00 DT" not in html and "450.000" not in html and "€" not in html, name
    form = client.get(reverse("cases:mission_deadlines", args=[sousse.mission.pk])).context["complement_form"]
    assert form.fields["amount"].label == "Montant du complément (DT)"


def test_a_meeting_typed_at_nine_in_sousse_is_nine_at_the_court(client, sousse):
    """DOMAIN.md §11: the form reads the court's time: 09:00 in Sousse is 08:00 UTC (Tunisia has no
    summer time), shown 09h00 on the page; the court's zone ends with the request."""
    m = sousse.mission
    client.force_login(sousse.lead)
    with time_machine.travel(datetime(2026, 6, 20, 8, 0, tzinfo=UTC)):  # the day the expert typed it
        response = client.post(
            reverse("cases:mission_convocations", args=[m.pk]),
            {"meeting_at": "2026-07-17T09:00", "place": "Cabinet", "agenda": "Examen", "method": "lrar"},
        )
    assert response.status_code == 302
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE  # not Africa/Tunis any more
    stored = Convocation.objects.filter(mission=m).latest("pk").meeting_at
    assert stored == datetime(2026, 7, 17, 8, 0, tzinfo=UTC)
    page = client.get(reverse("cases:mission_convocations", args=[m.pk])).content.decode()
    assert "17/07/2026 à 09h00" in page and "10/07/2026 à 09h00" in page and "Africa/Tunis" in page
    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_a_french_mission_keeps_the_time_of_paris(client):
    """DOMAIN.md §11: 09:00 in Lyon in July is 07:00 UTC (summer time)."""
    m = factories.mission(
        court=factories.CourtFactory(code="tj-lyon", name="Tribunal judiciaire de Lyon"), ordered_on=date(2026, 6, 1)
    )
    factories.party(m, is_victim=True)
    client.force_login(factories.lead_expert(m))
    with time_machine.travel(datetime(2026, 6, 20, 8, 0, tzinfo=UTC)):  # the day the expert typed it
        client.post(
            reverse("cases:mission_convocations", args=[m.pk]),
            {"meeting_at": "2026-07-10T09:00", "place": "Cabinet", "agenda": "Examen", "method": "lrar"},
        )
    assert m.convocations.get().meeting_at == datetime(2026, 7, 10, 7, 0, tzinfo=UTC)
    page = client.get(reverse("cases:mission_convocations", args=[m.pk])).content.decode()
    assert "10/07/2026 à 09h00" in page and "art. 160 CPC" in page


def test_the_convocation_letter_of_a_tunisian_mission(sousse, tmp_path):
    """CPCC: the letter cites the Tunisian code, not art. 160 CPC, and gives the meeting's time at
    the court, whatever the zone of the process that renders it (a worker may run in UTC)."""
    recipient = sousse.convocation.recipients.first()
    with timezone.override(ZoneInfo("UTC")):
        text = _pdf_text(convocation_letter_pdf(recipient=recipient, expert=sousse.lead), tmp_path, "letter.pdf")
    assert not FRENCH_ARTICLE.search(text), FRENCH_ARTICLE.findall(text)
    assert "code de procédure civile et commerciale" in text and "article 160" not in text
    assert "vendredi 10 juillet 2026 à 09h00" in text
    assert "RG 2026/4521" in text


@pytest.mark.parametrize("pre", [True, False], ids=["pre-report", "report"])
def test_the_reports_of_a_tunisian_mission(sousse, tmp_path, pre):
    """CPCC; DOMAIN.md §6: the pre-report and the report cite no French article and give the
    meeting's time at the court, rendered the way the command line and the workers render."""
    out = tmp_path / "report.pdf"
    with timezone.override(ZoneInfo("UTC")):
        call_command(
            "render_report", "--mission", str(sousse.mission.pk), "--out", str(out), *(["--pre"] if pre else [])
        )
    text = _pdf_text(out.read_bytes(), tmp_path, "text.pdf")
    assert not FRENCH_ARTICLE.search(text), FRENCH_ARTICLE.findall(text)
    assert "RG 2026/4521" in text and "10 juillet 2026 à 09h00" in text
    if pre:
        assert "Les parties peuvent adresser leurs dires jusqu'au 1er novembre 2026 (CPCC)." in text


def test_the_calendar_feed_carries_the_time_of_sousse(client, sousse):
    """RFC 5545 and DOMAIN.md §11: the meeting at 09:00 in Sousse is carried with TZID=Africa/Tunis
    and the zone's definition, so that a calendar set to Tunis shows 09:00 (not 08:00)."""
    client.force_login(sousse.lead)
    client.post(reverse("cases:calendar_settings"))
    feed_url = client.get(reverse("cases:calendar_settings")).context["feed_url"]
    client.logout()
    body = client.get(feed_url).content.decode()
    assert "DTSTART;TZID=Africa/Tunis:20260710T090000" in body
    assert "BEGIN:VTIMEZONE\r\nTZID:Africa/Tunis" in body and "TZOFFSETTO:+0100" in body
    assert not FRENCH_ARTICLE.search(body)


def test_deadlines_and_reminders_use_the_court_date():
    """DOMAIN.md §7 and §11: a deadline is overdue from the day after its due date, at the court.
    At 22:30 UTC on 9 July it is 10 July in Paris but still 9 July in Tunis: the Tunisian report
    is due today (due soon), the French one is overdue; reminders and the dashboard agree."""
    expert = factories.expert()
    kwargs = {"expert_user": expert, "ordered_on": date(2026, 6, 1), "report_due": date(2026, 7, 9)}
    tunis = factories.mission(court=factories.CourtFactory(code="tpi-tunis", country="TN"), **kwargs)
    paris = factories.mission(court=factories.CourtFactory(code="tj-paris", country="FR"), **kwargs)
    with time_machine.travel(datetime(2026, 7, 9, 22, 30, tzinfo=UTC), tick=False):
        reminders_run()
        entries = {e.pk: e.state for e in dashboard_entries(expert)}
    states = {r.mission_id: r.state for r in Reminder.objects.filter(kind="report_deposit")}
    assert states == {tunis.pk: "due_soon", paris.pk: "overdue"}
    assert entries == {tunis.pk: "due_soon", paris.pk: "overdue"}
