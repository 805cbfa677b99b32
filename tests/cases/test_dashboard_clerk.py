"""The clerk's dashboard (issue #14, item 8), over HTTP as each kind of user: a mission that
ended (deposited, CPC art. 282; declined; lapsed) is never "en retard" (its operations' deadlines
closed: SCENARIOS.md, DOMAIN.md §8); the actual deposit date beside the due date; a filter on the
mission's state; the extension requests awaiting the judge (CPC art. 279); a search that ignores
accents and case, on PostgreSQL (unaccent) and SQLite alike, and never beyond the user's missions
(DOMAIN.md §3 rule 1); a constant number of queries; a CSV a French Excel opens."""

import csv
import io
import re
from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.db.utils import ConnectionHandler
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.choices import MissionStatus
from cases.csv_export import BOM
from cases.models import Consignation, Extension, Mission
from cases.search import unaccent
from cases.services.missions import extension_request
from tests import factories

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=timezone.get_fixed_timezone(60))
frozen = time_machine.travel(NOW, tick=False)


def _page(client, query: str = "") -> str:
    response = client.get("/" + query)
    assert response.status_code == 200
    return response.content.decode()


def _rows(client, query: str = "") -> list[str]:
    """The RG of each row of the missions table."""
    html = _page(client, query)
    table = html.split('id="missions"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/missions/\d+/">([^<]+)</a>', table)


def _court_with_ended_missions():
    """One court: a late mission in progress, and three that ended long after their report date,
    with a consignation never paid and (for the deposited one) a fee request not yet taxed."""
    court = factories.CourtFactory()
    late = factories.mission(court=court, rg="26/00001", title="Affaire en retard", report_due=date(2027, 1, 15))
    Mission.objects.filter(pk=late.pk).update(status=MissionStatus.IN_PROGRESS)
    ended = {}
    for n, status in enumerate((MissionStatus.DEPOSITED, MissionStatus.DECLINED, MissionStatus.LAPSED), start=2):
        m = factories.mission(court=court, rg=f"26/0000{n}", title=f"Affaire {status}", report_due=date(2027, 1, 15))
        Consignation.objects.create(mission=m, amount=800, due=date(2026, 10, 1))
        Mission.objects.filter(pk=m.pk).update(
            status=status,
            deposited_on=date(2027, 2, 10) if status == MissionStatus.DEPOSITED else None,
            fee_requested_on=date(2027, 2, 10) if status == MissionStatus.DEPOSITED else None,
        )
        ended[status] = m
    return court, ended


@frozen
def test_ended_missions_are_never_late_and_show_their_deposit_date(client):
    """SCENARIOS.md and DOMAIN.md §8: the deposit (CPC art. 282), a refusal or a lapse end the
    operations' deadlines: none of these missions counts as "en retard"."""
    court, ended = _court_with_ended_missions()
    client.force_login(factories.clerk(court))
    html = _page(client)
    assert "1 en retard" in html
    assert _rows(client, "?state=overdue") == ["26/00001"]
    assert _rows(client, "?state=done") == ["26/00002", "26/00003", "26/00004"]
    # the deposited row: its due date, the day it was actually deposited, and what it awaits
    row = html.split(">26/00002<", 1)[1].split("</tr>", 1)[0]
    assert "prévu le 15/01/2027" in row and "déposé le 10/02/2027" in row
    assert "taxation attendue (art. 284 CPC)" in row and "dépassée" not in row
    lapsed = html.split(">26/00004<", 1)[1].split("</tr>", 1)[0]
    assert "aucune : mission terminée" in lapsed and "déposé" not in lapsed
    deposited = ended[MissionStatus.DEPOSITED]
    page = client.get(reverse("cases:mission_deadlines", args=[deposited.pk])).content.decode()
    assert "close" in page and "rapport déposé le 10/02/2027" in page


@frozen
def test_the_expert_s_dashboard_follows_the_same_rule(client):
    _court, ended = _court_with_ended_missions()
    client.force_login(factories.lead_expert(ended[MissionStatus.DEPOSITED]))
    assert _rows(client, "?state=overdue") == []
    assert _rows(client) == ["26/00002"]


@frozen
def test_filter_on_the_mission_s_state(client):
    court, _ended = _court_with_ended_missions()
    client.force_login(factories.clerk(court))
    html = _page(client)
    assert '<select name="status"' in html and 'value="deposited"' in html
    assert _rows(client, "?status=deposited") == ["26/00002"]
    assert _rows(client, "?status=lapsed") == ["26/00004"]
    assert _rows(client, "?status=open") == ["26/00001"]
    assert _rows(client, "?status=pre_report") == []
    # an unknown value is ignored like every bad filter: the whole list
    assert len(_rows(client, "?status=nonsense")) == 4


