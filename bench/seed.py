"""Deterministic data for the benchmark (random.Random(0)), written with bulk_create."""

import random
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password

from accounts.models import Role, User
from cases.choices import Country, ExpertRole, Framework, MissionStatus, PartyRole, RepresentativeKind
from cases.models import (
    Consignation,
    Court,
    Document,
    ExpertAssignment,
    Mission,
    MissionQuestion,
    Party,
    Representative,
)
from cases.pdfgen import simple_pdf

PASSWORD = "bench-password-0"  # noqa: S105 - a throwaway database on loopback
TODAY = date(2026, 11, 22)
SEED_FILE = "private/bench/seed.pdf"
QUESTIONS = [
    "Examiner la victime.",
    "Déterminer la durée de l'incapacité temporaire.",
    "Fixer la date de consolidation.",
    "Évaluer les souffrances endurées.",
    "Dire s'il existe un déficit fonctionnel permanent.",
]


class Bench:
    """The people of the benchmark and the missions they work on."""

    def __init__(self):
        self.rng = random.Random(0)
        Path(settings.MEDIA_ROOT, SEED_FILE).parent.mkdir(parents=True, exist_ok=True)
        Path(settings.MEDIA_ROOT, SEED_FILE).write_bytes(simple_pdf(["Pièce de référence du banc d'essai"]))
        self.court = Court.objects.create(
            code="tj-bench", name="Tribunal judiciaire du banc d'essai", country=Country.FR
        )
        password = make_password(PASSWORD)

        def user(username, role, **extra):
            return User.objects.create(username=username, role=role, name=username, password=password, **extra)

        self.clerk = user("greffe.bench", Role.CLERK, court=self.court)
        self.expert = user("expert.bench", Role.EXPERT)
        self.doctor = user("conseil.bench", Role.MEDECIN_CONSEIL)
        self.avocat = user("avocat.bench", Role.AVOCAT)
        self.missions: list[Mission] = []
        self.victims: dict[int, Party] = {}
        self.insurers: dict[int, Party] = {}
        self.document_numbers: dict[int, int] = {}

    def add_missions(self, count: int) -> list[Mission]:
        rng, start = self.rng, len(self.missions)
        missions = Mission.objects.bulk_create(
            Mission(
                court=self.court,
                rg=f"26/{start + i:05d}",
                title=f"Affaire {start + i:05d} c/ Assurances",
                framework=rng.choice([Framework.ROAD_ACCIDENT, Framework.CIVIL, Framework.MEDICAL_LIABILITY]),
                ordered_on=TODAY - timedelta(days=rng.randint(30, 400)),
                report_due=TODAY + timedelta(days=rng.randint(-60, 300)),
                status=rng.choice([MissionStatus.ACCEPTED, MissionStatus.IN_PROGRESS, MissionStatus.PRE_REPORT]),
            )
            for i in range(count)
        )
        ExpertAssignment.objects.bulk_create(
            ExpertAssignment(mission=m, expert=self.expert, role=ExpertRole.EXPERT, accepted_on=m.ordered_on)
            for m in missions
        )
        MissionQuestion.objects.bulk_create(
            MissionQuestion(mission=m, position=p, text=t) for m in missions for p, t in enumerate(QUESTIONS, 1)
        )
        victims = Party.objects.bulk_create(
            Party(mission=m, name=f"Victime {m.rg}", role=PartyRole.DEMANDEUR, is_victim=True) for m in missions
        )
        insurers = Party.objects.bulk_create(
            Party(mission=m, name="Assurances du banc", role=PartyRole.DEFENDEUR, is_insurer=True) for m in missions
        )
        Representative.objects.bulk_create(
            Representative(party=p, user=self.doctor, kind=RepresentativeKind.MEDECIN_CONSEIL) for p in insurers
        )
        Representative.objects.bulk_create(
            Representative(party=p, user=self.avocat, kind=RepresentativeKind.AVOCAT) for p in victims
        )
        Consignation.objects.bulk_create(
            Consignation(
                mission=m,
                amount=1200,
                payer=v,
                due=m.ordered_on + timedelta(days=30),
                paid_on=m.ordered_on + timedelta(days=20) if rng.random() < 0.8 else None,
            )
            for m, v in zip(missions, victims, strict=True)
        )
        for m, v, a in zip(missions, victims, insurers, strict=True):
            self.victims[m.pk], self.insurers[m.pk] = v, a
        self.missions.extend(missions)
        return missions

    def add_documents(self, mission: Mission, count: int) -> None:
        self.add_documents_to({mission.pk: count})

    def add_documents_to(self, counts: dict[int, int]) -> None:
        rng, rows = self.rng, []
        for mission_id, count in counts.items():
            first = self.document_numbers.get(mission_id, 0)
            victim, insurer = self.victims[mission_id], self.insurers[mission_id]
            for i in range(count):
                medical = rng.random() < 0.6
                rows.append(
                    Document(
                        mission_id=mission_id,
                        number=first + i + 1,
                        title=f"Pièce {first + i + 1}",
                        date=TODAY - timedelta(days=rng.randint(1, 500)),
                        is_medical=medical,
                        about=victim if medical else None,
                        producer="party",
                        producer_party=victim if rng.random() < 0.7 else insurer,
                        unrelated=medical and rng.random() < 0.05,
                        file=SEED_FILE,
                        original_name="piece.pdf",
                        size=1000,
                        content_type="application/pdf",
                        sha256=f"{rng.getrandbits(256):064x}",
                    )
                )
            self.document_numbers[mission_id] = first + count
        Document.objects.bulk_create(rows, batch_size=5000)

    def fill_documents(self, total: int) -> None:
        """Spreads documents over every mission until the database holds `total`."""
        missing = total - Document.objects.count()
        if missing <= 0:
            return
        per, rest = divmod(missing, len(self.missions))
        self.add_documents_to({m.pk: per + (1 if i < rest else 0) for i, m in enumerate(self.missions)})

    def report_mission(self, pages: int) -> Mission:
        """A mission whose report runs to about `pages` pages: long discussion, 150 pieces."""
        from reports.builder import build_report, report_for
        from reports.models import VersionKind
        from reports.services import report_save

        mission = self.add_missions(1)[0]
        self.add_documents(mission, 150)
        Document.objects.filter(mission=mission).update(is_medical=False, about=None, unrelated=False)
        paragraph = (
            "Le sapiteur relève une raideur cervicale douloureuse, sans déficit sensitivo-moteur, avec des "
            "amplitudes réduites d'un tiers en rotation et en inclinaison ; la victime décrit une gêne à la "
            "conduite prolongée et au port de charges, compatible avec les lésions initiales et leur évolution. "
        ) * 3

        def write(count: int) -> int:
            report = report_for(mission)
            questions = list(mission.questions.order_by("position"))
            report_save(
                report=report,
                user=self.expert,
                expected_revision=report.revision,
                fields={"discussion": "\n\n".join([paragraph] * count), "examination": paragraph, "facts": paragraph},
                answers={q.pk: "Réponse circonstanciée de l'expert." for q in questions},
            )
            return build_report(mission, VersionKind.FINAL).pages

        base = write(0)
        sample = write(60)
        per_page = 60 / max(sample - base, 1)
        count = round((pages - base) * per_page)
        while (built := write(count)) < pages:  # at least `pages` pages
            count += max(1, round((pages - built) * per_page))
        return mission

    def dires_mission(self, count: int = 100) -> Mission:
        """A mission whose parties filed the most the application lets them: `count` dires, each of
        the largest size allowed (DIRE_MAX_CHARS), every other one answered by the experts."""
        from cases.models import Dire
        from cases.validators import dire_max_chars

        mission = self.report_mission(10)
        size = dire_max_chars()
        sentence = "La partie conteste la date de consolidation retenue et sollicite un nouvel examen clinique. "
        text = (sentence * (size // len(sentence) + 1))[:size]
        Dire.objects.bulk_create(
            Dire(
                mission=mission,
                party=self.insurers[mission.pk],
                filed_by=self.avocat,
                is_filed=True,
                received_on=TODAY - timedelta(days=count - i),
                text=text,
                answer=("Réponse de l'expert. " * 40) if i % 2 else "",
                answered_on=TODAY if i % 2 else None,
            )
            for i in range(count)
        )
        return mission
