"""The report as the judge and the parties receive it: its sections, the mission's questions
answered in order, the pieces it may name (art. 244 CPC), the pre-report mark, the frozen deposit."""

import hashlib
import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import deadlines
from cases.choices import MissionStatus
from cases.models import Document, Mission
from cases.services.dires import dire_answer, dire_record
from cases.services.missions import designation_respond, mission_transition
from reports.builder import report_data, report_for
from reports.models import RenderJob, ReportVersion, VersionKind
from reports.services import ConcurrentEdit, certificate_proposals, render_request, report_save
from tests import factories
from tests.reports.conftest import HIDDEN_TITLES, render_report

pytestmark = pytest.mark.django_db

SIDES = {"alice", "me.durand", "dr.recours", "atlas.gestion", "me.atlas", "dr.atlas"}
ANSWERS = [
    "Victime examinée le 10 octobre 2026.",
    "Incapacité temporaire totale du 14 mars au 14 septembre 2026.",
    "Consolidation au 15 septembre 2026.",
    "Souffrances endurées 3/7.",
    "Déficit fonctionnel permanent de 8 %.",
    "Aggravation possible, réserves faites.",
    "Apte à reprendre ses activités antérieures.",
]


def _answer_all(mission, user, texts=ANSWERS):
    report = report_for(mission)
    questions = list(mission.questions.order_by("position"))
    return report_save(
        report=report,
        user=user,
        expected_revision=report.revision,
        fields={"discussion": "Entorse grave du rachis cervical, imputable à l'accident.", "suffering": 3},
        answers={q.pk: text for q, text in zip(questions, texts, strict=False)},
    )


def _start(mission):
    lead = mission.assignments.get(role="expert").expert
    with transaction.atomic():
        designation_respond(by=lead, mission=mission, accept=True)
        mission_transition(by=lead, mission=mission, to=MissionStatus.IN_PROGRESS)


def _end_dires_period(mission):
    """The deposit waits for the end of the dires period (art. 276 CPC; reports.guards)."""
    Mission.objects.filter(pk=mission.pk).update(dires_due=timezone.localdate() - timedelta(days=1))


def _co_expert(mission, user):
    """Two doctors writing one report: the second is a co-expert (CPC art. 278), not a sapiteur."""
    mission.assignments.filter(expert=user).update(role="co_expert")


def test_rendered_report_answers_the_questions_in_order_and_names_only_the_pieces_it_may(lyon_report, tmp_path):
    # Art. 244 CPC: the report holds only what the mission needs; rules 3, 6 and 7 of DOMAIN.md §3
    mission, users = lyon_report
    _answer_all(mission, users["dr.martin"])
    text = render_report(mission, tmp_path)
    flat = " ".join(text.split())

    assert "Tribunal judiciaire de Lyon" in text and "26/01234" in text and "Alice Dupont" in text
    positions = [flat.index(answer) for answer in ANSWERS]
    assert positions == sorted(positions), "conclusions out of the mission's order"
    questions = [flat.index(q.text) for q in mission.questions.order_by("position")]
    assert questions == sorted(questions)
    # the pieces relied on, numbered, with their producing party
    assert re.search(r"\b1\s+Ordonnance de référé désignant l'expert", text)
    assert "Certificat de consolidation" in text and "Atlas Assurances" in text
    for title in HIDDEN_TITLES.values():
        assert title not in flat
    assert "La victime a refusé la communication d'une pièce." in flat
    assert "PRÉ-RAPPORT" not in text
    pages = int(re.search(r"page 1 / (\d+)", text).group(1))
    assert f"page {pages} / {pages}" in text
    assert text.count("RG 26/01234 —") == pages - 1  # running header on every page but the cover
    assert "Sommaire" in text and "Conclusions" in text


def test_pre_report_is_marked_on_every_page(lyon_report, tmp_path):
    mission, _ = lyon_report
    text = render_report(mission, tmp_path, pre=True)
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3
    assert all("PRÉ-RAPPORT" in page for page in pages)


def test_user_text_is_escaped_never_markup_in_the_pdf(lyon_report, tmp_path):
    mission, users = lyon_report
    report = report_for(mission)
    hostile = '<img src="file:///etc/passwd"><b>gras</b> <script>alert(1)</script>'
    report_save(report=report, user=users["dr.martin"], expected_revision=0, fields={"facts": hostile})
    text = render_report(mission, tmp_path)
    assert '<img src="file:///etc/passwd"><b>gras</b>' in " ".join(text.split())


def test_first_page_turns_into_a_png_with_pdftoppm(lyon_report, tmp_path):
    mission, _ = lyon_report
    render_report(mission, tmp_path)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(tmp_path / "report.pdf"), str(tmp_path / "cover")],
        check=True,
    )
    png = next(tmp_path.glob("cover*.png")).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000


