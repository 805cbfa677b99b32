"""The policy on the database: decide() and visible_documents() agree, every page keeps the
secret, the access log records every decision and cannot be changed."""

import csv
import io
import re
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from cases import access
from cases.choices import GranteeKind
from cases.models import AccessLog, Consent, Document, Party, Refusal
from cases.pdfgen import simple_pdf
from tests import factories
from tests.conftest import MISSION_PAGES, load_scenario_file

pytestmark = pytest.mark.django_db


# --- decide() and visible_documents() agree ------------------------------------------------------

ROLES = ["account", "avocat", "medecin_conseil"]


@st.composite
def situations(draw):
    n_parties = draw(st.integers(2, 3))
    parties = [{"victim": i == 0 or draw(st.booleans()), "insurer": draw(st.booleans())} for i in range(n_parties)]
    seats = draw(st.lists(st.tuples(st.integers(0, n_parties - 1), st.sampled_from(ROLES)), max_size=5))
    producers = ["court", "expert", "third_party", *[f"p{i}" for i in range(n_parties)]]
    docs = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "medical": st.booleans(),
                    "about": st.integers(0, n_parties - 1),
                    "producer": st.sampled_from(producers),
                    "unrelated": st.booleans(),
                }
            ),
            min_size=1,
            max_size=5,
        )
    )
    consents = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "patient": st.integers(0, n_parties - 1),
                    "to": st.sampled_from(["experts", *range(n_parties)]),
                    "written": st.booleans(),
                    "revoked": st.booleans(),
                    "docs": st.lists(st.integers(0, len(docs) - 1), max_size=2, unique=True),
                }
            ),
            max_size=3,
        )
    )
    refusals = draw(st.lists(st.integers(0, len(docs) - 1), max_size=2, unique=True))
    two_missions = draw(st.booleans())
    return parties, seats, docs, consents, refusals, two_missions


class _Rollback(Exception):
    pass


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(situation=situations())
def test_decide_and_visible_documents_agree_on_every_pair(situation):
    parties_spec, seats, docs_spec, consents_spec, refusals_spec, two_missions = situation
    try:
        with transaction.atomic():
            court = factories.CourtFactory(code="h-court")
            expert_user = factories.expert(username="h-expert")
            clerk = factories.clerk(court, username="h-clerk")
            missions = [factories.mission(expert_user=expert_user, court=court)]
            if two_missions:  # the same people, other places, in a second mission
                missions.append(factories.mission(expert_user=factories.expert(username="h-expert2"), court=court))
            users = {}
            for m_index, m in enumerate(missions):
                parties = [
                    Party.objects.create(
                        mission=m, name=f"P{i}", role="demandeur", is_victim=p["victim"], is_insurer=p["insurer"]
                    )
                    for i, p in enumerate(parties_spec)
                ]
                for k, (index, kind) in enumerate(seats):
                    key = (k, kind)
                    if key not in users:
                        role = "party" if kind == "account" else kind
                        users[key] = User.objects.create(username=f"h-{k}-{kind}", role=role)
                    party = parties[(index + m_index) % len(parties)]
                    if kind == "account":
                        if party.account_id is None:
                            party.account = users[key]
                            party.save(update_fields=["account"])
                    else:
                        party.representatives.get_or_create(user=users[key], kind=kind)
                documents = []
                for n, d in enumerate(docs_spec, start=1):
                    producer_party = None
                    producer = d["producer"]
                    if producer.startswith("p"):
                        producer_party, producer = parties[int(producer[1:])], "party"
                    documents.append(
                        Document.objects.create(
                            mission=m,
                            number=n,
                            title=f"D{n}",
                            is_medical=d["medical"],
                            about=parties[d["about"]] if d["medical"] else None,
                            producer=producer,
                            producer_party=producer_party,
                            unrelated=d["unrelated"],
                            file="private/x",
                            original_name="x.pdf",
                            size=1,
                            content_type="application/pdf",
                            sha256="0" * 64,
                        )
                    )
                for c in consents_spec:
                    to_party = None if c["to"] == "experts" else parties[c["to"]]
                    if to_party is not None and to_party.pk == parties[c["patient"]].pk:
                        continue
                    consent = Consent.objects.create(
                        mission=m,
                        patient=parties[c["patient"]],
                        grantee=GranteeKind.EXPERTS if to_party is None else GranteeKind.PARTY,
                        grantee_party=to_party,
                        written=c["written"],
                        granted_on=date(2026, 9, 1),
                        revoked_on=date(2026, 10, 1) if c["revoked"] else None,
                    )
                    consent.documents.set([documents[i] for i in c["docs"]])
                for i in refusals_spec:
                    doc = documents[i]
                    if doc.is_medical:
                        Refusal.objects.create(mission=m, patient=doc.about, document=doc, refused_on=date(2026, 9, 2))
            everyone = [expert_user, clerk, *users.values(), factories.expert(username="h-outsider")]
            all_docs = list(Document.objects.select_related("mission"))
            for user in everyone:
                for action in access.Action:
                    visible = set(access.visible_documents(user, action=action).values_list("pk", flat=True))
                    for doc in all_docs:
                        decision = access.decide(user, action, doc)
                        assert decision.allowed == (doc.pk in visible), (user.username, action, doc.title, decision)
            raise _Rollback
    except _Rollback:
        pass


