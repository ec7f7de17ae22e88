from django.db import connection
from django.db.models import QuerySet

from label.selectors import current_label_memberships
from measures.models import ImplementationStatus, Measure
from producers.models import Producer
from vacancies.models import Site


def home_figures() -> dict[str, int]:
    """The home page's figures, counted by one statement (not one COUNT query each)."""
    return count_each(
        producers=Producer.objects.published(),
        label_members=current_label_memberships(),
        sites=Site.objects.on_offer(),
        measures=Measure.objects.all(),
        measures_in_progress=Measure.objects.filter(
            implementation_status=ImplementationStatus.IN_PROGRESS
        ),
    )


def count_each(**querysets: QuerySet) -> dict[str, int]:
    """The number of rows of each queryset, as one SELECT of scalar COUNT subqueries."""
    columns, params = [], []
    for name, queryset in querysets.items():
        sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS t) AS {connection.ops.quote_name(name)}")
        params += query_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)  # names come from code
        return dict(zip(querysets, cursor.fetchone(), strict=True))


def newest_members(*, limit: int = 4):
    return current_label_memberships()[:limit]
