"""The mission's data as the court's order gives them, corrected by the experts (Act.MISSION_EDIT)
with a trail: court, RG, title, judge, dates, kind, framework, language; the questions until the
pre-report is sent. Each correction is one line of the mission's history (cases.history)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases import actions, countries, history
from cases.choices import MissionStatus
from cases.models import ChangeAction, Mission, MissionQuestion
from cases.services.courts import check_court

EDITABLE_FIELDS = ("court", "rg", "title", "judge", "ordered_on", "report_due", "kind", "framework", "language")


def check_order_date(mission: Mission) -> None:
    """The order is a fact: never dated in the future (the court's date)."""
    if mission.ordered_on and mission.court_id and mission.ordered_on > countries.today(mission):
        raise ValidationError({"ordered_on": _("La date de la décision ne peut être dans le futur.")})


def questions_frozen(mission: Mission) -> bool:
    """The questions are those the parties answered: once a pre-report (or any report) went out,
    they are no longer corrected."""
    if mission.status in (MissionStatus.PRE_REPORT, MissionStatus.DEPOSITED):
        return True
    return mission.report_versions.exists()


@transaction.atomic
def mission_update(*, by: User, mission: Mission, reason: str = "", **fields) -> Mission:
    """Corrects the mission's data (court, RG, title, judge, dates, kind, framework, language; the
    questions with `questions=`), the experts only, each change in the history with its reason.
    The order is not dated in the future; the report is not due before the order."""
    actions.require(by, mission, actions.Act.MISSION_EDIT)
    questions = fields.pop("questions", None)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    mission = Mission.objects.select_for_update().select_related("court").get(pk=mission.pk)
    current_court = mission.court
    before = history.snapshot(mission, fields)
    for name, value in fields.items():
        setattr(mission, name, value.strip() if isinstance(value, str) else value)
    check_court(by, mission.court, current=current_court)
    check_order_date(mission)
    mission.full_clean()
    changes = history.diff(before, history.snapshot(mission, fields))
    if changes:
        mission.save(update_fields=[*fields, "updated_at"])
        history.record(
            mission=mission,
            by=by,
            action=ChangeAction.CORRECTED,
            obj=mission,
            label=_("Données de la mission"),
            changes=changes,
            reason=reason,
        )
    if questions is not None:
        mission_questions_set(by=by, mission=mission, questions=questions, reason=reason)
    return mission


@transaction.atomic
def mission_questions_set(*, by: User, mission: Mission, questions: list[str], reason: str = "") -> None:
    """Corrects the questions of the mission until the pre-report is sent: after it the parties
    answered the questions as they were, and they are no longer changed. A question kept or
    corrected keeps its row, and the answer drafted to it; one removed may not take a drafted
    answer with it."""
    actions.require(by, mission, actions.Act.MISSION_EDIT)
    questions = [q.strip() for q in questions if q and q.strip()]
    if not questions:
        raise ValidationError({"questions": _("La mission doit comporter au moins une question.")})
    rows = list(MissionQuestion.objects.select_for_update().filter(mission=mission).order_by("position"))
    if [r.text for r in rows] == questions:
        return
    if questions_frozen(mission):
        raise ValidationError(
            {
                "questions": _(
                    "Le pré-rapport a été diffusé : les parties ont répondu aux questions telles qu'elles "
                    "étaient posées. Elles ne se modifient plus."
                )
            }
        )
    label = _("Question %(position)s")
    before = {label % {"position": r.position}: r.text for r in rows}
    # the same text keeps its row; the others are paired in order (a corrected question keeps its answer)
    kept: dict[int, MissionQuestion] = {}
    free = list(rows)
    for i, text in enumerate(questions):
        same = next((r for r in free if r.text == text), None)
        if same is not None:
            kept[i] = same
            free.remove(same)
    for i in range(len(questions)):
        if i not in kept and free:
            kept[i] = free.pop(0)
    answered = [r for r in free if r.answers.exclude(text="").exists()]
    if answered:
        raise ValidationError(
            {
                "questions": _("La réponse rédigée à la question %(position)s serait perdue : reprenez-la avant.")
                % {"position": answered[0].position}
            }
        )
    MissionQuestion.objects.filter(pk__in=[r.pk for r in free]).delete()
    offset = len(rows) + len(questions) + 1  # past every position, for the unique (mission, position)
    for row in kept.values():
        row.position += offset
    MissionQuestion.objects.bulk_update(kept.values(), ["position"])
    for i, row in kept.items():
        row.position, row.text = i + 1, questions[i]
        row.full_clean(exclude=["mission"])
    MissionQuestion.objects.bulk_update(kept.values(), ["position", "text"])
    new = [MissionQuestion(mission=mission, position=i + 1, text=t) for i, t in enumerate(questions) if i not in kept]
    for row in new:
        row.full_clean(exclude=["mission"])
    MissionQuestion.objects.bulk_create(new)
    after = {label % {"position": i}: text for i, text in enumerate(questions, start=1)}
    history.record(
        mission=mission,
        by=by,
        action=ChangeAction.CORRECTED,
        label=_("Questions de la mission"),
        changes=history.diff(before, after) | {k: [v, ""] for k, v in before.items() if k not in after},
        reason=reason,
    )
