"""No sentence in the report for a field left empty (issue 14, item 9): a court document states
what the experts concluded, never a default ("Pas de besoin d'assistance par une tierce personne
retenu" for a field nobody filled is a false statement to the judge, CPC art. 282). An empty field
prints nothing, an empty section has no heading; a value entered as 0 or "none" is a statement and
is printed. Every editable field of the report is gone through, in the HTML the PDF is laid out
from, then in the PDF itself (pypdf) with all fields empty and with each filled."""

import html
import re
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from reports.builder import report_data, report_for, report_html
from reports.models import IMPUTABILITY, VersionKind
from reports.services import EDITABLE_FIELDS, report_save
from tests import factories
from tests.reports.test_report_french import pdf_text

pytestmark = pytest.mark.django_db

TEXTS = {name: f"Texte saisi pour {name}." for name in EDITABLE_FIELDS}
# Each field, filled, with the heading the report gives it.
FILLED = {
    "operations_notes": ("Compléments sur le déroulement.", "Déroulement des opérations"),
    "facts": ("Accident de la circulation le 14 mars 2026.", "Commémoratifs"),
    "complaints": ("Douleurs cervicales à l'effort.", "Doléances"),
    "prior_state_text": ("Aucun antécédent traumatique.", "Antécédents et état antérieur"),
    "examination": ("Raideur cervicale modérée.", "Examen clinique"),
    "discussion": ("Entorse cervicale imputable à l'accident.", "Discussion"),
    **{name: (f"Condition remplie ({name}).", "Imputabilité") for name, _label in IMPUTABILITY},
    "prior_state": ("aggravation", "État antérieur"),
    "prior_state_discussion": ("Arthrose cervicale aggravée.", "État antérieur"),
    "consolidation_date": (date(2026, 9, 15), "Consolidation"),
    "ipp_rate": (Decimal("8"), "Déficit fonctionnel permanent"),
    "ipp_reasoning": ("Barème indicatif, raideur modérée.", "Déficit fonctionnel permanent"),
    "suffering": (3, "Souffrances endurées"),
    "aesthetic_temporary": (2, "Préjudice esthétique"),
    "aesthetic_permanent": (1, "Préjudice esthétique"),
    "agrement": ("Arrêt de la course à pied.", "Préjudice d'agrément"),
    "professional": ("Reprise à temps partiel.", "Retentissement professionnel"),
    "sexual": ("Gêne positionnelle décrite.", "Préjudice sexuel"),
    "obstetrical": ("Sans objet décrit par la victime.", "Préjudice d'établissement et obstétrical"),
    "juvenile": ("Scolarité interrompue trois mois.", "Préjudice juvénile"),
    "third_party_hours": (Decimal("2"), "Tierce personne"),
    "third_party_kind": ("Aide non spécialisée pour la toilette.", "Tierce personne"),
    "devices": ("Collier cervical mousse.", "Appareillages et aménagements"),
    "future_care": ("Kinésithérapie, dix séances par an.", "Soins futurs"),
    "reserves": ("Réserves pour une aggravation arthrosique.", "Réserves et révision"),
}
# Every heading a field may bring, and the default sentences the report used to print for nothing.
HEADINGS = sorted({heading for _value, heading in FILLED.values()} | {"Incapacité temporaire"})
DEFAULTS = ["Pas de besoin d'assistance", "non évalué", "Non discuté", "[néant]"]
SECTIONS = [
    "Identification",
    "Rappel de la mission",
    "Pièces reçues",
    "Discussion",
    "Réponses aux dires",
    "Conclusions",
]
# printed whatever the experts entered: the sections the mission fills, and the revision rule of the
# framework under its heading (a statement of the law, not of the experts)
ALWAYS = [*SECTIONS, "Réserves et révision"]


def text_of(page: str) -> str:
    """The words of the HTML, without its tags (what the PDF prints)."""
    body = page[page.index("<body") :]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def rendered(mission, kind=VersionKind.FINAL) -> str:
    with translation.override(mission.document_language):
        data = report_data(mission, kind)
    return text_of(report_html(data))


def fill(mission, **fields):
    report = report_for(mission)
    return report_save(
        report=report, user=factories.lead_expert(mission), expected_revision=report.revision, fields=fields
    )


