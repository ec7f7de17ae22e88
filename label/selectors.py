from django.db.models import QuerySet

from label.models import FeeTier, Membership, MembershipKind


def current_label_memberships() -> QuerySet[Membership]:
    """Current regular memberships of published producers, newest first."""
    return (
        Membership.objects.current()
        .filter(kind=MembershipKind.REGULAR, producer__is_published=True)
        .select_related("producer__category__parent")
        .order_by("-valid_from", "producer__name")
    )


def fee_tiers() -> QuerySet[FeeTier]:
    return FeeTier.objects.order_by("min_employees")
