"""Pure rules on a report: the revision rule of its framework, what the expert should be warned of,
and what stops it from being finalized."""

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from cases.choices import Country, Framework

TN_THIRD_PARTY_IPP = Decimal(80)


def revision_rule(framework: str, country: str) -> str:
    """DOMAIN.md §5, 'Revision', as the report states it."""
    if framework == Framework.ROAD_ACCIDENT:
        rule = (
            "Révision possible en aggravation seulement, jamais en amélioration ; l'aggravation doit être "
            "objectivable et sa preuve incombe à la victime."
        )
        if country == Country.TN:
            rule += (
                " Une aggravation survenue plus de cinq ans après la consolidation n'ouvre pas droit à "
                "réparation (loi n° 2005-86, art. 132)."
            )
        return rule
    if framework in (Framework.WORK_ACCIDENT, Framework.SOCIAL_SECURITY):
        return (
            "Taux révisable en amélioration ou en aggravation, à intervalle annuel, pendant les cinq premières "
            "années ; une rechute n'est reconnue que sur preuve de son imputabilité."
        )
    if framework in (Framework.PERSONAL_INSURANCE, Framework.INVALIDITY):
        return "Taux définitif : aucune révision n'est possible."
    return "Une aggravation ultérieure, objectivable et imputable, pourra donner lieu à une nouvelle expertise."


def report_warnings(
    *,
    country: str,
    framework: str,
    ipp_rate: Decimal | None,
    third_party_hours: Decimal | None,
    consolidation_date: date | None,
    periods: Sequence,
    imputability_missing: Sequence[str] = (),
    prior_state_discussed: bool = True,
) -> list[str]:
    """What the expert should look at again; none of these stops him."""
    warnings = []
    if imputability_missing:
        warnings.append(
            "Imputabilité : chacune des sept conditions appelle une réponse ; sans réponse : "
            + ", ".join(label.lower() for label in imputability_missing)
            + "."
        )
    if not prior_state_discussed:
        warnings.append("L'état antérieur n'est pas qualifié (aucun, révélation, décompensation, aggravation…).")
    if (
        country == Country.TN
        and framework == Framework.ROAD_ACCIDENT
        and third_party_hours
        and (ipp_rate is None or ipp_rate < TN_THIRD_PARTY_IPP)
    ):
        warnings.append(
            "Accident de la circulation (Tunisie) : l'assistance d'une tierce personne n'est indemnisée que pour "
            "une IPP d'au moins 80 % (loi n° 2005-86, art. 137)."
        )
    if consolidation_date:
        late = [p for p in periods if p.end >= consolidation_date + timedelta(days=1)]
        if late:
            warnings.append(
                "L'incapacité temporaire prend fin à la consolidation : une période se termine après le "
                f"{consolidation_date:%d/%m/%Y}."
            )
    ordered = sorted(periods, key=lambda p: p.start)
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            warnings.append(
                f"Deux périodes d'incapacité temporaire se chevauchent (à partir du {after.start:%d/%m/%Y})."
            )
            break
    return warnings


def finalize_problems(questions: Sequence, answers: dict[int, str]) -> list[str]:
    """The report cannot be finalized while a mission question has no answer."""
    missing = [q.position for q in questions if not (answers.get(q.pk) or "").strip()]
    if not missing:
        return []
    listed = ", ".join(str(n) for n in missing)
    plural = "s" if len(missing) > 1 else ""
    return [
        f"Les conclusions doivent répondre à chaque question de la mission : question{plural} {listed} sans réponse."
    ]
