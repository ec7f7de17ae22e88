"""The urban-location rule of note 13 of the FabTown concept, defined once.

Note 13: a business counts as urban production ("urbane Lage") when at least 223 residential
buildings lie within 500 m of it. The buildings come from an imported layer (ALKIS or
OpenStreetMap outlines, `manage.py import_buildings`, producers.buildings); producers and sites
keep the count in `residential_buildings_500m` (NULL: not computed, e.g. no layer imported yet
or no location). Everything that asks "urban or not" goes through this module: the QuerySet
methods below for queries, `is_urban()` (the models' `is_urban_location`) for one record.

Distances are measured in ETRS89 / UTM 32N (EPSG:25832), the system of Bochum's cadastre: a
building counts exactly when a 500 m buffer drawn in the city's GIS (QGIS on ALKIS) contains its
point. (Grid and ground distance differ by about 0.02 % in Bochum, 10 cm at 500 m.) A partial
functional GiST index on the transformed points of residential buildings (migration 0009) makes
the count one index probe per producer or site; imports write the buildings in spatial order
(geohash), so that the rows one probe reads lie on few pages.
"""

import time

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q

URBAN_MIN_RESIDENTIAL_BUILDINGS = 223  # note 13 of the concept
URBAN_RADIUS_M = 500  # note 13 of the concept; "exactly 500 m" counts as within
URBAN_MEASURE_SRID = 25832
# Points are stored in WGS84, so a distance measured in the grid passes through two
# transformations; a building surveyed at exactly 500 m may then come out a few nanometres
# further away. A millimetre of slack keeps it inside and is far below any survey's precision.
URBAN_DISTANCE_SLACK_M = 0.001

COUNT_FIELD = "residential_buildings_500m"


def is_urban(count: int | None) -> bool | None:
    """The rule for one count: None when the count was not computed."""
    if count is None:
        return None
    return count >= URBAN_MIN_RESIDENTIAL_BUILDINGS


def urban_condition(flag: bool = True) -> Q:
    """Rows in an urban location (flag True) or computed and not urban (False); the rows whose
    count was not computed match neither."""
    if flag:
        return Q(**{f"{COUNT_FIELD}__gte": URBAN_MIN_RESIDENTIAL_BUILDINGS})
    return Q(**{f"{COUNT_FIELD}__lt": URBAN_MIN_RESIDENTIAL_BUILDINGS})


class UrbanLocationQuerySetMixin:
    """For the QuerySets of models with `residential_buildings_500m` (Producer, Site)."""

    def urban_location(self, flag: bool = True):
        return self.filter(urban_condition(flag))


# --- Counting (writes) ------------------------------------------------------------------------

# One statement for one record or all: the count per row in a correlated subquery that PostgreSQL
# answers from the partial GiST index building_residential_utm_idx (the expression below must
# stay exactly the index's). Without any building the count is NULL ("not computed"), not 0.
_COUNT_SQL = """
UPDATE {table} AS target
SET residential_buildings_500m = counted.n
FROM (
    SELECT subject.id,
        CASE WHEN subject.location IS NULL OR NOT EXISTS (SELECT FROM {buildings}) THEN NULL
        ELSE (
            SELECT count(*) FROM {buildings} AS b
            WHERE b.is_residential
              AND ST_DWithin(
                  ST_Transform(b.location, {srid}), ST_Transform(subject.location, {srid}), %s
              )
        ) END AS n
    FROM {table} AS subject
    {where}
) AS counted
WHERE target.id = counted.id
  AND target.residential_buildings_500m IS DISTINCT FROM counted.n
RETURNING target.id, target.residential_buildings_500m
"""


def _models():
    return apps.get_model("producers", "Producer"), apps.get_model("vacancies", "Site")


def recount(model, *, pk: int | None = None) -> dict[int, int | None]:
    """Recount `model`'s rows (one row with `pk`); returns the changed ones as {id: count}."""
    building = apps.get_model("producers", "Building")
    quote = connection.ops.quote_name
    sql = _COUNT_SQL.format(
        table=quote(model._meta.db_table),
        buildings=quote(building._meta.db_table),
        srid=URBAN_MEASURE_SRID,
        where="WHERE subject.id = %s" if pk is not None else "",
    )
    params = [URBAN_RADIUS_M + URBAN_DISTANCE_SLACK_M] + ([pk] if pk is not None else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


@transaction.atomic
def recount_all(*, timings: dict[str, float] | None = None) -> dict[str, int]:
    """Recount every producer and site (after an import of buildings); returns the changed rows
    per model (and the seconds per model in `timings`). Set-based: one UPDATE per table."""
    from fabtown.answers import content_changed

    with connection.cursor() as cursor:
        # 10,000 short index probes: compiling them to machine code first costs more than it
        # saves (about half a second of the benchmark's count)
        cursor.execute("SET LOCAL jit = off")
    changed = {}
    for model in _models():
        start = time.perf_counter()
        changed[model._meta.model_name] = len(recount(model))
        if timings is not None:
            timings[model._meta.model_name] = time.perf_counter() - start
    content_changed()  # raw UPDATEs send no model signals
    return changed


def recount_one(record) -> int | None:
    """Recount one saved producer or site (after its location changed) and set the count on the
    instance too. The service that saved it bumps the content version already."""
    changed = recount(type(record), pk=record.pk)
    if record.pk in changed:
        setattr(record, COUNT_FIELD, changed[record.pk])
    return getattr(record, COUNT_FIELD)