# --- The same lawyer, two missions, two places -----------------------------------------------------


def test_roles_are_taken_per_mission():
    lawyer = factories.UserFactory(role="avocat", username="me.double")
    m1 = factories.mission(rg="26/1")
    victim1 = factories.party(m1, is_victim=True)
    factories.represent(victim1, user=lawyer)
    m2 = factories.mission(rg="26/2")
    victim2 = factories.party(m2, is_victim=True)
    clinic = factories.party(m2, name="Clinique", role="defendeur")
    factories.represent(clinic, user=lawyer)
    own = factories.medical(m1, victim1)
    adverse = factories.medical(m2, victim2)
    assert access.decide(lawyer, "download", own).rule == access.Rule.PATIENT_SIDE
    assert access.decide(lawyer, "download", adverse).rule == access.Rule.DOCTORS_ONLY
    assert set(access.visible_documents(lawyer)) == {own}


def test_consent_revocation_takes_effect_at_the_next_request(client):
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    doctor = factories.represent(insurer, kind="medecin_conseil")
    doc = factories.medical(m, victim)
    consent = factories.consent(m, victim, to=insurer, written=True)
    client.force_login(doctor)
    url = reverse("cases:document_download", args=[doc.pk])
    assert client.get(url).status_code == 200
    from cases.services.consents import consent_revoke

    signed = factories.pdf_upload("retrait.pdf", "Retrait signé")
    consent_revoke(by=factories.lead_expert(m), consent=consent, revoked_on=date(2026, 11, 1), scan=signed)
    assert client.get(url).status_code == 403


# --- Every page keeps the secret ------------------------------------------------------------------


def _pages(client, mission_id: int, document_ids: list[int]) -> list[str]:
    urls = [reverse(name, args=[mission_id]) for name in MISSION_PAGES]
    urls += [reverse("cases:document_detail", args=[pk]) for pk in document_ids]
    urls += ["/", reverse("cases:mission_documents", args=[mission_id]) + "?q=Compte"]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        pages.append(response.content.decode())
    return pages


def test_no_page_shows_the_title_of_a_medical_piece_the_user_may_not_open(
    client, tmp_path, lyon_scenario, lyon_expected
):
    result = load_scenario_file(tmp_path, lyon_scenario)
    titles = {
        f"{m['ref']}/{d['ref']}": d["title"]
        for m in lyon_scenario["missions"]
        for d in m["documents"]
        if d.get("medical")
    }
    for user in lyon_scenario["users"]:
        client.force_login(User.objects.get(username=user["username"]))
        for mission_ref, mission in result["missions"].items():
            docs = [v["id"] for k, v in result["documents"].items() if k.startswith(f"{mission_ref}/")]
            if client.get(mission["url"]).status_code == 404:
                continue
            html = "\n".join(_pages(client, mission["id"], docs))
            for key, title in titles.items():
                if key.startswith(f"{mission_ref}/") and user["username"] not in lyon_expected["allowed"][key]:
                    assert title not in html, (user["username"], key)


def test_search_never_matches_a_hidden_title(client, tmp_path, lyon_scenario):
    result = load_scenario_file(tmp_path, lyon_scenario)
    client.force_login(User.objects.get(username="me.atlas"))
    page = client.get(result["missions"]["M1"]["url"] + "pieces/?q=hospitalisation").content.decode()
    assert "Aucune pièce" in page


def test_document_list_query_count_is_the_same_for_10_and_1000_pieces(client):
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    doctor = factories.represent(insurer, kind="medecin_conseil")
    factories.consent(m, victim, to=insurer, written=True)

    def add(count: int, start: int) -> None:
        factories.bulk_documents(m, count, start, patient=victim, producers=[insurer, victim, victim])

    def queries(user) -> int:
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cases:mission_documents", args=[m.pk])).status_code == 200
        return len(ctx.captured_queries)

    add(10, 1)
    small = {u.pk: queries(u) for u in (doctor, m.assignments.get().expert)}
    add(990, 11)
    assert {u.pk: queries(u) for u in (doctor, m.assignments.get().expert)} == small


