"""Writes on the report: saving the editor (over the revision it opened), taking the proposals of
the certificates, asking for a PDF, and storing what a worker rendered as a frozen version. The
pre-report and the deposit pass the guards of reports.guards first (blocks refuse; warnings are
confirmed one by one), again when the version is stored."""

import hashlib
import logging
from collections.abc import Sequence
from datetime import date, datetime

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from cases import access, actions, countries, history
from cases.choices import MissionStatus
from cases.models import Certificate, ChangeAction, Mission
from cases.services.missions import mission_state_follow
from cases.validators import mail_subject
from reports import guards, proposals
from reports.builder import build_report, report_for
from reports.models import Answer, IncapacityKind, IncapacityPeriod, RenderJob, Report, ReportVersion, VersionKind

logger = logging.getLogger(__name__)

EDITABLE_FIELDS = [
    f.name
    for f in Report._meta.get_fields()
    if getattr(f, "editable", False) and f.name not in {"id", "mission", "revision", "updated_at", "updated_by"}
]


class ConcurrentEdit(ValidationError):
    pass


def _bump_revision(report: Report, user: User, expected_revision: int, **fields) -> Report:
    """Saves only over the revision the editor opened; otherwise says who saved in between."""
    updated = Report.objects.filter(pk=report.pk, revision=expected_revision).update(
        revision=F("revision") + 1, updated_by=user, updated_at=timezone.now(), **fields
    )
    if not updated:
        current = Report.objects.select_related("updated_by").get(pk=report.pk)
        who = current.updated_by.display_name if current.updated_by else _("un autre utilisateur")
        when = timezone.localtime(current.updated_at)
        raise ConcurrentEdit(
            _(
                "Le rapport a été modifié par %(who)s le %(day)s à %(time)s depuis que vous l'avez ouvert. "
                "Vos modifications n'ont pas été enregistrées : elles restent affichées ci-dessous ; rechargez le "
                "rapport et reportez-les."
            )
            % {"who": who, "day": f"{when:%d/%m/%Y}", "time": f"{when:%H:%M}"}
        )
    return Report.objects.get(pk=report.pk)


@transaction.atomic
def report_save(
    *,
    report: Report,
    user: User,
    expected_revision: int,
    fields: dict,
    periods: list[dict] | None = None,
    answers: dict[int, str] | None = None,
) -> Report:
    """Saves the editor in one transaction: the text and ratings, the periods (replaced), the
    answers to the questions (by question id, questions of this mission only)."""
    actions.require(user, report.mission, actions.Act.REPORT_WRITE)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"champs inconnus : {sorted(unknown)}")
    report = _bump_revision(report, user, expected_revision, **fields)
    if periods is not None:
        report.periods.all().delete()
        rows = [IncapacityPeriod(report=report, **p) for p in periods]
        for row in rows:
            if row.kind == IncapacityKind.TOTAL:
                row.rate = None
            row.full_clean(exclude=["report"])
        IncapacityPeriod.objects.bulk_create(rows)
    if answers:
        questions = set(report.mission.questions.values_list("pk", flat=True))
        if not set(answers) <= questions:
            raise ValidationError(_("Une réponse ne correspond à aucune question de cette mission."))
        Answer.objects.bulk_create(
            [Answer(report=report, question_id=q, text=text.strip()) for q, text in answers.items()],
            update_conflicts=True,
            unique_fields=["report", "question"],
            update_fields=["text"],
        )
    return report


def certificate_proposals(mission: Mission) -> proposals.Proposals:
    """What the certificates the experts may read propose (never those refused, in quarantine
    or marked unrelated)."""
    pieces = access.report_pieces(mission).pieces
    certificates = Certificate.objects.filter(document__in=[d.pk for d in pieces]).select_related("document")
    return proposals.propose(certificates)


@transaction.atomic
def proposals_accept(*, report: Report, user: User, expected_revision: int) -> Report:
    """The expert takes the proposals: they replace the periods, and fix the consolidation date."""
    found = certificate_proposals(report.mission)
    if not found:
        raise ValidationError(_("Les certificats ne proposent ni période d'incapacité ni date de consolidation."))
    fields = {"consolidation_date": found.consolidation_date} if found.consolidation_date else {}
    periods = [{"kind": p.kind, "start": p.start, "end": p.end} for p in found.periods]
    return report_save(
        report=report, user=user, expected_revision=expected_revision, fields=fields, periods=periods or None
    )


