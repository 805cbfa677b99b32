"""Meetings as they really go (issue #14, items 2 and 5): convoke, postpone, cancel, record the
meeting held with who attended it and who was present at the examination.

Legal basis: the parties are convoked to the operations (FR CPC art. 160; TN CPCC), to a meeting to
come; the examination is private: only doctors and the persons the victim chooses attend it, never
the adverse parties nor the lawyers (DOMAIN.md §3 rule 10, secret médical L1110-4 CSP); for a mental
examination the expert may exclude the parties' doctors (Civ. 1re, 25 avril 1989). Only the experts
convoke, postpone, cancel and record attendance (DOMAIN.md §8)."""

import subprocess
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases import countries
from cases.choices import PartyRole, RepresentativeKind
from cases.forms.convocations import digest
from cases.meetings import held_meetings, meeting_warnings, scheduled_meetings
from cases.models import Change, ChangeAction, Mission
from cases.models.convocation import MeetingStatus
from cases.services.convocations import (
    convocation_cancel,
    convocation_create,
    convocation_letter_pdf,
    convocation_postpone,
    convocation_record_held,
    recipient_update,
)
from cases.services.missions import assignment_add
from tests import factories

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 2)  # the day the expert acts, in the service tests
MEETING = (date(2026, 12, 10), time(14, 30))  # a Thursday, 38 days later, before the report's deadline


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.fixture
def case():
    """A road accident in Lyon: the victim with his avocat and médecin-conseil, the insurer with
    its avocat and médecin-conseil, a sapiteur."""
    m = factories.mission(court=factories.CourtFactory(code="tj-lyon", name="Tribunal judiciaire de Lyon"))
    lead = factories.lead_expert(m)
    victim = factories.party(m, name="Alice Dupont", is_victim=True)
    insurer = factories.party(m, name="Assurances du Centre", role=PartyRole.DEFENDEUR, is_insurer=True)
    users = {
        "lead": lead,
        "victim_avocat": factories.represent(victim),
        "victim_doctor": factories.represent(victim, RepresentativeKind.MEDECIN_CONSEIL),
        "insurer_avocat": factories.represent(insurer),
        "insurer_doctor": factories.represent(insurer, RepresentativeKind.MEDECIN_CONSEIL),
        "sapiteur": factories.expert(),
        "clerk": factories.clerk(m.court),
    }
    assignment_add(mission=m, expert=users["sapiteur"], role="sapiteur")
    return m, users


def at(m: Mission, day: date, hour: time = time(14, 30)) -> datetime:
    return countries.aware(day, hour, m)


def convoke(m: Mission, lead, day: date = MEETING[0], **kwargs):
    kwargs.setdefault("on", ON)
    return convocation_create(by=lead, mission=m, meeting_at=at(m, day, MEETING[1]), place="Cabinet, Lyon", **kwargs)


