from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 24


def filtered_page(
    request: HttpRequest,
    filterset,
    *,
    empty: QuerySet,
    page_size: int = PAGE_SIZE,
    count: int | None = None,
) -> tuple[Page, str]:
    """The requested page of a filter's results (`empty` when the filters are invalid), and the
    filter state without the page number, for page links and the map data URL. `count`, when
    the caller knows the number of results already, spares the paginator its COUNT query."""
    valid = filterset.is_valid()
    results = filterset.qs if valid else empty
    params = request.GET.copy()
    params.pop("page", None)
    paginator = Paginator(results, page_size)
    if count is not None and valid:
        paginator.count = count  # a cached_property: set, it is not computed
    return paginator.get_page(request.GET.get("page")), params.urlencode()
