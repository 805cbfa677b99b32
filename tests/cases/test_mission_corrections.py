"""Correcting the mission's data with a trail, and the states that end a mission (issue #14, items 1
and 4): a court's records must be right, and must show how they became right.

Who corrects: the experts who carry out the mission (DOMAIN.md §8; CPC art. 233). The questions are
those of the order, answered in the pre-report the parties observe on (CPC art. 276): after it they
are no longer changed. The order is a fact (never dated in the future); the report is due after it
(CPC art. 265). Declining a designation (CPC art. 235) and a lapsed designation (CPC art. 271) end
the mission: final, confirmed explicitly.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from cases import countries
from cases.choices import MissionStatus
from cases.models import Change, ChangeAction, Mission
from cases.services.missions import (
    assignment_add,
    designation_respond,
    interests_declare,
    mission_dates_set,
    mission_questions_set,
    mission_transition,
    mission_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def college():
    m = factories.mission(court=factories.CourtFactory(name="Tribunal judiciaire de Lyon"))
    users = {"lead": factories.lead_expert(m), "co_expert": factories.expert(), "sapiteur": factories.expert()}
    assignment_add(mission=m, expert=users["co_expert"], role="co_expert")
    assignment_add(mission=m, expert=users["sapiteur"], role="sapiteur")
    users["clerk"] = factories.clerk(m.court)
    victim = factories.party(m, is_victim=True)
    users["avocat"] = factories.represent(victim)
    return m, users


def _edit_data(m: Mission, **changes) -> dict:
    data = {
        "court": m.court_id,
        "rg": m.rg,
        "title": m.title,
        "framework": m.framework,
        "kind": m.kind,
        "ordered_on": m.ordered_on.isoformat(),
        "report_due": m.report_due.isoformat(),
        "judge": m.judge,
        "language": m.language,
        "questions": "\n".join(q.text for q in m.questions.all()),
        "reason": "",
    }
    data.update(changes)
    return data


# --- correcting the mission's data ---------------------------------------------------------------


def test_a_corrected_rg_enters_the_history_with_who_when_before_after_and_why(client, college):
    """Issue #14 item 1: every change keeps who, when, before and after (CPC art. 233: the expert
    named records his mission)."""
    m, users = college
    client.force_login(users["lead"])
    detail = client.get(reverse("cases:mission_detail", args=[m.pk])).content.decode()
    assert reverse("cases:mission_edit", args=[m.pk]) in detail
    response = client.post(
        reverse("cases:mission_edit", args=[m.pk]),
        _edit_data(m, rg="26/00017", reason="Erreur de saisie du numéro RG"),
    )
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.rg == "26/00017"
    change = Change.objects.get(mission=m, action=ChangeAction.CORRECTED)
    assert change.by == users["lead"] and change.changes == {"numéro RG": ["26/00001", "26/00017"]}
    assert change.reason == "Erreur de saisie du numéro RG"
    page = client.get(reverse("cases:mission_history", args=[m.pk])).content.decode()
    row = page[page.index("Erreur de saisie") - 1500 : page.index("Erreur de saisie")]
    assert "26/00001" in row and "26/00017" in row and users["lead"].display_name in row
    local = countries.local(change.at, m)
    assert local.strftime("%d/%m/%Y %H:%M") in page


def test_a_correction_that_changes_nothing_writes_no_line(college):
    m, users = college
    mission_update(by=users["lead"], mission=m, rg=m.rg, title=m.title)
    assert not Change.objects.filter(mission=m, action=ChangeAction.CORRECTED).exists()


def test_every_field_of_the_order_is_corrected_in_one_line(college):
    m, users = college
    other = factories.CourtFactory(name="Tribunal judiciaire de Vienne")
    mission_update(
        by=users["co_expert"],
        mission=m,
        court=other,
        title="Martin c/ Mutuelle du Rhône",
        judge="Mme Roux",
        ordered_on=date(2026, 9, 2),
        report_due=date(2027, 2, 1),
        kind="aggravation",
        framework="civil",
        reason="Copie exacte de l'ordonnance reçue",
    )
    change = Change.objects.get(mission=m, action=ChangeAction.CORRECTED)
    assert change.changes["juridiction"] == ["Tribunal judiciaire de Lyon", "Tribunal judiciaire de Vienne"]
    assert change.changes["date de la décision"] == ["01/09/2026", "02/09/2026"]
    assert change.changes["type de mission"] == ["Expertise initiale", "Aggravation"]
    assert set(change.changes) == {
        "juridiction",
        "intitulé de l'affaire",
        "juge chargé du contrôle",
        "date de la décision",
        "date limite de dépôt du rapport",
        "type de mission",
        "cadre",
    }


@pytest.mark.parametrize("seat", ["sapiteur", "clerk", "avocat"])
def test_only_the_experts_of_the_mission_correct_it(client, college, seat):
    """DOMAIN.md §8: the experts (lead, co-experts) write the mission; not the sapiteur, the court or
    a party's side."""
    m, users = college
    with pytest.raises(PermissionDenied):
        mission_update(by=users[seat], mission=m, rg="26/9")
    client.force_login(users[seat])
    assert client.get(reverse("cases:mission_edit", args=[m.pk])).status_code == 403
    assert client.post(reverse("cases:mission_edit", args=[m.pk]), _edit_data(m, rg="26/9")).status_code == 403
    assert reverse("cases:mission_edit", args=[m.pk]) not in client.get(m.get_absolute_url()).content.decode()
    m.refresh_from_db()
    assert m.rg == "26/00001"


