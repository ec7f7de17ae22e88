"""Vacancy statistics against the 3 % reserve, and the brokering funnel (issue 11).

Everything is counted by PostgreSQL (aggregates over the status history, spatial joins for the
search areas): no Python loop over sites, so a page costs the same few queries with 10 sites or
10,000. Only counts leave these functions, never a name, owner or requester: the public page
and the API show them as they are.

A site's status on a date is the `to_status` of its last SiteStatusChange at or before the end
of that day (Europe/Berlin); a site without a change by then did not exist yet in the cadastre.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connections, router
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext

from vacancies.models import (
    InterimUse,
    LostReason,
    ProposalStage,
    SearchArea,
    Site,
    SiteKind,
    SiteProposal,
    SiteStatus,
    SiteStatusChange,
    SpaceRequest,
    UnitCount,
    VacancySurvey,
)

# Seed 4.2.1 (Einzelhandelsflächen): vacancy becomes a problem "wenn die Leerstandsquote eine
# „gesunde“ Reserve von 3 % übersteigt, da Trading-down-Effekte die Folge sein können".
RESERVE = Decimal("0.03")
# The rate's numerator must count what its denominator counts: staff count commercial units
# (shops, workshops), so squares, bunkers and initiatives' places are left out of it.
UNIT_KINDS = (SiteKind.VACANT_UNIT,)
RATE_PLACES = Decimal("0.0001")


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the site's time zone: changes before it count."""
    following = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(following)


def _cursor():
    return connections[router.db_for_read(Site)].cursor()


def _fetch(sql: str, params) -> list[tuple]:
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _table(model) -> str:
    return model._meta.db_table


# The status of every site as of %(cutoff)s: the last change before it.
_STATUS_ON = f"""
    SELECT DISTINCT ON (c.site_id) c.site_id, c.to_status
    FROM {_table(SiteStatusChange)} c
    WHERE c.changed_at < %(cutoff)s
    ORDER BY c.site_id, c.changed_at DESC, c.id DESC
"""


