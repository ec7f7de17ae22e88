from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import CharField, F, QuerySet, Value
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from fabtown.geojson import feature_collection
from label.models import (
    FeeTier,
    LabelApplication,
    LabelApplicationPhoto,
    Membership,
    MembershipKind,
    Place,
    PlaceKind,
)
from producers.models import Producer


def current_label_memberships() -> QuerySet[Membership]:
    """Current regular memberships of published producers, newest first."""
    return (
        Membership.objects.carrying_label()
        .filter(producer__is_published=True)
        .select_related("producer__category__parent")
        .order_by("-valid_from", "producer__name")
    )


def fee_tiers() -> QuerySet[FeeTier]:
    return FeeTier.objects.order_by("min_employees")


# --- Places of the network (the association's shop) ----------------------------------------


def association_shop() -> Place:
    """The published shop of BYBOCHUM e.V. (one query); raises Place.DoesNotExist otherwise."""
    shop = Place.objects.published().filter(kind=PlaceKind.SHOP).order_by("pk").first()
    if shop is None:
        raise Place.DoesNotExist
    return shop


def places_geojson() -> str:
    """The published places as a FeatureCollection built by the database (one query)."""
    # One shop, one page: every place of the kind "shop" links to it.
    with_url = Place.objects.published().annotate(
        page_url=Value(reverse("label:shop"), output_field=CharField()),
        kind_code=F("kind"),
    )
    return feature_collection(
        with_url,
        geometry="location",
        properties={"name": "name", "kind": "kind_code", "url": "page_url",
                    "approximate": "location_is_approximate"},
    )  # fmt: skip


# --- The applicant's own records (the permission helpers of the account pages) --------------


def applications_of(*, user: AbstractBaseUser) -> QuerySet[LabelApplication]:
    return LabelApplication.objects.filter(applicant=user).select_related("producer")


def application_of(*, user: AbstractBaseUser, pk: int) -> LabelApplication:
    """The applicant's own application; anybody else's is "not found", not "forbidden"."""
    application = applications_of(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def application_photo_for(*, user: AbstractBaseUser, pk: int) -> LabelApplicationPhoto:
    """A photo for its applicant, or for staff who may see applications."""
    photos = LabelApplicationPhoto.objects.select_related("application")
    if not user.has_perm("label.view_labelapplication"):
        photos = photos.filter(application__applicant=user)
    photo = photos.filter(pk=pk).first()
    if photo is None:
        raise Http404
    return photo


def producers_of(*, user: AbstractBaseUser) -> QuerySet[Producer]:
    return Producer.objects.filter(account=user).order_by("name")


def memberships_of(*, user: AbstractBaseUser) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(producer__account=user)
        .select_related("producer", "fee_tier")
        .order_by("-valid_from")
    )


def label_membership_in_force(*, user: AbstractBaseUser) -> Membership | None:
    """The membership that gives one of the account's producers the label today, if any; the
    one that runs longest. While there is one, the account starts no new application."""
    return (
        Membership.objects.carrying_label()
        .filter(producer__account=user)
        .select_related("producer", "fee_tier")
        .order_by(F("valid_until").desc(nulls_first=True), "pk")
        .first()
    )


# --- Public verification --------------------------------------------------------------------


def membership_for_verification(*, public_id: UUID) -> Membership:
    membership = (
        Membership.objects.select_related("producer", "application")
        .filter(public_id=public_id)
        .first()
    )
    if membership is None:
        raise Http404
    return membership


def current_membership_for_badge(*, public_id: UUID) -> Membership:
    """Stickers and badges exist for current regular memberships only."""
    membership = membership_for_verification(public_id=public_id)
    if membership.kind != MembershipKind.REGULAR or not membership.is_current():
        raise Http404
    return membership


# --- Treasurer ------------------------------------------------------------------------------


def treasurer_memberships(*, on=None) -> QuerySet[Membership]:
    """Every current membership (label and supporting) with its fee tier, by member name."""
    day = on or timezone.localdate()
    return (
        Membership.objects.current(on=day)
        .select_related("producer", "fee_tier")
        .order_by("producer__name", "kind")
    )


def monthly_fee_total(memberships) -> Decimal:
    return sum(
        (m.fee_tier.monthly_fee_eur for m in memberships if m.fee_tier is not None),
        Decimal("0.00"),
    )
