"""Open-data downloads of all public producers and sites (CSV and GeoJSON).

The data is licensed like the city's own open data: Datenlizenz Deutschland –
Namensnennung – Version 2.0 (dl-de/by-2-0).
"""

import csv
import json

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from fabtown.api import GEOJSON_SCHEMA, geojson_response
from fabtown.spreadsheets import neutralise_formula
from producers.selectors import public_producers
from vacancies.selectors import sites_on_offer

LICENSE_NAME = "Datenlizenz Deutschland – Namensnennung – Version 2.0"
LICENSE_URL = "https://www.govdata.de/dl-de/by-2-0"
ATTRIBUTION = "FabTown Bochum"
_LICENSE_MEMBERS = (
    f'"license": {json.dumps(LICENSE_NAME)}, "license_url": {json.dumps(LICENSE_URL)}, '
    f'"attribution": {json.dumps(ATTRIBUTION)}'
)

PRODUCER_COLUMNS = {
    "slug": "slug", "name": "name", "branch": "branch", "category": "category__slug",
    "production_form": "production_form__code", "street": "street", "postcode": "postcode",
    "city": "city", "website": "website", "opening_hours": "opening_hours",
    "location_is_approximate": "location_is_approximate", "is_label_member": "is_label_member",
}  # fmt: skip
SITE_COLUMNS = {
    "id": "id", "name": "name", "kind": "kind", "status": "status", "street": "street",
    "postcode": "postcode", "city": "city", "floor_area_m2": "floor_area_m2",
    "is_ground_floor": "is_ground_floor", "has_shop_window": "has_shop_window",
    "available_from": "available_from", "location_is_approximate": "location_is_approximate",
}  # fmt: skip


def _licensed(response: HttpResponse, filename: str) -> HttpResponse:
    response["Link"] = f'<{LICENSE_URL}>; rel="license"'
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv(queryset, columns: dict[str, str], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow([*columns, "longitude", "latitude"])
    for row in queryset.values_list(*columns.values(), "location"):
        *values, point = row
        # Text columns arrive as str, numbers, dates and booleans as such: only text is touched.
        cells = ("" if v is None else neutralise_formula(v) for v in values)
        coordinates = [f"{point.x:.6f}", f"{point.y:.6f}"] if point else ["", ""]
        writer.writerow([*cells, *coordinates])
    return _licensed(response, filename)


_CSV = OpenApiResponse(response=OpenApiTypes.STR, description=f"CSV, {LICENSE_NAME}")
_GEOJSON = OpenApiResponse(response=GEOJSON_SCHEMA, description=f"GeoJSON, {LICENSE_NAME}")


@extend_schema(responses={(200, "text/csv"): _CSV}, tags=["open data"])
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def producers_csv(request: HttpRequest) -> HttpResponse:
    return _csv(public_producers().order_by("name"), PRODUCER_COLUMNS, "fabtown-produzenten.csv")


@extend_schema(responses={(200, "application/geo+json"): _GEOJSON}, tags=["open data"])
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def producers_geojson(request: HttpRequest) -> HttpResponse:
    queryset = public_producers().annotate(
        category_slug=F("category__slug"), form_code=F("production_form__code")
    )
    properties = {k: v for k, v in PRODUCER_COLUMNS.items() if "__" not in v}
    properties |= {"category": "category_slug", "production_form": "form_code"}
    response = geojson_response(queryset, properties=properties, extra=_LICENSE_MEMBERS)
    return _licensed(response, "fabtown-produzenten.geojson")


@extend_schema(responses={(200, "text/csv"): _CSV}, tags=["open data"])
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def sites_csv(request: HttpRequest) -> HttpResponse:
    return _csv(sites_on_offer().order_by("name"), SITE_COLUMNS, "fabtown-flaechen.csv")


@extend_schema(responses={(200, "application/geo+json"): _GEOJSON}, tags=["open data"])
@api_view(["GET", "HEAD"])
@permission_classes([AllowAny])
def sites_geojson(request: HttpRequest) -> HttpResponse:
    response = geojson_response(sites_on_offer(), properties=SITE_COLUMNS, extra=_LICENSE_MEMBERS)
    return _licensed(response, "fabtown-flaechen.geojson")
