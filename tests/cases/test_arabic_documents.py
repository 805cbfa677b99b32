"""Documents in Arabic (issue 13, item 5; DOMAIN.md §11): a Tunisian mission whose language is Arabic
has its convocation letters and its report's fixed parts (headings, labels, boilerplate, dates) in
Arabic, right to left, in the Amiri font the project installs; the expert's own text, often French,
keeps its direction. The PDFs are read back as `pdftotext` reads them (every Arabic word whole:
words are compared, not lines, SERVICES.md) and looked at as pictures (`pdftoppm`): the text hangs
on the right margin, and a heading is shaped as an independent shaper (Pillow with libraqm) shapes
it, joined letters, not the isolated forms of a broken shaping nor the boxes of a missing font.
French missions keep their French documents, whatever the language of the page that renders them.

The Arabic words are those of the catalogue (locale/ar): the translations of the documents' strings."""

import io
import re
import subprocess
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from cases import countries
from cases.choices import Framework, PartyRole, RepresentativeKind
from cases.models import Mission
from cases.services.convocations import convocation_create, convocation_letter_pdf, convocation_record_held
from reports.builder import report_for
from tests import factories

pytestmark = pytest.mark.django_db

FRENCH_ARTICLE = re.compile(r"\bCPC\b|\bCSP\b")
# pdftotext wraps right-to-left runs in embedding marks (U+202A..U+202E); isolates and marks too.
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
PUNCTUATION = ":.,،؛()[]«»"
DPI_LOOK = 60  # the page as a picture, as a reviewer glances at it
DPI_SHAPE = 150  # a heading, large enough to compare its letters


# --- reading a PDF back ----------------------------------------------------------------------------


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return BIDI_MARKS.sub(" ", out)


def words(text: str) -> set[str]:
    return {w.strip(PUNCTUATION) for w in text.split()} - {""}


def missing_words(expected: str, text: str) -> list[str]:
    """The words of `expected` that the text lacks as whole words (in any order: pdftotext gives the
    words of a right-to-left line in visual order)."""
    found = words(text)
    return [w for w in expected.split() if w.strip(PUNCTUATION) not in found]


def embedded_fonts(pdf_path: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) per font of the PDF, as pdffonts lists them."""
    out = subprocess.run(["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    return [(row.split()[0].split("+")[-1], row.split()[-5]) for row in rows if row.strip()]


def page_image(pdf_path: Path, page: int, dpi: int) -> Image.Image:
    prefix = pdf_path.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-gray", "-png", str(pdf_path), str(prefix)],
        check=True,
    )
    (png,) = pdf_path.parent.glob(f"{prefix.name}-*{page}.png")
    image = Image.open(png).convert("L")
    png.unlink()
    return image


def ink(image: Image.Image) -> Image.Image:
    """Dark pixels as white on black, cropped to them."""
    mask = image.point(lambda v: 255 if v < 128 else 0)
    return mask.crop(mask.getbbox())


def line_extents(image: Image.Image) -> list[tuple[int, int]]:
    """(leftmost, rightmost) ink column of each line of text (rows of ink between blank rows)."""
    mask = image.point(lambda v: 255 if v < 160 else 0)
    width, height = mask.size
    lines, start = [], None
    for y in range(height + 1):
        inked = y < height and mask.crop((0, y, width, y + 1)).getbbox() is not None
        if inked and start is None:
            start = y
        elif not inked and start is not None:
            box = mask.crop((0, start, width, y)).getbbox()
            lines.append((box[0], box[2]))
            start = None
    return lines


def alignment(image: Image.Image, tolerance: int = 4) -> tuple[int, int]:
    """How many lines hang on the right edge of the text only, and how many on its left edge only."""
    lines = line_extents(image)
    left, right = min(a for a, _ in lines), max(b for _, b in lines)
    on_right = sum(1 for a, b in lines if right - b <= tolerance and a - left > tolerance)
    on_left = sum(1 for a, b in lines if a - left <= tolerance and right - b > tolerance)
    return on_right, on_left


def largest_line_box(pdf_path: Path) -> tuple[float, float, float, float]:
    """The box (points) of the words set in the largest type on page 1: the report's title."""
    out = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    boxes = [
        tuple(map(float, m))
        for m in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', out)
    ]
    tallest = max(b[3] - b[1] for b in boxes)
    line = [b for b in boxes if b[3] - b[1] > tallest * 0.95]
    return min(b[0] for b in line), min(b[1] for b in line), max(b[2] for b in line), max(b[3] for b in line)


