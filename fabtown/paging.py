from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 24


def filtered_page(
    request: HttpRequest, filterset, *, empty: QuerySet, page_size: int = PAGE_SIZE
) -> tuple[Page, str]:
    """The requested page of a filter's results (`empty` when the filters are invalid), and the
    filter state without the page number, for page links and the map data URL."""
    results = filterset.qs if filterset.is_valid() else empty
    params = request.GET.copy()
    params.pop("page", None)
    return Paginator(results, page_size).get_page(request.GET.get("page")), params.urlencode()
