"""The ten rules of secret médical (DOMAIN.md §3), as the pure function `rule_for`, each test
naming its legal basis. No database: the facts are given."""

import pytest

from cases.access import Action, Facts, PartyConsent, Rule, Seat, rule_for

VICTIM, INSURER, DEFENDANT = 1, 2, 3
EXPERT = Seat(expert=True)
CLERK = Seat(court=True)
VICTIM_SIDE = Seat(side_party_ids=frozenset({VICTIM}))
VICTIM_DOCTOR = Seat(side_party_ids=frozenset({VICTIM}), doctor_party_ids=frozenset({VICTIM}))
INSURER_LAWYER = Seat(side_party_ids=frozenset({INSURER}))
INSURER_DOCTOR = Seat(side_party_ids=frozenset({INSURER}), doctor_party_ids=frozenset({INSURER}))
OUTSIDER = Seat()


def medical(**kwargs) -> Facts:
    values = {
        "is_medical": True,
        "about_id": VICTIM,
        "producer": "party",
        "producer_party_id": VICTIM,
        "unrelated": False,
    }
    values.update(kwargs)
    return Facts(**values)


NON_MEDICAL = Facts(is_medical=False, about_id=None, producer="court", producer_party_id=None, unrelated=False)
WRITTEN_TO_INSURER = (PartyConsent(INSURER, written=True, grantee_is_insurer=True),)


def allowed(seat, facts, action=Action.DOWNLOAD) -> bool:
    return rule_for(seat, action, facts).allowed


def test_rule_1_scope_outsiders_get_nothing_art_160_cpc():
    for facts in (NON_MEDICAL, medical()):
        for action in Action:
            assert rule_for(OUTSIDER, action, facts) == rule_for(OUTSIDER, action, facts)
            assert rule_for(OUTSIDER, action, facts).rule == Rule.OUTSIDE
            assert not allowed(OUTSIDER, facts, action)


def test_rule_2_contradictoire_non_medical_pieces_reach_every_member_art_16_cpc():
    for seat in (EXPERT, CLERK, VICTIM_SIDE, INSURER_LAWYER, INSURER_DOCTOR):
        assert rule_for(seat, Action.DOWNLOAD, NON_MEDICAL).rule == Rule.NON_MEDICAL


def test_rule_3_patient_master_of_the_secret_L1110_4_CSP_civ_15_juin_2004():
    produced_by_patient = medical()
    assert allowed(VICTIM_SIDE, produced_by_patient) and allowed(VICTIM_DOCTOR, produced_by_patient)
    assert rule_for(EXPERT, Action.DOWNLOAD, produced_by_patient).rule == Rule.EXPERT


def test_rule_3_piece_brought_by_another_is_quarantined_civ_11_juin_2009_crim_16_mars_2021():
    from_hospital = medical(producer="third_party", producer_party_id=None)
    from_adverse = medical(producer_party_id=INSURER)
    for facts in (from_hospital, from_adverse):
        assert rule_for(EXPERT, Action.DOWNLOAD, facts).rule == Rule.QUARANTINE
        assert allowed(VICTIM_SIDE, facts)  # his own record
    assert allowed(EXPERT, medical(producer="third_party", producer_party_id=None, consented_to_experts=True))


def test_rule_4_adverse_parties_and_lawyers_never_see_medical_pieces_civ_2_mars_2004():
    facts = medical(party_consents=WRITTEN_TO_INSURER)
    assert rule_for(INSURER_LAWYER, Action.DOWNLOAD, facts).rule == Rule.DOCTORS_ONLY
    assert allowed(INSURER_DOCTOR, facts)


def test_rule_5_consent_names_the_side_and_is_written_for_insurers_L1110_4_CSP():
    assert rule_for(INSURER_DOCTOR, Action.DOWNLOAD, medical()).rule == Rule.NO_CONSENT
    oral = (PartyConsent(INSURER, written=False, grantee_is_insurer=True),)
    assert rule_for(INSURER_DOCTOR, Action.DOWNLOAD, medical(party_consents=oral)).rule == Rule.CONSENT_NOT_WRITTEN
    to_other = (PartyConsent(DEFENDANT, written=True, grantee_is_insurer=False),)
    assert not allowed(INSURER_DOCTOR, medical(party_consents=to_other))
    oral_to_clinic = (PartyConsent(DEFENDANT, written=False, grantee_is_insurer=False),)
    clinic_doctor = Seat(side_party_ids=frozenset({DEFENDANT}), doctor_party_ids=frozenset({DEFENDANT}))
    assert allowed(clinic_doctor, medical(party_consents=oral_to_clinic))


def test_rule_5_adverse_doctor_only_once_the_experts_may_see_it():
    quarantined = medical(producer="third_party", producer_party_id=None, party_consents=WRITTEN_TO_INSURER)
    assert rule_for(INSURER_DOCTOR, Action.DOWNLOAD, quarantined).rule == Rule.QUARANTINE


def test_rule_6_a_refusal_is_never_overridden_civ_11_juin_2009():
    facts = medical(refused=True, consented_to_experts=True, party_consents=WRITTEN_TO_INSURER)
    for seat in (EXPERT, INSURER_DOCTOR, INSURER_LAWYER, CLERK):
        assert not allowed(seat, facts)
    assert rule_for(EXPERT, Action.DOWNLOAD, facts).rule == Rule.REFUSED
    assert allowed(VICTIM_SIDE, facts) and allowed(VICTIM_DOCTOR, facts)


def test_rule_7_unrelated_pieces_stay_with_experts_and_patient_art_244_247_cpc():
    facts = medical(unrelated=True, party_consents=WRITTEN_TO_INSURER)
    assert rule_for(EXPERT, Action.DOWNLOAD, facts).rule == Rule.UNRELATED and allowed(EXPERT, facts)
    assert rule_for(INSURER_DOCTOR, Action.DOWNLOAD, facts).rule == Rule.UNRELATED
    assert not allowed(INSURER_DOCTOR, facts)
    assert allowed(VICTIM_SIDE, facts)


def test_rule_8_existence_is_visible_to_members_title_and_file_are_not():
    facts = medical()
    for seat in (CLERK, INSURER_LAWYER, EXPERT):
        assert rule_for(seat, Action.LIST, facts).rule == Rule.EXISTENCE
    assert rule_for(CLERK, Action.VIEW, facts).rule == Rule.EXISTENCE
    assert not allowed(CLERK, facts, Action.VIEW)
    assert allowed(CLERK, NON_MEDICAL, Action.VIEW)


@pytest.mark.parametrize("action", [Action.VIEW, Action.DOWNLOAD])
def test_view_and_download_follow_the_same_rules(action):
    assert allowed(INSURER_DOCTOR, medical(party_consents=WRITTEN_TO_INSURER), action)
    assert not allowed(INSURER_LAWYER, medical(party_consents=WRITTEN_TO_INSURER), action)