def pdf_text(pdf: bytes, tmp_path, name: str = "letter.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def recipient(convocation, name: str):
    return convocation.recipients.get(name=name)


def ids(convocation, *names: str) -> list[int]:
    return [recipient(convocation, n).pk for n in names]


# --- Warnings on the date (issue #14 item 5) -------------------------------------------------------


def test_an_ordinary_day_with_enough_notice_warns_of_nothing(case):
    m, _users = case
    assert meeting_warnings(m, at(m, MEETING[0]), ON) == []


def test_a_sunday_is_a_warning():
    m = factories.mission()
    warnings = meeting_warnings(m, at(m, date(2026, 12, 13)), ON)
    assert warnings == ["Le 13/12/2026 est un dimanche."]


def test_the_fourteenth_of_july_in_france_is_a_public_holiday_named():
    m = factories.mission(report_due=date(2027, 9, 1))
    warnings = meeting_warnings(m, at(m, date(2027, 7, 14)), date(2027, 6, 1))
    assert warnings == ["Le 14/07/2027 est un jour férié (France) : Fête nationale."]


def test_a_tunisian_public_holiday_of_the_court_s_country():
    """The holidays of the court's country, not of France: 14 January is the Revolution and Youth
    Day in Tunisia, an ordinary Thursday in France."""
    tunis = factories.CourtFactory(code="tpi-tunis", name="Tribunal de première instance de Tunis", country="TN")
    m = factories.mission(court=tunis, rg="2026/77")
    warnings = meeting_warnings(m, at(m, date(2027, 1, 14), time(9, 0)), date(2026, 12, 1))
    assert len(warnings) == 1 and warnings[0].startswith("Le 14/01/2027 est un jour férié (Tunisie) : ")
    assert "عيد الثورة والشباب" in warnings[0]
    lyon = factories.mission(rg="26/00002")
    assert meeting_warnings(lyon, at(lyon, date(2027, 1, 14)), date(2026, 12, 1)) == []


def test_a_short_notice_is_a_warning_with_the_setting_of_the_country(settings):
    """The minimum notice is the setting DEADLINES convocation_notice_days (15 days by default),
    per country profile; the warning cites art. 160 CPC."""
    m = factories.mission()
    warnings = meeting_warnings(m, at(m, date(2026, 11, 10)), ON)
    assert len(warnings) == 1 and "8 jour(s)" in warnings[0] and "15 jours" in warnings[0]
    assert "art. 160 CPC" in warnings[0]
    settings.DEADLINES = {**settings.DEADLINES, "FR": {"convocation_notice_days": 5}}
    assert meeting_warnings(m, at(m, date(2026, 11, 10)), ON) == []


def test_a_meeting_after_the_report_deadline_is_a_warning():
    m = factories.mission(report_due=date(2026, 12, 1))
    warnings = meeting_warnings(m, at(m, MEETING[0]), ON)
    assert warnings == [
        "La réunion est fixée après la date de dépôt du rapport (01/12/2026) : une prorogation est à demander."
    ]


def test_the_service_asks_the_expert_to_confirm_the_warnings(case):
    m, users = case
    with pytest.raises(ValidationError) as refused:
        convoke(m, users["lead"], date(2026, 12, 13))
    assert refused.value.message_dict == {"confirm_warnings": ["Le 13/12/2026 est un dimanche."]}
    assert not m.convocations.exists()
    convocation = convoke(m, users["lead"], date(2026, 12, 13), confirm_warnings=True)
    assert convocation.status == MeetingStatus.SCHEDULED


# --- Refusals: art. 160 CPC convokes to a meeting to come, in a mission that goes on -----------------


def test_a_meeting_in_the_past_is_refused_art_160_cpc(case):
    m, users = case
    with pytest.raises(ValidationError) as refused:
        convoke(m, users["lead"], date(2026, 11, 1), confirm_warnings=True)
    assert "dans le passé" in refused.value.message_dict["meeting_at"][0]
    # the day itself is not the past (a meeting this afternoon), and `on` is the day of the action
    convoke(m, users["lead"], ON, confirm_warnings=True)
    convoke(m, users["lead"], date(2026, 10, 1), on=date(2026, 9, 20), confirm_warnings=True)


@pytest.mark.parametrize("state", ["deposited", "declined", "lapsed"])
def test_no_meeting_in_a_mission_that_is_over(case, state):
    m, users = case
    Mission.objects.filter(pk=m.pk).update(status=state)
    m.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        convoke(m, users["lead"], confirm_warnings=True)
    assert "La mission est terminée" in refused.value.message_dict["meeting_at"][0]


def test_convoking_writes_the_history(case):
    m, users = case
    convocation = convoke(m, users["lead"])
    change = Change.objects.get(mission=m, action=ChangeAction.CREATED, subject="convocation")
    assert change.by == users["lead"] and change.object_id == convocation.pk and change.court_visible
    assert change.changes["date et heure de la réunion"] == ["", "10/12/2026 14:30"]


# --- Who may act (DOMAIN.md §8) ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["sapiteur", "victim_avocat", "insurer_doctor", "clerk"])
def test_only_the_experts_postpone_cancel_or_record_a_meeting(case, who):
    m, users = case
    convocation = convoke(m, users["lead"])
    with pytest.raises(PermissionDenied):
        convocation_postpone(
            by=users[who], convocation=convocation, new_at=at(m, date(2026, 12, 17)), reason="x", on=ON
        )
    with pytest.raises(PermissionDenied):
        convocation_cancel(by=users[who], convocation=convocation, reason="x", on=ON)
    with pytest.raises(PermissionDenied):
        convocation_record_held(by=users[who], convocation=convocation, attended=[], on=MEETING[0])
    with pytest.raises(PermissionDenied):
        convoke(m, users[who])
    convocation.refresh_from_db()
    assert convocation.status == MeetingStatus.SCHEDULED and convocation.postponed_from is None


@time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
@pytest.mark.parametrize("who", ["sapiteur", "victim_avocat"])
def test_a_sapiteur_or_an_avocat_sees_the_meetings_without_the_forms_and_cannot_post_them(client, case, who):
    m, users = case
    convocation = convoke(m, users["lead"])
    client.force_login(users[who])
    page = client.get(reverse("cases:mission_convocations", args=[m.pk])).content.decode()
    assert "Réunion du jeudi 10/12/2026 à 14h30" in page
    assert "Reporter la réunion" not in page and "Annuler la réunion" not in page and "Programmer" not in page
    data = {
        "convocation": convocation.pk,
        f"p{convocation.pk}-new_at": "2026-12-17T14:30",
        f"p{convocation.pk}-reason": "x",
    }
    assert client.post(reverse("cases:convocation_postpone", args=[m.pk]), data).status_code == 403
    data = {"convocation": convocation.pk, f"x{convocation.pk}-reason": "x"}
    assert client.post(reverse("cases:convocation_cancel", args=[m.pk]), data).status_code == 403
    convocation.refresh_from_db()
    assert convocation.status == MeetingStatus.SCHEDULED and convocation.postponed_from is None


# --- Postponement -------------------------------------------------------------------------------------


def test_a_postponement_sends_new_letters_to_everyone_saying_so(case, tmp_path):
    """New letters to every recipient (art. 160 CPC): what was recorded of the first ones is cleared
    on the meeting and kept in the history; the letter says the meeting is moved, old and new date."""
    m, users = case
    lead = users["lead"]
    convocation = convoke(m, lead)
    alice = recipient(convocation, "Alice Dupont")
    recipient_update(
        by=lead,
        recipient=alice,
        tracking_number="1A 234",
        sent_on=ON,
        receipt_on=date(2026, 11, 4),
        on=date(2026, 11, 5),
    )
    convocation_postpone(
        by=lead,
        convocation=convocation,
        new_at=at(m, date(2026, 12, 17), time(9, 0)),
        reason="Indisponibilité de l'avocat de l'assureur",
        on=date(2026, 11, 5),
    )
    convocation.refresh_from_db()
    assert convocation.postponed_from == at(m, *MEETING) and convocation.meeting_at == at(
        m, date(2026, 12, 17), time(9)
    )
    assert convocation.status == MeetingStatus.SCHEDULED
    sendings = convocation.recipients.values_list("tracking_number", "sent_on", "receipt_on", "attended")
    assert set(sendings) == {("", None, None, None)}
    change = Change.objects.get(mission=m, action=ChangeAction.POSTPONED)
    assert change.reason == "Indisponibilité de l'avocat de l'assureur"
    assert change.changes["date et heure de la réunion"] == ["10/12/2026 14:30", "17/12/2026 09:00"]
    assert change.changes["Envoi à Alice Dupont"] == ["n° 1A 234, envoyée le 02/11/2026, AR du 04/11/2026", ""]

    text = pdf_text(convocation_letter_pdf(recipient=alice, expert=lead), tmp_path)
    assert "Objet : report d'une réunion d'expertise" in text
    assert (
        "La réunion initialement prévue le jeudi 10 décembre 2026 à 14h30 est reportée au jeudi 17 décembre 2026 à 09h00."
        in text
    )
    assert "article 160 du code de procédure civile" in text
    assert "Indisponibilité" not in text


def test_a_postponement_has_the_checks_of_a_convocation(case):
    m, users = case
    convocation = convoke(m, users["lead"])
    with pytest.raises(ValidationError) as refused:
        convocation_postpone(
            by=users["lead"], convocation=convocation, new_at=at(m, date(2026, 10, 30)), reason="x", on=ON
        )
    assert "dans le passé" in refused.value.message_dict["new_at"][0]
    with pytest.raises(ValidationError) as refused:
        convocation_postpone(
            by=users["lead"], convocation=convocation, new_at=at(m, date(2026, 12, 13)), reason="x", on=ON
        )
    assert refused.value.message_dict == {"confirm_warnings": ["Le 13/12/2026 est un dimanche."]}
    with pytest.raises(ValidationError) as refused:
        convocation_postpone(
            by=users["lead"], convocation=convocation, new_at=at(m, date(2026, 12, 17)), reason=" ", on=ON
        )
    assert "reason" in refused.value.message_dict
    convocation.refresh_from_db()
    assert convocation.postponed_from is None and not Change.objects.filter(action=ChangeAction.POSTPONED).exists()


def test_a_held_or_cancelled_meeting_cannot_be_postponed(case):
    m, users = case
    lead = users["lead"]
    held = convoke(m, lead)
    convocation_record_held(by=lead, convocation=held, attended=[], on=MEETING[0])
    cancelled = convoke(m, lead, date(2026, 12, 17))
    convocation_cancel(by=lead, convocation=cancelled, reason="Désistement", on=ON)
    for convocation in (held, cancelled):
        with pytest.raises(ValidationError, match="ne peut être reportée"):
            convocation_postpone(by=lead, convocation=convocation, new_at=at(m, date(2026, 12, 18)), reason="x", on=ON)
    with pytest.raises(ValidationError, match="ne peut être annulée"):
        convocation_cancel(by=lead, convocation=held, reason="x", on=ON)


# --- Cancellation -------------------------------------------------------------------------------------


def test_a_cancelled_meeting_has_neutral_cancellation_letters_and_is_never_held(case, tmp_path):
    m, users = case
    lead = users["lead"]
    convocation = convoke(m, lead)
    convocation_cancel(by=lead, convocation=convocation, reason="Hospitalisation de la victime", on=date(2026, 11, 9))
    convocation.refresh_from_db()
    assert convocation.status == MeetingStatus.CANCELLED and convocation.cancelled_on == date(2026, 11, 9)
    assert convocation.status_reason == "Hospitalisation de la victime"
    change = Change.objects.get(mission=m, action=ChangeAction.CANCELLED)
    assert change.changes["état"] == ["prévue", "annulée"] and change.reason == "Hospitalisation de la victime"
    assert list(scheduled_meetings(m)) == [] and list(held_meetings(m)) == []

    text = pdf_text(
        convocation_letter_pdf(recipient=recipient(convocation, "Assurances du Centre"), expert=lead), tmp_path
    )
    assert "Objet : annulation d'une réunion d'expertise" in text
    assert "la réunion d'expertise prévue le jeudi 10 décembre 2026 à 14h30 est annulée" in text
    assert "Hospitalisation" not in text and "convoquer" not in text  # the reason may be medical

    with pytest.raises(ValidationError, match="annulée ne peut être tenue"):
        convocation_record_held(by=lead, convocation=convocation, attended=[], on=MEETING[0])


# --- The meeting held and the examination (rule 10) --------------------------------------------------


def test_a_meeting_is_held_only_once_its_day_has_come(case):
    m, users = case
    convocation = convoke(m, users["lead"])
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        convocation_record_held(by=users["lead"], convocation=convocation, attended=[], on=date(2026, 12, 9))
    convocation.refresh_from_db()
    assert convocation.status == MeetingStatus.SCHEDULED


def test_the_meeting_held_records_attendance_and_the_examination(case):
    """Rule 10: the victim examined with his médecin-conseil and the insurer's, by his agreement;
    every party and lawyer at the discussion. Only the meetings held enter the report."""
    m, users = case
    convocation = convoke(m, users["lead"])
    doctors = [users["victim_doctor"].display_name, users["insurer_doctor"].display_name]
    everyone = list(convocation.recipients.values_list("pk", flat=True))
    convocation_record_held(
        by=users["lead"],
        convocation=convocation,
        attended=everyone,
        at_examination=ids(convocation, "Alice Dupont", *doctors),
        victim_agreed=True,
        on=MEETING[0],
    )
    convocation.refresh_from_db()
    assert convocation.status == MeetingStatus.HELD and list(held_meetings(m)) == [convocation]
    examined = set(convocation.recipients.filter(at_examination=True).values_list("name", flat=True))
    assert examined == {"Alice Dupont", *doctors}
    assert convocation.recipients.filter(attended=True).count() == len(everyone)
    change = Change.objects.get(mission=m, action=ChangeAction.HELD)
    assert change.changes["état"] == ["prévue", "tenue"] and change.court_visible
    assert change.changes["Accord de la victime à la présence des médecins des parties"] == ["", "oui"]
    assert "Alice Dupont" in change.changes["Présents à l'examen"][1]


@pytest.mark.parametrize("who", ["insurer_avocat", "victim_avocat", "Assurances du Centre"])
def test_rule_10_no_party_nor_lawyer_at_the_examination(case, who):
    """Rule 10 (secret médical, art. L1110-4 CSP): the examination is not open to the adverse
    parties nor to the lawyers, the victim's own included."""
    m, users = case
    convocation = convoke(m, users["lead"])
    name = users[who].display_name if who in users else who
    present = ids(convocation, "Alice Dupont", name)
    with pytest.raises(ValidationError) as refused:
        convocation_record_held(
            by=users["lead"],
            convocation=convocation,
            attended=present,
            at_examination=present,
            victim_agreed=True,
            on=MEETING[0],
        )
    (message,) = refused.value.message_dict["at_examination"]
    assert message.startswith(f"{name} : l'examen est privé") and "art. L1110-4 et L1111-7 CSP" in message
    convocation.refresh_from_db()
    assert convocation.status == MeetingStatus.SCHEDULED


def test_rule_10_the_parties_doctors_attend_the_examination_by_the_victim_s_choice(case):
    m, users = case
    convocation = convoke(m, users["lead"])
    present = ids(convocation, "Alice Dupont", users["insurer_doctor"].display_name)
    with pytest.raises(ValidationError) as refused:
        convocation_record_held(
            by=users["lead"], convocation=convocation, attended=present, at_examination=present, on=MEETING[0]
        )
    assert "suppose l'accord de la victime" in refused.value.message_dict["at_examination"][0]
    convocation_record_held(
        by=users["lead"],
        convocation=convocation,
        attended=present,
        at_examination=present,
        victim_agreed=True,
        on=MEETING[0],
    )


def test_civ_1re_25_avril_1989_the_parties_doctors_excluded_from_a_mental_examination(case):
    m, users = case
    convocation = convoke(m, users["lead"], mental_examination=True)
    victim_doctor = users["victim_doctor"].display_name
    present = ids(convocation, "Alice Dupont", victim_doctor)
    with pytest.raises(ValidationError) as refused:
        convocation_record_held(
            by=users["lead"],
            convocation=convocation,
            attended=present,
            at_examination=present,
            doctors_excluded=True,
            victim_agreed=True,
            on=MEETING[0],
        )
    assert refused.value.message_dict["at_examination"] == [
        f"{victim_doctor} : les médecins des parties sont exclus de cet examen psychiatrique (Civ. 1re, 25 avril 1989)."
    ]
    convocation_record_held(
        by=users["lead"],
        convocation=convocation,
        attended=present,
        at_examination=present[:1],
        doctors_excluded=True,
        on=MEETING[0],
    )
    convocation.refresh_from_db()
    assert convocation.mental_examination and convocation.doctors_excluded
    # a mental examination is medical information: the court staff do not read that line
    assert not Change.objects.get(mission=m, action=ChangeAction.HELD).court_visible


def test_civ_1re_25_avril_1989_exclusion_only_for_a_mental_examination(case):
    m, users = case
    convocation = convoke(m, users["lead"])
    with pytest.raises(ValidationError) as refused:
        convocation_record_held(
            by=users["lead"], convocation=convocation, attended=[], doctors_excluded=True, on=MEETING[0]
        )
    assert "Civ. 1re, 25 avril 1989" in refused.value.message_dict["doctors_excluded"][0]


def test_present_at_the_examination_means_present_at_the_meeting(case):
    m, users = case
    convocation = convoke(m, users["lead"])
    with pytest.raises(ValidationError) as refused:
        convocation_record_held(
            by=users["lead"],
            convocation=convocation,
            attended=[],
            at_examination=ids(convocation, "Alice Dupont"),
            on=MEETING[0],
        )
    assert "cochez sa présence" in refused.value.message_dict["at_examination"][0]


def test_attendance_is_corrected_with_a_trail(case):
    m, users = case
    convocation = convoke(m, users["lead"])
    convocation_record_held(
        by=users["lead"], convocation=convocation, attended=ids(convocation, "Alice Dupont"), on=MEETING[0]
    )
    convocation_record_held(
        by=users["lead"],
        convocation=convocation,
        attended=ids(convocation, "Alice Dupont", "Assurances du Centre"),
        on=MEETING[0],
    )
    correction = Change.objects.get(mission=m, action=ChangeAction.CORRECTED, subject="convocation")
    assert correction.changes["Présents à la réunion"] == ["Alice Dupont", "Alice Dupont, Assurances du Centre"]


# --- Dates of the letters' sending -------------------------------------------------------------------


def test_a_letter_is_not_sent_on_a_day_to_come(case):
    """A recorded fact is never in the future."""
    m, users = case
    convocation = convoke(m, users["lead"])
    alice = recipient(convocation, "Alice Dupont")
    with pytest.raises(ValidationError) as refused:
        recipient_update(by=users["lead"], recipient=alice, sent_on=date(2026, 11, 3), on=ON)
    assert "sent_on" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        recipient_update(by=users["sapiteur"], recipient=alice, sent_on=ON, on=ON)


# --- The tab, over HTTP -------------------------------------------------------------------------------


def _post_meeting(client, m, day: str, **extra):
    data = {"meeting_at": day, "place": "Cabinet", "agenda": "", "method": "lrar", **extra}
    return client.post(reverse("cases:mission_convocations", args=[m.pk]), data)


@time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
def test_the_form_lists_the_warnings_and_asks_for_a_confirmation(client, case):
    m, users = case
    client.force_login(users["lead"])
    response = _post_meeting(client, m, "2026-12-13T10:00")
    assert response.status_code == 400 and not m.convocations.exists()
    page = response.content.decode()
    assert "Le 13/12/2026 est un dimanche." in page
    assert 'type="checkbox" name="confirm_warnings"' in page
    sunday = digest(["Le 13/12/2026 est un dimanche."])
    assert f'value="{sunday}"' in page
    # a confirmation given for other warnings confirms nothing
    response = _post_meeting(client, m, "2026-12-25T10:00", confirm_warnings="on", warnings_digest=sunday)
    assert response.status_code == 400 and "Noël" in response.content.decode() and not m.convocations.exists()
    response = _post_meeting(client, m, "2026-12-13T10:00", confirm_warnings="on", warnings_digest=sunday)
    assert response.status_code == 302
    assert m.convocations.get().meeting_at == datetime(2026, 12, 13, 9, 0, tzinfo=UTC)


@time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
def test_the_form_refuses_a_meeting_in_the_past_at_its_field(client, case):
    m, users = case
    client.force_login(users["lead"])
    response = _post_meeting(client, m, "2026-10-30T10:00")
    assert response.status_code == 400 and not m.convocations.exists()
    assert "ne peut être fixée dans le passé" in response.content.decode()


def test_the_expert_postpones_cancels_and_records_over_http(client, case):
    m, users = case
    client.force_login(users["lead"])
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=UTC)):
        first, second = convoke(m, users["lead"]), convoke(m, users["lead"], date(2026, 12, 11))
        page = client.get(reverse("cases:mission_convocations", args=[m.pk])).content.decode()
        assert "Reporter la réunion" in page and "Annuler la réunion" in page
        assert "Enregistrer la réunion tenue" not in page  # not before its day
        p = f"p{first.pk}"
        response = client.post(
            reverse("cases:convocation_postpone", args=[m.pk]),
            {"convocation": first.pk, f"{p}-new_at": "2026-12-17T09:00", f"{p}-reason": "Demande de l'assureur"},
        )
        assert response.status_code == 302
        page = client.get(reverse("cases:mission_convocations", args=[m.pk])).content.decode()
        assert "Reportée : initialement prévue le 10/12/2026 à 14h30." in page and "Lettre de report (PDF)" in page
        response = client.post(
            reverse("cases:convocation_cancel", args=[m.pk]), {"convocation": second.pk, f"x{second.pk}-reason": ""}
        )
        assert response.status_code == 400 and "Ce champ est obligatoire." in response.content.decode()
        response = client.post(
            reverse("cases:convocation_cancel", args=[m.pk]),
            {"convocation": second.pk, f"x{second.pk}-reason": "Désistement"},
        )
        assert response.status_code == 302
        page = client.get(reverse("cases:mission_convocations", args=[m.pk])).content.decode()
        assert "Annulée le 02/11/2026." in page and "Lettre d&#x27;annulation (PDF)" in page
    with time_machine.travel(datetime(2026, 12, 17, 12, 0, tzinfo=UTC)):
        client.force_login(users["lead"])  # a new session, six weeks later
        page = client.get(reverse("cases:mission_convocations", args=[m.pk])).content.decode()
        assert "Enregistrer la réunion tenue et les présences" in page
        h = f"h{first.pk}"
        alice, avocat = ids(first, "Alice Dupont", users["insurer_avocat"].display_name)
        data = {"convocation": first.pk, f"{h}-attended": [alice, avocat], f"{h}-at_examination": [alice, avocat]}
        response = client.post(reverse("cases:convocation_held", args=[m.pk]), data)
        assert response.status_code == 400 and "l&#x27;examen est privé" in response.content.decode()
        data[f"{h}-at_examination"] = [alice]
        assert client.post(reverse("cases:convocation_held", args=[m.pk]), data).status_code == 302
    first.refresh_from_db()
    assert first.status == MeetingStatus.HELD
    assert set(first.recipients.filter(attended=True).values_list("pk", flat=True)) == {alice, avocat}


