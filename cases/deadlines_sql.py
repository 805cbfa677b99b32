"""The SQL twin of `deadlines.next_open`: each mission's nearest open deadline and its state as
annotations, so that a dashboard filters, sorts, counts and pages thousands of missions in the
database and computes the full deadlines (cases.deadlines, the reference) for one page only.
The tests check that both agree on every mission. Each reference to the annotation repeats
its subqueries in SQL: read it once (values_list) and work on the dates in Python.

The same closing rules as cases.deadlines: the deposit closes the operations' deadlines (only the
fees run on), a declined or lapsed mission has none open, only a scheduled meeting's letters and
receipts are awaited (a cancelled meeting has none, a held meeting's are closed)."""

from datetime import date, timedelta

from django.db.models import (
    Case,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Least, TruncDate

from cases import countries
from cases.choices import Country
from cases.deadlines import ENDED, State, params_for
from cases.models import Extension

NONE = date(9999, 12, 31)  # "no open deadline": sorts last


def _delta(param: str, country_path: str) -> Case:
    """A deadline parameter (days) of the mission's country, as an SQL duration."""
    whens = [
        When(**{country_path: country}, then=Value(timedelta(days=getattr(params_for(country), param))))
        for country in Country.values
    ]
    default = Value(timedelta(days=getattr(params_for(""), param)))
    return Case(*whens, default=default, output_field=DurationField())


def _court_day(field: str, country_path: str) -> Case:
    """The day of a moment at the mission's court (its time zone), as deadlines.mission_deadlines
    reads it: not the day in the zone of the server."""
    whens = [
        When(**{country_path: country}, then=TruncDate(field, tzinfo=countries.zone(country)))
        for country in Country.values
    ]
    return Case(*whens, default=TruncDate(field, tzinfo=countries.zone(None)), output_field=DateField())


def _date(expression) -> Cast:
    """date ± interval is a timestamp on PostgreSQL: back to a date."""
    return Cast(ExpressionWrapper(expression, output_field=DateField()), DateField())


def annotate_next_deadline(missions: QuerySet) -> QuerySet:
    """Adds `next_due`: the date of the nearest deadline not done (NONE when all are). Its state
    depends only on that date and the day (`state_of_next`)."""
    deposited = Q(deposited_on__isnull=False) | Q(status="deposited")
    closed = Q(status__in=ENDED)
    running = ~closed & ~deposited  # the operations' deadlines run until the deposit or the end
    extension = (
        Extension.objects.filter(mission=OuterRef("pk"), granted=True, new_due__isnull=False)
        .order_by(Coalesce("decided_on", "requested_on").desc(), "-pk")
        .values("new_due")[:1]
    )
    report = Case(
        When(closed | deposited, then=Value(None)),
        default=Coalesce(Subquery(extension, output_field=DateField()), F("report_due")),
        output_field=DateField(),
    )
    # The other kinds as aggregates over joins (one pass, grouped by mission) rather than a
    # correlated subquery per mission; MIN is unaffected by the rows the joins multiply.
    consignation = Min("consignations__due", filter=Q(consignations__paid_on__isnull=True) & running)
    dires = Case(When(Q(dires_due__isnull=False) & running, then=F("dires_due")), output_field=DateField())
    recipient = "convocations__recipients__"
    scheduled = Q(convocations__status="scheduled") & running
    convocations = Min(
        _date(
            _court_day("convocations__meeting_at", "court__country")
            - _delta("convocation_notice_days", "court__country")
        ),
        filter=scheduled & (Q(**{f"{recipient}isnull": True}) | Q(**{f"{recipient}sent_on__isnull": True})),
    )
    receipts = Min(
        _date(F(f"{recipient}sent_on") + _delta("receipt_days", "court__country")),
        filter=Q(
            **{
                f"{recipient}method": "lrar",
                f"{recipient}sent_on__isnull": False,
                f"{recipient}receipt_on__isnull": True,
            }
        )
        & scheduled,
    )
    fees = Case(
        When(
            Q(fee_requested_on__isnull=False, fees_taxed_on__isnull=True) & ~closed,
            then=_date(F("fee_requested_on") + _delta("fee_comment_days", "court__country")),
        ),
        output_field=DateField(),
    )
    # The per-mission parts as MIN too (one value a mission): the query is then grouped by the
    # mission's key alone, not by each expression (the extension subquery would run twice).
    parts = [Min(report), consignation, Min(dires), convocations, receipts, Min(fees)]
    return missions.annotate(next_due=Least(*(Coalesce(p, Value(NONE)) for p in parts)))


def state_of_next(next_due: date, today: date, soon_until: date) -> State:
    """The state of a mission's nearest deadline from its annotated date; `soon_until` is today
    plus its country's due-soon days (computed once: thousands of missions per page view). The
    same rule as deadlines.state_of, which the tests check it against."""
    if next_due == NONE:
        return State.DONE
    if next_due < today:
        return State.OVERDUE
    return State.DUE_SOON if next_due <= soon_until else State.UPCOMING
