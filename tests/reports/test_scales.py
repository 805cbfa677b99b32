"""The calculators of the seeds (DOMAIN.md §5), checked on the seeds' own worked examples.
They propose a rate; the expert decides, and the reasoning they write is what the report shows."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.choices import CertificateKind, Country, Framework
from reports import checks, proposals, scales


def test_balthazard_on_the_seed_example_60_20_10_is_71_2_unrounded():
    # "60 + 20×40/100 + 10×32/100 = 71.2 (the article rounds to 72)"
    assert scales.balthazard([60, 20, 10]) == Decimal("71.2")
    assert scales.balthazard(["10", "60", "20"]) == Decimal("71.2")  # each rate on the capacity left
    steps = scales.balthazard_steps([60, 20, 10])
    assert steps.reasoning.endswith("60 + 20 × 40 / 100 + 10 × 32 / 100 = 71,2 %.")


def test_balthazard_of_one_rate_is_that_rate_and_never_reaches_100():
    assert scales.balthazard([35]) == Decimal(35)
    assert scales.balthazard([90, 90, 90]) == Decimal("99.9")


@given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=6))
def test_balthazard_is_at_least_the_highest_rate_and_at_most_the_sum(rates):
    total = scales.balthazard(rates)
    assert max(rates) <= total <= min(sum(rates), Decimal(100))


def test_gabrielli_on_the_seed_example_of_the_one_eyed_person():
    # C1 = 70 (one eye lost before), C2 = 15 after losing the other: (70 − 15) / 70 × 100 ≈ 78.6 %
    rate = scales.gabrielli(70, 15)
    assert rate.quantize(Decimal("0.1")) == Decimal("78.6")
    assert "(70 − 15) / 70 × 100 = 78,57 %" in scales.gabrielli_steps(70, 15).reasoning


def test_synergy_adds_for_two_hands_and_subtracts_for_two_feet():
    # hands: a + b + (a + b) / 10 ; feet: a + b − b / 2, with a > b (seed, work accidents)
    assert scales.synergy_hands(30, 20) == Decimal(55)
    assert scales.synergy_feet(30, 20) == Decimal(40)
    assert scales.synergy_hands(20, 30) == scales.synergy_hands(30, 20)  # a is the higher rate
    assert scales.synergy_feet("12.5", "5") == Decimal("15")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: scales.balthazard([60, 120]), "entre 0 et 100"),
        (lambda: scales.balthazard([-5]), "entre 0 et 100"),
        (lambda: scales.balthazard(["abc"]), "n'est pas un nombre"),
        (lambda: scales.balthazard(["NaN"]), "entre 0 et 100"),
        (lambda: scales.balthazard([]), "au moins un taux"),
        (lambda: scales.gabrielli(15, 70), "ne peut dépasser la capacité avant"),
        (lambda: scales.gabrielli(0, 0), "ne peut être nulle"),
        (lambda: scales.gabrielli(70, 101), "entre 0 et 100"),
        (lambda: scales.synergy_hands(60, 50), "dépasse 100 %"),
        (lambda: scales.degree_label(8), "de 0 à 7"),
    ],
)
def test_inputs_outside_0_100_or_inconsistent_are_refused_with_a_clear_message(call, message):
    with pytest.raises(scales.ScaleError, match=message):
        call()


def test_the_seven_degree_scale_is_shown_as_number_and_word():
    assert scales.degree_label(3) == "3/7 (modéré)"
    assert scales.degree_label(0) == "0/7 (nul)"
    assert scales.degree_label(7) == "7/7 (très important)"
    assert scales.degree_label(None) == "non évalué"


def test_revision_rule_follows_the_framework_and_the_country():
    assert "art. 132" in checks.revision_rule(Framework.ROAD_ACCIDENT, Country.TN)
    assert "aggravation seulement" in checks.revision_rule(Framework.ROAD_ACCIDENT, Country.FR)
    assert "intervalle annuel" in checks.revision_rule(Framework.WORK_ACCIDENT, Country.TN)
    assert "aucune révision" in checks.revision_rule(Framework.PERSONAL_INSURANCE, Country.FR)


def _period(start, end):
    return SimpleNamespace(start=start, end=end)


def test_tunisian_road_accident_warns_of_third_party_help_below_80_percent_ipp():
    # loi 2005-86 art. 137: tierce personne only for IPP >= 80 %
    kwargs = {"framework": Framework.ROAD_ACCIDENT, "consolidation_date": None, "periods": []}
    warned = checks.report_warnings(country=Country.TN, ipp_rate=Decimal(45), third_party_hours=Decimal(2), **kwargs)
    assert any("art. 137" in w for w in warned)
    assert not checks.report_warnings(country=Country.TN, ipp_rate=Decimal(80), third_party_hours=Decimal(2), **kwargs)
    assert not checks.report_warnings(country=Country.FR, ipp_rate=Decimal(45), third_party_hours=Decimal(2), **kwargs)


def test_periods_after_consolidation_or_overlapping_are_warned():
    warned = checks.report_warnings(
        country=Country.FR,
        framework=Framework.CIVIL,
        ipp_rate=None,
        third_party_hours=None,
        consolidation_date=date(2026, 6, 1),
        periods=[_period(date(2026, 3, 1), date(2026, 4, 1)), _period(date(2026, 3, 20), date(2026, 6, 10))],
    )
    assert any("consolidation" in w for w in warned)
    assert any("chevauchent" in w for w in warned)


def test_the_report_cannot_be_finalized_while_a_question_has_no_answer():
    questions = [
        SimpleNamespace(pk=10, position=1),
        SimpleNamespace(pk=11, position=2),
        SimpleNamespace(pk=12, position=3),
    ]
    assert checks.finalize_problems(questions, {10: "Oui.", 11: "  ", 12: "Non."}) == [
        "Les conclusions doivent répondre à chaque question de la mission : question 2 sans réponse."
    ]
    assert checks.finalize_problems(questions, {10: "a", 11: "b", 12: "c"}) == []


def _cert(number, kind, issued, *, start=None, days=None, consolidation=None):
    doc = SimpleNamespace(number=number)
    cert = SimpleNamespace(
        pk=number, document=doc, kind=kind, issued_on=issued, stoppage_days=days, consolidation_date=consolidation
    )
    cert.stoppage_from = (start or issued) if days else None
    cert.stoppage_until = (cert.stoppage_from + (date.resolution * (days - 1))) if days else None
    return cert


def test_certificates_propose_merged_stoppages_and_the_consolidation_date():
    found = proposals.propose(
        [
            _cert(2, CertificateKind.INITIAL, date(2026, 3, 14), days=30),  # 14/03 → 12/04
            _cert(3, CertificateKind.PROLONGATION, date(2026, 4, 12), start=date(2026, 4, 13), days=30),  # → 12/05
            _cert(5, CertificateKind.RELAPSE, date(2026, 7, 1), days=10),  # 01/07 → 10/07, after a gap
            _cert(7, CertificateKind.CONSOLIDATION, date(2026, 9, 30), consolidation=date(2026, 7, 5)),
        ]
    )
    assert found.consolidation_date == date(2026, 7, 5)
    assert found.consolidation_source == 7
    assert [(p.start, p.end, p.sources) for p in found.periods] == [
        (date(2026, 3, 14), date(2026, 5, 12), [2, 3]),
        (date(2026, 7, 1), date(2026, 7, 4), [5]),  # temporary incapacity ends at consolidation
    ]


def test_no_certificate_proposes_nothing():
    assert not proposals.propose([])


def test_unanswered_imputability_conditions_and_an_undiscussed_prior_state_are_warned():
    warned = checks.report_warnings(
        country=Country.FR,
        framework=Framework.CIVIL,
        ipp_rate=None,
        third_party_hours=None,
        consolidation_date=None,
        periods=[],
        imputability_missing=["Conditions de délai", "Exclusion d'une cause étrangère"],
        prior_state_discussed=False,
    )
    assert any("conditions de délai, exclusion d'une cause étrangère" in w for w in warned)
    assert any("état antérieur" in w for w in warned)
