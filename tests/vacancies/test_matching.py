"""Matching, explained (vacancies.selectors.matching): scores and reasons on hand-built cases."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.utils import timezone, translation

from tests.factories import (
    MatchingSpaceRequestFactory,
    ProductionFormFactory,
    SearchAreaFactory,
    SiteFactory,
)
from vacancies.models import SiteStatus, SpaceRequestStatus
from vacancies.selectors.matching import (
    matches_for_request,
    matches_for_site,
    near_misses_for_request,
    near_misses_for_site,
)

pytestmark = pytest.mark.django_db

# Two overlapping squares: a point in the overlap lies in both.
WEST = "SRID=4326;MULTIPOLYGON(((7.20 51.47, 7.22 51.47, 7.22 51.49, 7.20 51.49, 7.20 51.47)))"
EAST = "SRID=4326;MULTIPOLYGON(((7.21 51.47, 7.23 51.47, 7.23 51.49, 7.21 51.49, 7.21 51.47)))"
IN_BOTH = "SRID=4326;POINT(7.215 51.48)"
ONLY_EAST = "SRID=4326;POINT(7.225 51.48)"
FAR_AWAY = "SRID=4326;POINT(7.30 51.50)"


def _site(**values):
    defaults = {
        "floor_area_m2": None,
        "is_ground_floor": None,
        "has_shop_window": None,
        "rent_eur_per_month": None,
    }
    return SiteFactory(**{**defaults, **values})


def _texts(match) -> dict:
    return {reason.criterion: (reason.fits, reason.text) for reason in match.reasons}


def _ids(matches) -> list[int]:
    return [match.site["id"] for match in matches]


def test_a_site_that_fits_every_criterion_scores_100_with_a_reason_for_each():
    form = ProductionFormFactory()
    west = SearchAreaFactory(name="Innenstadt", area=GEOSGeometry(WEST))
    request = MatchingSpaceRequestFactory(
        floor_area_min_m2=60, floor_area_max_m2=120, needs_ground_floor=True,
        needs_shop_window=True, max_rent_eur_per_month=1200, production_form=form,
        wanted_from=datetime.date(2026, 3, 1),
    )  # fmt: skip
    request.search_areas.set([west])
    site = _site(
        floor_area_m2=85, is_ground_floor=True, has_shop_window=True, rent_eur_per_month=950,
        available_from=datetime.date(2026, 2, 1), location=GEOSGeometry(IN_BOTH),
    )  # fmt: skip
    site.suitable_forms.set([form])

    (match,) = matches_for_request(space_request=request)

    assert match.score == 100
    assert _texts(match) == {
        "floor_area": (True, "Fläche 85 m² liegt im Wunsch 60–120 m²"),
        "rent": (True, "Miete 950 € liegt im Rahmen von höchstens 1.200 €"),
        "location": (True, "Liegt im Suchraum Innenstadt"),
        "ground_floor": (True, "Erdgeschoss"),
        "shop_window": (True, "Schaufenster"),
        "production_form": (True, f"Geeignet für {form.name}"),
        "available_from": (True, "Frei ab 01.02.2026 (gewünscht ab 01.03.2026)"),
    }
    assert match.site["id"] == site.pk
    assert match.site["is_published"] is True


def test_the_reasons_are_english_in_english():
    request = MatchingSpaceRequestFactory(floor_area_min_m2=1000, floor_area_max_m2=2000)
    _site(floor_area_m2=Decimal("1500.5"))
    with translation.override("en"):
        (match,) = matches_for_request(space_request=request)
    assert match.reasons[0].text == "Floor area 1,500.5 m² lies within the wanted 1,000–2,000 m²"


def test_missing_values_are_unknown_earn_half_and_say_so():
    request = MatchingSpaceRequestFactory(
        floor_area_min_m2=60, floor_area_max_m2=120, max_rent_eur_per_month=1000,
        needs_shop_window=True,
    )  # fmt: skip
    unknown_rent = _site(floor_area_m2=80, has_shop_window=True)
    known_rent = _site(floor_area_m2=80, has_shop_window=True, rent_eur_per_month=900)

    first, second = matches_for_request(space_request=request)

    assert (first.site["id"], first.score) == (known_rent.pk, 100)
    # area 25 + window 10 + half of rent's 20 = 45 of 55
    assert (second.site["id"], second.score) == (unknown_rent.pk, 82)
    assert _texts(second)["rent"] == (None, "Miete unbekannt")


def test_what_the_request_does_not_state_is_no_criterion():
    request = MatchingSpaceRequestFactory(max_rent_eur_per_month=500, needs_ground_floor=False)
    _site(rent_eur_per_month=400, is_ground_floor=False, has_shop_window=False)
    (match,) = matches_for_request(space_request=request)
    assert match.score == 100
    assert [reason.criterion for reason in match.reasons] == ["rent"]


def test_an_area_within_the_tolerance_earns_half_and_beyond_it_blocks():
    request = MatchingSpaceRequestFactory(
        floor_area_min_m2=60, floor_area_max_m2=100, max_rent_eur_per_month=1000
    )
    inside = _site(floor_area_m2=100, rent_eur_per_month=1000)
    slightly_above = _site(floor_area_m2=115, rent_eur_per_month=1000)  # +15 %
    slightly_below = _site(floor_area_m2=51, rent_eur_per_month=1000)  # -15 %
    too_large = _site(floor_area_m2="115.1", rent_eur_per_month=1000)

    matches = matches_for_request(space_request=request)

    # 25/2 + 20 of 45 = 72.2 %; tie: 115 m² is 15 m² off the range, 51 m² is 9 m² off
    assert [(m.site["id"], m.score) for m in matches] == [
        (inside.pk, 100), (slightly_below.pk, 72), (slightly_above.pk, 72),
    ]  # fmt: skip
    assert _texts(matches[1])["floor_area"] == (
        False, "Fläche 51 m² liegt knapp unter dem Wunsch 60–100 m²",
    )  # fmt: skip
    (near,) = near_misses_for_request(space_request=request)
    assert near.site["id"] == too_large.pk
    assert (
        near.blocked_text == "passt bis auf: Fläche 115,1 m² ist zu groß für den Wunsch 60–100 m²"
    )


def test_ties_are_ordered_by_area_distance_then_id():
    request = MatchingSpaceRequestFactory(floor_area_min_m2=100, max_rent_eur_per_month=500)
    later = _site(floor_area_m2=90, rent_eur_per_month=400)
    earlier = _site(floor_area_m2=90, rent_eur_per_month=400)
    closer = _site(floor_area_m2=95, rent_eur_per_month=400)
    no_area = _site(rent_eur_per_month=400)  # unknown area: also half credit, ranked last

    matches = matches_for_request(space_request=request)

    assert {m.score for m in matches} == {72}
    assert _ids(matches) == [closer.pk, min(later.pk, earlier.pk), max(later.pk, earlier.pk),
                             no_area.pk]  # fmt: skip
    assert (
        _texts(matches[0])["floor_area"][1] == "Fläche 95 m² liegt knapp unter dem Wunsch ab 100 m²"
    )


def test_a_site_in_two_search_areas_lies_in_both_and_fits_either_wish():
    west = SearchAreaFactory(name="Gleisdreieck", area=GEOSGeometry(WEST))
    east = SearchAreaFactory(name="Innenstadt", area=GEOSGeometry(EAST))
    wants_west = MatchingSpaceRequestFactory()
    wants_west.search_areas.set([west])
    wants_east = MatchingSpaceRequestFactory()
    wants_east.search_areas.set([east])
    wants_both = MatchingSpaceRequestFactory()
    wants_both.search_areas.set([west, east])
    in_both = _site(location=GEOSGeometry(IN_BOTH))
    only_east = _site(location=GEOSGeometry(ONLY_EAST))

    (match,) = matches_for_request(space_request=wants_west)
    assert match.site["id"] == in_both.pk
    assert _texts(match)["location"] == (True, "Liegt im Suchraum Gleisdreieck")
    assert _ids(matches_for_request(space_request=wants_east)) == [in_both.pk, only_east.pk]
    both = matches_for_request(space_request=wants_both)
    assert _texts(both[0])["location"] == (True, "Liegt im Suchraum Gleisdreieck, Innenstadt")
    (near,) = near_misses_for_request(space_request=wants_west)
    assert near.site["id"] == only_east.pk
    assert near.blocked_text == "passt bis auf: Außerhalb der gewünschten Suchräume (Gleisdreieck)"


def test_a_near_miss_fails_exactly_one_hard_criterion():
    request = MatchingSpaceRequestFactory(
        needs_ground_floor=True, needs_shop_window=True, max_rent_eur_per_month=800
    )
    upstairs = _site(is_ground_floor=False, has_shop_window=True, rent_eur_per_month=700)
    _site(is_ground_floor=False, has_shop_window=False, rent_eur_per_month=700)  # two: neither
    dear = _site(is_ground_floor=True, has_shop_window=True, rent_eur_per_month=900)

    assert matches_for_request(space_request=request) == []
    near = near_misses_for_request(space_request=request)
    assert [(m.site["id"], m.score, m.blocked_by) for m in near] == [
        (upstairs.pk, 75, "ground_floor"), (dear.pk, 50, "rent"),
    ]  # fmt: skip
    assert near[0].blocked_text == "passt bis auf: kein Erdgeschoss"
    assert _texts(near[1])["rent"] == (False, "Miete 900 € liegt über dem Höchstbetrag von 800 €")


def test_production_form_and_date_lower_the_score_but_do_not_block():
    form = ProductionFormFactory()
    other = ProductionFormFactory(code="food", name="Lebensmittel")
    request = MatchingSpaceRequestFactory(
        production_form=form, wanted_from=datetime.date(2026, 1, 1)
    )
    site = _site(available_from=datetime.date(2026, 6, 1))
    site.suitable_forms.set([other])
    unrecorded = _site()

    first, second = matches_for_request(space_request=request)
    assert (first.site["id"], first.score) == (unrecorded.pk, 50)
    assert (second.site["id"], second.score) == (site.pk, 0)
    assert _texts(second) == {
        "production_form": (False, f"Nicht als geeignet für {form.name} angegeben"),
        "available_from": (False, "Erst ab 01.06.2026 frei (gewünscht ab 01.01.2026)"),
    }
    assert _texts(first)["production_form"] == (None, "Eignung nicht erfasst")


def test_only_vacant_and_reserved_sites_are_candidates_published_or_not():
    request = MatchingSpaceRequestFactory(floor_area_min_m2=10)
    vacant = _site(floor_area_m2=50)
    reserved = _site(floor_area_m2=40, status=SiteStatus.RESERVED)
    unpublished = _site(floor_area_m2=30, is_published=False)
    _site(floor_area_m2=50, status=SiteStatus.LET)
    _site(floor_area_m2=50, status=SiteStatus.INTERIM_USE)

    matches = matches_for_request(space_request=request)
    assert sorted(_ids(matches)) == sorted([vacant.pk, reserved.pk, unpublished.pk])
    assert {m.site["id"]: m.site["is_published"] for m in matches}[unpublished.pk] is False


def test_a_site_is_matched_against_active_requests_only():
    site = _site(floor_area_m2=80, rent_eur_per_month=700)
    good = MatchingSpaceRequestFactory(floor_area_min_m2=50, max_rent_eur_per_month=800)
    half = MatchingSpaceRequestFactory(floor_area_min_m2=50, needs_shop_window=True)
    MatchingSpaceRequestFactory(floor_area_min_m2=50, status=SpaceRequestStatus.WITHDRAWN)
    MatchingSpaceRequestFactory(
        floor_area_min_m2=50, expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    cheap = MatchingSpaceRequestFactory(max_rent_eur_per_month=500)

    matches = matches_for_site(site=site)
    assert [(m.space_request["id"], m.score) for m in matches] == [
        (good.pk, 100),
        (half.pk, 86),
    ]  # 25 + ½·10 of 35
    (near,) = near_misses_for_site(site=site)
    assert near.space_request["id"] == cheap.pk


def test_the_selector_runs_one_query_whatever_the_number_of_sites(django_assert_num_queries):
    west = SearchAreaFactory(area=GEOSGeometry(WEST))
    form = ProductionFormFactory()
    request = MatchingSpaceRequestFactory(floor_area_min_m2=10, production_form=form)
    request.search_areas.set([west])
    for _n in range(3):
        _site(floor_area_m2=20, location=GEOSGeometry(IN_BOTH)).suitable_forms.set([form])
    # one statement: pairs, states, score, filter, order and limit (reasons are built in Python)
    with django_assert_num_queries(1):
        assert len(matches_for_request(space_request=request)) == 3
    for _n in range(20):
        _site(floor_area_m2=20, location=GEOSGeometry(IN_BOTH))
    with django_assert_num_queries(1):
        assert len(matches_for_request(space_request=request, limit=10)) == 10
    with django_assert_num_queries(1):
        near_misses_for_request(space_request=request)
    site = _site(floor_area_m2=20)
    for _n in range(5):
        MatchingSpaceRequestFactory(floor_area_min_m2=10).search_areas.set([west])
    with django_assert_num_queries(1):
        matches_for_site(site=site)