@frozen
def test_extension_requests_awaiting_the_judge_are_listed_for_the_court_cpc_279(client):
    court = factories.CourtFactory()
    waiting = factories.mission(court=court, rg="26/00010", title="Attente du juge")
    other = factories.mission(court=court, rg="26/00011", title="Sans demande")
    ext = extension_request(
        by=factories.lead_expert(waiting),
        mission=waiting,
        requested_on=date(2027, 2, 20),
        requested_due=date(2027, 5, 31),
        reason="Attente de l'avis du sapiteur",
    )
    elsewhere = factories.mission(rg="26/00012")  # another court's
    Extension.objects.create(
        mission=elsewhere, requested_on=date(2027, 2, 1), requested_due=date(2027, 6, 1), reason="x"
    )
    clerk = factories.clerk(court)
    client.force_login(clerk)
    html = _page(client)
    section = html.split('id="pending-extensions"', 1)[1].split("</section>", 1)[0]
    assert "26/00010" in section and "31/05/2027" in section and "20/02/2027" in section
    assert "26/00011" not in section and "26/00012" not in section
    assert reverse("cases:mission_deadlines", args=[waiting.pk]) in section
    assert _rows(client, "?pending=on") == ["26/00010"]
    assert other.rg in _rows(client)
    # the judge's decision recorded by the clerk: no longer waiting
    client.post(
        reverse("cases:mission_deadlines", args=[waiting.pk]),
        {"form": "decision", "extension": ext.pk, "dec-granted": "1", "dec-decided_on": "2027-02-25"},
    )
    ext.refresh_from_db()
    assert ext.granted
    assert 'id="pending-extensions"' not in _page(client)
    assert _rows(client, "?pending=on") == []


@frozen
def test_the_judge_and_the_expert_see_the_pending_requests_a_party_does_not(client):
    court = factories.CourtFactory()
    m = factories.mission(court=court, rg="26/00020")
    victim = factories.party(m, is_victim=True)
    avocat = factories.represent(victim)
    extension_request(
        by=factories.lead_expert(m),
        mission=m,
        requested_on=date(2027, 2, 20),
        requested_due=date(2027, 5, 31),
        reason="x",
    )
    judge = factories.UserFactory(role=Role.JUDGE, court=court)
    for user, shown in ((judge, True), (factories.lead_expert(m), True), (avocat, False)):
        client.force_login(user)
        assert ('id="pending-extensions"' in _page(client)) is shown, user.role


@frozen
def test_a_deposit_makes_a_pending_request_moot(client):
    court = factories.CourtFactory()
    m = factories.mission(court=court, rg="26/00030")
    Extension.objects.create(mission=m, requested_on=date(2027, 2, 1), requested_due=date(2027, 6, 1), reason="x")
    Mission.objects.filter(pk=m.pk).update(status=MissionStatus.DEPOSITED, deposited_on=date(2027, 2, 15))
    client.force_login(factories.clerk(court))
    assert 'id="pending-extensions"' not in _page(client)
    assert _rows(client, "?pending=on") == []


# --- Search that ignores accents and case ----------------------------------------------------------


@pytest.mark.parametrize("query", ["Marechal", "marechal", "MARÉCHAL", "maréchal", "Maréchal"])
def test_search_ignores_accents_and_case_in_the_title(client, query):
    court = factories.CourtFactory()
    factories.mission(court=court, rg="26/00040", title="Maréchal c/ Assurances du Centre")
    factories.mission(court=court, rg="26/00041", title="Martin c/ Clinique")
    client.force_login(factories.clerk(court))
    assert _rows(client, f"?q={query}") == ["26/00040"]


def test_search_finds_a_party_s_name_and_the_rg_once_per_mission(client):
    court = factories.CourtFactory()
    m = factories.mission(court=court, rg="26/00050", title="Dupont c/ Atlas")
    factories.party(m, name="Élodie Lefèvre", is_victim=True)
    factories.party(m, name="Société Lefèvre Transports", role="defendeur")
    factories.mission(court=court, rg="27/00051", title="Autre affaire")
    client.force_login(factories.clerk(court))
    assert _rows(client, "?q=elodie") == ["26/00050"]
    assert _rows(client, "?q=LEFEVRE") == ["26/00050"]  # two parties match: the mission once
    assert _rows(client, "?q=27/000") == ["27/00051"]
    assert _rows(client, "?q=100%25") == []  # a LIKE wildcard is searched as a character


