from datetime import date

import pytest
from django.core.exceptions import ValidationError

from cases.choices import MissionStatus, Producer
from cases.models import Mission
from cases.selectors import medical_timeline
from cases.services.certificates import certificate_record
from cases.services.consents import consent_revoke, refusal_record
from cases.services.dires import dire_record
from cases.services.missions import designation_respond, mission_transition
from cases.services.parties import representative_add
from tests import factories

pytestmark = pytest.mark.django_db


def test_mission_keeps_its_questions_in_the_order_of_the_decision():
    m = factories.mission(questions=["Examiner la victime.", "Fixer la consolidation.", "Dire si aggravation."])
    assert [q.text for q in m.questions.all()] == [
        "Examiner la victime.",
        "Fixer la consolidation.",
        "Dire si aggravation.",
    ]
    assert [q.position for q in m.questions.all()] == [1, 2, 3]
    assert m.assignments.get().role == "expert"


def test_mission_without_question_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError):
        factories.mission(questions=["  ", ""])
    assert Mission.objects.count() == 0


def test_report_due_before_the_order_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        factories.mission(ordered_on=date(2026, 9, 1), report_due=date(2026, 8, 1))
    assert "report_due" in excinfo.value.message_dict


def test_status_follows_the_procedure():
    # DOMAIN.md §8: a state follows its facts; "deposited" only through the deposit of a frozen report.
    m = factories.mission()
    lead = factories.lead_expert(m)
    assert m.status == MissionStatus.DESIGNATED
    with pytest.raises(ValidationError, match="suit un fait"):
        mission_transition(by=lead, mission=m, to=MissionStatus.DEPOSITED)
    m = designation_respond(by=lead, mission=m, accept=True)
    m = mission_transition(by=lead, mission=m, to=MissionStatus.IN_PROGRESS)
    assert m.status == MissionStatus.IN_PROGRESS
    for fact in (MissionStatus.PRE_REPORT, MissionStatus.DEPOSITED):
        with pytest.raises(ValidationError, match="suit un fait"):
            mission_transition(by=lead, mission=m, to=fact)
    with pytest.raises(ValidationError, match="ne peut passer"):
        mission_transition(by=lead, mission=m, to=MissionStatus.LAPSED)


def test_representative_must_have_the_matching_profession():
    m = factories.mission()
    p = factories.party(m)
    doctor = factories.UserFactory(role="medecin_conseil")
    with pytest.raises(ValidationError):
        representative_add(by=factories.lead_expert(m), party=p, user=doctor, kind="avocat")


def test_the_expert_cannot_represent_a_party_of_his_own_mission():
    m = factories.mission()
    p = factories.party(m)
    the_expert = m.assignments.get().expert
    with pytest.raises(ValidationError):
        representative_add(by=the_expert, party=p, user=the_expert, kind="avocat")


def test_consent_to_an_insurer_must_be_written():
    # DOMAIN §3 rule 5: for an insurer the consent is written.
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    insurer = factories.party(m, name="Assurances du Centre", role="defendeur", is_insurer=True)
    with pytest.raises(ValidationError) as excinfo:
        factories.consent(m, victim, to=insurer, written=False)
    assert "écrit" in excinfo.value.message_dict["written"][0]
    assert factories.consent(m, victim, to=insurer, written=True).is_active


def test_consent_revocation_is_recorded_once():
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    other = factories.party(m, name="Clinique", role="defendeur")
    c = factories.consent(m, victim, to=other)
    signed = factories.pdf_upload("retrait.pdf", "Retrait signé")
    consent_revoke(by=factories.lead_expert(m), consent=c, revoked_on=date(2026, 10, 1), scan=signed)
    assert not c.is_active
    with pytest.raises(ValidationError):
        consent_revoke(by=factories.lead_expert(m), consent=c, revoked_on=date(2026, 10, 2), scan=signed)


def test_refusal_is_recorded_once_per_piece():
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    doc = factories.medical(m, victim)
    lead = factories.lead_expert(m)
    signed = factories.pdf_upload("refus.pdf", "Refus signé")
    refusal_record(recorded_by=lead, patient=victim, document=doc, refused_on=date(2026, 10, 1), scan=signed)
    with pytest.raises(ValidationError):
        refusal_record(recorded_by=lead, patient=victim, document=doc, refused_on=date(2026, 10, 1), scan=signed)


def test_certificate_only_on_a_medical_piece():
    m = factories.mission()
    doc = factories.document(m, producer=Producer.COURT)
    with pytest.raises(ValidationError):
        certificate_record(by=factories.lead_expert(m), document=doc, kind="initial", issued_on=date(2026, 3, 14))


def test_consolidation_certificate_needs_its_date():
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    with pytest.raises(ValidationError) as excinfo:
        factories.certificate(factories.medical(m, victim), kind="consolidation", issued_on=date(2026, 9, 30))
    assert "consolidation_date" in excinfo.value.message_dict


def test_medical_timeline_is_derived_from_certificates():
    m = factories.mission()
    victim = factories.party(m, is_victim=True)
    factories.certificate(
        factories.medical(m, victim),
        kind="initial",
        issued_on=date(2026, 3, 14),
        lesions="Entorse cervicale",
        stoppage_days=30,
    )
    factories.certificate(
        factories.medical(m, victim, title="Consolidation"),
        kind="consolidation",
        issued_on=date(2026, 9, 30),
        consolidation_date=date(2026, 9, 15),
    )
    the_expert = m.assignments.get().expert
    events = [(e.day, e.label) for e in medical_timeline(the_expert, m)]
    assert events == [
        (date(2026, 3, 14), "Certificat médical initial"),
        (date(2026, 3, 14), "Arrêt de travail"),
        (date(2026, 9, 15), "Consolidation"),
        (date(2026, 9, 30), "Certificat de consolidation"),
    ]
    stoppage = next(e for e in medical_timeline(the_expert, m) if e.kind == "stoppage")
    assert "au 12/04/2026" in stoppage.detail


def test_dire_is_filed_by_the_party_s_own_avocat():
    m = factories.mission()
    insurer = factories.party(m, name="Assureur", role="defendeur", is_insurer=True)
    victim = factories.party(m, is_victim=True)
    own = factories.represent(insurer)
    other = factories.represent(victim)
    with pytest.raises(ValidationError):
        dire_record(mission=m, party=insurer, filed_by=other, received_on=date(2026, 11, 2), text="Observations")
    dire = dire_record(mission=m, party=insurer, filed_by=own, received_on=date(2026, 11, 2), text="Observations")
    assert dire.filed_by == own
    with pytest.raises(ValidationError):
        dire_record(mission=m, party=insurer, received_on=date(2026, 11, 2), text="  ")
