import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from producers.models import Producer
from tests.factories import ProducerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"employees_min": 6, "employees_max": 5}, "producer_employees_range"),
        ({"production_area_min_m2": 600, "production_area_max_m2": 500}, "producer_area_range"),
        ({"founded_year": 2014, "at_location_since": 2012}, "producer_location_after_founding"),
        ({"founded_year": 1200}, "producer_founded_year_range"),
        ({"postcode": "4478"}, "producer_postcode_format"),
        ({"location": "SRID=4326;POINT(0 0)"}, "producer_location_plausible"),
    ],
)
def test_the_database_refuses_inconsistent_figures(values, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        ProducerFactory(**values)


def test_clean_names_the_field_of_each_problem():
    producer = ProducerFactory.build(
        employees_min=6,
        employees_max=5,
        employees_seasonal_peak=2,
        founded_year=2014,
        at_location_since=2012,
        is_published=True,
        location="SRID=4326;POINT(500 500)",
    )
    with pytest.raises(ValidationError) as error:
        producer.full_clean(exclude=["category", "production_form"])
    assert set(error.value.message_dict) >= {
        "employees_max",
        "employees_seasonal_peak",
        "at_location_since",
        "location",
    }


def test_published_lists_only_published_producers():
    shown = ProducerFactory(is_published=True)
    ProducerFactory(is_published=False, location=None)
    assert list(Producer.objects.published()) == [shown]


def test_a_category_cannot_sit_below_its_own_sub_group():
    from tests.factories import ProductCategoryFactory

    parent = ProductCategoryFactory()
    child = ProductCategoryFactory(parent=parent)
    parent.parent = child
    with pytest.raises(ValidationError) as error:
        parent.full_clean()
    assert "parent" in error.value.message_dict