def test_the_letter_view_names_the_letter_by_its_kind(client, case):
    m, users = case
    convocation = convoke(m, users["lead"])
    convocation_cancel(by=users["lead"], convocation=convocation, reason="x", on=ON)
    client.force_login(users["lead"])
    response = client.get(reverse("cases:convocation_letter", args=[m.pk, recipient(convocation, "Alice Dupont").pk]))
    assert response.status_code == 200 and 'filename="annulation-Alice Dupont.pdf"' in response["Content-Disposition"]


def _queries(client, m) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("cases:mission_convocations", args=[m.pk])).status_code == 200
    return len(ctx.captured_queries)


@time_machine.travel(datetime(2026, 12, 20, 9, 0, tzinfo=UTC))
def test_the_tab_s_queries_do_not_grow_with_the_meetings(client, case):
    m, users = case
    lead = users["lead"]
    client.force_login(lead)
    first = convoke(m, lead)
    convocation_record_held(by=lead, convocation=first, attended=ids(first, "Alice Dupont"), on=MEETING[0])
    one = _queries(client, m)
    client.force_login(users["insurer_avocat"])
    one_for_avocat = _queries(client, m)
    client.force_login(lead)
    second = convoke(m, lead, date(2026, 12, 21), on=date(2026, 12, 1))
    convocation_postpone(
        by=lead, convocation=second, new_at=at(m, date(2026, 12, 22)), reason="x", on=date(2026, 12, 1)
    )
    convocation_cancel(
        by=lead,
        convocation=convoke(m, lead, date(2026, 12, 23), on=date(2026, 12, 1)),
        reason="x",
        on=date(2026, 12, 1),
    )
    for n in range(3):
        convoke(m, lead, date(2027, 1, 4 + n), on=date(2026, 12, 1))
    assert m.convocations.count() == 6
    assert _queries(client, m) == one
    client.force_login(users["insurer_avocat"])
    assert _queries(client, m) == one_for_avocat
