"""Producers as outcomes of measures (e.g. at an open day, 4.6.4): published ones only, by name
and profile page."""

from django.urls import reverse

from measures.outcomes import register_outcome_kind
from producers.models import Producer


def register() -> None:
    register_outcome_kind(
        Producer,
        public_label=lambda producer: producer.name,
        public_url=lambda producer: reverse("producers:profile", kwargs={"slug": producer.slug}),
        is_public=lambda queryset: queryset.published().only("pk", "name", "slug"),
    )
