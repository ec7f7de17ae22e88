"""What every endpoint of the REST API shares: paging, permissions, geo filters, GeoJSON."""

import django_filters
from django import forms
from django.contrib.gis.geos import Point, Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination

from fabtown.geojson import feature_collection


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class ReadPublishedWriteWithPermission(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone reads; writing needs the model's add/change/delete permission (staff groups)."""


def can_see_unpublished(user, model) -> bool:
    return user.is_authenticated and user.has_perm(
        f"{model._meta.app_label}.view_{model._meta.model_name}"
    )


def _numbers(value: str, count: int, name: str) -> list[float]:
    parts = value.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise DjangoValidationError(
            _("%(name)s needs %(count)s comma-separated numbers.") % {"name": name, "count": count}
        ) from None
    if len(numbers) != count:
        raise DjangoValidationError(
            _("%(name)s needs %(count)s comma-separated numbers.") % {"name": name, "count": count}
        )
    return numbers


def _check_lon_lat(lon: float, lat: float) -> None:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise DjangoValidationError(_("Longitude must lie in −180…180 and latitude in −90…90."))


class BBoxField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        min_lon, min_lat, max_lon, max_lat = _numbers(value, 4, "in_bbox")
        _check_lon_lat(min_lon, min_lat)
        _check_lon_lat(max_lon, max_lat)
        if min_lon >= max_lon or min_lat >= max_lat:
            raise DjangoValidationError(_("in_bbox is minlon,minlat,maxlon,maxlat with min < max."))
        return Polygon.from_bbox((min_lon, min_lat, max_lon, max_lat))


class PointField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        lon, lat = _numbers(value, 2, "near")
        _check_lon_lat(lon, lat)
        return Point(lon, lat, srid=4326)


@extend_schema_field(OpenApiTypes.STR)
class NearFilter(django_filters.Filter):
    field_class = PointField


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(django_filters.Filter):
    field_class = BBoxField

    def filter(self, qs, value):
        if value is None:
            return qs
        value.srid = 4326
        return qs.filter(**{f"{self.field_name}__intersects": value})


class GeoFilterMixin(django_filters.FilterSet):
    """`in_bbox=minlon,minlat,maxlon,maxlat`, and `near=lon,lat` with `distance` in metres."""

    in_bbox = BBoxFilter(
        field_name="location", label=_("bounding box: minlon,minlat,maxlon,maxlat (WGS84)")
    )
    near = NearFilter(method="filter_near", label=_("a point: lon,lat (WGS84)"))
    distance = django_filters.NumberFilter(
        method="filter_near",
        min_value=0,
        max_value=100_000,
        label=_("distance from `near` in metres (default 1000)"),
    )

    def filter_near(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        point = self.form.cleaned_data.get("near")
        if point is not None:
            metres = float(self.form.cleaned_data.get("distance") or 1000)
            # a generous box in degrees first (uses the spatial index), then the exact distance
            # on the sphere; at Bochum's latitude a degree of longitude is about 69 km
            queryset = queryset.filter(
                location__dwithin=(point, metres / 60_000),
                location__distance_lte=(point, D(m=metres)),
            )
        return queryset


def geojson_response(
    queryset: QuerySet, *, properties: dict[str, str], extra: str = "", geometry: str = "location"
) -> HttpResponse:
    """The FeatureCollection; `extra` adds top-level members (e.g. the licence)."""
    body = feature_collection(queryset, geometry=geometry, properties=properties)
    if extra:
        body = body[:-1] + ", " + extra + "}"
    return HttpResponse(body, content_type="application/geo+json")


GEOJSON_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "features"],
}


def geojson_action(properties: dict[str, str], description: str, geometry: str = "location"):
    """A `geojson/` list action: the filtered records as a FeatureCollection built by PostGIS."""

    @extend_schema(
        description=description,
        responses={
            (200, "application/geo+json"): OpenApiResponse(
                response=GEOJSON_SCHEMA, description="RFC 7946 FeatureCollection"
            ),
            400: OpenApiResponse(response=OpenApiTypes.OBJECT, description="Invalid filters"),
        },
    )
    @action(detail=False, methods=["get"], url_path="geojson", pagination_class=None)
    def geojson(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        return geojson_response(queryset, properties=properties, geometry=geometry)

    return geojson


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A model's ValidationError as a DRF 400 with the same field errors."""
    if hasattr(error, "message_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})
