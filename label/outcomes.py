"""The label (the outcome of 4.6.2) and the association's places (the shop) as outcomes of
measures. The label itself is its one settings row: linked, it appears as the label's page with
the number of producers carrying it today."""

from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from label.models import LabelSettings, Membership, Place
from measures.outcomes import register_outcome_kind


def _with_carriers(queryset):
    # carrying_label() keeps one kind of membership: grouped by it, one row with the count
    carriers = (
        Membership.objects.carrying_label()
        .order_by()
        .values("kind")
        .annotate(count=Count("producer", distinct=True))
        .values("count")
    )
    return queryset.annotate(
        carriers=Coalesce(Subquery(carriers[:1], output_field=IntegerField()), 0)
    )


def _label_text(settings_row) -> str:
    count = settings_row.carriers
    return (
        gettext("“Made by Bochum” label")
        + " – "
        + ngettext("carried by %(count)s producer", "carried by %(count)s producers", count)
        % {"count": count}
    )


def register() -> None:
    register_outcome_kind(
        LabelSettings,
        public_label=_label_text,
        public_url=lambda _row: reverse("label:about"),
        is_public=_with_carriers,
        kind_label=_("label"),
    )
    register_outcome_kind(
        Place,
        public_label=lambda place: place.name,
        public_url=lambda _place: reverse("label:shop"),
        is_public=lambda queryset: queryset.published().only("pk", "name"),
    )
