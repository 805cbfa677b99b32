"""Control characters (outside review, finding 11): an RG typed with CR/LF was accepted; the daily
reminder scan then stopped at that mission with BadHeaderError, every later mission got no reminder,
and its pre-report notification failed too. Single-line fields refuse control characters
(cases.validators) in the forms, the services' full_clean and the scenario loader; e-mail subjects
are built so that no field can break a header; one failing mission never stops a scan."""

import copy
import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role, User
from cases.models import Mission, Reminder
from cases.services.missions import mission_create
from cases.services.reminders import reminders_run, reminders_scan
from cases.validators import mail_subject, validate_multiline_text, validate_single_line
from tests import factories
from tests.conftest import load_scenario_file

DUE = date(2027, 1, 15)
TODAY = "2027-01-10"  # the report deadline is due soon: one reminder per mission
INJECTED = "26/00001\r\nBcc: everyone@example.org"

# --- The validators, alone ---------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\r", "\n", "\t", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"])
def test_a_single_line_field_refuses_every_control_character(char):
    with pytest.raises(ValidationError) as caught:
        validate_single_line(f"26/{char}01234")
    assert f"U+{ord(char):04X}" in caught.value.messages[0]


def test_a_single_line_field_keeps_letters_of_every_script_and_punctuation():
    for value in ("26/01234", "Dupont c/ Atlas Assurances — référé", "محكمة تونس", "Me O'Brien, Lyon 3ᵉ"):
        validate_single_line(value)


def test_multi_line_text_keeps_its_line_breaks_and_tabulations_only():
    validate_multiline_text("Premier paragraphe.\r\n\tSecond paragraphe.\n")
    for char in ("\x00", "\x0b", "\x1b", "\x7f"):
        with pytest.raises(ValidationError):
            validate_multiline_text(f"texte{char}")


def test_mail_subject_never_holds_a_line_break():
    subject = mail_subject(f"[RG {INJECTED}] Dépôt du rapport\u2028X-Priority: 1\x00")
    assert subject == "[RG 26/00001 Bcc: everyone@example.org] Dépôt du rapport X-Priority: 1"
    assert len(mail_subject("x" * 1000)) == 200


# --- Forms, services, the scenario loader -------------------------------------------------------------


@pytest.mark.django_db
def test_the_mission_form_refuses_an_rg_typed_with_a_line_break(client):
    expert = factories.expert()
    court = factories.CourtFactory()
    client.force_login(expert)
    form = {
        "court": court.pk,
        "rg": INJECTED,
        "title": "Dupont c/ Atlas",
        "framework": "road_accident",
        "kind": "initial",
        "ordered_on": "2026-09-01",
        "report_due": "2027-01-15",
        "questions": "Examiner la victime.",
    }
    response = client.post(reverse("cases:mission_create"), form)
    assert response.status_code == 400
    assert "seule ligne" in " ".join(response.context["form"].errors["rg"])
    assert not Mission.objects.exists()
    response = client.post(reverse("cases:mission_create"), {**form, "rg": "26/00001", "judge": "M. X\u2028Y"})
    assert "judge" in response.context["form"].errors and not Mission.objects.exists()


@pytest.mark.django_db
def test_the_piece_form_refuses_a_title_with_a_control_character(client):
    m = factories.mission()
    doc = factories.document(m, title="Ordonnance")
    client.force_login(factories.lead_expert(m))
    response = client.post(reverse("cases:document_detail", args=[doc.pk]), {"title": "Ordonnance\u2029bis"})
    assert response.status_code == 400 and "title" in response.context["form"].errors
    doc.refresh_from_db()
    assert doc.title == "Ordonnance"


