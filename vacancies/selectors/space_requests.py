"""Reads of space requests: staff only (the public never reads a request back)."""

from django.db.models import QuerySet

from vacancies.models import SearchArea, SpaceRequest


def space_requests_for_staff() -> QuerySet[SpaceRequest]:
    """With what the lists show beside each request: the form of production (joined) and the
    search areas (one query for the page)."""
    return SpaceRequest.objects.select_related("production_form").prefetch_related("search_areas")


def space_request_ids_of_requester(*, email: str) -> list[int]:
    """Requests, deleted ones included, whose contact e-mail is this address, in the record or
    in any of its history (erased ones hold none)."""
    email = email.strip()
    if not email:
        return []
    live = SpaceRequest.objects.filter(contact_email__iexact=email).values_list("pk", flat=True)
    past = SpaceRequest.history.filter(contact_email__iexact=email).values_list("id", flat=True)
    return sorted(set(live) | set(past))


def search_areas_to_choose() -> QuerySet[SearchArea]:
    return SearchArea.objects.only("pk", "name").order_by("name")
