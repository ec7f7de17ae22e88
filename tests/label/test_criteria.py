import pytest

from label.criteria import check_label_criteria, criteria_met, fee_tier_for
from label.seed import load_fee_tiers
from tests.factories import LabelApplicationFactory

pytestmark = pytest.mark.django_db


def _results(**values):
    application = LabelApplicationFactory.build(**values)
    return {r.code: r for r in check_label_criteria(application=application)}


def test_a_complete_application_meets_every_rule():
    results = _results()
    assert criteria_met(list(results.values()))
    assert not any(r.for_the_board for r in results.values())


@pytest.mark.parametrize(
    ("stages", "met"),
    [((True, True, False), True), ((False, True, True), True), ((True, False, False), False),
     ((False, False, False), False), ((True, True, True), True)],
)  # fmt: skip
def test_at_least_two_of_three_stages_in_bochum(stages, met):
    design, manufacturing, finishing = stages
    result = _results(
        stage_product_design=design, stage_manufacturing=manufacturing, stage_finishing=finishing
    )["stages"]
    assert result.met is met


@pytest.mark.parametrize(
    ("postcode", "met"), [("44787", True), ("44866", True), ("45127", False), ("", False)]
)
def test_the_seat_or_shop_must_be_in_bochum(postcode, met):
    result = _results(seat_postcode=postcode)["seat"]
    assert result.met is met
    if postcode == "45127":
        assert "45127" in result.message


def test_full_time_staff_or_a_founder_flagged_for_the_board():
    assert _results(full_time_staff=0, is_founder_or_startup=False)["staff"].met is False
    founder = _results(full_time_staff=0, is_founder_or_startup=True)["staff"]
    assert founder.met and founder.for_the_board


def test_a_quality_statement_is_required():
    assert _results(quality_statement="   ")["quality"].met is False


def test_the_fee_follows_the_company_size_within_5_to_50_euros():
    from collections import Counter

    load_fee_tiers(Counter())
    assert fee_tier_for(employees=1).monthly_fee_eur == 5
    assert fee_tier_for(employees=4).monthly_fee_eur == 15
    assert fee_tier_for(employees=20).monthly_fee_eur == 30
    assert fee_tier_for(employees=250).monthly_fee_eur == 50


@pytest.mark.parametrize(
    ("place", "point", "met"),
    [
        ("Bochum, Dr.-Ruer-Platz", "POINT(7.2163 51.4818)", True),
        ("Bochum-Wattenscheid", "POINT(7.1340 51.4830)", True),
        ("Bochum-Langendreer", "POINT(7.3210 51.4760)", True),
        ("Essen, Kennedyplatz", "POINT(7.0130 51.4560)", False),
        ("Herne, Bahnhof", "POINT(7.2190 51.5400)", False),
        ("Witten, Rathaus", "POINT(7.3350 51.4430)", False),
        ("Dortmund, Hauptbahnhof", "POINT(7.4590 51.5180)", False),
    ],
)
def test_without_a_bochum_postcode_a_point_inside_the_city_meets_the_seat_rule(place, point, met):
    from django.contrib.gis.geos import GEOSGeometry

    location = GEOSGeometry(f"SRID=4326;{point}")
    result = _results(seat_postcode="", location=location)["seat"]
    assert result.met is met, place