def reference_rendering(text: str, size_pt: float, dpi: int) -> Image.Image:
    """The text as libraqm (through Pillow) shapes it in Amiri Bold, right to left, without kerning
    (as the documents are set): an independent rendering of what the PDF should show."""
    path = subprocess.run(["fc-match", "-f", "%{file}", "Amiri:bold"], capture_output=True, text=True).stdout
    assert "Amiri" in path, f"the Amiri font (Debian fonts-hosny-amiri) is not installed: {path!r}"
    font = ImageFont.truetype(path, size=round(size_pt * dpi / 72), layout_engine=ImageFont.Layout.RAQM)
    image = Image.new("L", (2400, 400), 255)
    ImageDraw.Draw(image).text((50, 50), text, font=font, fill=0, direction="rtl", language="ar", features=["-kern"])
    return ink(image)


def overlap(a: Image.Image, b: Image.Image) -> float:
    """Intersection over union of two ink masks, the second scaled to the first."""
    b = b.resize(a.size).point(lambda v: 255 if v >= 128 else 0)
    both = either = 0
    for u, v in zip(a.tobytes(), b.tobytes(), strict=True):
        both += bool(u and v)
        either += bool(u or v)
    return both / either


# --- the missions ----------------------------------------------------------------------------------


@pytest.fixture
def sousse():
    """A road accident before the tribunal de première instance de Sousse, the State a party, its
    documents in Arabic; the expert writes the facts in French and the complaints in Arabic."""
    court = factories.CourtFactory(code="tpi-sousse", name="Tribunal de première instance de Sousse", country="TN")
    lead = factories.expert(name="Dr Sami Trabelsi", email="s.trabelsi@example.tn")
    m = factories.mission(
        expert_user=lead,
        court=court,
        rg="2026/4521",
        title="Ben Salah c/ État tunisien",
        framework=Framework.ROAD_ACCIDENT,
        ordered_on=date(2026, 6, 1),
        report_due=date(2026, 12, 1),
        language="ar",
        questions=["Décrire les lésions subies par la victime.", "Fixer la date de consolidation."],
    )
    victim = factories.party(m, name="Mohamed Ben Salah", is_victim=True)
    factories.party(m, name="Ministère de l'Équipement", role=PartyRole.DEFENDEUR, public_body=True)
    factories.represent(victim)
    factories.document(m, title="Jugement ordonnant l'expertise")
    meeting = countries.aware(date(2026, 7, 10), time(9, 0), m)
    held = convocation_create(
        by=lead, mission=m, meeting_at=meeting, place="Cabinet, avenue Habib Bourguiba, Sousse", on=date(2026, 6, 20)
    )
    # only the meetings held enter the report (issue #14)
    convocation_record_held(
        by=lead, convocation=held, attended=[r.pk for r in held.recipients.all()], on=date(2026, 7, 10)
    )
    report = report_for(m)
    report.facts = "Le 3 mars 2026, M. Ben Salah, piéton, a été renversé par un véhicule de l'administration."
    report.complaints = "يشكو المتضرر من آلام في الركبة اليسرى عند المشي."
    report.examination = "Genou gauche : flexion limitée à 110 degrés."  # a section left empty is not printed
    report.save()
    return m


def render_report(mission: Mission, tmp_path: Path, *, pre: bool) -> Path:
    """`manage.py render_report`, as the court's check runs it, from a process in UTC."""
    out = tmp_path / ("pre.pdf" if pre else "report.pdf")
    with timezone.override(ZoneInfo("UTC")):
        call_command(
            "render_report", "--mission", str(mission.pk), "--out", str(out), *(["--pre"] if pre else []),
            stdout=io.StringIO(),
        )  # fmt: skip
    return out


def letter(mission: Mission, *, page_language: str = "fr") -> bytes:
    """The letter to the victim, rendered by an expert whose pages are in `page_language`."""
    recipient = mission.convocations.get().recipients.get(name="Mohamed Ben Salah")
    with translation.override(page_language), timezone.override(ZoneInfo("UTC")):
        return convocation_letter_pdf(recipient=recipient, expert=mission.assignments.get().expert)


# --- the convocation letter ------------------------------------------------------------------------

LETTER_WORDS = "استدعاء لحضور جلسة الاختبار خبير عدلي سيدتي سيدي مجلة المرافعات المدنية والتجارية"


