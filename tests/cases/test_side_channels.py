"""Side channels of the secret (outside review, findings 4, 8, 12, 13, 18): what a page says around
a piece, not the piece itself. Each test attacks over HTTP first, as the reviewer did, on the
shared worked example (D3 refused by the patient, D4 marked unrelated, D8 in quarantine)."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import access
from cases.choices import CertificateKind
from cases.models import AccessLog, Dire
from reports.models import RenderJob, VersionKind
from tests import factories
from tests.conftest import HIDDEN_TITLES
from tests.reports.conftest import pdftotext

pytestmark = pytest.mark.django_db

OUTSIDERS_OF_THE_SECRET = ("greffe.lyon", "me.atlas", "dr.atlas", "atlas.gestion")
PRECISE_REASONS = [str(access.REASONS[rule]) for rule in access.Rule if rule not in (access.Rule.EXISTENCE,)]
NEUTRAL = "Pièce médicale couverte par le secret médical"


def _draft_pdf_text(client, mission, user, capture, tmp_path) -> str:
    """The draft report as its expert asks for it in the browser, read back with pdftotext."""
    client.force_login(user)
    with capture(execute=True):
        client.post(reverse("reports:report_render", args=[mission.pk, "draft"]))
    job = RenderJob.objects.filter(mission=mission).latest("pk")
    pdf = client.get(reverse("reports:render_job_pdf", args=[job.pk]))
    assert pdf.status_code == 200
    path = tmp_path / "draft.pdf"
    path.write_bytes(pdf.content)
    return pdftotext(path)


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- Finding 4: a piece marked "sans rapport" never enters the report, medical or not --------------


def test_a_non_medical_piece_marked_unrelated_stays_communicated_and_leaves_the_report(
    client, lyon_report, django_capture_on_commit_callbacks, tmp_path
):
    """DOMAIN §3 rule 7, CPC art. 244 and 247: whatever its kind, a piece marked unrelated is
    never named in the report; rule 2: a non-medical one stays communicated to every party."""
    mission, users = lyon_report
    d5 = mission.documents.get(number=5)  # the insurer's accident report: not medical
    title = d5.title
    client.force_login(users["dr.martin"])
    page = client.get(reverse("cases:document_detail", args=[d5.pk])).content.decode()
    assert "reste communiquée à toutes les parties" in _flat(page)  # the help text says what the mark does
    response = client.post(
        reverse("cases:document_detail", args=[d5.pk]), {"title": title, "date": "2026-03-14", "unrelated": "on"}
    )
    assert response.status_code == 302
    d5.refresh_from_db()
    assert d5.unrelated

    for name in ("me.durand", "me.atlas", "alice", "greffe.lyon", "dr.martin"):  # still communicated
        client.force_login(users[name])
        assert client.get(reverse("cases:document_download", args=[d5.pk])).status_code == 200, name
    assert access.decide(users["me.durand"], "view", d5).rule == access.Rule.UNRELATED_NON_MEDICAL

    assert d5 not in access.report_pieces(mission).pieces
    text = _flat(_draft_pdf_text(client, mission, users["dr.martin"], django_capture_on_commit_callbacks, tmp_path))
    assert "Pièces reçues" in text
    assert "Ordonnance de référé" in text  # a piece relied on is listed
    assert title not in text and HIDDEN_TITLES["D4"] not in text


def test_report_pieces_leave_out_every_unrelated_piece_and_count_refusals_only():
    """Rules 6 and 7: unrelated pieces (medical or not) are not named; a refusal is counted."""
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    kept = factories.document(m, title="Ordonnance")
    factories.document(m, title="Facture de garage sans rapport", unrelated=True)
    factories.medical(m, victim, title="Ancienne fracture sans rapport", unrelated=True)
    medical = factories.medical(m, victim)
    pieces = access.report_pieces(m)
    assert pieces.pieces == [kept, medical] and pieces.refused == 0


# --- Finding 8: every view of medical content is logged ---------------------------------------------


def test_the_certificates_tab_logs_what_it_shows_to_the_adverse_doctor(client, lyon_report):
    """Rule 9: the timeline shows a certificate's lesions and stoppage: one row per piece shown."""
    mission, users = lyon_report
    client.force_login(users["dr.atlas"])  # the insurer's médecin-conseil, under a written consent
    page = client.get(reverse("cases:mission_certificates", args=[mission.pk])).content.decode()
    assert "Entorse grave du rachis cervical" in page
    rows = set(AccessLog.objects.values_list("username", "document__number", "action", "allowed", "rule"))
    assert rows == {("dr.atlas", 2, "view", True, "consent"), ("dr.atlas", 7, "view", True, "consent")}


