"""Reads for the public directory. Every function returns in a fixed number of queries."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.http import Http404, QueryDict
from django.urls import reverse

from fabtown.geojson import feature_collection
from label.models import Membership
from producers import urban
from producers.filters import OFFERINGS, ProducerFilter
from producers.models import Building, Producer, ProductCategory, ProductionForm
from vacancies.models import SearchArea


def _current_label():
    return Membership.objects.carrying_label().filter(producer=OuterRef("pk"))


def with_label_status(queryset: QuerySet[Producer]) -> QuerySet[Producer]:
    """Producers with their taxonomy and whether (and since when) they carry the label."""
    current = _current_label()
    return queryset.with_taxonomy().annotate(
        is_label_member=Exists(current),
        label_member_since=Subquery(current.order_by("valid_from").values("valid_from")[:1]),
    )


def carries_label() -> ExpressionWrapper:
    """Whether a row's producer carries the label, for queries of many rows (maps, GeoJSON):
    PostgreSQL reads the label's carriers once (a hashed subplan) instead of running a
    subquery per row as the `is_label_member` of `with_label_status` does."""
    return ExpressionWrapper(
        Q(pk__in=Producer.objects.label_member_ids()), output_field=BooleanField()
    )


def public_producers() -> QuerySet[Producer]:
    """Published producers with what a list or map shows about them."""
    return with_label_status(Producer.objects.published())


def producer_directory(*, params: QueryDict) -> ProducerFilter:
    return ProducerFilter(params, queryset=public_producers())


@dataclass(frozen=True)
class Facet:
    key: str
    value: str
    label: str
    count: int
    selected: bool
    level: int = 0


class DirectoryCounts(NamedTuple):
    facets: dict[str, list[Facet]]
    total: int  # the number of results with every filter applied, for the paginator


def directory_counts(*, filterset: ProducerFilter) -> DirectoryCounts:
    """The counts beside every filter choice and the number of results, in one aggregate query.

    Each facet is counted over the search results with every OTHER facet's filter applied, so
    that choosing a category still shows what the other categories hold. Conditional
    aggregation (COUNT … FILTER (WHERE …)) does that in a single scan of the producers instead
    of one scan per facet. `filterset` must be valid.
    """
    from django.utils.translation import gettext as _

    conditions = filterset.facet_conditions()

    def counted(key: str, choice: Q) -> Count:
        others = [condition for other, condition in conditions.items() if other != key]
        return Count("id", filter=Q(choice, *others))

    categories = list(ProductCategory.objects.order_by("position", "name"))
    forms = list(ProductionForm.objects.all())
    areas = list(SearchArea.objects.only("slug", "name"))
    counts = {
        **{f"category_{c.pk}": counted("category", Q(category=c.pk)) for c in categories},
        **{f"form_{f.pk}": counted("form", ProducerFilter.form_condition(f.pk)) for f in forms},
        **{
            f"area_{a.pk}": counted(
                "area",
                # the polygon stays in the database: an uncorrelated subquery runs once
                ProducerFilter.area_condition(
                    Subquery(SearchArea.objects.filter(pk=a.pk).values("area")[:1])
                ),
            )
            for a in areas
        },
        **{
            f"offering_{key}": counted("offering", ProducerFilter.offerings_condition([key]))
            for key in OFFERINGS
        },
        "label": counted("label", ProducerFilter.label_condition()),
        "urban": counted("urban", urban.urban_condition()),
        "total": Count("id", filter=Q(*conditions.values())),
    }
    results = filterset.search_results(Producer.objects.published()).aggregate(**counts)
    data = filterset.form.cleaned_data
    facets = {
        "category": _category_facets(categories, results, data.get("category")),
        "form": [
            Facet("form", f.code, f.name, results[f"form_{f.pk}"], data.get("form") == f)
            for f in forms
        ],
        "area": [
            Facet("area", a.slug, a.name, results[f"area_{a.pk}"], data.get("area") == a)
            for a in areas
        ],
        "offering": [
            Facet("offering", key, label, results[f"offering_{key}"], key in data.get("offering"))
            for key, (_field, label) in OFFERINGS.items()
        ],
        "label": [
            Facet(
                "label", "true", _("label members only"), results["label"],
                data.get("label") == "true",
            )
        ],
        "urban": [
            Facet(
                "is_urban_location", "true", _("urban location only"), results["urban"],
                data.get("is_urban_location") == "true",
            )
        ],
    }  # fmt: skip
    return DirectoryCounts(facets, results["total"])


def _category_facets(categories, results, selected) -> list[Facet]:
    """Top categories count their own producers and those of their sub-groups."""
    facets = []
    for top in (c for c in categories if c.parent_id is None):
        children = [c for c in categories if c.parent_id == top.pk]
        total = sum(results[f"category_{c.pk}"] for c in [top, *children])
        facets.append(Facet("category", top.slug, top.name, total, selected == top))
        facets += [
            Facet("category", c.slug, c.name, results[f"category_{c.pk}"], selected == c, level=1)
            for c in children
        ]
    return facets


def producer_profile(*, slug: str) -> Producer:
    """A published producer with its photos; raises Producer.DoesNotExist otherwise."""
    return public_producers().prefetch_related("photos").get(slug=slug)


def producers_geojson(*, queryset: QuerySet[Producer]) -> str:
    """The producers of `queryset` as a FeatureCollection built by the database."""
    profile_prefix = reverse("producers:profile", kwargs={"slug": "SLUG"}).replace("SLUG/", "")
    with_url = queryset.order_by().annotate(
        profile_url=Concat(Value(profile_prefix), F("slug"), Value("/"), output_field=CharField()),
        carries_label=carries_label(),
    )
    return feature_collection(
        with_url,
        geometry="location",
        properties={"name": "name", "branch": "branch", "url": "profile_url",
                    "label": "carries_label", "approximate": "location_is_approximate"},
    )  # fmt: skip


def producer_of_account(*, user, slug: str) -> Producer:
    """A profile the signed-in producer may edit; any other is "not found"."""
    producer = Producer.objects.filter(account=user, slug=slug).first()
    if producer is None:
        raise Http404
    return producer


def building_layer() -> dict | None:
    """The buildings layer behind the counts of note 13: the source and date of the latest
    import (one row read through building_imported_idx), or None before any import."""
    return Building.objects.order_by("-imported_at").values("source", "imported_at").first()
