import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import InterimUseFactory, SearchAreaFactory, SiteFactory, StaffFactory
from vacancies.models import Site, SiteStatus
from vacancies.services import site_set_status

pytestmark = pytest.mark.django_db


def test_a_point_in_the_cadastres_epsg_25832_is_stored_as_wgs84():
    # Dr.-Ruer-Platz in ETRS89 / UTM 32N, as Bochum's cadastre gives it
    site = SiteFactory(location=GEOSGeometry("SRID=25832;POINT(376143.66 5704913.72)"))
    site.refresh_from_db()
    assert site.location.srid == 4326
    assert site.location.x == pytest.approx(7.2163, abs=1e-5)
    assert site.location.y == pytest.approx(51.4818, abs=1e-5)


def test_sites_are_found_by_search_area():
    area = SearchAreaFactory()
    inside = SiteFactory(location=GEOSGeometry("SRID=4326;POINT(7.215 51.485)"))
    SiteFactory(location=GEOSGeometry("SRID=4326;POINT(7.30 51.50)"))
    assert list(Site.objects.within(area.area)) == [inside]


def test_on_offer_means_published_and_still_available():
    offered = SiteFactory(status=SiteStatus.VACANT)
    SiteFactory(status=SiteStatus.LET)
    SiteFactory(status=SiteStatus.VACANT, is_published=False)
    assert list(Site.objects.on_offer()) == [offered]


def test_a_status_change_is_recorded_with_who_and_when():
    site = SiteFactory(status=SiteStatus.VACANT)
    clerk = StaffFactory()
    change = site_set_status(site=site, status=SiteStatus.RESERVED, by=clerk, note="Anfrage")
    site.refresh_from_db()
    assert site.status == SiteStatus.RESERVED
    assert (change.from_status, change.to_status, change.changed_by) == (
        "vacant",
        "reserved",
        clerk,
    )
    assert site_set_status(site=site, status=SiteStatus.RESERVED, by=clerk) is None
    assert site.status_changes.count() == 1


def test_a_public_rent_must_be_given():
    with pytest.raises(IntegrityError, match="site_public_rent_is_set"), transaction.atomic():
        SiteFactory(rent_is_public=True, rent_eur_per_month=None)
    site = SiteFactory.build(rent_is_public=True, rent_eur_per_month=None)
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "rent_is_public" in error.value.message_dict


def test_a_footprint_far_from_the_site_is_refused():
    site = SiteFactory.build(
        footprint=GEOSGeometry(
            "SRID=4326;POLYGON((7.30 51.50, 7.31 51.50, 7.31 51.51, 7.30 51.51, 7.30 51.50))"
        )
    )
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "footprint" in error.value.message_dict


def test_an_interim_use_cannot_end_before_it_starts():
    import datetime

    with pytest.raises(IntegrityError, match="interim_use_ends_after_start"), transaction.atomic():
        InterimUseFactory(starts_on=datetime.date(2021, 9, 1), ends_on=datetime.date(2021, 8, 1))
