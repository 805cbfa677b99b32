"""Two countries, one application (DOMAIN.md §11): the country of the mission's court decides its
time zone, the law its letters, warnings and reasons cite, and how its money is written.

Citations are looked up by what they justify ("dires", "convocation"...), never written into a
template or a message: a French article on a Tunisian letter is a defect. Tunisian procedure is the
code de procédure civile et commerciale (CPCC), cited by article where DOMAIN.md and the Tunisian
seed give one (art. 113 for the fees), by the code otherwise.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FR, TN = "FR", "TN"


@dataclass(frozen=True)
class Profile:
    code: str
    time_zone: str
    currency: str  # the symbol written after the amount
    decimals: int  # cents in euros, millimes in dinars (DOMAIN.md §10)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.decimals)


PROFILES = {
    FR: Profile(FR, "Europe/Paris", "€", 2),
    TN: Profile(TN, "Africa/Tunis", "DT", 3),
}


def profile(country: str | None) -> Profile:
    return PROFILES.get(country or FR, PROFILES[FR])


# What each citation justifies, and the text each country cites for it. Tunisian articles only where
# DOMAIN.md or the Tunisian seed give one (CPCC art. 113, loi 2005-86 art. 131-137); the code itself
# otherwise. An empty text: the country has no such rule (see `cited`).
CITATIONS: dict[str, dict[str, str]] = {
    # the operations are not public; the parties are convoked by registered letter
    "convocation": {FR: _("art. 160 CPC"), TN: _("CPCC")},
    # the legal basis of a convocation letter, as the letter words it ("... en application ...")
    "convocation_basis": {
        FR: _("de l'article 160 du code de procédure civile"),
        TN: _("du code de procédure civile et commerciale"),
    },
    "not_public": {FR: _("art. 160 CPC"), TN: _("CPCC")},
    "contradictoire": {FR: _("art. 16 et 160 CPC"), TN: _("CPCC")},
    "dires": {FR: _("art. 276 CPC"), TN: _("CPCC")},
    # the guards before a deposit (reports.guards): the report answers the mission; the contradiction
    "answers": {FR: _("art. 238 CPC"), TN: _("CPCC")},
    "contradiction": {FR: _("art. 16 CPC"), TN: _("CPCC")},
    "deposit": {FR: _("art. 282 CPC"), TN: _("CPCC")},
    "personal": {FR: _("art. 233 CPC"), TN: _("CPCC")},
    "only_the_mission": {FR: _("art. 244 CPC"), TN: _("CPCC")},
    "not_in_report": {FR: _("art. 244 et 247 CPC"), TN: _("CPCC")},
    "extension": {FR: _("art. 279 CPC"), TN: _("CPCC")},
    "consignation": {FR: _("art. 269 CPC"), TN: _("CPCC")},
    "consignation_lapse": {FR: _("art. 271 CPC"), TN: _("CPCC")},
    # the expert who refuses his designation is replaced
    "designation_refusal": {FR: _("art. 235 CPC"), TN: _("CPCC")},
    "consignation_complement": {FR: _("art. 280 CPC"), TN: _("CPCC")},
    "fee_observations": {FR: _("art. 282 CPC"), TN: _("art. 113 CPCC")},
    "taxation": {FR: _("art. 284 CPC"), TN: _("art. 113 CPCC")},
    "three_experts": {FR: "", TN: _("CPCC")},
    # secret médical: the patient master of the secret; the doctors' code (the Tunisian seed names the
    # code de déontologie, without an article)
    "patient_secret": {FR: _("art. L1110-4 et L1111-7 CSP"), TN: _("code de déontologie médicale")},
    "consent_to_disclose": {FR: _("art. L1110-4 CSP"), TN: _("code de déontologie médicale")},
    "treating_doctor": {FR: _("art. 105 du code de déontologie médicale"), TN: _("code de déontologie médicale")},
    "unrelated_secret": {FR: _("art. 108 du code de déontologie médicale"), TN: _("code de déontologie médicale")},
    # the reasons of the secret-médical policy (cases.access.REASONS): French case law for France only
    "expert_access": {FR: _("Civ. 1re, 15 juin 2004"), TN: _("code de déontologie médicale")},
    "refusal": {FR: _("Civ. 1re, 11 juin 2009"), TN: _("code de déontologie médicale")},
    "quarantine": {FR: _("Civ. 1re, 11 juin 2009 ; Crim. 16 mars 2021"), TN: _("code de déontologie médicale")},
    "doctors_only": {FR: _("Civ. 1re, 2 mars 2004"), TN: _("code de déontologie médicale")},
    # the expert may keep the parties' doctors out of a mental examination (cases.meetings)
    "mental_examination": {FR: _("Civ. 1re, 25 avril 1989"), TN: _("code de déontologie médicale")},
    "road_accident": {FR: _("loi n° 85-677 du 5 juillet 1985"), TN: _("loi n° 2005-86, code des assurances")},
    "road_revision": {FR: "", TN: _("loi n° 2005-86, art. 132")},
    "third_party_threshold": {FR: "", TN: _("loi n° 2005-86, art. 137")},
    "work_accident": {FR: _("code de la sécurité sociale"), TN: _("loi n° 94-28")},
}


def country_of(obj) -> str:
    """The country code of a mission, a court, anything holding a mission (a report's data), or a
    code itself; France when nothing says otherwise."""
    if obj is None or isinstance(obj, str):
        return profile(obj).code
    if hasattr(obj, "mission") and not hasattr(obj, "court"):
        obj = obj.mission
    court = getattr(obj, "court", None)
    return profile(getattr(court if court is not None else obj, "country", None)).code


def cite(key: str, country) -> str:
    """The citation of the country for what `key` justifies; KeyError for an unknown key, so that a
    typo fails a test rather than printing nothing. `country`: a code, a mission or a court."""
    return str(CITATIONS[key][country_of(country)])


def cited(key: str, country) -> str:
    """The citation in parentheses after a sentence, " (art. 276 CPC)", or nothing when the country
    has no such rule."""
    text = cite(key, country)
    return f" ({text})" if text else ""


def money(amount: Decimal | int | str | None, country, *, symbol: bool = True) -> str:
    """ "1 200,00 €", "450,000 DT": the unit of the currency, half up, a comma before the decimals,
    the thousands grouped by a space (plain, so that a copied or extracted amount reads the same).
    `country`: a code, a mission or a court."""
    if amount is None or amount == "":
        return ""
    p = profile(country_of(country))
    value = Decimal(str(amount)).quantize(p.quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _dot, fraction = f"{abs(value):.{p.decimals}f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = f"{sign}{' '.join(groups)},{fraction}"
    return f"{text} {p.currency}" if symbol else text


def parse_amount(text: str) -> str:
    """What a user types ("1 200,50", "1200.50", "450,000 DT") as a decimal literal: spaces and the
    currency dropped; a comma is the decimal separator, dots then being thousands separators."""
    value = "".join(str(text).split())  # every kind of space, the no-break ones included
    for symbol in {p.currency for p in PROFILES.values()}:
        value = value.replace(symbol, "").replace(symbol.lower(), "")
    if "," in value:
        value = value.replace(".", "").replace(",", ".")
    return value


def zone(country) -> ZoneInfo:
    """The court's time zone; `country`: a code, a mission or a court."""
    return profile(country_of(country)).zone


def court_time(country):
    """`with court_time(mission):` renders dates and times, and reads typed ones, in the court's zone
    (a PDF laid out by a worker, a letter); the previous zone comes back at the end."""
    return timezone.override(zone(country))


def local(moment: datetime, country) -> datetime:
    """An aware datetime in the court's zone."""
    return timezone.localtime(moment, zone(country))


def aware(day: date, at: time, country) -> datetime:
    """A date and a time read in the court's zone (a meeting typed by the expert)."""
    return datetime.combine(day, at, tzinfo=zone(country))


def today(country) -> date:
    """The court's date: what a deadline's state and a reminder are computed on."""
    return timezone.localdate(timezone=zone(country))


COUNTRY_NAMES = {FR: _("France"), TN: _("Tunisie")}
