from rest_framework import serializers, viewsets

from fabtown.api import CachedAnonymousReadsMixin
from label.models import Membership
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
