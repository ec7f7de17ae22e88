"""Matching, explained: which sites fit a space request and why, and which requests fit a site.

Everything that decides what is shown is computed in PostgreSQL in one query (one SQL statement
with CTEs): the state of every criterion for every (site, request) pair, the score, the split
into matches and near misses, the order and the limit. Python only turns the per-criterion
values of the few returned rows into sentences (`reasons`).

Criteria and weights (points of 100):

    floor area        25  the first thing everybody asks; a range, with partial credit
    rent              20  a hard budget: above the maximum it usually ends the talk
    location          20  the search areas carry the concept's idea of where a form belongs
    ground floor      10  }  needed by shops, cafés and workshops with deliveries;
    shop window       10  }  either can be rebuilt, so each weighs half of rent or location
    production form   10  the office's own judgement that a site suits the use
    available from     5  a date can move; it rarely decides alone

A criterion counts only when the request states it: no range, no maximum rent, no preferred
area, no form, no date, and "ground floor / shop window needed" empty or "no" mean "does not
matter", so they neither help nor hurt. Credit per applicable criterion: fits 1, fails 0; a floor
area outside the wanted range by at most AREA_TOLERANCE (15 %) earns ½; a value the site's record
lacks (rent, area, ...) is "unknown" and earns ½ too - it neither fits nor blocks, and ranks a
site whose rent is known to fit above one whose rent nobody knows. The score is the earned share
of the applicable weights, 0-100, rounded; a request that states no criterion at all scores 0.

Hard criteria (a failure excludes a site from the matches): floor area outside the tolerance,
ground floor or shop window needed but absent, rent above the maximum, outside every preferred
search area. Production form and date are soft: they lower the score only. Unknown values are
never a failure. Sites that fail exactly one hard criterion are the near misses ("passt bis
auf: kein Erdgeschoss").

Ties are ordered by the distance of the floor area from the wanted range (m², sites without an
area last), then by id, so that the order is the same on every call.
"""

import dataclasses
import datetime
import statistics
import time
from decimal import Decimal

from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from fabtown import numbers
from vacancies.models import SiteStatus, SpaceRequestStatus

AREA_TOLERANCE = Decimal("0.15")
WEIGHTS = {
    "floor_area": 25,
    "rent": 20,
    "location": 20,
    "ground_floor": 10,
    "shop_window": 10,
    "production_form": 10,
    "available_from": 5,
}
HARD_CRITERIA = ("floor_area", "ground_floor", "shop_window", "rent", "location")
CANDIDATE_STATUSES = (SiteStatus.VACANT, SiteStatus.RESERVED)
DEFAULT_LIMIT = 50

# States of a criterion as the query returns them (NULL: the request does not ask for it).
FITS, NEAR, FAILS, UNKNOWN = 2, 1, 0, -1

_STATES = """
    CASE WHEN r.floor_area_min_m2 IS NULL AND r.floor_area_max_m2 IS NULL THEN NULL
         WHEN s.floor_area_m2 IS NULL THEN -1
         WHEN (r.floor_area_min_m2 IS NULL OR s.floor_area_m2 >= r.floor_area_min_m2)
          AND (r.floor_area_max_m2 IS NULL OR s.floor_area_m2 <= r.floor_area_max_m2) THEN 2
         WHEN (r.floor_area_min_m2 IS NULL
               OR s.floor_area_m2 >= r.floor_area_min_m2 * (1 - %(tolerance)s))
          AND (r.floor_area_max_m2 IS NULL
               OR s.floor_area_m2 <= r.floor_area_max_m2 * (1 + %(tolerance)s)) THEN 1
         ELSE 0 END AS floor_area,
    CASE WHEN r.max_rent_eur_per_month IS NULL THEN NULL
         WHEN s.rent_eur_per_month IS NULL THEN -1
         WHEN s.rent_eur_per_month <= r.max_rent_eur_per_month THEN 2 ELSE 0 END AS rent,
    CASE WHEN areas.wanted IS NULL THEN NULL
         WHEN s.location IS NULL THEN -1
         WHEN areas.inside IS NOT NULL THEN 2 ELSE 0 END AS location,
    CASE WHEN r.needs_ground_floor IS NOT TRUE THEN NULL
         WHEN s.is_ground_floor IS NULL THEN -1
         WHEN s.is_ground_floor THEN 2 ELSE 0 END AS ground_floor,
    CASE WHEN r.needs_shop_window IS NOT TRUE THEN NULL
         WHEN s.has_shop_window IS NULL THEN -1
         WHEN s.has_shop_window THEN 2 ELSE 0 END AS shop_window,
    CASE WHEN r.production_form_id IS NULL THEN NULL
         WHEN EXISTS (SELECT 1 FROM vacancies_site_suitable_forms f
                      WHERE f.site_id = s.id AND f.productionform_id = r.production_form_id)
              THEN 2
         WHEN EXISTS (SELECT 1 FROM vacancies_site_suitable_forms f WHERE f.site_id = s.id)
              THEN 0
         ELSE -1 END AS production_form,
    CASE WHEN r.wanted_from IS NULL THEN NULL
         WHEN s.available_from IS NULL THEN -1
         WHEN s.available_from <= r.wanted_from THEN 2 ELSE 0 END AS available_from
"""


