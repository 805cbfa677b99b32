"""From the certificates to proposals: the stoppages they prescribe make the periods of total
temporary incapacity, the consolidation certificate the consolidation date. The expert accepts or
edits them; nothing here is written into the report by itself."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from cases.choices import CertificateKind


@dataclass
class ProposedPeriod:
    start: date
    end: date
    kind: str = "total"
    sources: list[int] = field(default_factory=list)  # piece numbers

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Proposals:
    periods: list[ProposedPeriod]
    consolidation_date: date | None
    consolidation_source: int | None

    def __bool__(self) -> bool:
        return bool(self.periods) or self.consolidation_date is not None


def propose(certificates: Iterable) -> Proposals:
    """Stoppages that follow each other or overlap (an initial certificate and its prolongations)
    merge into one period; the last consolidation certificate gives the date, and the periods
    stop the day before it (temporary incapacity ends at consolidation)."""
    certificates = sorted(certificates, key=lambda c: (c.issued_on, c.pk or 0))
    consolidation, source = None, None
    for cert in certificates:
        if cert.consolidation_date and cert.kind in (CertificateKind.CONSOLIDATION, CertificateKind.RETURN_TO_WORK):
            consolidation, source = cert.consolidation_date, cert.document.number
    if consolidation is None:
        for cert in certificates:
            if cert.consolidation_date:
                consolidation, source = cert.consolidation_date, cert.document.number

    stoppages = sorted(
        ((c.stoppage_from, c.stoppage_until, c.document.number) for c in certificates if c.stoppage_days),
        key=lambda s: s[0],
    )
    periods: list[ProposedPeriod] = []
    for start, end, number in stoppages:
        if periods and start <= periods[-1].end + timedelta(days=1):
            last = periods[-1]
            last.end = max(last.end, end)
            last.sources.append(number)
        else:
            periods.append(ProposedPeriod(start, end, sources=[number]))
    if consolidation:
        limit = consolidation - timedelta(days=1)
        periods = [p for p in periods if p.start <= limit]
        for period in periods:
            period.end = min(period.end, limit)
    return Proposals(periods, consolidation, source)