def test_search_never_reaches_beyond_the_user_s_missions(client):
    """DOMAIN.md §3 rule 1: nobody sees anything of a mission he has no role in."""
    factories.mission(rg="26/00060", title="Maréchal c/ Assurances")
    client.force_login(factories.clerk(factories.CourtFactory()))
    assert _rows(client, "?q=marechal") == []


def test_unaccent_removes_accents_like_postgresql():
    assert unaccent("Maréchal Ève Çà Œuvre Straße Ørsted") == "Marechal Eve Ca OEuvre Strasse Orsted"
    assert unaccent(None) is None
    assert unaccent("26/00001") == "26/00001"


def test_sqlite_gets_a_deterministic_unaccent_function():
    """Under SQLite the same query calls unaccent(): cases.search registers it on each connection."""
    handler = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    sqlite = handler["default"]
    try:
        with sqlite.cursor() as cursor:
            cursor.execute("SELECT unaccent(%s), unaccent(NULL)", ["Élodie Maréchal"])
            assert cursor.fetchone() == ("Elodie Marechal", None)
    finally:
        sqlite.close()


def test_the_query_is_the_same_on_both_databases():
    from cases.search import mission_search

    sql = str(Mission.objects.filter(mission_search("Maréchal")).query).upper()
    assert "UNACCENT(" in sql and connection.vendor in ("postgresql", "sqlite")


# --- Queries and CSV -------------------------------------------------------------------------------


@frozen
def test_dashboard_queries_do_not_grow_with_missions_whatever_the_filters(client):
    court = factories.CourtFactory()
    client.force_login(factories.clerk(court))
    queries = ["/", "/?q=marechal", "/?status=deposited", "/?pending=on", "/?state=done&sort=etat"]

    def count() -> dict[str, int]:
        counts = {}
        for url in queries:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts[url] = len(ctx.captured_queries)
        return counts

    first = factories.mission(court=court, rg="26/00099", title="Maréchal c/ Atlas")
    Extension.objects.create(mission=first, requested_on=date(2027, 2, 1), requested_due=date(2027, 6, 1), reason="x")
    second = factories.mission(court=court, rg="26/00100", title="Maréchal c/ Clinique")
    Mission.objects.filter(pk=second.pk).update(status=MissionStatus.DEPOSITED, deposited_on=date(2027, 2, 1))
    few = count()
    for i in range(12):
        m = factories.mission(court=court, rg=f"26/{i + 101:05d}", title=f"Maréchal {i}")
        factories.party(m, name=f"Élodie {i}")
        Consignation.objects.create(mission=m, amount=100, due=date(2026, 10, 1))
        Extension.objects.create(mission=m, requested_on=date(2027, 2, 1), requested_due=date(2027, 6, 1), reason="x")
        if i % 3 == 0:
            Mission.objects.filter(pk=m.pk).update(status=MissionStatus.DEPOSITED, deposited_on=date(2027, 2, 1))
    assert count() == few


@frozen
def test_csv_opens_in_a_french_excel_with_the_deposit_date(client):
    court, _ended = _court_with_ended_missions()
    client.force_login(factories.clerk(court))
    response = client.get("/?format=csv&sort=rg")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    data = response.content
    assert data.startswith(BOM.encode("utf-8"))  # Excel reads UTF-8 only with its BOM
    text = data.decode("utf-8")[1:]
    assert text.splitlines()[0].count(";") >= 9  # Excel's French list separator
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    assert header[:2] == ["RG", "affaire"] and "rapport déposé le" in header
    by_rg = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    deposited = by_rg["26/00002"]
    assert deposited["dépôt du rapport"] == "15/01/2027" and deposited["rapport déposé le"] == "10/02/2027"
    assert deposited["état de l'échéance"] == "taxation attendue"
    assert by_rg["26/00001"]["état de l'échéance"] == "dépassée"
    assert by_rg["26/00003"]["état de l'échéance"] == "mission terminée"
    for row in rows[1:]:
        for value in row:
            if re.fullmatch(r"[\d/.-]+", value) and value.count("/") == 2 and not value.startswith("26/"):
                assert re.fullmatch(r"\d\d/\d\d/\d{4}", value), value