def test_an_outsider_gets_the_404_of_a_mission_that_does_not_exist(client, college):
    """Rule 1 (art. 160 CPC): even the existence of a case is secret."""
    m, _ = college
    client.force_login(factories.expert())
    for name in ("cases:mission_edit", "cases:mission_history", "cases:mission_status_confirm"):
        assert client.get(reverse(name, args=[m.pk])).status_code == 404


def test_the_order_is_not_dated_in_the_future_and_the_report_not_due_before_it(client, college):
    """The order is a fact (the court's date); the report is due after it (CPC art. 265)."""
    m, users = college
    tomorrow = countries.today(m) + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        mission_update(by=users["lead"], mission=m, ordered_on=tomorrow)
    assert "ordered_on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        mission_update(by=users["lead"], mission=m, report_due=m.ordered_on - timedelta(days=1))
    assert "report_due" in exc.value.error_dict
    client.force_login(users["lead"])
    response = client.post(
        reverse("cases:mission_edit", args=[m.pk]), _edit_data(m, ordered_on=tomorrow.isoformat(), rg="26/5")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ordered_on"] == ["La date de la décision ne peut être dans le futur."]
    m.refresh_from_db()
    assert m.ordered_on == date(2026, 9, 1) and m.rg == "26/00001"  # nothing half saved


def test_a_court_proposed_by_another_expert_and_not_checked_is_refused(college):
    m, users = college
    proposed = factories.CourtFactory(name="Tribunal de Nulle-Part", approved=False, proposed_by=factories.expert())
    with pytest.raises(ValidationError) as exc:
        mission_update(by=users["lead"], mission=m, court=proposed)
    assert "court" in exc.value.error_dict


# --- the questions, until the pre-report ---------------------------------------------------------


def test_questions_are_corrected_before_the_pre_report_in_the_history(college):
    m, users = college
    mission_questions_set(
        by=users["lead"],
        mission=m,
        questions=["Examiner la victime.", "Fixer la date de consolidation.", "Évaluer les souffrances endurées."],
        reason="Question omise à la saisie",
    )
    assert [q.text for q in m.questions.all()][-1] == "Évaluer les souffrances endurées."
    change = Change.objects.get(mission=m, action=ChangeAction.CORRECTED)
    assert change.changes == {"Question 3": ["", "Évaluer les souffrances endurées."]}


def test_a_corrected_question_keeps_the_answer_drafted_to_it(college):
    from reports.models import Answer, Report

    m, users = college
    report = Report.objects.create(mission=m)
    second = m.questions.get(position=2)
    Answer.objects.create(report=report, question=second, text="Consolidation au 1er mars 2027.")
    mission_questions_set(
        by=users["lead"], mission=m, questions=["Examiner la victime.", "Fixer la date de la consolidation."]
    )
    assert m.questions.get(position=2).answers.get().text == "Consolidation au 1er mars 2027."
    with pytest.raises(ValidationError, match="réponse rédigée"):
        mission_questions_set(by=users["lead"], mission=m, questions=["Examiner la victime."])
    assert m.questions.count() == 2


def test_the_questions_cannot_change_after_the_pre_report(client, college):
    """CPC art. 276: the parties answered the pre-report on the questions as they were posed."""
    m, users = college
    Mission.objects.filter(pk=m.pk).update(status=MissionStatus.PRE_REPORT)
    m.refresh_from_db()
    with pytest.raises(ValidationError, match="pré-rapport a été diffusé"):
        mission_questions_set(by=users["lead"], mission=m, questions=["Une autre question."])
    mission_questions_set(by=users["lead"], mission=m, questions=[q.text for q in m.questions.all()])  # unchanged: fine
    client.force_login(users["lead"])
    url = reverse("cases:mission_edit", args=[m.pk])
    page = client.get(url)
    assert page.context["form"].fields["questions"].disabled
    assert "pré-rapport a été diffusé" in page.content.decode()
    response = client.post(url, _edit_data(m, questions="Une autre question.", title="Martin c/ ACM"))
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.title == "Martin c/ ACM"
    assert [q.text for q in m.questions.all()] == ["Examiner la victime.", "Fixer la date de consolidation."]


# --- the dates and the interests: the door, and the trail ----------------------------------------


def test_the_dates_of_the_mission_ask_the_door_and_enter_the_history(college):
    """DOMAIN.md §8: the lead expert sets the dires deadline and the fee request (CPC art. 276, 282);
    the court records the taxation (art. 284). A fee request is a fact: not in the future."""
    m, users = college
    with pytest.raises(PermissionDenied):
        mission_dates_set(by=users["clerk"], mission=m, dires_due=date(2027, 1, 1))
    with pytest.raises(PermissionDenied):
        mission_dates_set(by=users["lead"], mission=m, fees_taxed_on=date(2026, 10, 1))
    with pytest.raises(ValidationError) as exc:
        mission_dates_set(by=users["lead"], mission=m, fee_requested_on=countries.today(m) + timedelta(days=1))
    assert "fee_requested_on" in exc.value.error_dict
    mission_dates_set(by=users["lead"], mission=m, dires_due=date(2027, 1, 1))
    mission_dates_set(by=users["clerk"], mission=m, fees_taxed_on=date(2026, 10, 1))
    lines = list(Change.objects.filter(mission=m, action=ChangeAction.CORRECTED).order_by("id"))
    assert [(c.by, c.changes) for c in lines] == [
        (users["lead"], {"date limite des dires": ["", "01/01/2027"]}),
        (users["clerk"], {"rémunération taxée le": ["", "01/10/2026"]}),
    ]


def test_each_expert_declares_his_own_interests(client, college):
    m, users = college
    co_assignment = m.assignments.get(expert=users["co_expert"])
    with pytest.raises(PermissionDenied):
        interests_declare(by=users["lead"], assignment=co_assignment, text="Rien", declared_on=date(2026, 9, 5))
    with pytest.raises(PermissionDenied):
        interests_declare(
            by=users["clerk"], assignment=co_assignment, text="Rien", declared_on=date(2026, 9, 5)
        )  # not even his own: the clerk has no expert seat
    client.force_login(users["co_expert"])
    client.post(reverse("cases:mission_interests", args=[m.pk]), {"interests": "Consultant pour Atlas en 2020"})
    change = Change.objects.get(mission=m, action=ChangeAction.CORRECTED)
    assert change.by == users["co_expert"]
    assert change.changes["liens d'intérêts déclarés"] == ["", "Consultant pour Atlas en 2020"]


# --- the states that end a mission -----------------------------------------------------------------


def test_declining_the_designation_needs_the_confirmation_page(client, college):
    """CPC art. 235: the expert who refuses is replaced; declining is final, confirmed explicitly."""
    m, users = college
    client.force_login(users["lead"])
    detail = client.get(m.get_absolute_url()).content.decode()
    confirm_url = reverse("cases:mission_status_confirm", args=[m.pk])
    assert f"{confirm_url}?to=declined" in detail and 'value="declined"' not in detail
    response = client.post(reverse("cases:mission_status", args=[m.pk]), {"to": MissionStatus.DECLINED})
    assert response.status_code == 302 and response["Location"] == f"{confirm_url}?to=declined"
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.DESIGNATED
    page = client.get(confirm_url, {"to": "declined"})
    text = page.content.decode()
    assert page.status_code == 200 and "art. 235 CPC" in text and "définitif" in text and "Je confirme" in text
    refused = client.post(confirm_url, {"to": "declined"})
    assert refused.status_code == 400 and "cochez « Je confirme »" in refused.content.decode()
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.DESIGNATED
    done = client.post(confirm_url, {"to": "declined", "confirm": "on", "reason": "Conflit d'intérêts"})
    assert done.status_code == 302
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.DECLINED
    change = Change.objects.get(mission=m, action=ChangeAction.STATE)
    assert change.changes == {"état": ["Désignation reçue", "Mission refusée"]}
    assert (change.by, change.reason) == (users["lead"], "Conflit d'intérêts")


def test_the_services_refuse_an_ending_state_without_confirmation(college):
    m, users = college
    with pytest.raises(ValidationError, match="Je confirme"):
        designation_respond(by=users["lead"], mission=m, accept=False)
    with pytest.raises(ValidationError, match="Je confirme"):
        mission_transition(by=users["lead"], mission=m, to=MissionStatus.LAPSED)
    with pytest.raises(ValidationError, match="Je confirme"):
        designation_respond(by=users["co_expert"], mission=m, accept=False)
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.DESIGNATED
    assert m.assignments.filter(expert=users["co_expert"]).exists()


def test_a_lapsed_designation_cites_the_law_of_the_court(client, college):
    """FR: CPC art. 271 (the provision not paid in time); TN: the CPCC, never a French article."""
    m, users = college
    client.force_login(users["lead"])
    url = reverse("cases:mission_status_confirm", args=[m.pk])
    assert "art. 271 CPC" in client.get(url, {"to": "lapsed"}).content.decode()
    client.post(url, {"to": "lapsed", "confirm": "on"})
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.LAPSED
    tunis = factories.mission(court=factories.CourtFactory(code="tpi-tunis", country="TN"))
    client.force_login(factories.lead_expert(tunis))
    text = client.get(reverse("cases:mission_status_confirm", args=[tunis.pk]), {"to": "lapsed"}).content.decode()
    assert "CPCC" in text and "art. 271" not in text
    declined = client.get(reverse("cases:mission_status_confirm", args=[tunis.pk]), {"to": "declined"})
    assert "CPCC" in declined.content.decode() and "art. 235" not in declined.content.decode()


def test_a_transition_that_does_not_end_the_mission_goes_at_once_and_is_recorded(client, college):
    m, users = college
    client.force_login(users["lead"])
    client.post(reverse("cases:mission_status", args=[m.pk]), {"to": MissionStatus.ACCEPTED})
    client.post(reverse("cases:mission_status", args=[m.pk]), {"to": MissionStatus.IN_PROGRESS})
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.IN_PROGRESS
    states = [c.changes["état"] for c in Change.objects.filter(mission=m, action=ChangeAction.STATE).order_by("id")]
    assert states == [["Désignation reçue", "Mission acceptée"], ["Mission acceptée", "Opérations en cours"]]
    # lapsed is no longer possible from "in progress": the confirmation page says so, nothing changes
    response = client.get(reverse("cases:mission_status_confirm", args=[m.pk]), {"to": "lapsed"}, follow=True)
    assert "ne peut passer" in response.content.decode()
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.IN_PROGRESS


@pytest.mark.parametrize("seat", ["sapiteur", "clerk", "avocat", "co_expert"])
def test_only_the_lead_expert_ends_the_mission(client, college, seat):
    """DOMAIN.md §8: the lead expert moves the mission through its states (CPC art. 233)."""
    m, users = college
    client.force_login(users[seat])
    url = reverse("cases:mission_status_confirm", args=[m.pk])
    assert client.post(url, {"to": "lapsed", "confirm": "on"}).status_code == 403
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.DESIGNATED


def test_a_co_expert_declines_his_own_designation_after_confirming_and_leaves(client, college):
    """CPC art. 235: each expert answers his own designation; the mission goes on with the others."""
    m, users = college
    client.force_login(users["co_expert"])
    url = reverse("cases:mission_status_confirm", args=[m.pk])
    page = client.get(url, {"to": "declined"}).content.decode()
    assert "vous quittez la mission" in page
    response = client.post(url, {"to": "declined", "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:dashboard")
    assert not m.assignments.filter(expert=users["co_expert"]).exists()
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.DESIGNATED
    assert Change.objects.filter(mission=m, action=ChangeAction.STATE, by=users["co_expert"]).exists()


def test_the_acceptance_is_not_dated_in_the_future(college):
    m, users = college
    with pytest.raises(ValidationError):
        designation_respond(by=users["lead"], mission=m, accept=True, on=countries.today(m) + timedelta(days=2))
    assert Mission.objects.get(pk=m.pk).status == MissionStatus.DESIGNATED


def test_the_judge_of_the_court_reads_the_history_not_the_clerk_of_another(client, college):
    m, _ = college
    judge = factories.UserFactory(role=Role.JUDGE, court=m.court)
    client.force_login(judge)
    assert client.get(reverse("cases:mission_history", args=[m.pk])).status_code == 200
    client.force_login(factories.clerk(factories.CourtFactory(code="ailleurs")))
    assert client.get(reverse("cases:mission_history", args=[m.pk])).status_code == 404
