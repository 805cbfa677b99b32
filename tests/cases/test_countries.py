"""Two countries, one application (DOMAIN.md §11): the country of the mission's court decides how
its money is written, which law its texts cite, and in which time zone it lives. Pure functions,
the template library, the money field of the forms and the calendar feed's time zones."""

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
import time_machine
from django.template import Context, Template

from cases import calendar, countries
from cases.forms.money import MoneyField
from cases.models import Court, Mission

FRENCH_ARTICLE = re.compile(r"\bCPC\b|\bCSP\b|L\.?\s?11\d\d")


@pytest.mark.parametrize(
    ("amount", "country", "text"),
    [
        (Decimal("1200"), "FR", "1 200,00 €"),
        (Decimal("450"), "TN", "450,000 DT"),
        (Decimal("1234567.891"), "TN", "1 234 567,891 DT"),
        (Decimal("999.999"), "FR", "1 000,00 €"),  # rounding carries into the thousands
        (Decimal("0"), "FR", "0,00 €"),
        (Decimal("0"), "TN", "0,000 DT"),
        (Decimal("-1200.5"), "FR", "-1 200,50 €"),
        (Decimal("-450"), "TN", "-450,000 DT"),
        (Decimal("-0.004"), "FR", "0,00 €"),  # rounds to zero: no "-0,00"
        (1200, "FR", "1 200,00 €"),
        ("450.1", "TN", "450,100 DT"),
    ],
)
def test_one_way_to_write_each_currency(amount, country, text):
    """DOMAIN.md §11: "1 200,00 €", "450,000 DT" (millimes), thousands grouped by a plain space."""
    assert countries.money(amount, country) == text


@pytest.mark.parametrize(
    ("amount", "country", "text"),
    [
        ("0.005", "FR", "0,01 €"),
        ("0.015", "FR", "0,02 €"),  # half up, not to the even cent
        ("0.025", "FR", "0,03 €"),
        ("0.0049", "FR", "0,00 €"),
        ("12.3455", "TN", "12,346 DT"),
        ("12.3445", "TN", "12,345 DT"),  # half up, not to the even millime
        ("-0.005", "FR", "-0,01 €"),  # half away from zero for a negative amount
    ],
)
def test_rounding_is_half_up_to_the_unit_of_the_currency(amount, country, text):
    """DOMAIN.md §10: each amount rounded to the currency's unit (cents, millimes), half up."""
    assert countries.money(Decimal(amount), country) == text


def test_money_without_symbol_and_of_nothing():
    assert countries.money(Decimal("1200"), "TN", symbol=False) == "1 200,000"
    assert countries.money(None, "FR") == "" and countries.money("", "TN") == ""


def test_the_country_comes_from_a_mission_a_court_or_a_code():
    court = Court(code="tpi-sousse", name="Tribunal de première instance de Sousse", country="TN")
    mission = Mission(court=court)
    assert countries.country_of(mission) == countries.country_of(court) == countries.country_of("TN") == "TN"
    assert countries.country_of(None) == countries.country_of("") == "FR"
    assert countries.money(450, mission) == "450,000 DT"
    assert court.currency == "DT" and Court(country="FR").currency == "€"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1 200,50", "1200.50"), ("1200.50", "1200.50"), ("450,000 DT", "450.000"), ("1.200,5 €", "1200.5")],
)
def test_amounts_are_read_as_they_are_written(typed, value):
    assert Decimal(countries.parse_amount(typed)) == Decimal(value)


def test_every_citation_exists_in_both_countries_and_tunisia_cites_no_french_article():
    """DOMAIN.md §11: a French article number on a Tunisian letter is a defect. Tunisian articles
    only where DOMAIN.md or the Tunisian seed give one (CPCC art. 113; loi 2005-86 art. 131-137)."""
    for key, texts in countries.CITATIONS.items():
        assert set(texts) == {"FR", "TN"}, key
        tunisian = countries.cite(key, "TN")
        assert not FRENCH_ARTICLE.search(tunisian), key
        if "art." in tunisian:
            assert re.search(r"art\. 113 CPCC|loi n° 2005-86, art\. 13[1-7]", tunisian), key
    assert countries.cite("dires", "FR") == "art. 276 CPC" and countries.cite("dires", "TN") == "CPCC"
    assert countries.cite("taxation", "TN") == "art. 113 CPCC"  # DOMAIN.md §10
    assert countries.cited("three_experts", "FR") == "" and countries.cited("dires", "TN") == " (CPCC)"
    with pytest.raises(KeyError):
        countries.cite("no-such-rule", "FR")


