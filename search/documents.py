"""What the search reads: per kind, the public rows and the fields of their documents.

KINDS below is the one place that declares the searched columns. A field is a path as in a
query (`category__parent__name`, `actors__name`) with its weight: A the title, B the names of
what a thing is and does, C longer texts. Translated content (modeltranslation) is declared by
its language columns (`title_de`, `title_en`), never the bare name, which holds whatever
language was active at its last save; the documents hold both languages. Only public fields
belong here: the private ones of a model (its PRIVATE_FIELDS) are refused when the module loads.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation

from search.models import Kind

WEIGHTS = ("A", "B", "C")


@dataclass(frozen=True)
class KindSpec:
    kind: str
    model_label: str
    # The QuerySet method giving the rows anyone may find ("published", "on_offer", "all").
    public: str
    fields: dict[str, str]
    # Boolean fields whose label, in every language of the site, is searched (weight B) where
    # the row says yes: "Reparatur" finds the producers that offer repairs.
    flags: tuple[str, ...] = ()
    title: str = "name"
    url: Callable[[models.Model], str] = field(default=lambda obj: obj.get_absolute_url())

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def public_rows(self) -> models.QuerySet:
        return getattr(self.model.objects, self.public)()

    def relations(self) -> list[str]:
        """The relation paths the fields cross ("category", "category__parent", "actors")."""
        found = []
        for path in self.fields:
            parts = path.split("__")[:-1]
            for n in range(1, len(parts) + 1):
                prefix = "__".join(parts[:n])
                if prefix not in found:
                    found.append(prefix)
        return found


KINDS: dict[str, KindSpec] = {
    Kind.PRODUCER: KindSpec(
        kind=Kind.PRODUCER,
        model_label="producers.Producer",
        public="published",
        fields={
            "name": "A",
            "branch": "B",
            "products": "B",
            "category__name_de": "B",
            "category__name_en": "B",
            "category__parent__name_de": "B",
            "category__parent__name_en": "B",
            "production_form__name_de": "B",
            "production_form__name_en": "B",
            "description": "C",
        },
        flags=(
            "has_showroom",
            "has_visible_production",
            "offers_tours",
            "offers_workshops",
            "offers_repair",
            "has_online_shop",
        ),
        url=lambda obj: reverse("producers:profile", kwargs={"slug": obj.slug}),
    ),
    Kind.SITE: KindSpec(
        kind=Kind.SITE,
        model_label="vacancies.Site",
        public="on_offer",
        fields={
            "name": "A",
            "kind": "B",
            "street": "B",
            "city": "B",
            "suitable_forms__name_de": "B",
            "suitable_forms__name_en": "B",
            "description": "C",
            "equipment": "C",
        },
        url=lambda obj: reverse("vacancies:detail", kwargs={"pk": obj.pk}),
    ),
    Kind.MEASURE: KindSpec(
        kind=Kind.MEASURE,
        model_label="measures.Measure",
        public="all",
        fields={
            "code": "A",
            "title_de": "A",
            "title_en": "A",
            "thematic_field__title_de": "B",
            "thematic_field__title_en": "B",
            "actors__name_de": "B",
            "actors__name_en": "B",
            "target_groups__name_de": "B",
            "target_groups__name_en": "B",
            "description_de": "C",
            "description_en": "C",
            "problem_de": "C",
            "problem_en": "C",
            "solution_de": "C",
            "solution_en": "C",
            "impact_de": "C",
            "impact_en": "C",
            "challenges_de": "C",
            "challenges_en": "C",
        },
        title="title",
        url=lambda obj: reverse("measures:detail", kwargs={"code": obj.code}),
    ),
}


def check_public_only() -> None:
    """Refuses a declared field that is private (fabtown.privacy) or crosses a private one."""
    for spec in KINDS.values():
        private = set(getattr(spec.model, "PRIVATE_FIELDS", ()))
        for path in (*spec.fields, *spec.flags):
            if path.split("__")[0] in private:
                raise ValueError(f"{spec.model_label}.{path} is private and must not be searched")
            if spec.fields.get(path, "A") not in WEIGHTS:
                raise ValueError(f"{spec.model_label}.{path}: weight must be one of {WEIGHTS}")


def _field_values(obj: models.Model, parts: list[str]) -> Iterator[str]:
    """The texts at `parts` from `obj`; choices in every language of the site."""
    name, rest = parts[0], parts[1:]
    if rest:
        related = getattr(obj, name, None)
        if related is None:
            return
        if isinstance(related, models.Manager):
            for item in related.all():  # prefetched
                yield from _field_values(item, rest)
        else:
            yield from _field_values(related, rest)
        return
    value = getattr(obj, name, None)
    if value in (None, ""):
        return
    model_field = obj._meta.get_field(name)
    if model_field.choices:
        yield from _in_every_language(lambda: str(dict(model_field.flatchoices).get(value, "")))
    else:
        yield str(value)


def _in_every_language(text: Callable[[], str]) -> Iterator[str]:
    seen = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            value = text()
        if value and value not in seen:
            seen.add(value)
            yield value


def texts_of(spec: KindSpec, obj: models.Model) -> dict[str, str]:
    """The document's texts by weight: {"A": …, "B": …, "C": …}."""
    parts: dict[str, list[str]] = {weight: [] for weight in WEIGHTS}
    for path, weight in spec.fields.items():
        parts[weight].extend(_field_values(obj, path.split("__")))
    for flag in spec.flags:
        if getattr(obj, flag):
            label = spec.model._meta.get_field(flag).verbose_name
            parts["B"].extend(_in_every_language(lambda label=label: str(label)))
    return {weight: "\n".join(values) for weight, values in parts.items()}


def rows_for_documents(spec: KindSpec, ids: Iterable[int] | None = None) -> models.QuerySet:
    """The public rows (all, or those of `ids`) with every relation the fields need."""
    rows = spec.public_rows().order_by("pk").prefetch_related(*spec.relations())
    return rows if ids is None else rows.filter(pk__in=list(ids))


check_public_only()
