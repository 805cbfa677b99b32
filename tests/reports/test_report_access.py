"""Who receives the report: the experts write it; every party's side (the party, its avocat, its
médecin-conseil) receives the pre-report and the report (art. 276 CPC); the court sees what was
deposited; nobody else learns that it exists (art. 160 CPC, secrecy rule 1)."""

import hashlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import RenderJob, VersionKind
from tests import factories

pytestmark = pytest.mark.django_db


def test_versions_reach_each_side_the_court_only_once_deposited(client, lyon_report):
    mission, users = lyon_report
    pre = factories.report_version(mission, users["dr.martin"], VersionKind.PRE_REPORT, 1)
    final = factories.report_version(mission, users["dr.martin"], VersionKind.FINAL, 2)
    expected = {
        "dr.martin": {pre, final},
        "dr.roux": {pre, final},
        "alice": {pre, final},
        "me.durand": {pre, final},
        "dr.recours": {pre, final},
        "me.atlas": {pre, final},
        "dr.atlas": {pre, final},
        "atlas.gestion": {pre, final},
        "greffe.lyon": {final},  # the court: the deposit, not the pre-report
        "dr.leblanc": set(),  # no seat in this mission
    }
    for name, versions in expected.items():
        client.force_login(users[name])
        for version in (pre, final):
            response = client.get(reverse("reports:version_pdf", args=[version.pk]))
            if version in versions:
                assert response.status_code == 200, (name, version)
                assert response["Content-Type"] == "application/pdf"
                assert hashlib.sha256(response.content).hexdigest() == version.sha256  # the frozen bytes
                assert "no-store" in response["Cache-Control"]
            else:
                assert response.status_code == 404, (name, version)


def test_only_the_mission_s_experts_open_the_editor_and_ask_for_pdfs(client, lyon_report):
    mission, users = lyon_report
    url = reverse("reports:mission_report", args=[mission.pk])
    client.force_login(users["me.atlas"])
    page = client.get(url)
    assert page.status_code == 200 and 'id="report-editor"' not in page.content.decode()
    for kind in RenderJob.Kind.values:
        assert client.post(reverse("reports:report_render", args=[mission.pk, kind])).status_code == 403
    client.force_login(users["dr.leblanc"])
    assert client.get(url).status_code == 404
    assert client.post(reverse("reports:report_render", args=[mission.pk, "draft"])).status_code == 404
    assert not RenderJob.objects.exists()


def test_a_draft_pdf_is_the_experts_own(client, lyon_report, django_capture_on_commit_callbacks):
    mission, users = lyon_report
    client.force_login(users["dr.martin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_render", args=[mission.pk, "draft"]))
    job = RenderJob.objects.get()
    assert response.url == reverse("reports:render_job", args=[job.pk])
    state = client.get(reverse("reports:render_job_status", args=[job.pk])).json()
    assert state["status"] == "done" and state["progress"] == 100
    pdf = client.get(state["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for name in ("me.durand", "greffe.lyon", "dr.leblanc"):
        client.force_login(users[name])
        for route in ("render_job", "render_job_status", "render_job_pdf"):
            assert client.get(reverse(f"reports:{route}", args=[job.pk])).status_code == 404, (name, route)


def test_the_pre_report_form_refuses_a_past_dires_deadline_in_french(client, lyon_report):
    mission, users = lyon_report
    client.force_login(users["dr.martin"])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        reverse("reports:report_render", args=[mission.pk, "pre_report"]),
        {"dires_due": yesterday.isoformat()},
        follow=True,
    )
    assert "postérieure à aujourd&#x27;hui" in response.content.decode()
    assert not RenderJob.objects.exists()


def test_the_editor_saves_answers_and_periods_and_reports_bad_input_at_its_place(client, lyon_report):
    mission, users = lyon_report
    client.force_login(users["dr.martin"])
    url = reverse("reports:mission_report", args=[mission.pk])
    questions = list(mission.questions.order_by("position"))
    data = {
        "revision": 0,
        "action": "save",
        "discussion": "Discussion.",
        "suffering": "3",
        "periods-TOTAL_FORMS": 2,
        "periods-INITIAL_FORMS": 0,
        "periods-0-kind": "total",
        "periods-0-start": "2026-03-14",
        "periods-0-end": "2026-05-12",
        "periods-1-kind": "partial",
        "periods-1-start": "2026-05-13",
        "periods-1-end": "2026-05-01",
        f"answers-q{questions[0].pk}": "Examinée.",
    }
    page = client.post(url, data).content.decode()
    assert "La fin de la période précède son début." in page
    assert "Indiquez le taux de l&#x27;incapacité partielle." in page
    report = mission.report
    report.refresh_from_db()
    assert report.revision == 0 and not report.periods.exists()  # nothing half saved

    data.update({"periods-1-end": "2026-06-30", "periods-1-rate": "25"})
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.revision == 1 and report.suffering == 3
    assert [(p.kind, str(p.rate)) for p in report.periods.all()] == [("total", "None"), ("partial", "25.00")]
    assert report.answers.get(question=questions[0]).text == "Examinée."


def test_the_calculator_proposes_and_the_expert_takes_it_before_saving(client, lyon_report):
    mission, users = lyon_report
    client.force_login(users["dr.martin"])
    url = reverse("reports:mission_report", args=[mission.pk])
    base = {"revision": 0, "periods-TOTAL_FORMS": 0, "periods-INITIAL_FORMS": 0, "calc-method": "gabrielli"}
    page = client.post(url, {**base, "action": "calculate", "calc-values": "15 ; 70"}).content.decode()
    assert "ne peut dépasser la capacité avant" in page
    page = client.post(url, {**base, "action": "take_calc", "calc-values": "70 ; 15"}).content.decode()
    assert 'value="78.57"' in page and "Formule de Gabrielli" in page
    mission.report.refresh_from_db()
    assert mission.report.ipp_rate is None  # proposed, not decided


def test_outsiders_get_404_on_every_report_route(client, lyon_report):
    mission, users = lyon_report
    client.force_login(factories.expert())
    version = factories.report_version(mission, users["dr.martin"], VersionKind.FINAL, 1)
    assert client.get(reverse("reports:mission_report", args=[mission.pk])).status_code == 404
    assert client.get(reverse("reports:version_pdf", args=[version.pk])).status_code == 404