def test_the_convocation_letter_of_an_arabic_mission_is_in_arabic(sousse, tmp_path):
    text = pdf_text(letter(sousse), tmp_path, "letter.pdf")
    assert missing_words(LETTER_WORDS, text) == []
    # the date of the meeting at the court, in Arabic (Tunisian month names), at the court's time
    assert missing_words("الجمعة 10 جويلية 2026 09:00", text) == []
    assert "2026/4521" in text and "Mohamed Ben Salah" in text
    assert "Tribunal de première instance de Sousse" in text  # the court's name as the file writes it
    assert not FRENCH_ARTICLE.search(text), FRENCH_ARTICLE.findall(text)
    french = {"Madame", "Monsieur", "convocation", "Objet", "Expert", "judiciaire", "réunion", "parties"}
    assert french & words(text) == set()


def test_the_arabic_letter_is_set_right_to_left_in_amiri(sousse, tmp_path):
    """As a picture: the lines of the Arabic letter hang on the right margin, those of the same
    letter in French on the left one; the fonts are Amiri's, embedded."""
    arabic = tmp_path / "ar.pdf"
    arabic.write_bytes(letter(sousse))
    assert ("Amiri", "yes") in embedded_fonts(arabic)
    on_right, on_left = alignment(page_image(arabic, 1, DPI_LOOK))
    assert on_right >= 8 and on_left <= 1, (on_right, on_left)

    Mission.objects.filter(pk=sousse.pk).update(language="fr")
    sousse.convocations.get().recipients.filter(name="Mohamed Ben Salah").update(capacity="Demandeur")
    sousse.refresh_from_db()
    french = tmp_path / "fr.pdf"
    french.write_bytes(letter(sousse, page_language="ar"))  # an expert whose pages are in Arabic
    on_right, on_left = alignment(page_image(french, 1, DPI_LOOK))
    assert on_left >= 8 and on_right <= 1, (on_right, on_left)
    text = pdf_text(french.read_bytes(), tmp_path, "fr-text.pdf")
    assert "Madame, Monsieur," in text and "vendredi 10 juillet 2026 à 09h00" in text
    assert "Amiri" not in dict(embedded_fonts(french))


def test_a_new_convocation_of_an_arabic_mission_says_its_agenda_and_capacities_in_arabic(sousse, tmp_path):
    """The proposed agenda (whatever the language of the form that proposed it) and the capacity of
    each recipient are written in the language of the letters."""
    convocation = sousse.convocations.get()
    assert convocation.agenda == "الفحص السريري للمتضرر، ثم مناقشة حضورية بين الأطراف."
    with translation.override("fr"):
        again = convocation_create(
            by=factories.lead_expert(sousse),
            on=date(2026, 6, 20),
            mission=sousse,
            meeting_at=countries.aware(date(2026, 7, 17), time(9, 0), sousse),
            place="Cabinet",
            agenda="Examen clinique de la victime, puis discussion contradictoire.",
        )
    assert again.agenda == convocation.agenda
    with translation.override("ar"):
        expected = {
            "Mohamed Ben Salah": str(PartyRole.DEMANDEUR.label),
            "Ministère de l'Équipement": str(PartyRole.DEFENDEUR.label),
            "avocat": f"{RepresentativeKind.AVOCAT.label} Mohamed Ben Salah",
        }
    capacities = {("avocat" if r.party.name != r.name else r.name): r.capacity for r in again.recipients.all()}
    assert capacities == expected
    assert " de " not in capacities["avocat"]


# --- the report ------------------------------------------------------------------------------------

REPORT_WORDS = "الفهرس البيانات التعريفية الأطراف المتضرر الوقائع الشكاوى الفحص السريري المناقشة الاستنتاجات"
TITLES = {False: "تقرير الاختبار الطبي", True: "التقرير الأولي للاختبار الطبي"}


@pytest.mark.parametrize("pre", [False, True], ids=["report", "pre-report"])
def test_the_report_of_an_arabic_mission_has_its_fixed_parts_in_arabic(sousse, tmp_path, pre):
    path = render_report(sousse, tmp_path, pre=pre)
    text = pdf_text(path.read_bytes(), tmp_path, "text.pdf")
    assert missing_words(TITLES[pre] + " " + REPORT_WORDS, text) == []
    assert missing_words("جلسة الاختبار بتاريخ 10 جويلية 2026 على الساعة 09:00", text) == []
    if pre:
        assert "التقرير الأولي" in text  # the mark of the pre-report
    assert "2026/4521" in text and "Mohamed Ben Salah" in text
    assert not FRENCH_ARTICLE.search(text), FRENCH_ARTICLE.findall(text)
    french = {"Sommaire", "Identification", "Commémoratifs", "Doléances", "Conclusions", "Parties", "Rapport"}
    assert french & words(text) == set()
    # the expert's own text, in French, keeps its words in their order; his Arabic text too
    assert "Le 3 mars 2026, M. Ben Salah, piéton, a été renversé" in " ".join(text.split())
    assert missing_words("يشكو المتضرر من آلام في الركبة اليسرى عند المشي", text) == []


