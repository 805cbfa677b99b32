"""Test data: factory_boy for plain rows, and helpers that go through the services where the
rules live (documents, consents), so tests exercise the real checks."""

import io
from datetime import date

import factory

from accounts.models import Role, User
from cases.choices import CertificateKind, Framework, GranteeKind, PartyRole, Producer, RepresentativeKind
from cases.models import Court, Document, Mission, Party
from cases.pdfgen import simple_pdf
from cases.services.certificates import certificate_record
from cases.services.consents import consent_grant
from cases.services.documents import Upload, documents_upload
from cases.services.missions import mission_create
from cases.services.parties import party_create, representative_add

PASSWORD = "correct-horse-battery-staple"


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"tj-{n}")
    name = factory.Sequence(lambda n: f"Tribunal judiciaire n° {n}")
    country = "FR"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"Utilisateur {n}")
    role = Role.EXPERT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def expert(**kwargs) -> User:
    return UserFactory(role=Role.EXPERT, **kwargs)


def clerk(court: Court, **kwargs) -> User:
    return UserFactory(role=Role.CLERK, court=court, **kwargs)


def mission(*, expert_user: User | None = None, court: Court | None = None, **kwargs) -> Mission:
    expert_user = expert_user or expert()
    values = {
        "court": court or CourtFactory(),
        "rg": "26/00001",
        "title": "Martin c/ Assurances du Centre",
        "framework": Framework.ROAD_ACCIDENT,
        "ordered_on": date(2026, 9, 1),
        "report_due": date(2027, 1, 15),
        "questions": ["Examiner la victime.", "Fixer la date de consolidation."],
    }
    values.update(kwargs)
    return mission_create(created_by=expert_user, **values)


def lead_expert(m: Mission) -> User:
    """The mission's first expert (not a sapiteur): who seats people in the tests' missions."""
    return m.assignments.exclude(role="sapiteur").order_by("pk").first().expert


def party(
    m: Mission, *, name: str = "Jeanne Martin", role: str = PartyRole.DEMANDEUR, by: User | None = None, **kwargs
) -> Party:
    return party_create(by=by or lead_expert(m), mission=m, name=name, role=role, **kwargs)


def represent(
    p: Party, kind: str = RepresentativeKind.AVOCAT, user: User | None = None, by: User | None = None
) -> User:
    user = user or UserFactory(role=kind)
    representative_add(by=by or lead_expert(p.mission), party=p, user=user, kind=kind)
    return user


def pdf_upload(name: str = "piece.pdf", text: str = "Pièce de test") -> Upload:
    return Upload(name=name, file=io.BytesIO(simple_pdf([text])))


def document(
    m: Mission,
    *,
    title: str = "Pièce",
    producer: str = Producer.COURT,
    producer_party: Party | None = None,
    medical: bool = False,
    about: Party | None = None,
    unrelated: bool = False,
) -> Document:
    if producer_party is not None:
        producer = Producer.PARTY
    stored = documents_upload(
        mission=m,
        uploaded_by=None,
        uploads=[pdf_upload(text=title)],
        producer=producer,
        producer_party=producer_party,
        is_medical=medical,
        about=about,
        unrelated=unrelated,
        titles=[title],
        date=date(2026, 9, 1),
    )
    return stored[0].document


def medical(m: Mission, patient: Party, *, title: str = "Certificat médical initial", **kwargs) -> Document:
    kwargs.setdefault("producer_party", patient)
    return document(m, title=title, medical=True, about=patient, **kwargs)


def consent(m: Mission, patient: Party, to: Party | None = None, **kwargs):
    """A consent recorded as in real life: by the patient's own account when he has one, otherwise by
    the lead expert on the patient's signed statement (a scan) when it opens pieces to a party."""
    grantee = GranteeKind.PARTY if to is not None else GranteeKind.EXPERTS
    kwargs.setdefault("granted_on", date(2026, 9, 20))
    kwargs.setdefault("recorded_by", patient.account or lead_expert(m))
    by_expert = kwargs["recorded_by"] != patient.account
    if "scan" not in kwargs and kwargs.get("written", True) and (kwargs.get("written") or (by_expert and to)):
        kwargs["scan"] = pdf_upload("consentement-signe.pdf", "Consentement signé")
        kwargs["written"] = True
    return consent_grant(mission=m, patient=patient, grantee=grantee, grantee_party=to, **kwargs)


def certificate(doc: Document, kind: str = CertificateKind.INITIAL, **kwargs):
    kwargs.setdefault("by", lead_expert(doc.mission))
    return certificate_record(document=doc, kind=kind, **kwargs)


def report_version(m: Mission, user: User, kind: str = "final", number: int = 1):
    """A sent or deposited report, rendered and frozen by the service the worker uses."""
    from reports.builder import build_report
    from reports.services import version_create

    return version_create(mission=m, number=number, kind=kind, built=build_report(m, kind), created_by=user)


def bulk_documents(m: Mission, count: int, start: int, *, patient: Party, producers: list[Party]) -> None:
    """`count` pieces numbered from `start`, every other one medical about `patient`, written with
    bulk_create (no file on disk: for query counts, not downloads)."""
    Document.objects.bulk_create(
        Document(
            mission=m,
            number=start + i,
            title=f"Pièce {start + i}",
            is_medical=i % 2 == 0,
            about=patient if i % 2 == 0 else None,
            producer="party",
            producer_party=producers[i % len(producers)],
            file="private/x",
            original_name="x.pdf",
            size=1,
            content_type="application/pdf",
            sha256=f"{i:064d}",
        )
        for i in range(count)
    )
