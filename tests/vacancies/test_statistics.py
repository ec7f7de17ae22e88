"""Vacancy statistics computed from hand-built status histories (vacancies.selectors.statistics)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.utils import timezone

from tests.factories import InterimUseFactory, SearchAreaFactory, SiteFactory
from vacancies.models import (
    LostReason,
    ProposalStage,
    SiteKind,
    SiteProposal,
    SiteStatus,
    SiteStatusChange,
    SpaceRequest,
    UnitCount,
)
from vacancies.selectors.statistics import (
    brokering_funnel,
    default_period,
    interim_uses_per_year,
    month_ends,
    status_mix,
    vacancy_durations,
    vacancy_overview,
)

pytestmark = pytest.mark.django_db

D = datetime.date
WEST = "SRID=4326;MULTIPOLYGON(((7.20 51.47, 7.22 51.47, 7.22 51.49, 7.20 51.49, 7.20 51.47)))"
EAST = "SRID=4326;MULTIPOLYGON(((7.21 51.47, 7.23 51.47, 7.23 51.49, 7.21 51.49, 7.21 51.47)))"
IN_BOTH = "SRID=4326;POINT(7.215 51.48)"
ONLY_WEST = "SRID=4326;POINT(7.205 51.48)"
OUTSIDE = "SRID=4326;POINT(7.30 51.45)"


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def site_with_history(*steps, location=IN_BOTH, kind=SiteKind.VACANT_UNIT):
    """A site whose status history is `steps`: (date, status) pairs in order."""
    site = SiteFactory(location=GEOSGeometry(location), kind=kind, status=steps[-1][1])
    previous = ""
    for day, status in steps:
        SiteStatusChange.objects.create(
            site=site, from_status=previous, to_status=status, changed_at=at(day)
        )
        previous = status
    return site


@pytest.fixture
def areas():
    return (
        SearchAreaFactory(name="West", slug="west", area=GEOSGeometry(WEST)),
        SearchAreaFactory(name="Ost", slug="ost", area=GEOSGeometry(EAST)),
    )


def _by_slug(overview):
    return {place.slug: place for place in overview.areas}


def test_a_site_counts_with_the_status_of_its_last_change_on_or_before_the_date(areas):
    site_with_history((D(2024, 1, 10), SiteStatus.VACANT), (D(2024, 3, 5), SiteStatus.LET))
    assert vacancy_overview(on=D(2024, 1, 9)).city.vacant == 0  # not yet in the cadastre
    assert vacancy_overview(on=D(2024, 1, 10)).city.vacant == 1  # the change's own day counts
    assert vacancy_overview(on=D(2024, 3, 4)).city.vacant == 1
    assert vacancy_overview(on=D(2024, 3, 5)).city.vacant == 0  # let that day


def test_a_site_in_two_search_areas_counts_in_both_and_once_city_wide(areas):
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT), location=IN_BOTH)
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT), location=ONLY_WEST)
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT), location=OUTSIDE)
    overview = vacancy_overview(on=D(2024, 6, 1))
    by_slug = _by_slug(overview)
    assert (by_slug["west"].vacant, by_slug["ost"].vacant) == (2, 1)
    assert overview.city.vacant == 3
    assert [place.slug for place in overview.areas] == ["ost", "west"]  # by name


def test_only_commercial_units_count_as_vacant_units(areas):
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT), kind=SiteKind.PUBLIC_SPACE)
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT))
    assert vacancy_overview(on=D(2024, 6, 1)).city.vacant == 1


def test_without_a_unit_count_the_rate_is_null(areas):
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT))
    overview = vacancy_overview(on=D(2024, 6, 1))
    assert overview.city.units is None
    assert overview.city.rate is None
    assert overview.city.above_reserve is None
    assert _by_slug(overview)["west"].rate is None


def test_the_rate_uses_the_latest_count_on_or_before_the_date(areas):
    west, _east = areas
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT), location=ONLY_WEST)
    UnitCount.objects.create(search_area=west, units=50, counted_on=D(2024, 2, 1))
    UnitCount.objects.create(search_area=west, units=20, counted_on=D(2024, 5, 1))
    UnitCount.objects.create(search_area=None, units=1000, counted_on=D(2024, 5, 1))
    in_march = _by_slug(vacancy_overview(on=D(2024, 3, 1)))["west"]
    assert (in_march.units, in_march.counted_on, in_march.rate) == (
        50,
        D(2024, 2, 1),
        Decimal("0.02"),
    )
    in_june = vacancy_overview(on=D(2024, 6, 1))
    assert _by_slug(in_june)["west"].rate == Decimal("0.05")
    assert in_june.city.units == 1000  # the city's own count, not the sum of the areas
    assert in_june.city.rate == Decimal("0.001")
    assert vacancy_overview(on=D(2024, 1, 31)).city.units is None  # counted later


def test_a_rate_above_three_percent_is_flagged_and_exactly_three_is_not(areas):
    west, east = areas
    for _ in range(3):
        site_with_history((D(2024, 1, 1), SiteStatus.VACANT), location=IN_BOTH)
    UnitCount.objects.create(search_area=west, units=100, counted_on=D(2024, 1, 1))  # 3 %
    UnitCount.objects.create(search_area=east, units=99, counted_on=D(2024, 1, 1))  # 3.03 %
    by_slug = _by_slug(vacancy_overview(on=D(2024, 6, 1)))
    assert (by_slug["west"].rate, by_slug["west"].above_reserve) == (Decimal("0.03"), False)
    assert (by_slug["ost"].rate, by_slug["ost"].above_reserve) == (Decimal("0.0303"), True)


def test_the_status_mix_counts_each_status_at_every_month_end():
    site_with_history((D(2024, 1, 15), SiteStatus.VACANT), (D(2024, 2, 10), SiteStatus.RESERVED),
                      (D(2024, 3, 31), SiteStatus.LET))  # fmt: skip
    site_with_history((D(2024, 2, 29), SiteStatus.VACANT))
    mix = status_mix(start=D(2024, 1, 1), end=D(2024, 3, 31))
    assert mix.days == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31)]
    assert mix.counts[SiteStatus.VACANT] == [1, 1, 1]
    assert mix.counts[SiteStatus.RESERVED] == [0, 1, 0]
    assert mix.counts[SiteStatus.LET] == [0, 0, 1]
    assert mix.counts[SiteStatus.WITHDRAWN] == [0, 0, 0]


def test_month_ends_stop_at_the_end_of_the_period():
    assert month_ends(start=D(2023, 11, 20), end=D(2024, 2, 10)) == [
        D(2023, 11, 30), D(2023, 12, 31), D(2024, 1, 31), D(2024, 2, 10),
    ]  # fmt: skip


def test_the_default_period_is_the_twelve_months_up_to_the_date():
    assert default_period(on=D(2024, 3, 15)) == (D(2023, 4, 1), D(2024, 3, 15))


def test_the_average_vacancy_counts_closed_and_still_open_spells():
    # closed: 10 days; open on 2024-01-31: from 2024-01-11 12:00 to the end of the 31st
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT), (D(2024, 1, 11), SiteStatus.LET))
    site_with_history((D(2024, 1, 11), SiteStatus.VACANT))
    durations = vacancy_durations(on=D(2024, 1, 31))
    assert (durations.closed, durations.closed_days) == (1, Decimal("10.0"))
    assert (durations.open, durations.open_days) == (1, Decimal("20.5"))
    assert durations.all_days == Decimal("15.3")  # (10 + 20.5) / 2, rounded
    assert vacancy_durations(on=D(2023, 12, 31)).total == 0


def test_a_second_vacancy_of_a_site_is_a_spell_of_its_own():
    site_with_history(
        (D(2024, 1, 1), SiteStatus.VACANT),
        (D(2024, 1, 5), SiteStatus.LET),
        (D(2024, 2, 1), SiteStatus.VACANT),
        (D(2024, 2, 3), SiteStatus.WITHDRAWN),
    )
    durations = vacancy_durations(on=D(2024, 3, 1))
    assert (durations.closed, durations.closed_days, durations.open) == (2, Decimal("3.0"), 0)


def test_interim_uses_per_year_count_starts_and_running_uses():
    InterimUseFactory(starts_on=D(2021, 9, 1), ends_on=D(2022, 2, 1))
    InterimUseFactory(starts_on=D(2022, 5, 1), ends_on=None)
    years = interim_uses_per_year(start=D(2021, 1, 1), end=D(2023, 6, 30))
    assert [(y.year, y.started, y.running) for y in years] == [
        (2021, 1, 1), (2022, 1, 2), (2023, 0, 1),
    ]  # fmt: skip


def _request(created: datetime.date, title="Rösterei") -> SpaceRequest:
    request = SpaceRequest.objects.create(
        title=title, expires_on=created + datetime.timedelta(days=180), contact_name="Max Muster"
    )
    SpaceRequest.objects.filter(pk=request.pk).update(created_at=at(created))
    return request


def _proposal(request, *, on, stage=ProposalStage.PROPOSED, **dates) -> SiteProposal:
    return SiteProposal.objects.create(
        space_request=request, site=SiteFactory(), stage=stage, proposed_on=on, **dates
    )


def test_the_funnel_counts_requests_proposals_viewings_and_lettings_of_the_period():
    inside, other, before = (
        _request(D(2024, 3, 1)),
        _request(D(2024, 4, 1)),
        _request(D(2023, 1, 1)),
    )
    _proposal(inside, on=D(2024, 3, 2))
    _proposal(inside, on=D(2024, 3, 3), stage=ProposalStage.VIEWING, viewing_on=D(2024, 3, 9))
    _proposal(inside, on=D(2024, 3, 4), stage=ProposalStage.LET, let_on=D(2024, 4, 1))
    _proposal(other, on=D(2024, 4, 2), stage=ProposalStage.LOST, viewing_on=D(2024, 4, 5),
              lost_on=D(2024, 4, 9), lost_reason=LostReason.RENT)  # fmt: skip
    _proposal(other, on=D(2024, 4, 3), stage=ProposalStage.LOST, lost_on=D(2024, 4, 4),
              lost_reason=LostReason.RENT)  # fmt: skip
    _proposal(before, on=D(2023, 1, 2), stage=ProposalStage.LOST, lost_on=D(2023, 2, 1),
              lost_reason=LostReason.SIZE)  # fmt: skip
    funnel = brokering_funnel(start=D(2024, 1, 1), end=D(2024, 12, 31))
    assert (funnel.requests, funnel.requests_with_proposal) == (2, 2)
    assert (funnel.proposals, funnel.viewings, funnel.let, funnel.lost) == (5, 3, 1, 2)
    reasons = {value: count for value, _label, count in funnel.lost_reasons}
    assert reasons[LostReason.RENT] == 2
    assert reasons[LostReason.SIZE] == 0  # lost before the period
    assert set(reasons) == {reason.value for reason in LostReason}


def test_time_to_re_let_runs_from_becoming_vacant_to_being_let():
    site_with_history(
        (D(2024, 1, 1), SiteStatus.LET),
        (D(2024, 2, 1), SiteStatus.VACANT),
        (D(2024, 2, 11), SiteStatus.RESERVED),
        (D(2024, 3, 2), SiteStatus.LET),
    )
    site_with_history((D(2024, 1, 1), SiteStatus.VACANT), (D(2024, 1, 31), SiteStatus.LET))
    site_with_history((D(2024, 3, 1), SiteStatus.LET))  # never vacant: no re-letting
    funnel = brokering_funnel(start=D(2024, 1, 1), end=D(2024, 12, 31))
    assert (funnel.relets, funnel.relet_days, funnel.relet_median_days) == (
        2, Decimal("30.0"), Decimal("30.0"),
    )  # fmt: skip
    assert brokering_funnel(start=D(2024, 2, 1), end=D(2024, 12, 31)).relets == 1
