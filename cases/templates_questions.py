"""Starting points for a mission's questions, per kind and framework. The expert edits them to
reproduce the court's order verbatim."""

from cases.choices import Framework, MissionKind

# "Mission type" of the seeds (damage assessment after an accident).
STANDARD = [
    "Examiner la victime.",
    "Déterminer la durée de l'incapacité temporaire de travail.",
    "Fixer la date de consolidation des blessures.",
    "Dégager, en les spécifiant, les éléments propres à justifier une indemnisation au titre de la douleur.",
    "Dire si, du fait des lésions constatées initialement, il existe une atteinte permanente ; dans l'affirmative, "
    "en fixer le taux.",
    "Dire si l'état de la victime est susceptible de modification en aggravation ou amélioration.",
    "Dire si, malgré son incapacité permanente, la victime est, sur le plan médical, physiquement et "
    "intellectuellement apte à reprendre dans les conditions antérieures ou autres ses activités.",
]

# "Mission en aggravation" of the seeds.
AGGRAVATION = [
    "Examiner la victime.",
    "Dire si, depuis le précédent rapport d'expertise, son état physique s'est aggravé.",
    "Dans l'affirmative, indiquer la durée de la nouvelle incapacité temporaire de travail.",
    "Donner son avis sur l'importance des souffrances liées à l'aggravation.",
]

MEDICAL_LIABILITY = [
    "Examiner le patient.",
    "Se faire communiquer le dossier médical, avec l'accord du patient, et décrire les soins reçus.",
    "Dire si les soins ont été consciencieux, attentifs et conformes aux données acquises de la science.",
    "Dans la négative, décrire les manquements et dire s'ils sont à l'origine du dommage.",
    "Décrire le dommage imputable et le chiffrer selon les postes habituels.",
]

WORK_ACCIDENT = [
    "Examiner la victime.",
    "Dire si les lésions constatées sont imputables à l'accident du travail ou à la maladie professionnelle.",
    "Fixer la date de consolidation.",
    "Fixer le taux d'incapacité permanente selon le barème applicable.",
    "Dire si l'état de la victime est susceptible d'aggravation.",
]


def default_questions(framework: str, kind: str) -> list[str]:
    if kind == MissionKind.AGGRAVATION:
        return AGGRAVATION
    if framework == Framework.MEDICAL_LIABILITY:
        return MEDICAL_LIABILITY
    if framework == Framework.WORK_ACCIDENT:
        return WORK_ACCIDENT
    return STANDARD


def all_templates() -> dict[str, dict[str, list[str]]]:
    return {kind: {fw: default_questions(fw, kind) for fw in Framework.values} for kind in MissionKind.values}
