from django.db.models import Count, Q

from label.selectors import current_label_memberships
from measures.models import ImplementationStatus, Measure
from producers.models import Producer
from vacancies.models import Site


def home_figures() -> dict[str, int]:
    measures = Measure.objects.aggregate(
        in_progress=Count("id", filter=Q(implementation_status=ImplementationStatus.IN_PROGRESS)),
        total=Count("id"),
    )
    return {
        "producers": Producer.objects.published().count(),
        "label_members": current_label_memberships().count(),
        "sites": Site.objects.on_offer().count(),
        "measures": measures["total"],
        "measures_in_progress": measures["in_progress"],
    }


def newest_members(*, limit: int = 4):
    return current_label_memberships()[:limit]
