"""Reads for the public directory. Every function returns in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.http import Http404, QueryDict
from django.urls import reverse

from fabtown.geojson import feature_collection
from label.models import Membership, MembershipKind
from producers.filters import OFFERINGS, ProducerFilter
from producers.models import Producer, ProductCategory, ProductionForm
from vacancies.models import SearchArea


def _current_label():
    return Membership.objects.current().filter(kind=MembershipKind.REGULAR, producer=OuterRef("pk"))


def with_label_status(queryset: QuerySet[Producer]) -> QuerySet[Producer]:
    """Producers with their taxonomy and whether (and since when) they carry the label."""
    current = _current_label()
    return queryset.with_taxonomy().annotate(
        is_label_member=Exists(current),
        label_member_since=Subquery(current.order_by("valid_from").values("valid_from")[:1]),
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


def _without(params: QueryDict, key: str) -> QueryDict:
    rest = params.copy()
    rest.pop(key, None)
    rest.pop("page", None)
    return rest


def _filtered(params: QueryDict, key: str) -> QuerySet[Producer]:
    """The result set with every filter except the facet's own (so its counts stay useful)."""
    return ProducerFilter(_without(params, key), queryset=public_producers()).qs.order_by()


def directory_facets(*, params: QueryDict) -> dict[str, list[Facet]]:
    return {
        "category": _category_facets(params),
        "form": _form_facets(params),
        "area": _area_facets(params),
        "offering": _offering_facets(params),
        "label": _label_facets(params),
    }


def _category_facets(params: QueryDict) -> list[Facet]:
    base = _filtered(params, "category")
    direct = dict(
        base.values_list("category_id").annotate(n=Count("id")).values_list("category_id", "n")
    )
    selected = params.get("category", "")
    facets = []
    categories = list(ProductCategory.objects.select_related("parent").order_by("position", "name"))
    for top in (c for c in categories if c.parent_id is None):
        children = [c for c in categories if c.parent_id == top.pk]
        total = direct.get(top.pk, 0) + sum(direct.get(c.pk, 0) for c in children)
        facets.append(Facet("category", top.slug, top.name, total, selected == top.slug))
        facets += [
            Facet("category", c.slug, c.name, direct.get(c.pk, 0), selected == c.slug, level=1)
            for c in children
        ]
    return facets


def _form_facets(params: QueryDict) -> list[Facet]:
    counts = dict(
        _filtered(params, "form").values_list("production_form_id").annotate(n=Count("id"))
    )
    selected = params.get("form", "")
    return [
        Facet("form", form.code, form.name, counts.get(form.pk, 0), selected == form.code)
        for form in ProductionForm.objects.all()
    ]


def _area_facets(params: QueryDict) -> list[Facet]:
    inside = _filtered(params, "area").filter(location__within=OuterRef("area"))
    areas = SearchArea.objects.annotate(
        n=Subquery(inside.values("is_published").annotate(c=Count("id")).values("c")[:1])
    ).only("slug", "name")
    selected = params.get("area", "")
    return [Facet("area", a.slug, a.name, a.n or 0, selected == a.slug) for a in areas]


def _offering_facets(params: QueryDict) -> list[Facet]:
    selected = params.getlist("offering")
    counts = _filtered(params, "offering").aggregate(
        **{key: Count("id", filter=Q(**{field: True})) for key, (field, _l) in OFFERINGS.items()}
    )
    return [
        Facet("offering", key, label, counts[key], key in selected)
        for key, (_field, label) in OFFERINGS.items()
    ]


def _label_facets(params: QueryDict) -> list[Facet]:
    from django.utils.translation import gettext as _

    count = _filtered(params, "label").filter(is_label_member=True).count()
    selected = params.get("label") in ("true", "1", "True")
    return [Facet("label", "true", _("label members only"), count, selected)]


def producer_profile(*, slug: str) -> Producer:
    """A published producer with its photos; raises Producer.DoesNotExist otherwise."""
    return public_producers().prefetch_related("photos").get(slug=slug)


def producers_geojson(*, queryset: QuerySet[Producer]) -> str:
    """The producers of `queryset` as a FeatureCollection built by the database."""
    profile_prefix = reverse("producers:profile", kwargs={"slug": "SLUG"}).replace("SLUG/", "")
    with_url = queryset.order_by().annotate(
        profile_url=Concat(Value(profile_prefix), F("slug"), Value("/"), output_field=CharField())
    )
    return feature_collection(
        with_url,
        geometry="location",
        properties={"name": "name", "branch": "branch", "url": "profile_url",
                    "label": "is_label_member"},
    )  # fmt: skip


def producer_of_account(*, user, slug: str) -> Producer:
    """A profile the signed-in producer may edit; any other is "not found"."""
    producer = Producer.objects.filter(account=user, slug=slug).first()
    if producer is None:
        raise Http404
    return producer