# --- PDFs ------------------------------------------------------------------------------------------


class ConfirmationNeeded(ValidationError):
    """Warnings the lead expert has not all confirmed (reports.guards): `code` is "confirm", `asks`
    the guards still to confirm, so that a page can show them each with its checkbox."""

    def __init__(self, asks: list[guards.Guard]):
        super().__init__([ValidationError(g.text, code="confirm") for g in asks])
        self.code = "confirm"
        self.asks = asks


def publish_is_complement(mission: Mission, kind: str) -> bool:
    """A deposit after the deposit: a complementary report (its reason is required)."""
    return (
        kind == RenderJob.Kind.FINAL and ReportVersion.objects.filter(mission=mission, kind=VersionKind.FINAL).exists()
    )


def _check_can_render(
    mission: Mission, kind: str, dires_due: date | None, *, on: date, reason: str = "", complement: bool = False
) -> None:
    """What the request's own fields and the mission's state allow; the guards come after."""
    if kind == RenderJob.Kind.PRE_REPORT:
        if dires_due is None:
            raise ValidationError(
                {
                    "dires_due": _("Fixez la date limite des dires des parties (%(law)s).")
                    % {"law": countries.cite("dires", mission)}
                }
            )
        if dires_due <= on:  # the court's date, whichever zone the worker runs in
            raise ValidationError({"dires_due": _("La date limite des dires doit être postérieure à aujourd'hui.")})
        if mission.status not in (MissionStatus.IN_PROGRESS, MissionStatus.PRE_REPORT):
            raise ValidationError(
                _("Le pré-rapport se diffuse pendant les opérations (mission à l'état « %(state)s »).")
                % {"state": mission.get_status_display()}
            )
    if kind == RenderJob.Kind.FINAL:
        if mission.status not in (MissionStatus.IN_PROGRESS, MissionStatus.PRE_REPORT, MissionStatus.DEPOSITED):
            raise ValidationError(
                _("Le rapport ne peut être déposé : mission à l'état « %(state)s ».")
                % {"state": mission.get_status_display()}
            )
        if complement and not reason.strip():
            raise ValidationError(
                {"reason": _("Un rapport complémentaire dit pourquoi il est établi : indiquez son motif.")}
            )


def publish_check(*, mission: Mission, kind: str, dires_due: date | None = None) -> None:
    """The request's own checks, for a confirmation page before anything is asked: the dires
    deadline and the mission's state (a ValidationError naming the field)."""
    _check_can_render(mission, kind, dires_due, on=countries.today(mission))


def _check_guards(
    mission: Mission, kind: str, *, on: date, dires_due: date | None, confirmed: Sequence[str] | None
) -> guards.Guards:
    """Blocks refuse; asks pass only once each is confirmed (None: every one, the scenario loader)."""
    found = guards.guards_for(mission, kind, on=on, dires_due=dires_due)
    if found.blocks:
        raise ValidationError([ValidationError(g.text, code="blocked") for g in found.blocks])
    missing = found.unconfirmed(found.codes if confirmed is None else confirmed)
    if missing:
        raise ConfirmationNeeded(missing)
    return found


def _job_create(
    *,
    mission: Mission,
    user: User,
    kind: str,
    on: date,
    dires_due: date | None,
    confirmed: Sequence[str] | None,
    reason: str,
) -> RenderJob:
    """Locks the mission, checks the request and its guards on `on`, and records the job with what
    was confirmed (only the codes of the warnings actually shown) and the complement's reason."""
    mission = Mission.objects.select_for_update().get(pk=mission.pk)
    report = report_for(mission)
    found = guards.Guards()
    if kind != RenderJob.Kind.DRAFT:
        complement = publish_is_complement(mission, kind)
        _check_can_render(mission, kind, dires_due, on=on, reason=reason, complement=complement)
        found = _check_guards(mission, kind, on=on, dires_due=dires_due, confirmed=confirmed)
    return RenderJob.objects.create(
        mission=mission,
        kind=kind,
        requested_by=user,
        report_revision=report.revision,
        dires_due=dires_due if kind == RenderJob.Kind.PRE_REPORT else None,
        reason=reason.strip() if kind == RenderJob.Kind.FINAL else "",
        confirmed=found.codes,
        step=_("En attente d'un processus de rendu"),
    )


