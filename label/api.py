from rest_framework import serializers, viewsets

from fabtown.api import APIGeometryField, CachedAnonymousReadsMixin, geojson_action
from label.models import Membership, Place
from label.selectors import current_label_memberships


class LabelMemberSerializer(serializers.ModelSerializer):
    producer = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    producer_name = serializers.CharField(source="producer.name", read_only=True)
    member_since = serializers.DateField(source="valid_from", read_only=True)

    class Meta:
        model = Membership
        fields = ["public_id", "producer", "producer_name", "member_since", "valid_until"]


class LabelMemberViewSet(CachedAnonymousReadsMixin, viewsets.ReadOnlyModelViewSet):
    """Current "Made by Bochum" members (regular members of BYBOCHUM e.V.)."""

    serializer_class = LabelMemberSerializer
    queryset = Membership.objects.none()
    lookup_field = "public_id"
    filter_backends = []

    def get_queryset(self):
        # evaluated per request: "current" depends on today's date
        return current_label_memberships()


class PlaceSerializer(serializers.ModelSerializer):
    location = APIGeometryField(geom_type="POINT", read_only=True, allow_null=True)

    class Meta:
        model = Place
        fields = [
            "slug", "name", "kind", "operator", "description", "street", "postcode", "city",
            "location", "location_is_approximate", "opening_hours", "updated_at",
        ]  # fmt: skip


class PlaceViewSet(CachedAnonymousReadsMixin, viewsets.ReadOnlyModelViewSet):
    """Places of the network on the public site: the shop of BYBOCHUM e.V. (staff edit them in
    the admin)."""

    serializer_class = PlaceSerializer
    queryset = Place.objects.published().order_by("name")
    lookup_field = "slug"
    filter_backends = []

    geojson = geojson_action(
        properties={"slug": "slug", "name": "name", "kind": "kind",
                    "location_is_approximate": "location_is_approximate"},
        description="The places of the network as an RFC 7946 FeatureCollection.",
    )  # fmt: skip
