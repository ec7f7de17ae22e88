"""The matches of a space request and of a site, for staff (vacancies.selectors.matching).

Own views, routed before the API's router, so that they work whoever builds the space-request
viewset. Staff tokens only: anonymous callers get 401, other users 403, never data. A request's
contact data appear only for users with its PRIVATE_PERMISSION (fabtown.privacy); its token
(the key to its renewal and withdrawal links) never.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from fabtown import privacy
from vacancies.models import Site, SpaceRequest
from vacancies.selectors import matching

MAX_LIMIT = 200


class IsStaffWhoMayViewBoth(permissions.BasePermission):
    """Staff who may view sites and space requests: the office's working tool."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user
            and user.is_authenticated
            and user.is_staff
            and user.has_perms(["vacancies.view_site", "vacancies.view_spacerequest"])
        )


class ReasonSerializer(serializers.Serializer):
    criterion = serializers.ChoiceField(choices=list(matching.WEIGHTS))
    fits = serializers.BooleanField(
        allow_null=True, help_text="true: fits; false: does not; null: the value is unknown."
    )
    text = serializers.CharField(help_text="Why, in German (the site's language).")


class MatchedSiteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    is_published = serializers.BooleanField(help_text="false: not on the public list (yet).")
    street = serializers.CharField()
    postcode = serializers.CharField()
    floor_area_m2 = serializers.DecimalField(max_digits=9, decimal_places=1, allow_null=True)
    is_ground_floor = serializers.BooleanField(allow_null=True)
    has_shop_window = serializers.BooleanField(allow_null=True)
    rent_eur_per_month = serializers.DecimalField(max_digits=9, decimal_places=2, allow_null=True)
    available_from = serializers.DateField(allow_null=True)


class MatchedRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    expires_on = serializers.DateField()
    contact_name = serializers.CharField(
        required=False, help_text="Only for users who may see requesters' data."
    )
    contact_email = serializers.CharField(required=False)
    contact_phone = serializers.CharField(required=False)
    organisation = serializers.CharField(required=False)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for field in privacy.hidden_fields(self.context["request"].user, SpaceRequest):
            data.pop(field, None)
        return data


class _MatchSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    reasons = ReasonSerializer(many=True)
    blocked_by = serializers.CharField(
        help_text="Near misses only: the one hard criterion that fails; empty otherwise."
    )
    blocked_text = serializers.CharField(
        help_text="Near misses only: e.g. „passt bis auf: kein Erdgeschoss“."
    )


class SiteMatchSerializer(_MatchSerializer):
    site = MatchedSiteSerializer()


class RequestMatchSerializer(_MatchSerializer):
    space_request = MatchedRequestSerializer()


QUERY_PARAMETERS = [
    OpenApiParameter(
        "near_misses",
        bool,
        description=(
            "1/true: instead of the matches, the closest candidates that fail exactly one hard "
            "criterion (floor area beyond the 15 % tolerance, ground floor, shop window, rent, "
            "search area), each with `blocked_by` and `blocked_text`."
        ),
    ),
    OpenApiParameter(
        "limit",
        int,
        description=f"How many rows (default {matching.DEFAULT_LIMIT}, at most {MAX_LIMIT}).",
    ),
]


class _LimitAndNearMisses(serializers.Serializer):
    near_misses = serializers.BooleanField(default=False)
    limit = serializers.IntegerField(
        min_value=1, max_value=MAX_LIMIT, default=matching.DEFAULT_LIMIT
    )


class _MatchesView(APIView):
    permission_classes = [IsStaffWhoMayViewBoth]
    pagination_class = None

    def options_from(self, request) -> dict:
        options = _LimitAndNearMisses(data=request.query_params)
        options.is_valid(raise_exception=True)
        return options.validated_data


class SpaceRequestMatchesView(_MatchesView):
    @extend_schema(
        operation_id="space_request_matches",
        summary="Sites that match a space request, best first",
        description=(
            "Vacant and reserved sites (published or not: see `site.is_published`) that fail no "
            "hard criterion, ordered by `score` (0–100, highest first; ties by the floor area's "
            "distance from the wanted range, then by id). Each row explains every criterion the "
            "request states in `reasons`. Staff tokens only."
        ),
        parameters=QUERY_PARAMETERS,
        responses=SiteMatchSerializer(many=True),
        tags=["space-requests"],
    )
    def get(self, request, pk: int):
        space_request = get_object_or_404(SpaceRequest.objects.only("pk"), pk=pk)
        options = self.options_from(request)
        select = (
            matching.near_misses_for_request
            if options["near_misses"]
            else matching.matches_for_request
        )
        rows = select(space_request=space_request, limit=options["limit"])
        return Response(SiteMatchSerializer(rows, many=True, context={"request": request}).data)


class SiteMatchesView(_MatchesView):
    @extend_schema(
        operation_id="site_matches",
        summary="Active space requests that a site matches, best first",
        description=(
            "Open, unexpired space requests that the site fails in no hard criterion, ordered "
            "by `score` (0–100, highest first). Requesters' contact data only for users with "
            "the permission to see them. Staff tokens only."
        ),
        parameters=QUERY_PARAMETERS,
        responses=RequestMatchSerializer(many=True),
        tags=["sites"],
    )
    def get(self, request, pk: int):
        site = get_object_or_404(Site.objects.only("pk"), pk=pk)
        options = self.options_from(request)
        select = (
            matching.near_misses_for_site if options["near_misses"] else matching.matches_for_site
        )
        rows = select(site=site, limit=options["limit"])
        return Response(RequestMatchSerializer(rows, many=True, context={"request": request}).data)