# Twice the earned points (so that half credit stays an integer), and the applicable weights.
_EARNED = " + ".join(
    f"(CASE WHEN {name} IS NULL OR {name} = {FAILS} THEN 0 WHEN {name} = {FITS} "
    f"THEN {2 * weight} ELSE {weight} END)"
    for name, weight in WEIGHTS.items()
)
_APPLICABLE = " + ".join(
    f"(CASE WHEN {name} IS NULL THEN 0 ELSE {weight} END)" for name, weight in WEIGHTS.items()
)
_HARD_FAILURES = " + ".join(f"(COALESCE({name}, -9) = {FAILS})::int" for name in HARD_CRITERIA)

_SQL = f"""
WITH pairs AS (
  SELECT
    s.id AS site_id, s.name AS site_name, s.status AS site_status,
    s.is_published AS site_is_published, s.street AS site_street,
    s.postcode AS site_postcode, s.floor_area_m2 AS site_floor_area_m2,
    s.is_ground_floor AS site_is_ground_floor, s.has_shop_window AS site_has_shop_window,
    s.rent_eur_per_month AS site_rent_eur_per_month, s.rent_is_public AS site_rent_is_public,
    s.available_from AS site_available_from,
    r.id AS request_id, r.title AS request_title, r.status AS request_status,
    r.expires_on AS request_expires_on, r.token AS request_token,
    r.notify_matches AS request_notify_matches, r.contact_name AS request_contact_name,
    r.contact_email AS request_contact_email, r.contact_phone AS request_contact_phone,
    r.organisation AS request_organisation,
    r.floor_area_min_m2 AS want_floor_area_min, r.floor_area_max_m2 AS want_floor_area_max,
    r.needs_ground_floor AS want_ground_floor, r.needs_shop_window AS want_shop_window,
    r.max_rent_eur_per_month AS want_rent_max, r.wanted_from AS want_from,
    pf.code AS want_form_code, pf.name AS want_form_name,
    areas.wanted AS want_areas, areas.inside AS site_areas,
    CASE WHEN s.floor_area_m2 IS NULL THEN NULL
         ELSE GREATEST(r.floor_area_min_m2 - s.floor_area_m2,
                       s.floor_area_m2 - r.floor_area_max_m2, 0) END AS area_distance,
    {_STATES}
  FROM vacancies_site s
  CROSS JOIN vacancies_spacerequest r
  LEFT JOIN producers_productionform pf ON pf.id = r.production_form_id
  -- the request's preferred areas, and those of them that contain the site
  LEFT JOIN LATERAL (
    SELECT array_agg(a.name ORDER BY a.name) AS wanted,
           array_agg(a.name ORDER BY a.name) FILTER (WHERE ST_Contains(a.area, s.location))
             AS inside
    FROM vacancies_spacerequest_search_areas ra
    JOIN vacancies_searcharea a ON a.id = ra.searcharea_id
    WHERE ra.spacerequest_id = r.id
  ) areas ON TRUE
  WHERE %(where)s
), scored AS (
  SELECT pairs.*,
    CASE WHEN ({_APPLICABLE}) = 0 THEN 0
         ELSE round(100.0 * ({_EARNED}) / (2 * ({_APPLICABLE})))::int END AS score,
    {_HARD_FAILURES} AS hard_failures
  FROM pairs
)
SELECT * FROM scored
WHERE hard_failures = %(hard_failures)s AND score >= %(min_score)s
ORDER BY score DESC, area_distance ASC NULLS LAST, %(tie)s ASC
LIMIT %(limit)s
"""

_FOR_REQUEST = "r.id = %(request_id)s AND s.status = ANY(%(statuses)s)"
_FOR_SITE = "s.id = %(site_id)s AND r.status = %(open)s AND r.expires_on >= %(today)s"