def test_the_certificates_tab_logs_in_one_insert_whatever_the_number_of_certificates(client):
    """Rule 9 in bulk: the query count does not grow with the certificates; one INSERT."""
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    expert = factories.lead_expert(m)
    url = reverse("cases:mission_certificates", args=[m.pk])
    client.force_login(expert)

    def add(count: int) -> None:
        for i in range(count):
            doc = factories.medical(m, victim, title=f"Certificat {i}")
            factories.certificate(doc, CertificateKind.INITIAL, issued_on=date(2026, 3, 1 + i), lesions=f"Lésion {i}")

    def visit() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        inserts = [q for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "cases_accesslog"')]
        return len(ctx.captured_queries), len(inserts)

    add(2)
    small = visit()
    add(10)
    assert visit() == small
    assert small[1] == 1
    assert AccessLog.objects.filter(username=expert.username, action="view", allowed=True).count() == 2 + 12


def test_the_admin_logs_the_medical_titles_it_shows(client, lyon_report):
    """Rule 9 in the Django admin: a medical title is medical content (rule 8)."""
    mission, users = lyon_report
    expert = users["dr.martin"]
    expert.is_staff = expert.is_superuser = True
    expert.save(update_fields=["is_staff", "is_superuser"])
    d2 = mission.documents.get(number=2)
    client.force_login(expert)
    page = client.get(reverse("admin:cases_document_change", args=[d2.pk]))
    assert page.status_code == 200 and d2.title in page.content.decode()
    assert list(AccessLog.objects.values_list("document_id", "action", "allowed", "rule")) == [
        (d2.pk, "view", True, "expert")
    ]
    listing = client.get(reverse("admin:cases_document_changelist")).content.decode()
    shown = {d.pk for d in access.visible_documents(expert, action="view").filter(is_medical=True)}
    assert d2.title in listing
    assert (
        set(
            AccessLog.objects.exclude(pk__in=[AccessLog.objects.order_by("pk").first().pk]).values_list(
                "document_id", flat=True
            )
        )
        == shown
    )


# --- Finding 12: who may not open a piece learns that it exists, not why ----------------------------


def test_refusals_shown_outside_the_patient_side_and_the_experts_are_neutral(client, lyon_report):
    """Rule 8: "Le patient a refusé..." or "marquée sans rapport" are themselves secret."""
    mission, users = lyon_report
    hidden = {number: mission.documents.get(number=number) for number in (3, 4, 8)}
    for name in OUTSIDERS_OF_THE_SECRET:
        client.force_login(users[name])
        for number, document in hidden.items():
            detail = client.get(reverse("cases:document_detail", args=[document.pk]))
            download = client.get(reverse("cases:document_download", args=[document.pk]))
            assert download.status_code == 403, (name, number)
            for page in (detail.content.decode(), download.content.decode()):
                assert NEUTRAL in page, (name, number)
                for reason in PRECISE_REASONS:
                    assert reason not in page, (name, number, reason)
                for hint in ("a refusé", "refus du patient", "sans rapport", "autorisation", "consenti"):
                    assert hint not in page, (name, number, hint)
    client.force_login(users["dr.martin"])  # the experts keep the precise reason
    page = client.get(reverse("cases:document_detail", args=[hidden[3].pk])).content.decode()
    assert str(access.REASONS[access.Rule.REFUSED]).replace("'", "&#x27;") in page


def test_the_report_says_only_that_the_victim_refused_a_piece(
    client, lyon_report, django_capture_on_commit_callbacks, tmp_path
):
    """DOMAIN §6: "la victime a refusé la communication d'une pièce", nothing of which or why."""
    mission, users = lyon_report
    text = _flat(_draft_pdf_text(client, mission, users["dr.martin"], django_capture_on_commit_callbacks, tmp_path))
    assert "La victime a refusé la communication d'une pièce." in text
    for title in HIDDEN_TITLES.values():
        assert title not in text
    assert "Civ. 1re, 11 juin 2009" not in text and "secret médical" not in text


# --- Finding 13: a duplicate is named only to who may open the piece it duplicates ----------------


def test_uploading_a_copy_of_a_quarantined_piece_does_not_name_it(client, lyon_report):
    """Rules 3 and 8: "identique à la pièce n° 8" would tell what a quarantined piece holds."""
    mission, users = lyon_report
    d8 = mission.documents.get(number=8)
    with d8.file.open("rb") as f:
        copy = f.read()
    client.force_login(users["dr.martin"])  # the expert may not open D8 either (quarantine)
    response = client.post(
        reverse("cases:mission_documents", args=[mission.pk]),
        {"files": [SimpleUploadedFile("copie.pdf", copy)], "produced_by": "expert", "date": "2026-10-02"},
        follow=True,
    )
    assert response.status_code == 200
    new = mission.documents.get(number=9)
    assert new.sha256 == d8.sha256
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "pièce(s) ajoutée(s)" in messages and "n° 8" not in messages
    for name in ("dr.martin", "greffe.lyon", "me.atlas", "atlas.gestion"):  # none may open D8
        client.force_login(users[name])
        listing = client.get(reverse("cases:mission_documents", args=[mission.pk])).content.decode()
        assert "doublon de la pièce n° 8" not in listing, name
        assert "doublon" not in client.get(reverse("cases:document_detail", args=[new.pk])).content.decode()
    client.force_login(users["me.durand"])  # the patient's avocat may open D8 (rule 3): he is told
    listing = client.get(reverse("cases:mission_documents", args=[mission.pk])).content.decode()
    assert "doublon de la pièce n° 8" in listing


def test_a_copy_of_a_piece_the_uploader_may_open_is_named(client, lyon_report):
    mission, users = lyon_report
    d1 = mission.documents.get(number=1)
    with d1.file.open("rb") as f:
        copy = f.read()
    client.force_login(users["dr.martin"])
    response = client.post(
        reverse("cases:mission_documents", args=[mission.pk]),
        {"files": [SimpleUploadedFile("copie.pdf", copy)], "produced_by": "expert"},
        follow=True,
    )
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "identique à la pièce n° 1" in messages
    client.force_login(users["greffe.lyon"])
    assert (
        "doublon de la pièce n° 1" in client.get(reverse("cases:mission_documents", args=[mission.pk])).content.decode()
    )


def test_the_upload_service_names_a_duplicate_only_to_who_may_open_it(lyon_report):
    mission, users = lyon_report
    from cases.services.documents import Upload, documents_upload

    d3 = mission.documents.get(number=3)  # refused by the patient
    with d3.file.open("rb") as f:
        copy = f.read()

    def upload(user, count: int = 1):
        return documents_upload(
            mission=mission,
            uploaded_by=user,
            uploads=[Upload(name=f"copie-{i}.pdf", file=io.BytesIO(copy)) for i in range(count)],
            producer="expert",
        )

    first, second = upload(users["dr.martin"], 2)  # the expert may not open D3 (refused)
    assert first.duplicate_of is None
    assert second.duplicate_of == first.document  # he sent both files
    assert upload(None)[0].duplicate_of == d3  # the server's operator (import_documents)
    assert upload(users["dr.martin"])[0].duplicate_of == first.document  # the earliest copy he may open


# --- Finding 18: the court reads the dires once annexed to the deposited report ---------------------


def test_the_clerk_sees_that_a_dire_was_filed_but_reads_it_only_after_the_deposit(client, lyon_report):
    """CPC art. 276: the dires go to the experts and the parties; the court receives them with the
    deposited report. Before, the clerk sees the date and the party, not the medical arguments."""
    mission, users = lyon_report
    url = reverse("cases:mission_dires", args=[mission.pk])
    argument = "Les cervicalgies relèvent de l'arthrose antérieure"
    answer = "L'imagerie de 2024 ne montre aucune arthrose"
    client.force_login(users["me.atlas"])
    response = client.post(
        url, {"form": "file", "party": mission.parties.get(name="Atlas Assurances").pk, "text": argument}
    )
    assert response.status_code == 302
    dire = Dire.objects.get(mission=mission)
    client.force_login(users["dr.martin"])
    client.post(url, {"form": "answer", "dire": dire.pk, "answer": answer})
    dire.refresh_from_db()
    assert dire.answer == answer

    for name in ("dr.martin", "me.durand", "dr.atlas", "alice"):
        client.force_login(users[name])
        page = client.get(url).content.decode()
        assert argument.replace("'", "&#x27;") in page and answer.replace("'", "&#x27;") in page, name

    client.force_login(users["greffe.lyon"])
    page = client.get(url).content.decode()
    assert "Dire de Atlas Assurances" in page and dire.received_on.strftime("%d/%m/%Y") in page
    assert "arthrose" not in page

    factories.report_version(mission, users["dr.martin"], VersionKind.FINAL)  # the deposit
    page = client.get(url).content.decode()
    assert argument.replace("'", "&#x27;") in page and answer.replace("'", "&#x27;") in page