def _require_act(user: User, mission: Mission, kind: str) -> None:
    # a draft is the writers' own; the pre-report and the deposit are the lead expert's (CPC art. 282)
    act = actions.Act.REPORT_WRITE if kind == RenderJob.Kind.DRAFT else actions.Act.REPORT_PUBLISH
    actions.require(user, mission, act)


def render_request(
    *,
    mission: Mission,
    user: User,
    kind: str,
    dires_due: date | None = None,
    confirmed: Sequence[str] = (),
    reason: str = "",
) -> RenderJob:
    """Asks a worker for the PDF (in-process when no Redis is configured). A pre-report or a
    deposit is checked now, with its guards (reports.guards: a block refuses, each warning must be
    in `confirmed`, else ConfirmationNeeded), and again when the worker stores it. A complementary
    report (a deposit after the deposit) needs a `reason` and a change of the text."""
    from reports.tasks import render_report

    _require_act(user, mission, kind)
    with transaction.atomic():
        job = _job_create(
            mission=mission,
            user=user,
            kind=kind,
            on=countries.today(mission),
            dires_due=dires_due,
            confirmed=tuple(confirmed),
            reason=reason,
        )
        transaction.on_commit(lambda: render_report.delay(job.pk))
    return job


@transaction.atomic
def report_publish(
    *,
    mission: Mission,
    user: User,
    kind: str,
    on: date,
    dires_due: date | None = None,
    confirmed: Sequence[str] | None = None,
    reason: str = "",
) -> ReportVersion:
    """The pre-report or the deposit as a scenario file says it happened on `on`: the same checks
    and guards, on that day (`confirmed=None`: each warning is taken as confirmed, as the expert
    would have; a block still refuses), rendered in-process and stored dated on that day. Nobody
    is e-mailed: the file records the past."""
    if kind == RenderJob.Kind.DRAFT:
        raise ValueError("report_publish stores a pre-report or a deposit, not a draft")
    if on > countries.today(mission):
        raise ValidationError(_("La date d'un fait enregistré ne peut être dans le futur."))
    _require_act(user, mission, kind)
    job = _job_create(
        mission=mission, user=user, kind=kind, on=on, dires_due=dires_due, confirmed=confirmed, reason=reason
    )
    RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.RUNNING)
    return _run(job, on=on, notify=False)


def _progress(job_id: int):
    def step(percent: int, label: str) -> None:
        RenderJob.objects.filter(pk=job_id).update(progress=percent, step=label)

    return step


def _build(job: RenderJob, kind: str, number: int | None, on: date | None = None):
    with countries.court_time(job.mission):  # dates and times of the court (DOMAIN.md §11), in any worker
        return build_report(
            job.mission,
            kind,
            progress=_progress(job.pk),
            version_number=number,
            dires_due=job.dires_due,
            reason=job.reason,  # the complement says why it is established (printed at its top)
            on=on,
        )


def _run(job: RenderJob, *, on: date, notify: bool = True) -> ReportVersion | None:
    """Builds the job's PDF and stores it: a draft on the job, anything else as a frozen version
    (raises what refuses it)."""
    kind = _version_kind(job)
    number = _next_number(job.mission) if job.kind != RenderJob.Kind.DRAFT else None
    built = _build(job, kind, number, on=on if job.kind != RenderJob.Kind.DRAFT else None)
    if job.kind == RenderJob.Kind.DRAFT:
        RenderJob.objects.filter(pk=job.pk).update(
            pdf=built.pdf, status=RenderJob.Status.DONE, progress=100, step=_("Terminé"), finished_at=timezone.now()
        )
        return None
    return _version_store(job, kind, number, built, on=on, notify=notify)