def test_the_arabic_report_is_shaped_by_the_amiri_font(sousse, tmp_path):
    """The title on the cover, cut out of the page's picture, matches the same words shaped by
    libraqm in Amiri (joined letters, right to left), and neither their isolated letters (what a
    failed shaping shows) nor their mirror image (a left-to-right layout)."""
    if not features.check("raqm"):
        pytest.skip("Pillow without libraqm: no independent shaping to compare with")
    path = render_report(sousse, tmp_path, pre=False)
    fonts = embedded_fonts(path)
    assert ("Amiri-Bold", "yes") in fonts and ("Amiri", "yes") in fonts, fonts
    x0, y0, x1, y1 = largest_line_box(path)
    scale = DPI_SHAPE / 72
    page = page_image(path, 1, DPI_SHAPE)
    title = ink(page.crop((int(x0 * scale) - 4, int(y0 * scale) - 4, int(x1 * scale) + 4, int(y1 * scale) + 4)))

    shaped = reference_rendering(TITLES[False], 22, DPI_SHAPE)  # .cover .doc-title: 22pt, bold
    isolated = reference_rendering("\u200c".join(TITLES[False]), 22, DPI_SHAPE)  # ZWNJ: no joining
    assert 0.95 < title.width / shaped.width < 1.05, (title.size, shaped.size)
    assert title.width / isolated.width < 0.8, (title.size, isolated.size)
    assert overlap(title, shaped) > 0.6
    assert overlap(title, shaped) > 2 * overlap(title, isolated)
    assert overlap(title, shaped) > 2 * overlap(title, ImageOps.mirror(shaped))


def test_a_french_mission_keeps_its_french_documents_whatever_the_page_language(tmp_path):
    """A Tunisian mission in French (the default), rendered by a worker or an expert whose pages are
    in Arabic: its report stays French and left to right."""
    court = factories.CourtFactory(code="tpi-tunis", name="Tribunal de première instance de Tunis", country="TN")
    m = factories.mission(court=court, rg="2026/99", title="Gharbi c/ STAR")
    factories.party(m, name="Leila Gharbi", is_victim=True)
    report = report_for(m)
    report.facts = "Chute dans un bus le 2 mai 2026."  # a section left empty is not printed
    report.save()
    with translation.override("ar"):
        path = render_report(m, tmp_path, pre=False)
    text = pdf_text(path.read_bytes(), tmp_path, "text.pdf")
    assert "Rapport d'expertise médicale" in text and "Sommaire" in text and "Commémoratifs" in text
    assert "Amiri" not in dict(embedded_fonts(path))
    assert not re.search("[\u0600-\u06ff]", text)


# --- the language of a mission ---------------------------------------------------------------------


def _create_form(court, language: str) -> dict:
    return {
        "court": court.pk,
        "rg": "2026/1",
        "title": "Essid c/ Comar",
        "framework": "road_accident",
        "kind": "initial",
        "ordered_on": "2026-06-01",
        "report_due": "2026-12-01",
        "judge": "",
        "language": language,
        "questions": "Examiner la victime.",
    }


def test_arabic_documents_are_offered_for_tunisian_courts_only(client):
    tunis = factories.CourtFactory(code="tpi-tunis", name="Tribunal de première instance de Tunis", country="TN")
    lyon = factories.CourtFactory(code="tj-lyon", name="Tribunal judiciaire de Lyon", country="FR")
    client.force_login(factories.expert())
    page = client.get(reverse("cases:mission_create"))
    assert page.context["form"].arabic_courts() == [tunis.pk]
    assert 'id="arabic-courts"' in page.content.decode()

    refused = client.post(reverse("cases:mission_create"), _create_form(lyon, "ar"))
    assert refused.status_code in (200, 400)
    assert "language" in refused.context["form"].errors
    assert not Mission.objects.exists()

    created = client.post(reverse("cases:mission_create"), _create_form(tunis, "ar"))
    assert created.status_code == 302
    assert Mission.objects.get().language == "ar"
    client.post(reverse("cases:mission_create"), {**_create_form(lyon, "fr"), "rg": "26/2"})
    assert Mission.objects.get(rg="26/2").language == "fr"


def test_the_service_refuses_an_arabic_mission_of_a_french_court():
    from django.core.exceptions import ValidationError

    lyon = factories.CourtFactory(code="tj-lyon", name="Tribunal judiciaire de Lyon", country="FR")
    with pytest.raises(ValidationError) as excinfo:
        factories.mission(court=lyon, language="ar")
    assert "language" in excinfo.value.error_dict