# --- Access log (rule 9) --------------------------------------------------------------------------


def test_every_view_and_download_decision_is_logged_allowed_or_denied(client):
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    lawyer = factories.represent(insurer)
    doc = factories.medical(m, victim)
    client.force_login(lawyer)
    assert client.get(reverse("cases:document_download", args=[doc.pk])).status_code == 403
    client.force_login(m.assignments.get().expert)
    assert client.get(reverse("cases:document_detail", args=[doc.pk])).status_code == 200
    rows = list(AccessLog.objects.order_by("id").values_list("username", "action", "allowed", "rule", "ip"))
    assert rows == [
        (lawyer.username, "download", False, "doctors-only", "127.0.0.1"),
        (m.assignments.get().expert.username, "view", True, "expert", "127.0.0.1"),
    ]


def test_a_forged_forwarded_for_header_is_not_logged_as_the_address(client):
    m = factories.mission()
    doc = factories.document(m)
    client.force_login(m.assignments.get().expert)
    client.get(reverse("cases:document_download", args=[doc.pk]), HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert AccessLog.objects.get().ip == "127.0.0.1"


def test_the_application_cannot_change_or_erase_the_log(client):
    m = factories.mission()
    doc = factories.document(m)
    client.force_login(m.assignments.get().expert)
    client.get(reverse("cases:document_download", args=[doc.pk]))
    row = AccessLog.objects.get()
    row.allowed = False
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.all().update(allowed=False)
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_refuses_updates_and_deletes_of_the_log_even_in_raw_sql(client):
    from django.db import DatabaseError

    m = factories.mission()
    doc = factories.document(m)
    client.force_login(m.assignments.get().expert)
    client.get(reverse("cases:document_download", args=[doc.pk]))
    for sql in ("UPDATE cases_accesslog SET allowed = false", "DELETE FROM cases_accesslog"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AccessLog.objects.count() == 1


def test_the_journal_is_read_by_the_experts_and_the_patient_side_only(client, tmp_path, lyon_scenario):
    result = load_scenario_file(tmp_path, lyon_scenario)
    m1 = result["missions"]["M1"]
    d2 = result["documents"]["M1/D2"]["download_url"]
    d7 = result["documents"]["M1/D7"]["download_url"]
    for username in ("me.atlas", "dr.atlas", "alice"):
        client.force_login(User.objects.get(username=username))
        client.get(d2)
        client.get(d7)
    journal = m1["url"] + "journal/"
    client.force_login(User.objects.get(username="dr.martin"))
    page = client.get(journal).content.decode()
    assert page.count("<tr>") - 1 == 6
    response = client.get(journal + "?format=csv&allowed=0")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["date", "utilisateur", "qualité dans la mission", "pièce n°"]
    # Names and qualities, the rule in French: no login name, no address (tests/cases/test_access_log_page.py).
    refused = str(access.LABELS[access.Rule.DOCTORS_ONLY])
    assert {(r[1], r[2], r[3], r[6], r[7]) for r in rows[1:]} == {
        ("Me Jean Morel", "avocat de Atlas Assurances", "2", "refusé", refused),
        ("Me Jean Morel", "avocat de Atlas Assurances", "7", "refusé", refused),
    }
    client.force_login(User.objects.get(username="me.durand"))  # the victim's lawyer
    assert client.get(journal).status_code == 200
    client.force_login(User.objects.get(username="me.atlas"))  # the adverse lawyer
    assert client.get(journal).status_code == 403
    client.force_login(User.objects.get(username="greffe.lyon"))
    assert client.get(journal).status_code == 403


# --- Export, contradictoire panel, consents by the patient's avocat, dires ---------------------------


def test_zip_export_holds_only_what_the_user_may_open(client, tmp_path, lyon_scenario, lyon_expected):
    result = load_scenario_file(tmp_path, lyon_scenario)
    client.force_login(User.objects.get(username="dr.atlas"))
    response = client.get(result["missions"]["M1"]["url"] + "pieces/archive.zip")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    numbers = sorted(int(name[:3]) for name in archive.namelist() if name != "bordereau.csv")
    expected = sorted(
        int(k.split("/D")[1])
        for k, users in lyon_expected["allowed"].items()
        if k.startswith("M1/") and "dr.atlas" in users
    )
    assert numbers == expected
    assert "hospitalisation" not in archive.read("bordereau.csv").decode()
    assert AccessLog.objects.filter(username="dr.atlas", action="download", allowed=True).count() == len(expected)


def test_contradictoire_panel_warns_about_pieces_a_party_has_not_received(client, tmp_path, lyon_scenario):
    result = load_scenario_file(tmp_path, lyon_scenario)
    client.force_login(User.objects.get(username="dr.martin"))
    client.force_login(User.objects.get(username="dr.atlas"))
    client.get(result["documents"]["M1/D2"]["download_url"])
    client.force_login(User.objects.get(username="dr.martin"))
    rows = client.get(result["missions"]["M1"]["url"] + "contradictoire/").context["rows"]
    by_number = {row.document.number: row for row in rows}
    assert by_number[2].openers == ["dr.atlas"]
    assert by_number[2].missing == []
    assert by_number[3].relied_on is False  # quarantined: the experts do not rely on it
    assert by_number[4].relied_on is False  # unrelated


def test_missing_consent_is_flagged_on_the_panel():
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    factories.represent(insurer, kind="medecin_conseil")
    factories.represent(victim)
    factories.medical(m, victim)
    from cases.selectors import contradictoire

    row = contradictoire(m.assignments.get().expert, m)[0]
    assert row.missing == ["Assureur"]
    assert [r.decision.rule for r in row.reaches] == [access.Rule.PATIENT_SIDE, access.Rule.NO_CONSENT]


def test_the_patient_s_avocat_records_and_revokes_a_consent(client):
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    doctor = factories.represent(insurer, kind="medecin_conseil")
    victim_lawyer = factories.represent(victim)
    insurer_lawyer = factories.represent(insurer)
    doc = factories.medical(m, victim)
    url = reverse("cases:mission_consents", args=[m.pk])
    form = {
        "form": "consent",
        "consent-patient": victim.pk,
        "consent-grantee": "party",
        "consent-grantee_party": insurer.pk,
        "consent-granted_on": "2026-10-01",
    }
    client.force_login(victim_lawyer)
    response = client.post(url, form)
    assert response.status_code == 400
    assert "écrit" in response.context["consent_form"].errors["written"][0]
    signed = SimpleUploadedFile("consentement.pdf", simple_pdf(["Consentement signé"]), "application/pdf")
    client.post(url, {**form, "consent-written": "on", "consent-scan": signed})  # rule 5: the signed scan
    consent = Consent.objects.get()
    assert access.decide(doctor, "download", doc).allowed
    client.post(url, {"form": "revoke", "consent": consent.pk})
    assert not access.decide(doctor, "download", doc).allowed
    client.force_login(insurer_lawyer)  # the adverse lawyer cannot consent for the victim
    assert client.post(url, {**form, "consent-written": "on"}).status_code == 403


def test_a_doctor_prepares_a_dire_and_his_avocat_files_it(client):
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    doctor = factories.represent(insurer, kind="medecin_conseil")
    lawyer = factories.represent(insurer)
    victim_lawyer = factories.represent(victim)
    url = reverse("cases:mission_dires", args=[m.pk])
    client.force_login(doctor)
    client.post(url, {"form": "prepare", "party": insurer.pk, "text": "Le taux proposé paraît excessif."})
    assert client.post(url, {"form": "file", "party": insurer.pk, "text": "x"}).status_code == 403
    draft = m.dires.get()
    assert not draft.is_filed and draft.prepared_by == doctor
    client.force_login(victim_lawyer)
    assert "excessif" not in client.get(url).content.decode()
    client.force_login(m.assignments.get().expert)
    assert "excessif" not in client.get(url).content.decode()
    client.force_login(lawyer)
    assert "excessif" in client.get(url).content.decode()
    client.post(url, {"form": "file_draft", "dire": draft.pk})
    draft.refresh_from_db()
    assert draft.is_filed and draft.filed_by == lawyer and draft.received_on is not None
    client.force_login(m.assignments.get().expert)
    assert "excessif" in client.get(url).content.decode()


def test_conflict_warning_when_the_expert_wrote_a_certificate(client):
    the_expert = factories.expert(name="Dr Paul Martin")
    m = factories.mission(expert_user=the_expert)
    victim = factories.party(m, is_victim=True)
    factories.certificate(
        factories.medical(m, victim), issued_on=date(2026, 3, 14), author="Dr P. Martin, SOS Médecins"
    )
    client.force_login(the_expert)
    page = client.get(reverse("cases:mission_detail", args=[m.pk])).content.decode()
    assert re.search(r"semble établi par\s+Dr Paul Martin", page)
    client.post(reverse("cases:mission_interests", args=[m.pk]), {"interests": "Expert-conseil de l'assureur en 2019"})
    assert m.assignments.get().declared_interests == "Expert-conseil de l'assureur en 2019"