def render_job_run(job_id: int) -> RenderJob:
    """Runs one job; a job already finished is left alone (a task delivered twice)."""
    job = RenderJob.objects.select_related("mission__court", "requested_by").get(pk=job_id)
    if job.status in (RenderJob.Status.DONE, RenderJob.Status.FAILED):
        return job
    RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.RUNNING)
    try:
        _run(job, on=countries.today(job.mission))
    except ValidationError as exc:
        _fail(job, " ".join(exc.messages))
    except SoftTimeLimitExceeded:
        _fail(job, _("La génération du PDF a dépassé le temps autorisé ; réessayez ou contactez l'assistance."))
    except Exception:
        logger.exception("rendering of report job %s failed", job.pk)
        _fail(job, _("La génération du PDF a échoué ; l'incident est journalisé. Réessayez ou contactez l'assistance."))
    return RenderJob.objects.get(pk=job.pk)


def _fail(job: RenderJob, message: str) -> None:
    RenderJob.objects.filter(pk=job.pk).update(
        status=RenderJob.Status.FAILED, error=message, step=_("Échec"), finished_at=timezone.now()
    )


def _version_kind(job: RenderJob) -> str:
    if job.kind == RenderJob.Kind.DRAFT:
        return "draft"
    if job.kind == RenderJob.Kind.PRE_REPORT:
        return VersionKind.PRE_REPORT
    deposited = ReportVersion.objects.filter(mission=job.mission, kind=VersionKind.FINAL).exists()
    return VersionKind.COMPLEMENT if deposited else VersionKind.FINAL


def _next_number(mission: Mission) -> int:
    return (ReportVersion.objects.filter(mission=mission).aggregate(n=Max("number"))["n"] or 0) + 1


def _checked_again(job: RenderJob, mission: Mission, on: date) -> guards.Guards:
    """The request's checks and guards, again at the storage: a warning that appeared since the
    request (a meeting scheduled meanwhile) was not confirmed, and fails the job."""
    dires_due = job.dires_due if job.kind == RenderJob.Kind.PRE_REPORT else None
    complement = publish_is_complement(mission, job.kind)
    _check_can_render(mission, job.kind, dires_due, on=on, reason=job.reason, complement=complement)
    try:
        return _check_guards(mission, job.kind, on=on, dires_due=dires_due, confirmed=job.confirmed)
    except ConfirmationNeeded as exc:
        raise ValidationError(
            _("Nouvel avertissement depuis la demande, à confirmer : %(asks)s Relancez la demande.")
            % {"asks": " ".join(g.text for g in exc.asks)}
        ) from None


def _dated(mission: Mission, on: date):
    """The moment a version established on `on` is dated: now, or that day at this time of the
    court's day for a fact recorded afterwards (a scenario file)."""
    now = countries.local(timezone.now(), mission)
    return None if on >= now.date() else countries.aware(on, now.time().replace(tzinfo=None), mission)


def _trail(mission: Mission, version: ReportVersion, job: RenderJob, found: guards.Guards) -> None:
    """One line of the mission's history for the version, which the court reads (the state's move
    has its own line): the dires deadline, what the lead expert confirmed (no medical title:
    Guard.record) and the complement's reason."""
    changes = {}
    if version.dires_due:
        changes[str(Mission._meta.get_field("dires_due").verbose_name)] = ["", f"{version.dires_due:%d/%m/%Y}"]
    confirmed = found.confirmed(job.confirmed)
    if confirmed:
        changes[_("avertissements confirmés")] = ["", " ; ".join(g.trail for g in confirmed)]
    history.record(
        mission=mission,
        by=job.requested_by,
        action=ChangeAction.CONFIRMED if confirmed else ChangeAction.STATE,
        obj=version,
        label=str(version),
        changes=changes,
        reason=job.reason,
    )


