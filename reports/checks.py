"""Pure rules on a report: the revision rule of its framework, what the expert should be warned of,
and what stops it from being finalized."""

import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases import countries
from cases.choices import Country, Framework

TN_THIRD_PARTY_IPP = Decimal(80)


def revision_rule(framework: str, country: str) -> str:
    """DOMAIN.md §5, 'Revision', as the report states it."""
    if framework == Framework.ROAD_ACCIDENT:
        rule = _(
            "Révision possible en aggravation seulement, jamais en amélioration ; l'aggravation doit être "
            "objectivable et sa preuve incombe à la victime."
        )
        if country == Country.TN:
            rule += " " + _(
                "Une aggravation survenue plus de cinq ans après la consolidation n'ouvre pas droit à "
                "réparation (%(law)s)."
            ) % {"law": countries.cite("road_revision", country)}
        return rule
    if framework in (Framework.WORK_ACCIDENT, Framework.SOCIAL_SECURITY):
        return _(
            "Taux révisable en amélioration ou en aggravation, à intervalle annuel, pendant les cinq premières "
            "années ; une rechute n'est reconnue que sur preuve de son imputabilité."
        )
    if framework in (Framework.PERSONAL_INSURANCE, Framework.INVALIDITY):
        return _("Taux définitif : aucune révision n'est possible.")
    return _("Une aggravation ultérieure, objectivable et imputable, pourra donner lieu à une nouvelle expertise.")


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
            _("Imputabilité : chacune des sept conditions appelle une réponse ; sans réponse : %(missing)s.")
            % {"missing": ", ".join(str(label).lower() for label in imputability_missing)}
        )
    if not prior_state_discussed:
        warnings.append(_("L'état antérieur n'est pas qualifié (aucun, révélation, décompensation, aggravation…)."))
    if (
        country == Country.TN
        and framework == Framework.ROAD_ACCIDENT
        and third_party_hours
        and (ipp_rate is None or ipp_rate < TN_THIRD_PARTY_IPP)
    ):
        warnings.append(
            _(
                "Accident de la circulation (Tunisie) : l'assistance d'une tierce personne n'est indemnisée que pour "
                "une IPP d'au moins %(rate)s %% (%(law)s)."
            )
            % {"rate": TN_THIRD_PARTY_IPP, "law": countries.cite("third_party_threshold", country)}
        )
    if consolidation_date:
        late = [p for p in periods if p.end >= consolidation_date + timedelta(days=1)]
        if late:
            warnings.append(
                _("L'incapacité temporaire prend fin à la consolidation : une période se termine après le %(day)s.")
                % {"day": f"{consolidation_date:%d/%m/%Y}"}
            )
    ordered = sorted(periods, key=lambda p: p.start)
    for before, after in itertools.pairwise(ordered):
        if after.start <= before.end:
            warnings.append(
                _("Deux périodes d'incapacité temporaire se chevauchent (à partir du %(day)s).")
                % {"day": f"{after.start:%d/%m/%Y}"}
            )
            break
    return warnings


def finalize_problems(questions: Sequence, answers: dict[int, str]) -> list[str]:
    """The report cannot be finalized while a mission question has no answer."""
    missing = [q.position for q in questions if not (answers.get(q.pk) or "").strip()]
    if not missing:
        return []
    listed = ", ".join(str(n) for n in missing)
    return [
        ngettext(
            "Les conclusions doivent répondre à chaque question de la mission : question %(listed)s sans réponse.",
            "Les conclusions doivent répondre à chaque question de la mission : questions %(listed)s sans réponse.",
            len(missing),
        )
        % {"listed": listed}
    ]