@pytest.mark.django_db
def test_the_services_refuse_control_characters_at_the_field():
    expert = factories.expert()
    with pytest.raises(ValidationError) as caught:
        mission_create(
            created_by=expert,
            court=factories.CourtFactory(),
            rg=INJECTED,
            title="Dupont c/ Atlas",
            framework="road_accident",
            ordered_on=date(2026, 9, 1),
            report_due=DUE,
            questions=["Examiner la victime."],
        )
    assert set(caught.value.error_dict) == {"rg"}
    m = factories.mission()
    with pytest.raises(ValidationError) as caught:
        factories.party(m, name="Jeanne\nMartin")
    assert set(caught.value.error_dict) == {"name"}
    with pytest.raises(ValidationError) as caught:
        factories.document(m, title="Compte rendu\x1b[2J")
    assert "title" in caught.value.error_dict


@pytest.mark.django_db
def test_the_scenario_loader_refuses_an_rg_with_a_line_break_and_names_the_place(tmp_path, lyon_scenario):
    data = copy.deepcopy(lyon_scenario)
    data["missions"][0]["rg"] = INJECTED
    with pytest.raises(CommandError) as caught:
        load_scenario_file(tmp_path, data)
    assert "missions[0]" in str(caught.value) and "seule ligne" in str(caught.value)
    assert not Mission.objects.exists()


# --- E-mails: no field breaks a header; one failing mission never stops the scan ----------------------


def _mission(rg: str, email: str) -> Mission:
    return factories.mission(expert_user=factories.expert(email=email), rg=rg, report_due=DUE)


@pytest.mark.django_db
def test_a_legacy_rg_with_a_line_break_cannot_break_the_reminders(caplog):
    """Data typed before the validators existed (or imported) is still in the database."""
    first = _mission("26/00001", "a@example.org")
    _mission("26/00002", "b@example.org")
    Mission.objects.filter(pk=first.pk).update(rg=INJECTED)  # bypasses full_clean, as old data did
    assert reminders_run(today=date(2027, 1, 10)).failed == []
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.bcc == [] and "everyone@example.org" not in message.recipients()


@pytest.mark.django_db
def test_one_mission_whose_mail_fails_does_not_stop_the_scan(monkeypatch, caplog):
    failing = _mission("26/00001", "a@example.org")
    later = _mission("26/00002", "b@example.org")
    from django.core.mail import send_mail as real_send_mail

    def send_mail(subject, *args, **kwargs):
        if "26/00001" in subject:
            raise ConnectionError("smtp refused")
        return real_send_mail(subject, *args, **kwargs)

    monkeypatch.setattr("cases.services.reminders.send_mail", send_mail)
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("send_reminders", "--today", TODAY, stdout=out)
    assert "reminders sent: 1" in out.getvalue()
    assert str(failing.pk) in str(caught.value)
    assert [m.to for m in mail.outbox] == [["b@example.org"]]
    assert list(Reminder.objects.values_list("mission_id", flat=True)) == [later.pk]
    assert f"mission {failing.pk} failed" in caplog.text

    monkeypatch.undo()  # the mail server is back: the next scan sends what was missed, once
    assert reminders_scan(today=date(2027, 1, 10)) == 1
    assert Reminder.objects.count() == 2


@pytest.mark.django_db
def test_the_report_notification_subject_cannot_be_broken(lyon_scenario, tmp_path):
    from reports.builder import Built
    from reports.services import version_create, version_notify

    result = load_scenario_file(tmp_path, lyon_scenario)
    mission = Mission.objects.get(pk=result["missions"]["M1"]["id"])
    Mission.objects.filter(pk=mission.pk).update(rg=INJECTED)
    User.objects.filter(username="me.durand").update(email="durand@example.org")
    mission.refresh_from_db()
    expert = mission.assignments.filter(expert__role=Role.EXPERT).first().expert
    version = version_create(
        mission=mission, number=1, kind="pre_report", built=Built(b"%PDF-1.4", 1, 0), created_by=expert
    )
    assert version_notify(version) == 1
    (message,) = mail.outbox
    assert message.subject.startswith("[RG 26/00001 Bcc: everyone@example.org]")
    assert "everyone@example.org" not in message.recipients()