@dataclasses.dataclass(frozen=True)
class Reason:
    criterion: str
    fits: bool | None  # None: the value is unknown
    text: str

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Match:
    score: int
    reasons: list[Reason]
    site: dict
    space_request: dict
    # near misses only: the one hard criterion that blocks, and „passt bis auf: …“
    blocked_by: str = ""
    blocked_text: str = ""


def _run(
    *, where: str, tie: str, hard_failures: int, limit: int | None, params: dict, min_score: int = 0
) -> list[Match]:
    # The fixed parts (where, tie-breaker column) are ours, never user input; values are
    # passed as query parameters.
    sql = _SQL.replace("%(where)s", where).replace("%(tie)s", tie)
    params = {
        **params,
        "tolerance": AREA_TOLERANCE,
        "hard_failures": hard_failures,
        "limit": limit,  # None: LIMIT NULL, no limit
        "min_score": min_score,
        "statuses": [str(status) for status in CANDIDATE_STATUSES],
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    return [_match(row, near_miss=hard_failures == 1) for row in rows]


def matches_for_request(*, space_request, limit: int = DEFAULT_LIMIT) -> list[Match]:
    """Vacant and reserved sites (published or not) that fail no hard criterion, best first."""
    return _run(
        where=_FOR_REQUEST,
        tie="site_id",
        hard_failures=0,
        limit=limit,
        params={"request_id": space_request.pk},
    )


def near_misses_for_request(*, space_request, limit: int = 10) -> list[Match]:
    """The closest sites that fail exactly one hard criterion, with the one that blocks."""
    return _run(
        where=_FOR_REQUEST,
        tie="site_id",
        hard_failures=1,
        limit=limit,
        params={"request_id": space_request.pk},
    )


def _site_params(site, on: datetime.date | None) -> dict:
    return {
        "site_id": site.pk,
        "open": str(SpaceRequestStatus.OPEN),
        "today": on or timezone.localdate(),
    }


def matches_for_site(
    *,
    site,
    limit: int | None = DEFAULT_LIMIT,
    on: datetime.date | None = None,
    min_score: int = 0,
) -> list[Match]:
    """Active requests (open, not expired) that the site fails in no hard criterion."""
    return _run(
        where=_FOR_SITE,
        tie="request_id",
        hard_failures=0,
        limit=limit,
        params=_site_params(site, on),
        min_score=min_score,
    )


def near_misses_for_site(*, site, limit: int = 10, on: datetime.date | None = None) -> list[Match]:
    return _run(
        where=_FOR_SITE,
        tie="request_id",
        hard_failures=1,
        limit=limit,
        params=_site_params(site, on),
    )


# --- Reasons: sentences from the per-criterion values of a row --------------------------------


def _number(value) -> str:
    """85 → „85“, 85.5 → „85,5“, 1200 → „1.200“ in German."""
    return numbers.number(value)


def _money(value) -> str:
    return numbers.number(value, 0 if Decimal(value) == Decimal(value).to_integral_value() else 2)


def _range(low, high) -> str:
    if low is not None and high is not None:
        return f"{_number(low)}–{_number(high)}"
    if low is not None:
        return _("from %(low)s") % {"low": _number(low)}
    return _("up to %(high)s") % {"high": _number(high)}


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _floor_area_text(row: dict, state: int) -> str:
    if state == UNKNOWN:
        return _("Floor area unknown")
    values = {
        "area": _number(row["site_floor_area_m2"]),
        "range": _range(row["want_floor_area_min"], row["want_floor_area_max"]),
    }
    if state == FITS:
        return _("Floor area %(area)s m² lies within the wanted %(range)s m²") % values
    low = row["want_floor_area_min"]
    below = low is not None and row["site_floor_area_m2"] < low
    if state == NEAR:
        if below:
            return _("Floor area %(area)s m² is slightly below the wanted %(range)s m²") % values
        return _("Floor area %(area)s m² is slightly above the wanted %(range)s m²") % values
    if below:
        return _("Floor area %(area)s m² is too small for the wanted %(range)s m²") % values
    return _("Floor area %(area)s m² is too large for the wanted %(range)s m²") % values


def _rent_text(row: dict, state: int) -> str:
    if state == UNKNOWN:
        return _("Rent unknown")
    values = {
        "rent": _money(row["site_rent_eur_per_month"]),
        "max": _money(row["want_rent_max"]),
    }
    if state == FITS:
        return _("Rent %(rent)s € within the maximum of %(max)s €") % values
    return _("Rent %(rent)s € above the maximum of %(max)s €") % values


def _location_text(row: dict, state: int) -> str:
    if state == UNKNOWN:
        return _("Location unknown")
    if state == FITS:
        return _("In the search area %(areas)s") % {"areas": ", ".join(row["site_areas"])}
    return _("Outside the wanted search areas (%(areas)s)") % {
        "areas": ", ".join(row["want_areas"])
    }


def _flag_text(state: int, *, fits: str, fails: str, unknown: str) -> str:
    return {FITS: fits, FAILS: fails}.get(state, unknown)


def _form_text(row: dict, state: int) -> str:
    values = {"form": row["want_form_name"]}
    if state == UNKNOWN:
        return _("Suitability not recorded")
    if state == FITS:
        return _("Suitable for %(form)s") % values
    return _("Not marked as suitable for %(form)s") % values


def _available_text(row: dict, state: int) -> str:
    if state == UNKNOWN:
        return _("Availability unknown")
    values = {"date": _date(row["site_available_from"]), "wanted": _date(row["want_from"])}
    if state == FITS:
        return _("Available from %(date)s (wanted from %(wanted)s)") % values
    return _("Available only from %(date)s (wanted from %(wanted)s)") % values


def reasons_of(row: dict) -> list[Reason]:
    """One reason per criterion the request states, in the order of their weights."""
    texts = {
        "floor_area": lambda state: _floor_area_text(row, state),
        "rent": lambda state: _rent_text(row, state),
        "location": lambda state: _location_text(row, state),
        "ground_floor": lambda state: _flag_text(
            state,
            fits=_("Ground floor"),
            fails=_("not on the ground floor"),
            unknown=_("Ground floor unknown"),
        ),
        "shop_window": lambda state: _flag_text(
            state,
            fits=_("Shop window"),
            fails=_("no shop window"),
            unknown=_("Shop window unknown"),
        ),
        "production_form": lambda state: _form_text(row, state),
        "available_from": lambda state: _available_text(row, state),
    }
    reasons = []
    for criterion in WEIGHTS:
        state = row[criterion]
        if state is None:
            continue
        fits = None if state == UNKNOWN else state == FITS
        reasons.append(Reason(criterion=criterion, fits=fits, text=texts[criterion](state)))
    return reasons


def _match(row: dict, *, near_miss: bool) -> Match:
    reasons = reasons_of(row)
    blocked_by = blocked_text = ""
    if near_miss:
        blocking = next(
            reason
            for reason in reasons
            if reason.criterion in HARD_CRITERIA and row[reason.criterion] == FAILS
        )
        blocked_by = blocking.criterion
        blocked_text = _("fits except: %(reason)s") % {"reason": blocking.text}
    site = {key.removeprefix("site_"): row[key] for key in row if key.startswith("site_")}
    site.pop("areas")
    space_request = {
        key.removeprefix("request_"): row[key] for key in row if key.startswith("request_")
    }
    return Match(
        score=row["score"],
        reasons=reasons,
        site=site,
        space_request=space_request,
        blocked_by=blocked_by,
        blocked_text=blocked_text,
    )


# --- Benchmark hook (scripts/bench.py, `manage.py bench_matching`) ----------------------------


def bench_figures(*, repeat: int = 15) -> dict[str, float]:
    """Median milliseconds to match one request against all sites and one site against all
    active requests (the request and site in the middle of the id range)."""
    from vacancies.models import Site, SpaceRequest

    request_ids = list(SpaceRequest.objects.active().order_by("pk").values_list("pk", flat=True))
    site_ids = list(
        Site.objects.filter(status__in=CANDIDATE_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not request_ids or not site_ids:
        return {}
    space_request = SpaceRequest(pk=request_ids[len(request_ids) // 2])
    site = Site(pk=site_ids[len(site_ids) // 2])

    def median_ms(call) -> float:
        call()  # warm the caches, as a running server has them
        times = []
        for _round in range(repeat):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        return round(statistics.median(times), 1)

    return {
        "sites": len(site_ids),
        "requests": len(request_ids),
        "request_against_sites_ms": median_ms(
            lambda: matches_for_request(space_request=space_request)
        ),
        "request_near_misses_ms": median_ms(
            lambda: near_misses_for_request(space_request=space_request)
        ),
        "site_against_requests_ms": median_ms(lambda: matches_for_site(site=site)),
    }