@transaction.atomic
def _version_store(job: RenderJob, kind: str, number: int, built, *, on: date, notify: bool = True) -> ReportVersion:
    """Freezes what was rendered: the bytes and their SHA-256; the mission moves on (pre-report
    sent, dires period open; or report deposited, on `on`), and its history says so."""
    mission = Mission.objects.select_for_update().select_related("court").get(pk=job.mission_id)
    report = Report.objects.get(mission=mission)
    if report.revision != job.report_revision or built.revision != job.report_revision:
        raise ValidationError(
            _(
                "Le rapport a été modifié depuis la demande : relancez la diffusion ou le dépôt pour qu'il porte "
                "sur la dernière version."
            )
        )
    found = _checked_again(job, mission, on)
    if _next_number(mission) != number:
        raise ValidationError(_("Une autre version a été établie entre-temps : relancez la demande."))
    version = version_create(
        mission=mission,
        number=number,
        kind=kind,
        built=built,
        created_by=job.requested_by,
        dires_due=job.dires_due,
        reason=job.reason,
        confirmed=job.confirmed,
        created_at=_dated(mission, on),
    )
    if kind == VersionKind.PRE_REPORT:
        mission.dires_due = job.dires_due
        mission.save(update_fields=["dires_due", "updated_at"])
        if mission.status != MissionStatus.PRE_REPORT:
            mission_state_follow(mission=mission, to=MissionStatus.PRE_REPORT, by=job.requested_by)
    elif mission.status != MissionStatus.DEPOSITED:
        if mission.deposited_on is None:
            mission.deposited_on = on  # the day of the deposit, which the state's move keeps
            mission.save(update_fields=["deposited_on", "updated_at"])
        mission_state_follow(mission=mission, to=MissionStatus.DEPOSITED, by=job.requested_by)
    _trail(mission, version, job, found)
    RenderJob.objects.filter(pk=job.pk).update(
        version=version, status=RenderJob.Status.DONE, progress=100, step=_("Terminé"), finished_at=timezone.now()
    )
    logger.info("report version %s (%s) of mission %s stored, sha256 %s", number, kind, mission.pk, version.sha256)
    if notify:
        # robust: a failing notification is logged and never fails the version already stored
        transaction.on_commit(lambda: version_notify(version), robust=True)
    return version


def version_create(
    *,
    mission: Mission,
    number: int,
    kind: str,
    built,
    created_by: User,
    dires_due: date | None = None,
    reason: str = "",
    confirmed: Sequence[str] = (),
    created_at: datetime | None = None,
) -> ReportVersion:
    """The frozen record of a rendered report: its bytes, their SHA-256, its size and pages, the
    complement's reason and the warnings confirmed. `created_at`: a version recorded after the
    fact (a scenario file) keeps the day it was established."""
    version = ReportVersion(
        mission=mission,
        number=number,
        kind=kind,
        pdf=built.pdf,
        sha256=hashlib.sha256(built.pdf).hexdigest(),
        size=len(built.pdf),
        pages=built.pages,
        report_revision=built.revision,
        dires_due=dires_due,
        reason=reason,
        confirmed=list(confirmed),
        created_by=created_by,
    )
    if created_at is None:
        version.save()
    else:
        version.created_at = created_at
        version.save_base(raw=True, force_insert=True)  # inserted as it stands: auto_now_add would date it today
    return version


def version_recipients(version: ReportVersion) -> dict[str, list[str]]:
    """Who is told, by the language each reads the application in: the people the policy lets read
    this version, but its own experts."""
    by_language: dict[str, set[str]] = {}
    for user in access.report_version_readers(version.mission, version.kind):
        if user.email:
            by_language.setdefault(user.language or settings.LANGUAGE_CODE, set()).add(user.email)
    return {language: sorted(emails) for language, emails in sorted(by_language.items())}


def _version_message(version: ReportVersion) -> tuple[str, str]:
    mission = version.mission
    subject = mail_subject(
        _("[RG %(rg)s] %(kind)s disponible") % {"rg": mission.rg, "kind": version.get_kind_display()}
    )
    lines = [
        _("Mission RG %(rg)s (%(court)s) : %(kind)s n° %(number)s.")
        % {
            "rg": mission.rg,
            "court": mission.court.name,
            "kind": version.get_kind_display().lower(),
            "number": version.number,
        }
    ]
    if version.dires_due:
        lines.append(
            _("Les parties peuvent adresser leurs dires jusqu'au %(day)s (%(law)s).")
            % {"day": f"{version.dires_due:%d/%m/%Y}", "law": countries.cite("dires", mission)}
        )
    lines.append(f"{settings.SITE_URL.rstrip('/')}{reverse('reports:mission_report', args=[mission.pk])}")
    return subject, "\n".join(lines)


def version_notify(version: ReportVersion) -> int:
    """One e-mail per language, without any medical content: the case, what was sent, the
    deadline, a link."""
    sent = 0
    for language, emails in version_recipients(version).items():
        with translation.override(language):
            subject, body = _version_message(version)
        send_mail(subject, body, None, emails)
        sent += len(emails)
    return sent