def _days(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.1"), ROUND_HALF_UP)


def vacancy_rate(units: int | None, vacant: int) -> Decimal | None:
    if not units:
        return None
    return (Decimal(vacant) / Decimal(units)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AreaVacancy:
    """Units, vacant units and rate of one search area (slug None: the whole city)."""

    slug: str | None
    name: str
    units: int | None
    counted_on: datetime.date | None
    count_source: str
    vacant: int

    @property
    def rate(self) -> Decimal | None:
        return vacancy_rate(self.units, self.vacant)

    @property
    def above_reserve(self) -> bool | None:
        rate = self.rate
        return None if rate is None else rate > RESERVE

    @property
    def rate_percent(self) -> Decimal | None:
        rate = self.rate
        return None if rate is None else rate * 100


@dataclass(frozen=True)
class VacancyOverview:
    on: datetime.date
    city: AreaVacancy
    areas: list[AreaVacancy] = field(default_factory=list)
    reserve: Decimal = RESERVE

    @property
    def reserve_percent(self) -> Decimal:
        return self.reserve * 100


def vacancy_overview(*, on: datetime.date, city_name: str = "Bochum") -> VacancyOverview:
    """Per search area and city-wide: the latest unit count on or before `on`, the vacant units
    as of `on` (a site counts in every area whose polygon contains it) and the rate. One query."""
    units = _table(UnitCount)
    sql = f"""
        WITH status_on AS ({_STATUS_ON}),
        vacant AS (
            SELECT s.id, s.location
            FROM {_table(Site)} s JOIN status_on o ON o.site_id = s.id
            WHERE o.to_status = %(vacant)s AND s.kind = ANY(%(kinds)s)
        ),
        places AS (
            SELECT a.id, a.slug, a.name, a.area FROM {_table(SearchArea)} a
            UNION ALL SELECT NULL, NULL, NULL, NULL
        )
        SELECT p.slug, p.name, u.units, u.counted_on, u.source,
            CASE WHEN p.id IS NULL THEN (SELECT COUNT(*) FROM vacant)
                 ELSE (SELECT COUNT(*) FROM vacant v WHERE ST_Within(v.location, p.area)) END
        FROM places p
        LEFT JOIN LATERAL (
            SELECT c.units, c.counted_on, c.source FROM {units} c
            WHERE c.search_area_id IS NOT DISTINCT FROM p.id AND c.counted_on <= %(on)s
            ORDER BY c.counted_on DESC, c.id DESC LIMIT 1
        ) u ON true
        ORDER BY p.id IS NOT NULL, p.name
    """
    rows = _fetch(
        sql,
        {
            "cutoff": end_of_day(on),
            "on": on,
            "vacant": SiteStatus.VACANT.value,
            "kinds": [str(kind) for kind in UNIT_KINDS],
        },
    )
    places = [
        AreaVacancy(
            slug=slug,
            name=name or city_name,
            units=units,
            counted_on=counted_on,
            count_source=source or "",
            vacant=vacant,
        )
        for slug, name, units, counted_on, source, vacant in rows
    ]
    return VacancyOverview(on=on, city=places[0], areas=places[1:])


def month_ends(*, start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The last day of every month from `start`'s to `end`'s; `end` itself for its month."""
    days = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        days.append(min(following - datetime.timedelta(days=1), end))
        year, month = following.year, following.month
    return days


@dataclass(frozen=True)
class StatusMix:
    days: list[datetime.date]
    statuses: list[tuple[str, str]]  # (value, label) in the order of SiteStatus
    counts: dict[str, list[int]]  # status value -> count per day

    def rows(self):
        """(day, [count per status]) for the table."""
        for index, day in enumerate(self.days):
            yield day, [self.counts[value][index] for value, _label in self.statuses]


def status_mix(*, start: datetime.date, end: datetime.date) -> StatusMix:
    """How many sites had each status at every month's end in the period. One query."""
    days = month_ends(start=start, end=end)
    sql = f"""
        SELECT m.day, st.to_status, COUNT(*)
        FROM unnest(%(days)s::date[], %(cutoffs)s::timestamptz[]) AS m(day, cutoff)
        CROSS JOIN LATERAL (
            SELECT DISTINCT ON (c.site_id) c.to_status
            FROM {_table(SiteStatusChange)} c
            WHERE c.changed_at < m.cutoff
            ORDER BY c.site_id, c.changed_at DESC, c.id DESC
        ) st
        GROUP BY m.day, st.to_status
    """
    rows = _fetch(sql, {"days": days, "cutoffs": [end_of_day(day) for day in days]})
    statuses = [(choice.value, str(choice.label)) for choice in SiteStatus]
    counts = {value: [0] * len(days) for value, _label in statuses}
    position = {day: index for index, day in enumerate(days)}
    for day, status, count in rows:
        counts[status][position[day]] = count
    return StatusMix(days=days, statuses=statuses, counts=counts)


@dataclass(frozen=True)
class Durations:
    """Vacancy spells (entering vacant → leaving it) that began on or before the date."""

    closed: int
    closed_days: Decimal | None
    open: int
    open_days: Decimal | None
    all_days: Decimal | None

    @property
    def total(self) -> int:
        return self.closed + self.open


_SPELLS = """
    SELECT c.site_id, c.changed_at AS began,
        LEAD(c.changed_at) OVER (PARTITION BY c.site_id ORDER BY c.changed_at, c.id) AS ended,
        c.to_status
    FROM {changes} c
    WHERE c.changed_at < %(cutoff)s
"""


def vacancy_durations(*, on: datetime.date) -> Durations:
    """Average length in days of the vacancy spells as of `on`: closed ones (the site left
    vacant), still open ones (counted up to the end of `on`) and both together. One query."""
    changes = _table(SiteStatusChange)
    sql = f"""
        WITH spells AS ({_SPELLS.format(changes=changes)})
        SELECT
            COUNT(*) FILTER (WHERE ended IS NOT NULL),
            AVG(EXTRACT(EPOCH FROM ended - began) / 86400) FILTER (WHERE ended IS NOT NULL),
            COUNT(*) FILTER (WHERE ended IS NULL),
            AVG(EXTRACT(EPOCH FROM %(cutoff)s - began) / 86400) FILTER (WHERE ended IS NULL),
            AVG(EXTRACT(EPOCH FROM COALESCE(ended, %(cutoff)s) - began) / 86400)
        FROM spells WHERE to_status = %(vacant)s
    """
    params = {"cutoff": end_of_day(on), "vacant": SiteStatus.VACANT.value}
    closed, closed_days, still_open, open_days, all_days = _fetch(sql, params)[0]

    return Durations(
        closed=closed,
        closed_days=_days(closed_days),
        open=still_open,
        open_days=_days(open_days),
        all_days=_days(all_days),
    )


@dataclass(frozen=True)
class InterimYear:
    year: int
    started: int
    running: int


def interim_uses_per_year(*, start: datetime.date, end: datetime.date) -> list[InterimYear]:
    """Per calendar year of the period: interim uses that started in it and that ran in it
    (an open-ended use runs until `end`). One query."""
    sql = f"""
        SELECT y.year,
            COUNT(*) FILTER (WHERE y.year = EXTRACT(YEAR FROM u.starts_on)),
            COUNT(*)
        FROM {_table(InterimUse)} u
        CROSS JOIN LATERAL generate_series(
            GREATEST(EXTRACT(YEAR FROM u.starts_on)::int, %(first)s),
            LEAST(EXTRACT(YEAR FROM COALESCE(u.ends_on, %(end)s))::int, %(last)s)
        ) AS y(year)
        WHERE u.starts_on <= %(end)s
        GROUP BY y.year
    """
    rows = _fetch(sql, {"first": start.year, "last": end.year, "end": end})
    found = {year: (started, running) for year, started, running in rows}
    years = []
    for year in range(start.year, end.year + 1):
        started, running = found.get(year, (0, 0))
        years.append(InterimYear(year=year, started=started, running=running))
    return years


@dataclass(frozen=True)
class Funnel:
    """The brokering of the period: requests recorded, and the proposals made in it with how
    far they got. A proposal that was let counts as viewed too (not every letting has a viewing
    date), so each step is a part of the one before."""

    requests: int
    requests_with_proposal: int
    proposals: int
    viewings: int
    let: int
    lost: int
    lost_reasons: list[tuple[str, str, int]]  # (value, label, count), every reason
    relets: int
    relet_days: Decimal | None
    relet_median_days: Decimal | None

    @property
    def steps(self) -> list[tuple[str, int]]:
        return [
            (gettext("space requests"), self.requests),
            (gettext("sites proposed"), self.proposals),
            (gettext("viewings"), self.viewings),
            (gettext("let"), self.let),
        ]


def brokering_funnel(*, start: datetime.date, end: datetime.date) -> Funnel:
    """Requests created and proposals made from `start` to `end` (both included), the stages
    those proposals reached, the reasons the lost ones were lost, and the time to re-let
    (entering vacant → the change to let) of the lettings in the period. Three queries."""
    first, after = end_of_day(start - datetime.timedelta(days=1)), end_of_day(end)
    requests = SpaceRequest.objects.filter(created_at__gte=first, created_at__lt=after)
    proposals = SiteProposal.objects.filter(proposed_on__gte=start, proposed_on__lte=end)
    viewed = Q(viewing_on__isnull=False) | Q(stage__in=[ProposalStage.VIEWING, ProposalStage.LET])
    was_let = Q(stage=ProposalStage.LET) | Q(let_on__isnull=False)
    lost = Q(stage=ProposalStage.LOST)
    figures = proposals.aggregate(
        proposals=Count("id"),
        viewings=Count("id", filter=viewed),
        let=Count("id", filter=was_let),
        lost=Count("id", filter=lost),
    )
    # distinct: the join to the proposals repeats a request once per proposal
    request_figures = requests.aggregate(
        requests=Count("id", distinct=True),
        with_proposal=Count("id", filter=Q(proposals__isnull=False), distinct=True),
    )
    by_reason = dict(
        proposals.filter(lost)
        .order_by()
        .values_list("lost_reason")
        .annotate(n=Count("id"))
        .values_list("lost_reason", "n")
    )
    relets, relet_days, relet_median = _relets(first=first, after=after)
    return Funnel(
        requests=request_figures["requests"],
        requests_with_proposal=request_figures["with_proposal"],
        proposals=figures["proposals"],
        viewings=figures["viewings"],
        let=figures["let"],
        lost=figures["lost"],
        lost_reasons=[
            (reason.value, str(reason.label), by_reason.get(reason.value, 0))
            for reason in LostReason
        ],
        relets=relets,
        relet_days=relet_days,
        relet_median_days=relet_median,
    )


def _relets(
    *, first: datetime.datetime, after: datetime.datetime
) -> tuple[int, Decimal | None, Decimal | None]:
    """Lettings (changes to let) in [first, after) that ended a vacancy: the days since the
    site last became vacant, if it was not let in between (vacant → reserved → let counts
    from vacant; let → vacant → let from the second vacant). Count, mean, median."""
    changes = _table(SiteStatusChange)
    sql = f"""
        SELECT COUNT(*), AVG(days),
            PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days)
        FROM (
            SELECT EXTRACT(EPOCH FROM l.changed_at - v.began) / 86400 AS days
            FROM {changes} l
            CROSS JOIN LATERAL (
                SELECT MAX(c.changed_at) AS began FROM {changes} c
                WHERE c.site_id = l.site_id AND c.to_status = %(vacant)s
                  AND c.changed_at < l.changed_at
            ) v
            WHERE l.to_status = %(let)s AND l.changed_at >= %(first)s
              AND l.changed_at < %(after)s AND v.began IS NOT NULL
              AND NOT EXISTS (
                SELECT 1 FROM {changes} p
                WHERE p.site_id = l.site_id AND p.to_status = %(let)s
                  AND p.changed_at > v.began AND p.changed_at < l.changed_at
              )
        ) relets
    """
    params = {
        "vacant": SiteStatus.VACANT.value,
        "let": SiteStatus.LET.value,
        "first": first,
        "after": after,
    }
    count, mean, median = _fetch(sql, params)[0]

    return count, _days(mean), _days(median)


def vacancy_surveys(*, on: datetime.date) -> list[VacancySurvey]:
    """Counts of vacancies from surveys outside the cadastre up to `on`, newest first."""
    return list(VacancySurvey.objects.filter(surveyed_on__lte=on))


# The dates a statistic may ask about: the cadastre's records begin in this century, and a
# period is at most 30 years of month ends (beyond, dates overflow and pages grow without bound).
EARLIEST_DATE = datetime.date(1990, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
MAX_PERIOD_DAYS = 30 * 366


def statistics_date_problem(value: datetime.date) -> str | None:
    """Why a date cannot be asked about, or None: the one rule of the API and the staff page."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext

    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return gettext("Choose a date between %(earliest)s and %(latest)s.") % {
        "earliest": date_format(EARLIEST_DATE, "SHORT_DATE_FORMAT"),
        "latest": date_format(LATEST_DATE, "SHORT_DATE_FORMAT"),
    }


def default_period(*, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The twelve months up to `on`: from the first day of the eleventh month before."""
    months = on.year * 12 + on.month - 1 - 11
    return datetime.date(months // 12, months % 12 + 1, 1), on


@dataclass(frozen=True)
class StatisticsReport:
    on: datetime.date
    start: datetime.date
    end: datetime.date
    overview: VacancyOverview
    mix: StatusMix
    durations: Durations
    interim_years: list[InterimYear]
    funnel: Funnel
    surveys: list[VacancySurvey]


def statistics_report(
    *, on: datetime.date, start: datetime.date, end: datetime.date
) -> StatisticsReport:
    """Everything the staff page shows: nine queries, whatever the number of sites and areas."""
    return StatisticsReport(
        on=on,
        start=start,
        end=end,
        overview=vacancy_overview(on=on),
        mix=status_mix(start=start, end=end),
        durations=vacancy_durations(on=on),
        interim_years=interim_uses_per_year(start=start, end=end),
        funnel=brokering_funnel(start=start, end=end),
        surveys=vacancy_surveys(on=on),
    )


def public_chart_data(overview: VacancyOverview) -> dict:
    """The rate chart's data (statistics-charts.js): the areas, then the city, in percent."""
    places = [*overview.areas, overview.city]
    return {
        "labels": [place.name for place in places],
        "rates": [None if p.rate_percent is None else float(p.rate_percent) for p in places],
        "reserve": float(overview.reserve_percent),
        "rateLabel": gettext("vacancy rate (%)"),
        "reserveLabel": gettext("reserve of 3 %"),
    }
