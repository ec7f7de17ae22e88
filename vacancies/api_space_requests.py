"""`/api/v1/space-requests/`: staff only, for every method. Requests are never public; their
contact fields only for staff with vacancies.view_requester_data (fabtown.privacy)."""

import django_filters
from django.utils.translation import gettext as _
from rest_framework import permissions, serializers, viewsets

from fabtown import privacy
from fabtown.api import ServiceWritesMixin
from producers.models import ProductionForm
from vacancies.models import SearchArea, SpaceRequest, SpaceRequestSource, SpaceRequestStatus
from vacancies.selectors.space_requests import space_requests_for_staff
from vacancies.services.space_requests import (
    CLOSED_STATUSES,
    space_request_close,
    space_request_create,
    space_request_erase,
    space_request_update,
)


class StaffOnly(permissions.DjangoModelPermissions):
    """Staff accounts with the model's permissions; reading needs the view permission too
    (DRF's default lets any signed-in account read)."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated and request.user.is_staff):
            return False
        return super().has_permission(request, view)


class SpaceRequestSerializer(serializers.ModelSerializer):
    production_form = serializers.SlugRelatedField(
        slug_field="code", queryset=ProductionForm.objects.all(), allow_null=True, required=False
    )
    search_areas = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=SearchArea.objects.all(), required=False
    )
    status = serializers.ChoiceField(
        choices=SpaceRequestStatus.choices,
        required=False,
        help_text="Set `fulfilled` or `withdrawn` to close an open request.",
    )

    class Meta:
        model = SpaceRequest
        fields = [
            "id", "title", "description", "production_form", "floor_area_min_m2",
            "floor_area_max_m2", "needs_ground_floor", "needs_shop_window", "equipment_wanted",
            "max_rent_eur_per_month", "search_areas", "wanted_from", "organisation",
            "contact_name", "contact_email", "contact_phone", "notify_matches", "status",
            "source", "expires_on", "consent_given_at", "reminded_at", "closed_at",
            "personal_data_erased_at", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "id", "source", "expires_on", "consent_given_at", "reminded_at", "closed_at",
            "personal_data_erased_at", "created_at", "updated_at",
        ]  # fmt: skip


class SpaceRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SpaceRequestStatus.choices)
    active = django_filters.BooleanFilter(method="filter_active", label="open and not expired")
    area = django_filters.CharFilter(field_name="search_areas__slug", label="search area slug")

    class Meta:
        model = SpaceRequest
        fields = []

    def filter_active(self, queryset, name, value):
        active = SpaceRequest.objects.active()
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class SpaceRequestViewSet(ServiceWritesMixin, viewsets.ModelViewSet):
    serializer_class = SpaceRequestSerializer
    permission_classes = [StaffOnly]
    filterset_class = SpaceRequestFilter
    queryset = SpaceRequest.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return space_requests_for_staff().order_by("-created_at", "-id")

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "child", serializer).fields
        for name in privacy.hidden_fields(self.request.user, SpaceRequest):
            fields.pop(name, None)
        return serializer

    def write(self, record, data, *, by):
        status = data.pop("status", None)
        if record.pk is None:
            record = space_request_create(data=data, by=by, source=SpaceRequestSource.API)
        else:
            record = space_request_update(space_request=record, data=data, by=by)
        if status in CLOSED_STATUSES:
            record = space_request_close(space_request=record, status=status, by=by)
        elif status is not None and status != record.status:
            raise serializers.ValidationError(
                {"status": [_("A closed request is not reopened: record a new request.")]}
            )
        return record

    def remove(self, record, *, by):
        # The history keeps a copy of every version: erase the contact there first, then the
        # deletion's own history row is written from the erased record.
        space_request_erase(request_id=record.pk, by=by)
        record.refresh_from_db()
        super().remove(record, by=by)
