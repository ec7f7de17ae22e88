"""GeoJSON FeatureCollections built by PostGIS.

The database turns the rows into one JSON document (ST_AsGeoJSON, json_agg), so that a map
of thousands of points costs one query and no Python loop over model instances.
"""

from collections.abc import Callable

from django.db import connection
from django.db.models import QuerySet
from django.http import HttpResponse

from fabtown.content_translation import localized, translated_fields


def feature_collection(
    queryset: QuerySet, *, geometry: str, properties: dict[str, str], precision: int = 6
) -> str:
    """Return the rows of `queryset` as a GeoJSON FeatureCollection (RFC 7946: WGS84, no crs).

    `properties` maps a property name to a column (or annotation) of the queryset. Rows
    without a geometry are left out.
    """
    queryset, properties = _localized_properties(queryset, properties)
    columns = [geometry, *properties.values()]
    inner_sql, params = queryset.values(*columns).query.sql_with_params()
    quote = connection.ops.quote_name
    # Each Feature is joined as text: the geometry from ST_AsGeoJSON, the properties from
    # row_to_json of a row with exactly those columns. json_agg of json_build_object(…, ::json)
    # took 3.5× the time of PostGIS' own json_agg (it parses every geometry back and looks up
    # every argument's type per row); ST_AsGeoJSON(record) is slower still.
    props = ", ".join(f"s.{quote(column)} AS {quote(name)}" for name, column in properties.items())
    sql = f"""
        SELECT '{{"type": "FeatureCollection", "features": ['
            || COALESCE(string_agg(
                '{{"type": "Feature", "geometry": '
                || ST_AsGeoJSON(ST_Transform(s.{quote(geometry)}, 4326), %s)
                || ', "properties": ' || row_to_json(p.*)::text || '}}',
                ', '
            ), '')
            || ']}}'
        FROM ({inner_sql}) AS s, LATERAL (SELECT {props}) AS p
        WHERE s.{quote(geometry)} IS NOT NULL
    """  # column and property names come from code; values are parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [precision, *params])
        return cursor.fetchone()[0]


def _localized_properties(
    queryset: QuerySet, properties: dict[str, str]
) -> tuple[QuerySet, dict[str, str]]:
    """Translated texts (a search area's name) in the active language, else German: the SQL
    above reads plain columns, where modeltranslation's fallback does not reach."""
    translated = set(translated_fields(queryset.model)) & set(properties.values())
    if not translated:
        return queryset, properties
    shown = {column: f"{column}_shown" for column in translated}
    queryset = queryset.annotate(**{shown[column]: localized(column) for column in translated})
    return queryset, {name: shown.get(column, column) for name, column in properties.items()}


EMPTY_COLLECTION = '{"type": "FeatureCollection", "features": []}'


def filtered_geojson_response(filterset, build: Callable[[QuerySet], str]) -> HttpResponse:
    """The map data of a page's filter state: 400 with an empty collection for bad filters."""
    if not filterset.is_valid():
        return HttpResponse(EMPTY_COLLECTION, content_type="application/geo+json", status=400)
    return HttpResponse(build(filterset.qs), content_type="application/geo+json")
