"""Reads of the public side of the vacancy cadastre: never any owner data."""

from django.db.models import CharField, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.http import QueryDict
from django.urls import reverse

from fabtown.geojson import feature_collection
from producers.models import Producer
from vacancies.filters import SiteFilter
from vacancies.models import InterimUse, SearchArea, Site

# The only columns a public page or map may read. Owner name, owner contact and internal
# notes are not among them, so they cannot leak through a template or the map data.
PUBLIC_FIELDS = [
    "id", "name", "kind", "description", "street", "postcode", "city", "location",
    "location_is_approximate", "floor_area_m2", "is_ground_floor", "has_shop_window",
    "equipment", "rent_eur_per_month", "rent_is_public", "available_from", "status",
    "last_verified",
    "residential_buildings_500m",  # note 13 (producers.urban), computed
]  # fmt: skip


def sites_on_offer() -> QuerySet[Site]:
    containing_area = SearchArea.objects.filter(area__contains=OuterRef("location"))
    return (
        Site.objects.on_offer()
        .only(*PUBLIC_FIELDS)
        .annotate(search_area_name=Subquery(containing_area.values("name")[:1]))
        .prefetch_related("suitable_forms")
    )


def site_list(*, params: QueryDict) -> SiteFilter:
    return SiteFilter(params, queryset=sites_on_offer().order_by("name"))


def site_on_offer(*, pk: int) -> Site:
    return sites_on_offer().get(pk=pk)


def sites_geojson(*, queryset: QuerySet[Site]) -> str:
    prefix = reverse("vacancies:detail", kwargs={"pk": 0}).removesuffix("0/")
    with_url = queryset.order_by().annotate(
        detail_url=Concat(
            Value(prefix), Cast("id", CharField()), Value("/"), output_field=CharField()
        ),
        kind_code=F("kind"),
    )
    return feature_collection(
        with_url,
        geometry="location",
        properties={"name": "name", "kind": "kind_code", "url": "detail_url",
                    "floor_area_m2": "floor_area_m2"},
    )  # fmt: skip


def public_interim_uses() -> QuerySet[InterimUse]:
    """Interim uses of published sites, naming only the published producers among their users."""
    return (
        InterimUse.objects.filter(site__is_published=True)
        .select_related("site")
        .prefetch_related(Prefetch("producers", queryset=Producer.objects.published()))
    )


def site_ids_of_owner(*, name: str = "", contact: str = "", site_id: int | None = None) -> set[int]:
    """Sites, deleted ones included, whose owner has this exact name, whose owner contact
    contains this e-mail address or phone number, or with this id (in the record or any of its
    history)."""
    if name:
        match = Q(owner_name__iexact=name.strip())
    elif contact:
        match = Q(owner_contact__icontains=contact.strip())
    elif site_id is not None:
        match = Q(id=site_id)
    else:
        return set()
    live = Site.objects.filter(match).values_list("pk", flat=True)
    past = Site.history.filter(match).values_list("id", flat=True)
    return set(live) | set(past)
