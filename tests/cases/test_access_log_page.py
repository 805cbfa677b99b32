"""The Journal des accès (security review, finding 16; DOMAIN.md §3 rule 9): the mission's experts and
the patient's side read who (name and quality in the mission), which piece (its title only where the
reader may read it), when, the decision and why in French. Neither login names nor IP addresses:
the addresses are for the administrators. The CSV has the same columns; the page costs the same
number of queries for one row or many."""

import csv
import html
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import access
from cases.models import AccessLog
from tests import factories
from tests.conftest import HIDDEN_TITLES

pytestmark = pytest.mark.django_db

IP = "203.0.113.77"
CSV_HEADER = [
    "date",
    "utilisateur",
    "qualité dans la mission",
    "pièce n°",
    "pièce",
    "action",
    "décision",
    "motif",
    "explication",
]
LOGINS = ("dr.martin", "dr.roux", "greffe.lyon", "me.atlas", "dr.atlas", "atlas.gestion", "me.durand", "dr.recours")
RULE_CODES = [r.value for r in access.Rule if r.value != "expert"]  # "expert" is also a French word


@pytest.fixture
def journal(client, lyon_report):
    """The worked example after a round of accesses, each from the same distinctive address."""
    mission, users = lyon_report
    d2 = mission.documents.get(title="Certificat médical initial")
    d3 = mission.documents.get(title=HIDDEN_TITLES["D3"])  # refused by the patient
    d8 = mission.documents.get(title=HIDDEN_TITLES["D8"])  # in quarantine
    for username, doc in (
        ("dr.atlas", d2),  # allowed: the patient's written consent to the insurer
        ("me.atlas", d2),  # refused: doctors only
        ("atlas.gestion", d2),  # refused: doctors only
        ("dr.martin", d8),  # refused: quarantine
        ("dr.martin", d3),  # refused: the patient refused
        ("dr.roux", d2),  # allowed: expert (sapiteur)
        ("greffe.lyon", d2),  # refused: the clerk sees that it exists
        ("alice", d8),  # allowed: her own side
    ):
        client.force_login(users[username])
        client.get(reverse("cases:document_download", args=[doc.pk]), REMOTE_ADDR=IP)
    assert AccessLog.objects.filter(mission=mission, ip=IP).count() == 8
    client.logout()
    return mission, users, {"d2": d2, "d3": d3, "d8": d8}


def _has_word(code: str, text: str) -> bool:
    """The English code as a word of its own ("consent", not "consentement")."""
    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text) is not None


def _table(page: str) -> str:
    match = re.search(r'<table[^>]*id="access-log".*?</table>', page, re.S)
    assert match, page
    return html.unescape(match.group(0))


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def _read(client, user, mission, query=""):
    client.force_login(user)
    url = reverse("cases:mission_access_log", args=[mission.pk])
    page = client.get(url + query)
    assert page.status_code == 200
    response = client.get(url + (query + "&" if query else "?") + "format=csv")
    assert response.status_code == 200
    return page.content.decode(), _csv(response)


@pytest.mark.parametrize("reader", ["alice", "me.durand", "dr.recours", "dr.martin"])
def test_the_log_shows_neither_addresses_nor_login_names_nor_rule_codes(client, journal, reader):
    mission, users, _ = journal
    page, rows = _read(client, users[reader], mission)
    table = _table(page)
    assert IP not in page
    for login in LOGINS:
        assert login not in table, login
    for code in RULE_CODES:
        assert not _has_word(code, table), code
    assert rows[0] == CSV_HEADER
    flat = "\n".join(";".join(r) for r in rows)
    assert IP not in flat
    for login in LOGINS:
        assert login not in flat, login
    for code in RULE_CODES:
        assert not _has_word(code, flat), code


