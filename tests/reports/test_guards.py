"""Guards before the irreversible steps (issue #14): the pre-report, the deposit and a complementary
report. Each guard blocks or asks for a confirmation naming the thing, with its legal basis; the
confirmation page lists them and nothing starts on one click; the scenario loader's entry checks
them on the file's dates."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import countries
from cases.choices import MissionStatus, RepresentativeKind
from cases.models import Change, ChangeAction, Consignation, Convocation, Dire, Mission
from cases.models.convocation import MeetingStatus
from cases.services.missions import designation_respond, mission_transition
from reports import guards
from reports.builder import report_for
from reports.models import RenderJob, ReportVersion, VersionKind
from reports.services import ConfirmationNeeded, render_request, report_publish, report_save
from tests import factories
from tests.reports.conftest import pdftotext

pytestmark = pytest.mark.django_db


# --- Set-up ----------------------------------------------------------------------------------------


def _today(mission):
    return countries.today(mission)


def _mission(**kwargs):
    """A mission in progress: its lead expert, the victim with her avocat, every question answered."""
    lead = factories.expert(name="Dr Paul Martin")
    m = factories.mission(expert_user=lead, **kwargs)
    with transaction.atomic():
        designation_respond(by=lead, mission=m, accept=True, on=m.ordered_on)
        mission_transition(by=lead, mission=m, to=MissionStatus.IN_PROGRESS)
    victim = factories.party(m, name="Alice Dupont", is_victim=True)
    factories.represent(victim, RepresentativeKind.AVOCAT)
    _answer(m, lead)
    m.refresh_from_db()
    return m, lead, victim


def _answer(mission, lead, texts=None, fields=None):
    report = report_for(mission)
    questions = list(mission.questions.order_by("position"))
    texts = texts if texts is not None else [f"Réponse {q.position}." for q in questions]
    return report_save(
        report=report,
        user=lead,
        expected_revision=report.revision,
        fields=fields or {"discussion": "Entorse cervicale imputable à l'accident."},
        answers={q.pk: t for q, t in zip(questions, texts, strict=False)},
    )


def _meeting(mission, days: int, status=MeetingStatus.SCHEDULED, place="Cabinet, 3 rue de la Paix, Lyon"):
    day = _today(mission) + timedelta(days=days)
    return Convocation.objects.create(
        mission=mission, meeting_at=countries.aware(day, time(9, 30), mission), place=place, status=status
    )


def _dire(mission, party, received_on, answer=""):
    return Dire.objects.create(
        mission=mission, party=party, received_on=received_on, text="Observations.", answer=answer, is_filed=True
    )


def _codes(found):
    return {g.code for g in found.blocks}, {g.code for g in found.asks}


def _deposit(client, mission, confirmed=(), **data):
    return client.post(
        reverse("reports:report_publish", args=[mission.pk, "final"]), {"confirmed": list(confirmed), **data}
    )


# --- Each guard, at the service --------------------------------------------------------------------


def test_every_question_answered_or_the_deposit_is_blocked_cpc_238():
    m, lead, _victim = _mission()
    _answer(m, lead, ["Examinée.", ""])
    found = guards.deposit_guards(m)
    assert _codes(found)[0] == {"questions-unanswered"}
    assert "question 2 sans réponse" in found.blocks[0].text and "art. 238 CPC" in found.blocks[0].text
    with pytest.raises(ValidationError, match="question 2 sans réponse"):
        render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL, confirmed=found.codes)
    assert not RenderJob.objects.exists()


def test_the_dires_period_still_running_blocks_the_deposit_cpc_276_and_16():
    m, lead, _victim = _mission()
    due = _today(m) + timedelta(days=10)
    Mission.objects.filter(pk=m.pk).update(dires_due=due)
    m.refresh_from_db()
    found = guards.deposit_guards(m)
    block = next(g for g in found.blocks if g.code == "dires-period-running")
    assert f"{due:%d/%m/%Y}" in block.message and block.law == "art. 276 CPC ; art. 16 CPC"
    with pytest.raises(ValidationError, match="Le délai des dires court jusqu'au"):
        render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL)
    # its last day asks: a dire may still arrive that day; the day after, nothing is left to say
    assert "dires-period-last-day" in _codes(guards.deposit_guards(m, on=due))[1]
    assert _codes(guards.deposit_guards(m, on=due + timedelta(days=1))) == (set(), set())


def test_a_dire_without_an_answer_blocks_the_deposit_and_a_late_one_asks_cpc_276_al_2():
    m, _lead, victim = _mission()
    insurer = factories.party(m, name="Atlas Assurances", role="defendeur", is_insurer=True)
    factories.represent(insurer, RepresentativeKind.AVOCAT)
    due = _today(m) - timedelta(days=10)
    Mission.objects.filter(pk=m.pk).update(dires_due=due)
    m.refresh_from_db()
    in_time = _dire(m, insurer, due - timedelta(days=2))
    late = _dire(m, victim, due + timedelta(days=3))
    _dire(m, victim, due - timedelta(days=5), answer="La date retenue est celle du certificat.")
    found = guards.deposit_guards(m)
    blocks, asks = _codes(found)
    assert blocks == {f"dire-unanswered:{in_time.pk}"} and f"dire-unanswered:{late.pk}" in asks
    block = found.blocks[0]
    assert "Atlas Assurances" in block.message and f"{in_time.received_on:%d/%m/%Y}" in block.message
    assert "suite donnée aux observations" in block.message and "art. 276 CPC" in block.law
    ask = next(g for g in found.asks if g.code == f"dire-unanswered:{late.pk}")
    assert "Alice Dupont" in ask.message and "après la date limite" in ask.message


def test_a_meeting_still_scheduled_asks_naming_it_cpc_160():
    m, lead, _victim = _mission()
    scheduled = _meeting(m, 5)
    _meeting(m, -20, MeetingStatus.HELD)
    _meeting(m, -10, MeetingStatus.CANCELLED)
    found = guards.deposit_guards(m)
    assert _codes(found) == (set(), {f"meeting-scheduled:{scheduled.pk}"})
    ask = found.asks[0]
    day = _today(m) + timedelta(days=5)
    assert f"{day:%d/%m/%Y} à 09:30" in ask.message and "3 rue de la Paix" in ask.message
    assert ask.law == "art. 160 CPC"
    with pytest.raises(ConfirmationNeeded) as refused:
        render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL)
    assert refused.value.code == "confirm" and [g.code for g in refused.value.asks] == found.codes
    assert not RenderJob.objects.exists()


def test_an_unpaid_consignation_asks_naming_amount_and_payer_cpc_269_271():
    m, _lead, victim = _mission()
    unpaid = Consignation.objects.create(
        mission=m, amount=Decimal("1200"), payer=victim, due=_today(m) - timedelta(days=30)
    )
    Consignation.objects.create(
        mission=m, amount=Decimal("300"), payer=victim, due=_today(m), paid_on=_today(m) - timedelta(days=1)
    )
    found = guards.deposit_guards(m)
    assert _codes(found) == (set(), {f"consignation-unpaid:{unpaid.pk}"})
    ask = found.asks[0]
    assert "1 200,00 €" in ask.message and "Alice Dupont" in ask.message and "le juge en décide" in ask.message
    assert ask.law == "art. 269 CPC ; art. 271 CPC"


def test_a_piece_relied_on_that_a_party_has_not_received_asks_naming_piece_and_party_cpc_16():
    m, _lead, victim = _mission()
    insurer = factories.party(m, name="Atlas Assurances", role="defendeur", is_insurer=True)
    factories.represent(insurer, RepresentativeKind.MEDECIN_CONSEIL)
    factories.party(m, name="Témoin sans qualité", role="intervenant", opposable=False)  # not owed the pieces
    police = factories.document(m, title="Procès-verbal de police", producer_party=victim)
    scan = factories.medical(m, victim, title="Compte rendu d'IRM cervicale")
    found = guards.deposit_guards(m)
    # the insurer's doctor reads the victim's medical piece only with her consent (rule 5)
    assert _codes(found)[1] == {f"piece-not-received:{scan.pk}:{insurer.pk}"}, police
    ask = found.asks[0]
    assert f"pièce n° {scan.number}" in ask.message and "Compte rendu d'IRM cervicale" in ask.message
    assert "Atlas Assurances" in ask.message and ask.law == "art. 16 et 160 CPC"
    assert "Compte rendu d'IRM" not in ask.trail  # the history is the court's: no medical title (rule 8)
    factories.consent(m, victim, to=insurer)
    assert not guards.deposit_guards(m).asks


def test_before_the_pre_report_no_meeting_held_and_a_dires_deadline_past_the_report_s_ask_cpc_160_276():
    m, lead, _victim = _mission()
    late = m.report_due + timedelta(days=5)
    found = guards.pre_report_guards(m, late)
    assert _codes(found) == (set(), {"no-meeting-held", "dires-after-report-due"})
    by_code = {g.code: g for g in found.asks}
    assert by_code["no-meeting-held"].law == "art. 160 CPC"
    assert f"{late:%d/%m/%Y}" in by_code["dires-after-report-due"].message
    assert by_code["dires-after-report-due"].law == "art. 276 CPC ; art. 279 CPC"
    _meeting(m, -3, MeetingStatus.HELD)
    assert not guards.pre_report_guards(m, _today(m) + timedelta(days=20))
    # the request's own checks stay: a deadline already past is refused at its field
    with pytest.raises(ValidationError) as refused:
        render_request(mission=m, user=lead, kind=RenderJob.Kind.PRE_REPORT, dires_due=_today(m))
    assert "dires_due" in refused.value.message_dict


def test_tunisia_cites_the_cpcc_never_a_french_article():
    court = factories.CourtFactory(code="tpi-tunis", name="Tribunal de première instance de Tunis", country="TN")
    m, lead, _victim = _mission(court=court)
    _meeting(m, 4)
    _answer(m, lead, ["", ""])
    found = guards.deposit_guards(m)
    assert {g.law for g in found.blocks + found.asks} == {"CPCC"}
    assert all(g.law == "CPCC" for g in guards.pre_report_guards(m, m.report_due + timedelta(days=1)).asks)


def test_the_guards_read_the_mission_in_a_fixed_number_of_queries():
    def count(n: int) -> int:
        m, _lead, victim = _mission()
        insurer = factories.party(m, name="Atlas Assurances", role="defendeur", is_insurer=True)
        factories.represent(insurer, RepresentativeKind.MEDECIN_CONSEIL)
        for i in range(n):
            _meeting(m, i + 1)
            _dire(m, insurer, _today(m) - timedelta(days=i + 1))
            Consignation.objects.create(mission=m, amount=Decimal(100 + i), payer=victim, due=_today(m))
            factories.medical(m, victim, title=f"Certificat {i}")
        with CaptureQueriesContext(connection) as queries:
            found = guards.deposit_guards(m)
        assert len(found.asks) == 3 * n and len(found.blocks) == n
        return len(queries)

    assert count(2) == count(6)


# --- Confirmation, record and re-check ---------------------------------------------------------------


def test_confirmed_warnings_are_stored_on_the_version_and_in_the_history_the_court_reads(
    django_capture_on_commit_callbacks,
):
    m, lead, victim = _mission()
    meeting = _meeting(m, 3)
    Consignation.objects.create(mission=m, amount=Decimal("800"), payer=victim, due=_today(m))
    codes = guards.deposit_guards(m).codes
    with pytest.raises(ConfirmationNeeded):
        render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL, confirmed=codes[:1])
    with django_capture_on_commit_callbacks(execute=True):
        job = render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL, confirmed=[*codes, "made-up"])
    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE, job.error
    assert job.confirmed == codes and job.version.confirmed == codes and job.version.kind == VersionKind.FINAL
    m.refresh_from_db()
    assert m.status == MissionStatus.DEPOSITED and m.deposited_on == _today(m)
    change = Change.objects.get(mission=m, subject="reportversion")
    assert change.action == ChangeAction.CONFIRMED and change.court_visible and change.by == lead
    confirmed = change.changes["avertissements confirmés"][1]
    assert f"meeting-scheduled:{meeting.pk}" in codes and "est encore prévue" in confirmed and "800,00 €" in confirmed


def test_a_warning_that_appears_between_the_request_and_the_rendering_fails_the_job():
    from reports.services import render_job_run

    m, lead, _victim = _mission()
    job = render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL)  # nothing to confirm; not yet run
    _meeting(m, 2)
    job = render_job_run(job.pk)
    assert job.status == RenderJob.Status.FAILED and "est encore prévue" in job.error
    assert not ReportVersion.objects.exists()


def test_a_complementary_report_needs_a_reason_and_a_change(django_capture_on_commit_callbacks, tmp_path):
    m, lead, _victim = _mission()
    with django_capture_on_commit_callbacks(execute=True):
        render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL)
    assert ReportVersion.objects.get().kind == VersionKind.FINAL
    with pytest.raises(ValidationError) as refused:
        render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL)
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError, match="Aucune modification depuis le rapport déposé"):
        render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL, reason="Réponse au juge.")
    _answer(m, lead, fields={"reserves": "Arthrose à surveiller."})
    with django_capture_on_commit_callbacks(execute=True):
        job = render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL, reason="Question du juge du 2 mars.")
    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE, job.error
    assert job.version.kind == VersionKind.COMPLEMENT and job.version.reason == "Question du juge du 2 mars."
    assert Change.objects.filter(mission=m, object_id=job.version.pk, reason="Question du juge du 2 mars.").exists()
    pdf = tmp_path / "complement.pdf"
    pdf.write_bytes(bytes(job.version.pdf))
    assert "Question du juge du 2 mars." in " ".join(pdftotext(pdf).split())  # printed with the complement


# --- The scenario loader's entry: on the file's dates ------------------------------------------------


def test_report_publish_runs_the_guards_on_the_file_s_dates_and_dates_the_versions():
    today = countries.today("FR")
    m, lead, victim = _mission(ordered_on=today - timedelta(days=100), report_due=today + timedelta(days=60))
    _meeting(m, -50, MeetingStatus.HELD)
    Consignation.objects.create(mission=m, amount=Decimal("900"), payer=victim, due=today - timedelta(days=80))
    sent_on, dires_due, deposit_on = today - timedelta(days=40), today - timedelta(days=20), today - timedelta(days=10)

    pre = report_publish(mission=m, user=lead, kind=RenderJob.Kind.PRE_REPORT, on=sent_on, dires_due=dires_due)
    m.refresh_from_db()
    assert pre.kind == VersionKind.PRE_REPORT and countries.local(pre.created_at, m).date() == sent_on
    assert m.dires_due == dires_due and m.status == MissionStatus.PRE_REPORT

    dire = _dire(m, victim, dires_due - timedelta(days=1))
    with pytest.raises(ValidationError, match="sans réponse"):  # a block still refuses
        report_publish(mission=m, user=lead, kind=RenderJob.Kind.FINAL, on=deposit_on)
    Dire.objects.filter(pk=dire.pk).update(answer="Prise en compte.", answered_on=deposit_on)
    with pytest.raises(ValidationError, match="Le délai des dires court jusqu'au"):  # on the file's date
        report_publish(mission=m, user=lead, kind=RenderJob.Kind.FINAL, on=dires_due - timedelta(days=2))
    with pytest.raises(ConfirmationNeeded):  # confirmed given: each warning must be in it
        report_publish(mission=m, user=lead, kind=RenderJob.Kind.FINAL, on=deposit_on, confirmed=[])

    final = report_publish(mission=m, user=lead, kind=RenderJob.Kind.FINAL, on=deposit_on)
    m.refresh_from_db()
    assert final.kind == VersionKind.FINAL and countries.local(final.created_at, m).date() == deposit_on
    assert m.status == MissionStatus.DEPOSITED and m.deposited_on == deposit_on
    assert [c.split(":")[0] for c in final.confirmed] == ["consignation-unpaid"]  # the file says it happened
    with pytest.raises(ValidationError, match="futur"):
        report_publish(mission=m, user=lead, kind=RenderJob.Kind.FINAL, on=today + timedelta(days=1))


# --- Over HTTP: the confirmation page ------------------------------------------------------------------


def test_the_report_page_leads_to_the_confirmation_page_and_a_click_deposits_nothing(client):
    m, lead, _victim = _mission()
    _meeting(m, 4)
    client.force_login(lead)
    page = client.get(reverse("reports:mission_report", args=[m.pk])).content.decode()
    confirm = reverse("reports:report_publish", args=[m.pk, "final"])
    assert f'href="{confirm}"' in page  # a link, not a form that deposits
    response = client.post(reverse("reports:report_render", args=[m.pk, "final"]))
    assert response.status_code == 302 and response.url == confirm
    assert not RenderJob.objects.exists()


def test_the_confirmation_page_lists_blocks_in_red_and_each_warning_with_its_checkbox(client):
    m, lead, victim = _mission()
    first, second = _meeting(m, 4), _meeting(m, 8, place="Hôpital Edouard Herriot")
    unpaid = Consignation.objects.create(mission=m, amount=Decimal("1200"), payer=victim, due=_today(m))
    client.force_login(lead)
    page = client.get(reverse("reports:report_publish", args=[m.pk, "final"])).content.decode()
    for code in (f"meeting-scheduled:{first.pk}", f"meeting-scheduled:{second.pk}", f"consignation-unpaid:{unpaid.pk}"):
        assert f'name="confirmed" value="{code}"' in page
    assert page.count('type="checkbox" name="confirmed"') == 3
    assert "Hôpital Edouard Herriot" in page and "art. 160 CPC" in page and "Confirmer le dépôt du rapport" in page
    assert 'id="guards-blocks"' not in page

    _answer(m, lead, ["", "Consolidation."])
    page = client.get(reverse("reports:report_publish", args=[m.pk, "final"])).content.decode()
    assert 'class="alert alert-danger" role="alert" id="guards-blocks"' in page and "question 1 sans réponse" in page
    assert "Confirmer le dépôt du rapport" not in page  # nothing to submit while a block stands


def test_posting_without_every_checkbox_starts_nothing_and_with_them_the_report_is_deposited(
    client, django_capture_on_commit_callbacks
):
    m, lead, victim = _mission()
    meeting = _meeting(m, 4)
    unpaid = Consignation.objects.create(mission=m, amount=Decimal("1200"), payer=victim, due=_today(m))
    client.force_login(lead)
    codes = [f"meeting-scheduled:{meeting.pk}", f"consignation-unpaid:{unpaid.pk}"]
    for partial in ([], codes[:1]):
        response = _deposit(client, m, partial)
        assert response.status_code == 400 and "Cochez chacun des avertissements" in response.content.decode()
        assert not RenderJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = _deposit(client, m, codes)
    job = RenderJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:render_job", args=[job.pk])
    state = client.get(reverse("reports:render_job_status", args=[job.pk])).json()
    assert state["status"] == "done", state
    assert ReportVersion.objects.get().confirmed == codes


def test_a_complement_over_http_asks_its_reason_at_the_field(client, django_capture_on_commit_callbacks):
    m, lead, _victim = _mission()
    with django_capture_on_commit_callbacks(execute=True):
        render_request(mission=m, user=lead, kind=RenderJob.Kind.FINAL)
    client.force_login(lead)
    page = client.get(reverse("reports:mission_report", args=[m.pk])).content.decode()
    assert "Déposer un rapport complémentaire" in page
    page = client.get(reverse("reports:report_publish", args=[m.pk, "final"])).content.decode()
    assert 'name="reason"' in page and "Aucune modification depuis le rapport déposé" in page
    _answer(m, lead, fields={"reserves": "Arthrose à surveiller."})
    response = _deposit(client, m, reason="")
    assert response.status_code == 400 and 'id="error_1_id_reason"' in response.content.decode()
    assert ReportVersion.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = _deposit(client, m, reason="Réponse à la question du juge.")
    assert response.status_code == 302
    assert ReportVersion.objects.latest("number").reason == "Réponse à la question du juge."


def test_the_pre_report_s_confirmation_page_lists_its_warnings_and_refuses_a_past_deadline(
    client, django_capture_on_commit_callbacks
):
    m, lead, _victim = _mission()
    client.force_login(lead)
    url = reverse("reports:report_publish", args=[m.pk, "pre_report"])
    past = client.get(url, {"dires_due": (_today(m) - timedelta(days=1)).isoformat()}).content.decode()
    assert "postérieure à aujourd&#x27;hui" in past
    due = (m.report_due + timedelta(days=3)).isoformat()
    page = client.get(url, {"dires_due": due}).content.decode()
    assert 'value="no-meeting-held"' in page and 'value="dires-after-report-due"' in page
    response = client.post(url, {"dires_due": due, "confirmed": ["no-meeting-held"]})
    assert response.status_code == 400 and not RenderJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"dires_due": due, "confirmed": ["no-meeting-held", "dires-after-report-due"]})
    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert version.kind == VersionKind.PRE_REPORT and version.confirmed == ["no-meeting-held", "dires-after-report-due"]


def test_the_deposit_page_says_at_once_when_the_mission_s_state_forbids_it(client):
    lead = factories.expert()
    m = factories.mission(expert_user=lead)  # designated: the operations have not started
    client.force_login(lead)
    page = client.get(reverse("reports:report_publish", args=[m.pk, "final"])).content.decode()
    assert "Le rapport ne peut être déposé : mission à l&#x27;état" in page
    assert 'id="guards-blocks"' in page and "Confirmer le dépôt du rapport" not in page


def test_only_the_lead_expert_reaches_the_confirmation_page(client):
    m, _lead, victim = _mission()
    avocat = victim.representatives.get().user
    co_expert = factories.expert()
    m.assignments.create(expert=co_expert, role="co_expert")
    for user in (avocat, co_expert):
        client.force_login(user)
        for kind in ("pre_report", "final"):
            url = reverse("reports:report_publish", args=[m.pk, kind])
            assert client.get(url).status_code == 403, (user, kind)
            assert client.post(url, {"dires_due": "2027-01-01"}).status_code == 403, (user, kind)
    assert not RenderJob.objects.exists()


def test_the_version_list_shows_the_complement_s_reason(client):
    m, lead, _victim = _mission()
    report_publish(mission=m, user=lead, kind=RenderJob.Kind.FINAL, on=_today(m))
    _answer(m, lead, fields={"reserves": "Arthrose."})
    report_publish(mission=m, user=lead, kind=RenderJob.Kind.FINAL, on=_today(m), reason="Pièce nouvelle du 3 mars.")
    client.force_login(lead)
    page = client.get(reverse("reports:mission_report", args=[m.pk])).content.decode()
    assert "Motif : Pièce nouvelle du 3 mars." in page
