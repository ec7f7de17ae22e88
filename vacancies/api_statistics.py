"""`GET /api/v1/statistics/vacancy/`: vacancy per search area and city-wide against the 3 %
reserve (seed 4.2.1). Public and cached like the other anonymous reads: only counts, no site,
owner or requester is named."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from fabtown.api import CachedAnonymousReadsMixin
from vacancies.selectors.statistics import (
    statistics_date_problem,
    vacancy_overview,
    vacancy_surveys,
)


class CityVacancySerializer(serializers.Serializer):
    units = serializers.IntegerField(
        allow_null=True, help_text="Commercial units of the latest count on or before `on`."
    )
    vacant = serializers.IntegerField(help_text="Commercial units vacant on `on`.")
    rate = serializers.SerializerMethodField(
        help_text="vacant / units (4 decimals); null: no count."
    )
    above_reserve = serializers.BooleanField(allow_null=True, help_text="rate > reserve")
    counted_on = serializers.DateField(allow_null=True, help_text="Date of the unit count used.")

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rate(self, place) -> float | None:
        return None if place.rate is None else float(place.rate)


class AreaVacancySerializer(CityVacancySerializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class VacancySurveySerializer(serializers.Serializer):
    territory = serializers.CharField()
    vacant = serializers.IntegerField()
    is_minimum = serializers.BooleanField(help_text="The source says “more than”.")
    surveyed_on = serializers.DateField()
    date_is_approximate = serializers.BooleanField()
    source = serializers.CharField()


class VacancyStatisticsSerializer(serializers.Serializer):
    reserve = serializers.FloatField(help_text="The healthy reserve of seed 4.2.1: 0.03.")
    on = serializers.DateField()
    city = CityVacancySerializer()
    areas = AreaVacancySerializer(many=True)
    surveys = VacancySurveySerializer(
        many=True, help_text="Counts of vacancies from surveys outside the cadastre (no rate)."
    )


class _OnSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, input_formats=["iso-8601"])

    def validate_on(self, value):
        problem = value and statistics_date_problem(value)
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def to_internal_value(self, data):
        # "?on=" is the same as leaving it out
        return super().to_internal_value({k: v for k, v in data.items() if v != ""})


class VacancyStatisticsView(CachedAnonymousReadsMixin, APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary="Vacancy rate per search area and city-wide against the 3 % reserve",
        parameters=[
            OpenApiParameter(
                "on",
                # empty means today, as the other optional dates of the API
                {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "enum": [""]}]},
                description="As of this day (YYYY-MM-DD); empty or left out: today.",
            )
        ],
        responses=VacancyStatisticsSerializer,
        tags=["statistics"],
    )
    def get(self, request):
        query = _OnSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        on = query.validated_data.get("on") or timezone.localdate()
        overview = vacancy_overview(on=on)
        data = {
            "reserve": float(overview.reserve),
            "on": on,
            "city": overview.city,
            "areas": overview.areas,
            "surveys": vacancy_surveys(on=on),
        }
        return Response(VacancyStatisticsSerializer(data).data)
