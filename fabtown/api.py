"""What every endpoint of the REST API shares: paging, permissions, geo filters, GeoJSON."""

import django_filters
from django import forms
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet
from django.http import Http404, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.gzip import gzip_page
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, permissions, serializers
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework_gis.fields import GeoJsonDict
from rest_framework_gis.fields import GeometryField as GeoJSONField

from fabtown import answers, geo
from fabtown.filters import KeyFilter
from fabtown.geojson import feature_collection


class StandardPagination(PageNumberPagination):
    """50 a page by default, at most 500; a page_size that is not a whole number is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            try:
                size = int(raw)
            except ValueError:
                size = 0
            if size < 1:
                raise serializers.ValidationError(
                    {self.page_size_query_param: [_("Give a whole number of at least 1.")]}
                )
            return min(size, self.max_page_size)
        return self.page_size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class AnyoneReadsStaffWrites(permissions.DjangoModelPermissionsOrAnonReadOnly):
    """Anyone may read; writing needs the model's add/change/delete permission (staff groups).

    It does not decide *what* a reader sees: each viewset's get_queryset does, with
    `can_see_unpublished` and the app's selectors of public records.
    """


def can_see_unpublished(user, model) -> bool:
    return user.is_authenticated and user.has_perm(
        f"{model._meta.app_label}.view_{model._meta.model_name}"
    )


def assign(record: Model, data: dict) -> dict:
    """Set the plain fields of `data` on `record`; return the many-to-many values."""
    relations = {}
    for name, value in data.items():
        if record._meta.get_field(name).many_to_many:
            relations[name] = value
        else:
            setattr(record, name, value)
    return relations


class ServiceWritesMixin:
    """Writes go through the app's service (full_clean, the history's author), like every other
    door; never through serializer.save(). A viewset implements `write` (and, where deleting
    needs more than deleting, `remove`)."""

    def write(self, record: Model, data: dict, *, by) -> Model:
        raise NotImplementedError

    def remove(self, record: Model, *, by) -> None:
        record._history_user = by
        record.delete()

    def perform_create(self, serializer):
        model = self.get_queryset().model
        serializer.instance = self._call(self.write, model(), dict(serializer.validated_data))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = self._call(self.write, serializer.instance, data)

    def perform_destroy(self, instance):
        self._call(self.remove, instance)

    def _call(self, service, record, *args):
        try:
            with transaction.atomic():
                return service(record, *args, by=self.request.user)
        except DjangoValidationError as error:
            raise as_drf_error(error) from None
        except ProtectedError as error:
            names = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
            raise serializers.ValidationError(
                {"non_field_errors": [
                    _("Still in use by %(records)s: remove those links first.")
                    % {"records": ", ".join(names)}
                ]}
            ) from None  # fmt: skip


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
        lon_a, lat_a, lon_b, lat_b = _numbers(value, 4, "in_bbox")
        _check_lon_lat(lon_a, lat_a)
        _check_lon_lat(lon_b, lat_b)
        # corners in either order describe the same box
        return Polygon.from_bbox(
            (min(lon_a, lon_b), min(lat_a, lat_b), max(lon_a, lon_b), max(lat_a, lat_b))
        )


class PointField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        lon, lat = _numbers(value, 2, "near")
        _check_lon_lat(lon, lat)
        return Point(lon, lat, srid=4326)


_LON = r"-?(180(\.0{1,15})?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]{1,15})?)"
_LAT = r"-?(90(\.0{1,15})?|[1-8]?[0-9](\.[0-9]{1,15})?)"


# An empty value means "no filter", as in an HTML form; the patterns say so.
@extend_schema_field(
    {"type": "string", "pattern": f"^(|{_LON},{_LAT})$", "example": "7.2163,51.4818"}
)
class NearFilter(django_filters.Filter):
    field_class = PointField


@extend_schema_field({"type": "number", "minimum": 0, "maximum": 100_000})
class DistanceFilter(django_filters.NumberFilter):
    pass


@extend_schema_field(
    {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "enum": [""]}]}
)
class OptionalDateFilter(django_filters.DateFilter):
    """A date (YYYY-MM-DD); empty means no filter."""


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^(|{_LON},{_LAT},{_LON},{_LAT})$",
        "example": "7.20,51.47,7.23,51.49",
    }
)
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
    distance = DistanceFilter(
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


class AreaKeyFilterMixin(django_filters.FilterSet):
    """`area=<search area slug>`; an unknown slug matches nothing."""

    area = KeyFilter(method="filter_area_key", label="search area slug")

    def filter_area_key(self, queryset, name, value):
        from vacancies.models import SearchArea

        area = SearchArea.objects.filter(slug=value).values_list("area", flat=True).first()
        return queryset.within(area) if area else queryset.none()


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
    # Megabytes of public map data and no secret in them: compressing is safe (unlike pages
    # with CSRF tokens, BREACH) and shrinks the answer about sevenfold.
    @method_decorator(gzip_page)
    def geojson(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        return geojson_response(queryset, properties=properties, geometry=geometry)

    return geojson


def exception_handler(exc, context):
    """DRF's handler, but a missing record answers in the request's language: Django's
    get_object_or_404 names the model in English ("No Site matches the given query.")."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    """A model's ValidationError as a DRF 400 with the same field errors."""
    if hasattr(error, "message_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


class APIGeometryField(GeoJSONField):
    """GeoJSON in and out; input is checked like every other door (400 with the message)."""

    def __init__(self, *, geom_type: str = "GEOMETRY", **kwargs):
        self.geom_type = geom_type
        kwargs.setdefault("precision", 6)
        super().__init__(**kwargs)

    # GeoJSON types whose coordinates GEOS gives as they are (nested tuples of numbers).
    _COORDINATE_TYPES = frozenset(
        ["Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"]
    )

    def to_representation(self, value):
        """GeoJSON straight from the GEOS coordinates (stored in WGS84, so nothing to transform).

        rest_framework_gis goes through GDAL (`value.geojson`), which builds a spatial reference
        for every row: 40 % of a list's time. The output is the same: type, then coordinates
        rounded to `precision` decimals. Empty geometries and collections still go that way.
        """
        if (
            isinstance(value, GEOSGeometry)
            and value.geom_type in self._COORDINATE_TYPES
            and not value.empty
        ):
            coordinates = value.coords
            if self.precision is not None:
                coordinates = self._recursive_round(coordinates, self.precision)
            return GeoJsonDict([("type", value.geom_type), ("coordinates", coordinates)])
        return super().to_representation(value)

    def to_internal_value(self, value):
        if value == "" or value is None:
            return value
        try:
            return geo.parse_geometry(value, geom_type=self.geom_type)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class CachedAnonymousReadsMixin:
    """Anonymous reads answered from fabtown.answers' cache, after the throttles counted them.

    The cache wraps DRF's whole dispatch (authentication, content negotiation, rendering), so
    the throttles are checked before it; a request that misses the cache is not counted twice.
    """

    def dispatch(self, request, *args, **kwargs):
        if not answers.request_is_cacheable(request):
            return super().dispatch(request, *args, **kwargs)
        refusal = self._throttle_refusal(request, *args, **kwargs)
        if refusal is not None:
            return refusal
        request.throttles_checked = True
        return answers.serve(
            request,
            lambda: super(CachedAnonymousReadsMixin, self).dispatch(request, *args, **kwargs),
        )

    def check_throttles(self, request):
        if getattr(request._request, "throttles_checked", False):
            return
        super().check_throttles(request)

    def _throttle_refusal(self, request, *args, **kwargs):
        """DRF's own 429 answer if a throttle refuses, else None."""
        self.args, self.kwargs = args, kwargs
        drf_request = self.initialize_request(request, *args, **kwargs)
        self.request = drf_request
        self.headers = self.default_response_headers
        self.format_kwarg = self.get_format_suffix(**kwargs)
        try:
            self.check_throttles(drf_request)
        except exceptions.Throttled as throttled:
            response = self.handle_exception(throttled)
            return self.finalize_response(drf_request, response, *args, **kwargs)
        return None