@pytest.fixture
def mission():
    court = factories.CourtFactory(code="tj-bobigny", name="Tribunal judiciaire de Bobigny")
    m = factories.mission(court=court, rg="26/04521", ordered_on=date(2026, 9, 1))
    factories.party(m, name="Alice Dupont", is_victim=True)
    return m


def test_every_editable_field_of_the_report_is_gone_through():
    assert set(FILLED) == set(EDITABLE_FIELDS)


def test_a_report_with_every_field_empty_prints_no_heading_and_no_default_sentence(mission):
    page = rendered(mission)
    for heading in HEADINGS:
        if heading not in ALWAYS:
            assert heading not in page, heading
    for sentence in DEFAULTS:
        assert sentence not in page, sentence
    # the sections the mission itself fills, numbered without gaps
    numbers = [int(n) for n in re.findall(r"(\d+)\. (?:" + "|".join(SECTIONS) + ")", page.split("Sommaire", 1)[1])]
    assert numbers == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", sorted(FILLED))
def test_a_field_filled_alone_prints_its_heading_and_its_value(mission, name):
    value, heading = FILLED[name]
    fill(mission, **{name: value})
    page = rendered(mission)
    assert heading in page, (name, heading)
    if isinstance(value, str) and name != "prior_state":
        assert value in page
    for sentence in DEFAULTS:
        assert sentence not in page


@pytest.mark.parametrize(
    "fields, statement",
    [
        (
            {"third_party_hours": Decimal("0")},
            "Tierce personne Pas de besoin d'assistance par une tierce personne retenu.",
        ),
        ({"ipp_rate": Decimal("0")}, "Déficit fonctionnel permanent 0 %"),
        ({"suffering": 0}, "Souffrances endurées 0/7 (nul)"),
        ({"aesthetic_permanent": 0}, "Préjudice esthétique Permanent : 0/7 (nul)"),
        ({"aesthetic_temporary": 2}, "Préjudice esthétique Temporaire : 2/7 (léger)"),
        ({"prior_state": "none"}, "État antérieur Aucun état antérieur"),
    ],
    ids=["no-third-party", "ipp-0", "suffering-0", "aesthetic-0", "aesthetic-temporary-only", "no-prior-state"],
)
def test_a_value_entered_as_zero_or_none_is_a_statement_and_is_printed(mission, fields, statement):
    fill(mission, **fields)
    assert statement in rendered(mission)


def test_the_pre_report_has_no_dires_section_before_any_dire_the_deposit_always_has_one(mission):
    """CPC art. 276: the deposited report answers the dires ("aucun dire n'a été reçu" is then a
    statement); a pre-report opens their period, so without a dire it has nothing to say of them."""
    assert "Réponses aux dires" not in rendered(mission, VersionKind.PRE_REPORT)
    assert "Aucun dire n'a été reçu." in rendered(mission, VersionKind.FINAL)


def test_the_pdf_with_every_field_empty_then_with_each_filled(mission):
    empty = pdf_text(build(mission))
    for heading in HEADINGS:
        if heading not in ALWAYS:
            assert heading not in empty, heading
    for sentence in DEFAULTS:
        assert sentence not in empty, sentence
    assert "1. Identification" in empty and "6. Conclusions" in empty

    fill(mission, **{name: value for name, (value, _heading) in FILLED.items()})
    report = report_for(mission)
    report.periods.create(kind="total", start=date(2026, 3, 14), end=date(2026, 4, 12))
    full = pdf_text(build(mission))
    for name, (_value, heading) in FILLED.items():
        assert heading in full, (name, heading)
    for text in [
        "Accident de la circulation le 14 mars 2026.",
        "Collier cervical mousse.",
        "Date de consolidation : 15 septembre 2026.",
    ]:
        assert text in full
    assert "2 heures par jour : Aide non spécialisée pour la toilette." in full
    assert (
        "8 %" in full and "3/7 (modéré)" in full and "Temporaire : 2/7 (léger) ; permanent : 1/7 (très léger)" in full
    )
    assert "Aggravation" in full and "du 14/03/2026 au 12/04/2026" in full
    assert "10. Réponses aux dires" in full and "11. Conclusions" in full


def build(mission) -> bytes:
    from reports.builder import build_report

    return build_report(mission, VersionKind.FINAL).pdf