def test_an_unanswered_question_stops_the_deposit_with_its_number(lyon_report):
    mission, users = lyon_report
    _start(mission)
    _answer_all(mission, users["dr.martin"], [*ANSWERS[:4], "", *ANSWERS[5:]])
    with pytest.raises(ValidationError, match="question 5 sans réponse"):
        render_request(mission=mission, user=users["dr.martin"], kind=RenderJob.Kind.FINAL)
    assert not ReportVersion.objects.exists()


def test_saving_over_a_concurrent_edit_is_refused_with_who_and_when(lyon_report):
    mission, users = lyon_report
    _co_expert(mission, users["dr.roux"])
    report = report_for(mission)
    report_save(report=report, user=users["dr.roux"], expected_revision=0, fields={"examination": "Raideur."})
    with pytest.raises(ConcurrentEdit, match=r"modifié par .*Roux"):
        report_save(report=report, user=users["dr.martin"], expected_revision=0, fields={"examination": "Souple."})
    report.refresh_from_db()
    assert report.examination == "Raideur." and report.revision == 1


def test_editor_keeps_the_typed_text_and_says_so_on_a_concurrent_edit(client, lyon_report):
    mission, users = lyon_report
    _co_expert(mission, users["dr.roux"])
    report = report_for(mission)
    report_save(report=report, user=users["dr.roux"], expected_revision=0, fields={"examination": "Raideur."})
    client.force_login(users["dr.martin"])
    response = client.post(
        reverse("reports:mission_report", args=[mission.pk]),
        {
            "revision": 0,
            "examination": "Mon texte",
            "periods-TOTAL_FORMS": 0,
            "periods-INITIAL_FORMS": 0,
            "action": "save",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "depuis que vous l&#x27;avez ouvert" in page and "Mon texte" in page


def test_pre_report_opens_the_dires_period_and_the_deposit_freezes_the_pdf(
    lyon_report, django_capture_on_commit_callbacks
):
    # Art. 276 CPC: the dires deadline; the deposit is frozen (bytes and SHA-256); a later change is a complement
    mission, users = lyon_report
    for user in users.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    expert = users["dr.martin"]
    _start(mission)
    due = timezone.localdate() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        # no meeting in this file: the expert confirms it (reports.guards, art. 160 CPC)
        job = render_request(
            mission=mission, user=expert, kind=RenderJob.Kind.PRE_REPORT, dires_due=due, confirmed=["no-meeting-held"]
        )
    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE, job.error
    mission.refresh_from_db()
    assert mission.status == MissionStatus.PRE_REPORT and mission.dires_due == due
    sent = mail.outbox[-1]
    assert set(sent.to) == {f"{name}@example.org" for name in SIDES}  # every party's side; not the court, not outsiders
    assert f"dires jusqu'au {due:%d/%m/%Y}" in sent.body and "Dupont" not in sent.body + sent.subject
    assert any(
        d.kind == deadlines.Kind.DIRES and d.due == due
        for d in deadlines.mission_deadlines(mission, timezone.localdate())
    )

    dire = dire_record(
        mission=mission,
        party=mission.parties.get(name="Atlas Assurances"),
        received_on=timezone.localdate(),
        text="L'assureur conteste la durée de l'arrêt.",
        filed_by=users["me.atlas"],
    )
    dire_answer(
        by=expert,
        dire=dire,
        answer="La durée est justifiée par les certificats de prolongation.",
        answered_on=timezone.localdate(),
    )
    _answer_all(mission, expert)
    _end_dires_period(mission)
    with django_capture_on_commit_callbacks(execute=True):
        job = render_request(mission=mission, user=expert, kind=RenderJob.Kind.FINAL)
    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE, job.error
    final = job.version
    assert final.kind == VersionKind.FINAL and final.number == 2
    assert final.sha256 == hashlib.sha256(bytes(final.pdf)).hexdigest()
    mission.refresh_from_db()
    assert mission.status == MissionStatus.DEPOSITED and mission.deposited_on == timezone.localdate()

    with pytest.raises(ValueError):
        final.save()
    with pytest.raises(ValueError):
        final.delete()

    report = report_for(mission)
    report_save(
        report=report, user=expert, expected_revision=report.revision, fields={"reserves": "Arthrose à surveiller."}
    )
    with django_capture_on_commit_callbacks(execute=True):  # a complement says why (reports.guards)
        job = render_request(mission=mission, user=expert, kind=RenderJob.Kind.FINAL, reason="Réserves précisées.")
    job.refresh_from_db()
    assert job.version.kind == VersionKind.COMPLEMENT and job.version.number == 3
    assert "greffe.lyon@example.org" in mail.outbox[-1].to  # the court is told of a deposit
    assert ReportVersion.objects.get(pk=final.pk).sha256 == final.sha256


def test_deposited_report_carries_each_dire_with_the_expert_s_answer(lyon_report, tmp_path):
    mission, users = lyon_report
    dire = dire_record(
        mission=mission,
        party=mission.parties.get(name="Atlas Assurances"),
        received_on=date(2026, 11, 2),
        text="Contestation de la date de consolidation.",
        filed_by=users["me.atlas"],
    )
    dire_answer(
        by=users["dr.martin"],
        dire=dire,
        answer="La date retenue est celle du certificat du médecin traitant.",
        answered_on=date(2026, 11, 10),
    )
    flat = " ".join(render_report(mission, tmp_path).split())
    assert "Réponses aux dires" in flat
    assert "02/11/2026" in flat and "La date retenue est celle du certificat" in flat


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_to_change_a_deposited_version_even_in_raw_sql(lyon_report):
    mission, users = lyon_report
    version = factories.report_version(mission, users["dr.martin"])
    for sql in (
        "UPDATE reports_reportversion SET sha256 = 'x' WHERE id = %s",
        "DELETE FROM reports_reportversion WHERE id = %s",
    ):
        with pytest.raises(Exception, match="frozen"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [version.pk])


def test_a_change_between_the_request_and_the_rendering_fails_the_deposit(lyon_report):
    from reports.services import render_job_run

    mission, users = lyon_report
    _start(mission)
    _answer_all(mission, users["dr.martin"])
    job = render_request(mission=mission, user=users["dr.martin"], kind=RenderJob.Kind.FINAL)  # not yet run
    _co_expert(mission, users["dr.roux"])
    report = report_for(mission)
    report_save(
        report=report, user=users["dr.roux"], expected_revision=report.revision, fields={"reserves": "Modifié."}
    )
    job = render_job_run(job.pk)
    assert job.status == RenderJob.Status.FAILED and "modifié depuis la demande" in job.error
    assert not ReportVersion.objects.exists()


def test_certificates_propose_the_periods_and_the_consolidation_date(lyon_report):
    mission, _ = lyon_report
    found = certificate_proposals(mission)
    assert found.consolidation_date == date(2026, 9, 15)


def test_the_builder_query_count_is_the_same_for_20_and_300_pieces(lyon_report):
    mission, _ = lyon_report
    victim = mission.parties.get(is_victim=True)

    def add(count: int, start: int) -> None:
        factories.bulk_documents(mission, count, start, patient=victim, producers=[victim])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            data = report_data(mission, VersionKind.FINAL)
            [d.producer_label for d in data.pieces.pieces]
            [list(p.representatives.all()) for p in data.parties]
        return len(ctx.captured_queries)

    report_for(mission)  # the working copy exists, as it does once the expert opened the editor
    add(20 - Document.objects.filter(mission=mission).count(), 100)
    small = queries()
    add(280, 1000)
    assert Document.objects.filter(mission=mission).count() == 300
    assert queries() == small


def test_ratings_are_shown_on_the_seven_degree_scale_and_rates_in_french(lyon_report, tmp_path):
    mission, users = lyon_report
    report_save(
        report=report_for(mission),
        user=users["dr.martin"],
        expected_revision=0,
        fields={
            "suffering": 3,
            "aesthetic_permanent": 1,
            "ipp_rate": Decimal("71.20"),
            "ipp_reasoning": "Règle de Balthazard.",
        },
    )
    flat = " ".join(render_report(mission, tmp_path).split())
    assert "3/7 (modéré)" in flat and "1/7 (très léger)" in flat and "71,2 %" in flat


def test_the_clerk_sees_the_pre_report_and_the_deposit_in_the_procedural_timeline(
    client, lyon_report, django_capture_on_commit_callbacks
):
    mission, users = lyon_report
    _start(mission)
    due = timezone.localdate() + timedelta(days=21)
    with django_capture_on_commit_callbacks(execute=True):
        render_request(
            mission=mission,
            user=users["dr.martin"],
            kind=RenderJob.Kind.PRE_REPORT,
            dires_due=due,
            confirmed=["no-meeting-held"],
        )
    _answer_all(mission, users["dr.martin"])
    _end_dires_period(mission)
    with django_capture_on_commit_callbacks(execute=True):
        render_request(mission=mission, user=users["dr.martin"], kind=RenderJob.Kind.FINAL)
    client.force_login(users["greffe.lyon"])
    page = client.get(reverse("cases:mission_deadlines", args=[mission.pk])).content.decode()
    assert f"Pré-rapport n° 1 (dires jusqu&#x27;au {due:%d/%m/%Y})" in page
    assert "Rapport définitif n° 2" in page and "Dépôt du rapport au greffe" in page
    versions = client.get(reverse("reports:mission_report", args=[mission.pk])).content.decode()
    assert "Rapport définitif n° 2" in versions and "Pré-rapport n° 1" not in versions