def test_template_library_cites_and_writes_money_for_the_mission():
    template = Template('{% load country %}{% cite "dires" m %}|{{ amount|money:m }}|{{ m|court_zone }}')
    tunis = Mission(court=Court(country="TN"))
    paris = Mission(court=Court(country="FR"))
    assert template.render(Context({"m": tunis, "amount": Decimal("450")})) == "CPCC|450,000 DT|Africa/Tunis"
    assert template.render(Context({"m": paris, "amount": 1200})) == "art. 276 CPC|1 200,00 €|Europe/Paris"


def test_the_court_date_and_time():
    """DOMAIN.md §11: a mission lives in its court's zone. At 22:30 UTC in July it is already the
    next day in Paris (UTC+2), not yet in Tunis (UTC+1, no summer time)."""
    with time_machine.travel(datetime(2026, 7, 9, 22, 30, tzinfo=UTC), tick=False):
        assert countries.today("FR") == date(2026, 7, 10)
        assert countries.today("TN") == date(2026, 7, 9)
    nine = countries.aware(date(2026, 7, 10), time(9, 0), "TN")
    assert nine.astimezone(UTC) == datetime(2026, 7, 10, 8, 0, tzinfo=UTC)
    assert countries.aware(date(2026, 7, 10), time(9, 0), "FR").astimezone(UTC).hour == 7
    assert countries.aware(date(2026, 1, 10), time(9, 0), "FR").astimezone(UTC).hour == 8  # winter
    assert countries.local(datetime(2026, 7, 10, 8, 0, tzinfo=UTC), "TN").strftime("%H:%M") == "09:00"


def test_the_money_field_shows_and_reads_the_court_currency():
    """DOMAIN.md §10-11: forms show amounts as the pages do, and refuse a fraction of the unit."""
    field = MoneyField(label="Montant", country="TN")
    assert field.label == "Montant (DT)"
    assert field.widget.format_value(Decimal("1200.5")) == "1 200,500"
    assert field.clean("1 200,5") == Decimal("1200.5")
    assert field.clean("450,125") == Decimal("450.125")
    euros = MoneyField(label="Montant", country="FR")
    assert euros.widget.format_value(Decimal("1200")) == "1 200,00"
    assert euros.clean("1 200,50 €") == Decimal("1200.50")
    with pytest.raises(Exception, match="2 décimales"):
        euros.clean("12,345")


def test_the_calendar_carries_the_court_time_with_its_zone():
    """RFC 5545: a meeting at 09:00 in Sousse is DTSTART;TZID=Africa/Tunis:...T090000, with the
    zone's definition; in Lyon in July, 09:00 Europe/Paris (07:00 UTC)."""
    sousse = datetime(2026, 7, 10, 8, 0, tzinfo=UTC)
    lyon = datetime(2026, 7, 10, 7, 0, tzinfo=UTC)
    body = calendar.ics(
        [
            {"uid": "a@x", "start": sousse, "tzid": "Africa/Tunis", "minutes": 180, "summary": "Réunion RG 1"},
            {"uid": "b@x", "start": lyon, "tzid": "Europe/Paris", "minutes": 60, "summary": "Réunion RG 2"},
            {"uid": "c@x", "start": lyon, "summary": "Sans zone"},
            {"uid": "d@x", "day": date(2026, 7, 20), "summary": "Dépôt"},
        ],
        now=sousse,
    )
    assert "DTSTART;TZID=Africa/Tunis:20260710T090000" in body
    assert "DTEND;TZID=Africa/Tunis:20260710T120000" in body
    assert "DTSTART;TZID=Europe/Paris:20260710T090000" in body
    assert "DTSTART:20260710T070000Z" in body  # no zone given: UTC
    assert body.count("BEGIN:VTIMEZONE") == 2 and "TZID:Africa/Tunis" in body and "TZID:Europe/Paris" in body
    assert body.index("END:VTIMEZONE") < body.index("BEGIN:VEVENT")  # defined before use
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
