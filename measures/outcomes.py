"""Which records a measure's outcomes can link to, and how they appear in public.

measures sits below vacancies, label and producers and must not import them; each of those apps
registers its linkable models in its AppConfig.ready() with `register_outcome_kind`. The public
page and the API show an outcome only when its record is public by the registering app's own
rule (a withdrawn producer, an unpublished site: hidden), and only its public name and page —
never an owner, a contact or any other personal data.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class OutcomeKind:
    model: type[models.Model]
    public_label: Callable[[models.Model], str]
    public_url: Callable[[models.Model], str]
    # Narrows a queryset of the model to the public records; may annotate what the label needs,
    # so that one query per kind serves a whole list of measures.
    is_public: Callable[[QuerySet], QuerySet]
    kind_label: str | None = None


@dataclass(frozen=True)
class PublicOutcome:
    kind: str  # the model's verbose name
    label: str
    url: str
    note: str


_kinds: dict[type[models.Model], OutcomeKind] = {}


def register_outcome_kind(
    model: type[models.Model],
    *,
    public_label: Callable[[models.Model], str],
    public_url: Callable[[models.Model], str],
    is_public: Callable[[QuerySet], QuerySet],
    kind_label: str | None = None,
) -> None:
    """`kind_label` names the kind in public (default: the model's verbose name)."""
    _kinds[model] = OutcomeKind(model, public_label, public_url, is_public, kind_label)


def is_registered(model: type[models.Model] | None) -> bool:
    return model in _kinds


def registered_models() -> list[type[models.Model]]:
    return list(_kinds)


def content_type_choices() -> Q:
    """For the admin's `limit_choices_to`: only the registered kinds can be picked."""
    if not _kinds:
        return Q(pk__in=[])
    types = ContentType.objects.get_for_models(*_kinds, for_concrete_models=False)
    return Q(pk__in=[content_type.pk for content_type in types.values()])


def attach_public_outcomes(measures: Iterable) -> None:
    """Set `measure.public_outcomes` on each measure (their `outcomes` prefetched): one query per
    kind of record linked, however many measures."""
    measures = list(measures)
    wanted: dict[type[models.Model], set[int]] = defaultdict(set)
    for measure in measures:
        for outcome in measure.outcomes.all():
            model = outcome.content_type.model_class()
            if model in _kinds:
                wanted[model].add(outcome.object_id)
    public: dict[tuple[type[models.Model], int], models.Model] = {}
    for model, ids in wanted.items():
        for record in _kinds[model].is_public(model._default_manager.filter(pk__in=ids)):
            public[(model, record.pk)] = record
    for measure in measures:
        shown = []
        for outcome in measure.outcomes.all():
            model = outcome.content_type.model_class()
            record = public.get((model, outcome.object_id))
            if record is None:
                continue
            kind = _kinds[model]
            shown.append(
                PublicOutcome(
                    kind=str(kind.kind_label or model._meta.verbose_name),
                    label=kind.public_label(record),
                    url=kind.public_url(record),
                    note=outcome.note,
                )
            )
        measure.public_outcomes = shown


def public_outcomes_of(measure) -> list[PublicOutcome]:
    if not hasattr(measure, "public_outcomes"):
        attach_public_outcomes([measure])
    return measure.public_outcomes
