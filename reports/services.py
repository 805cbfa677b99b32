"""Writes on the report: saving the editor (over the revision it opened), taking the proposals of
the certificates, asking for a PDF, and storing what a worker rendered as a frozen version."""

import hashlib
import logging
from datetime import date

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
from cases import access, actions, countries
from cases.choices import MissionStatus
from cases.models import Certificate, Mission
from cases.services.missions import mission_state_follow
from cases.validators import mail_subject
from reports import checks, proposals
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


def _check_can_render(mission: Mission, report: Report, kind: str, dires_due: date | None) -> None:
    if kind == RenderJob.Kind.PRE_REPORT:
        if dires_due is None:
            raise ValidationError(
                {
                    "dires_due": _("Fixez la date limite des dires des parties (%(law)s).")
                    % {"law": countries.cite("dires", mission)}
                }
            )
        if dires_due <= countries.today(mission):  # the court's date, whichever zone the worker runs in
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
        answers = dict(report.answers.values_list("question_id", "text"))
        problems = checks.finalize_problems(list(mission.questions.order_by("position")), answers)
        if problems:
            raise ValidationError(problems)


def render_request(*, mission: Mission, user: User, kind: str, dires_due: date | None = None) -> RenderJob:
    """Asks a worker for the PDF (in-process when no Redis is configured). A pre-report or a
    deposit is checked now, and again when the worker stores it."""
    from reports.tasks import render_report

    # a draft is the writers' own; the pre-report and the deposit are the lead expert's (CPC art. 282)
    act = actions.Act.REPORT_WRITE if kind == RenderJob.Kind.DRAFT else actions.Act.REPORT_PUBLISH
    actions.require(user, mission, act)
    with transaction.atomic():
        mission = Mission.objects.select_for_update().get(pk=mission.pk)
        report = report_for(mission)
        _check_can_render(mission, report, kind, dires_due)
        job = RenderJob.objects.create(
            mission=mission,
            kind=kind,
            requested_by=user,
            report_revision=report.revision,
            dires_due=dires_due if kind == RenderJob.Kind.PRE_REPORT else None,
            step=_("En attente d'un processus de rendu"),
        )
        transaction.on_commit(lambda: render_report.delay(job.pk))
    return job


def _progress(job_id: int):
    def step(percent: int, label: str) -> None:
        RenderJob.objects.filter(pk=job_id).update(progress=percent, step=label)

    return step


def render_job_run(job_id: int) -> RenderJob:
    """Runs one job; a job already finished is left alone (a task delivered twice)."""
    job = RenderJob.objects.select_related("mission", "requested_by").get(pk=job_id)
    if job.status in (RenderJob.Status.DONE, RenderJob.Status.FAILED):
        return job
    RenderJob.objects.filter(pk=job.pk).update(status=RenderJob.Status.RUNNING)
    try:
        kind = _version_kind(job)
        number = _next_number(job.mission) if job.kind != RenderJob.Kind.DRAFT else None
        with countries.court_time(job.mission):  # dates and times of the court (DOMAIN.md §11), in any worker
            built = build_report(
                job.mission, kind, progress=_progress(job.pk), version_number=number, dires_due=job.dires_due
            )
        if job.kind == RenderJob.Kind.DRAFT:
            RenderJob.objects.filter(pk=job.pk).update(
                pdf=built.pdf, status=RenderJob.Status.DONE, progress=100, step=_("Terminé"), finished_at=timezone.now()
            )
        else:
            _version_store(job, kind, number, built)
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


@transaction.atomic
def _version_store(job: RenderJob, kind: str, number: int, built) -> ReportVersion:
    """Freezes what was rendered: the bytes and their SHA-256; the mission moves on (pre-report
    sent, dires period open; or report deposited)."""
    mission = Mission.objects.select_for_update().get(pk=job.mission_id)
    report = Report.objects.get(mission=mission)
    if report.revision != job.report_revision or built.revision != job.report_revision:
        raise ValidationError(
            _(
                "Le rapport a été modifié depuis la demande : relancez la diffusion ou le dépôt pour qu'il porte "
                "sur la dernière version."
            )
        )
    _check_can_render(mission, report, job.kind, job.dires_due if kind == VersionKind.PRE_REPORT else None)
    if _next_number(mission) != number:
        raise ValidationError(_("Une autre version a été établie entre-temps : relancez la demande."))
    version = version_create(
        mission=mission, number=number, kind=kind, built=built, created_by=job.requested_by, dires_due=job.dires_due
    )
    if kind == VersionKind.PRE_REPORT:
        mission.dires_due = job.dires_due
        mission.save(update_fields=["dires_due", "updated_at"])
        if mission.status != MissionStatus.PRE_REPORT:
            mission_state_follow(mission=mission, to=MissionStatus.PRE_REPORT)
    elif mission.status != MissionStatus.DEPOSITED:
        mission_state_follow(mission=mission, to=MissionStatus.DEPOSITED)
    RenderJob.objects.filter(pk=job.pk).update(
        version=version, status=RenderJob.Status.DONE, progress=100, step=_("Terminé"), finished_at=timezone.now()
    )
    logger.info("report version %s (%s) of mission %s stored, sha256 %s", number, kind, mission.pk, version.sha256)
    # robust: a failing notification is logged and never fails the version already stored
    transaction.on_commit(lambda: version_notify(version), robust=True)
    return version


def version_create(
    *, mission: Mission, number: int, kind: str, built, created_by: User, dires_due: date | None = None
) -> ReportVersion:
    """The frozen record of a rendered report: its bytes, their SHA-256, its size and pages."""
    return ReportVersion.objects.create(
        mission=mission,
        number=number,
        kind=kind,
        pdf=built.pdf,
        sha256=hashlib.sha256(built.pdf).hexdigest(),
        size=len(built.pdf),
        pages=built.pages,
        report_revision=built.revision,
        dires_due=dires_due,
        created_by=created_by,
    )


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