def test_the_patient_reads_who_in_which_quality_what_and_why_in_french(client, journal):
    mission, users, docs = journal
    page, rows = _read(client, users["alice"], mission)
    table = _table(page)
    by_name = {r[1]: r for r in rows[1:]}
    expected = {
        "Dr Nadia Benali": "médecin-conseil de Atlas Assurances",
        "Me Jean Morel": "avocat de Atlas Assurances",
        "Atlas Assurances, service sinistres": "la partie Atlas Assurances",
        "Dr Paul Martin": "expert",
        "Dr Claire Roux, neurologue": "sapiteur",
        "Greffe du TJ de Lyon": "greffier",
        "Alice Dupont": "la partie Alice Dupont",
    }
    for name, quality in expected.items():
        assert name in table and quality in table, name
        assert by_name[name][2] == quality, name
    doctors_only = next(r for r in rows[1:] if r[1] == "Me Jean Morel")
    assert doctors_only[3:] == [
        str(docs["d2"].number),
        "Certificat médical initial",
        "ouverture",
        "refusé",
        str(access.LABELS[access.Rule.DOCTORS_ONLY]),
        str(access.REASONS[access.Rule.DOCTORS_ONLY]),
    ]
    consent = next(r for r in rows[1:] if r[1] == "Dr Nadia Benali")
    assert consent[6:] == [
        "autorisé",
        str(access.LABELS[access.Rule.CONSENT]),
        str(access.REASONS[access.Rule.CONSENT]),
    ]
    assert str(access.REASONS[access.Rule.DOCTORS_ONLY]) in table
    assert str(access.REASONS[access.Rule.QUARANTINE]) in table
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", rows[1][0])
    # The patient may read the piece in quarantine (her own side): she sees its title.
    assert HIDDEN_TITLES["D8"] in table


def test_the_expert_never_reads_through_the_log_a_title_he_may_not_open(client, journal):
    mission, users, docs = journal
    page, rows = _read(client, users["dr.martin"], mission)
    table = _table(page)
    for hidden in (HIDDEN_TITLES["D3"], HIDDEN_TITLES["D8"]):
        assert hidden not in page
        assert all(hidden not in cell for row in rows for cell in row)
    assert "Certificat médical initial" in table
    titles = {(r[3], r[4]) for r in rows[1:]}
    assert (str(docs["d8"].number), "pièce médicale — secret médical") in titles
    assert (str(docs["d3"].number), "pièce médicale — secret médical") in titles
    assert (str(docs["d2"].number), "Certificat médical initial") in titles


def test_the_reader_filters_by_name_not_by_login_name(client, journal):
    mission, users, _ = journal
    _, rows = _read(client, users["dr.martin"], mission, "?username=Benali")
    assert [r[1] for r in rows[1:]] == ["Dr Nadia Benali"]
    _, rows = _read(client, users["dr.martin"], mission, "?username=dr.atlas")
    assert rows[1:] == []


def test_the_adverse_side_and_the_clerk_still_may_not_read_the_log(client, journal):
    mission, users, _ = journal
    url = reverse("cases:mission_access_log", args=[mission.pk])
    for username in ("me.atlas", "dr.atlas", "greffe.lyon"):
        client.force_login(users[username])
        assert client.get(url).status_code == 403
        assert client.get(url + "?format=csv").status_code == 403


def _log_rows(mission, users, documents, count):
    rules = list(access.Rule)
    for i in range(count):
        AccessLog.objects.create(
            user=users[i % len(users)],
            username=users[i % len(users)].username,
            mission=mission,
            document=documents[i % len(documents)],
            action="download" if i % 2 else "view",
            allowed=bool(i % 3),
            rule=str(rules[i % len(rules)]),
            ip=IP,
        )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("reader", ["expert", "patient"])
def test_the_page_and_the_csv_cost_the_same_queries_for_one_row_or_many(client, reader):
    m = factories.mission()
    expert = factories.lead_expert(m)
    victim = factories.party(m, name="Victime", is_victim=True)
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    people = [
        expert,
        factories.represent(victim),
        factories.represent(victim, kind="medecin_conseil"),
        factories.represent(insurer),
        factories.represent(insurer, kind="medecin_conseil"),
        factories.clerk(m.court),
    ]
    documents = [factories.medical(m, victim, title=f"Pièce médicale {i}") for i in range(3)]
    documents.append(factories.document(m, title="Ordonnance"))
    client.force_login(expert if reader == "expert" else people[1])
    url = reverse("cases:mission_access_log", args=[m.pk])
    _log_rows(m, people, documents[:1], 1)
    one = (_queries(client, url), _queries(client, url + "?format=csv"))
    _log_rows(m, people, documents, 40)
    many = (_queries(client, url), _queries(client, url + "?format=csv"))
    assert one == many
    assert _table(client.get(url).content.decode()).count("<tr>") > 30
