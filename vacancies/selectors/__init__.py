"""Reads of the public side of the vacancy cadastre: never any owner data."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import CharField, F, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, JSONObject
from django.http import QueryDict
from django.urls import reverse

from fabtown.content_translation import localized
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


# The public pages also show the site's photo and floor plan (the API keeps PUBLIC_FIELDS).
PAGE_FIELDS = [*PUBLIC_FIELDS, "photo", "floor_plan"]


def search_areas_of_site(*, key: str = "object") -> ArraySubquery:
    """Every search area whose polygon contains the site's point, ordered by name, as one
    array column of the site's own row: a list of {"name", "slug"} (key="object") or of slugs
    (key="slug"). A correlated subquery, so a list of sites costs no query per row."""
    # The name in the active language, else German, in SQL: modeltranslation's own rewriting
    # would select both languages' columns, which a subquery of one column cannot return.
    name = localized("name")
    value = {"object": JSONObject(name=name, slug="slug"), "name": name}.get(key, F(key))
    containing = (
        SearchArea.objects.rewrite(False)
        .filter(area__contains=OuterRef("location"))
        .order_by(localized("name"))
    )
    return ArraySubquery(containing.values(item=value))


def sites_on_offer() -> QuerySet[Site]:
    from vacancies.selectors.consent import with_public_contact_route

    return with_public_contact_route(
        Site.objects.on_offer()
        .only(*PAGE_FIELDS)
        .annotate(search_area_list=search_areas_of_site())
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
        search_area_names=search_areas_of_site(key="name"),
    )
    return feature_collection(
        with_url,
        geometry="location",
        properties={"name": "name", "kind": "kind_code", "url": "detail_url",
                    "floor_area_m2": "floor_area_m2", "search_areas": "search_area_names",
                    "approximate": "location_is_approximate"},
    )  # fmt: skip


def public_interim_uses() -> QuerySet[InterimUse]:
    """Interim uses of published sites, naming only the published producers among their users."""
    return (
        InterimUse.objects.filter(site__is_published=True)
        .select_related("site")
        .prefetch_related(Prefetch("producers", queryset=Producer.objects.published()))
    )


def interim_uses_of_site(*, site: Site) -> list[InterimUse]:
    """The interim uses shown on a published site's page, the latest first (none for an
    unpublished site: public_interim_uses asks)."""
    return list(public_interim_uses().filter(site=site).order_by("-starts_on", "pk"))


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


# The most sites the guided choice of the measure catalogue lists; the rest are a link away.
CANDIDATE_SITES_SHOWN = 30


def candidate_places_for_measures(measures) -> list:
    """The sites on offer and the search areas, as candidate places for the measures of the
    catalogue that need space (chapter 6.1, step 4: "Welche Standorte oder Immobilien kommen
    für die Umsetzung in Frage?"). Public data only: names and links, never owner data. Two
    queries, whatever the number of measures; registered in VacanciesConfig.ready."""
    from measures.candidates import Candidate

    site_url = reverse("vacancies:detail", kwargs={"pk": 0}).removesuffix("0/")
    list_url = reverse("vacancies:list")
    sites = Site.objects.on_offer().only("id", "name", "kind").order_by("name")
    places = [
        Candidate(label=site.name, url=f"{site_url}{site.pk}/", kind="site")
        for site in sites[:CANDIDATE_SITES_SHOWN]
    ]
    areas = SearchArea.objects.only("slug", "name").order_by(localized("name"))
    places += [
        Candidate(label=area.name, url=f"{list_url}?area={area.slug}", kind="search_area")
        for area in areas
    ]
    return places
