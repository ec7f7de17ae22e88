import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tests.factories import MeasureFactory, ThematicFieldFactory

pytestmark = pytest.mark.django_db


def test_ratings_read_as_short_ranges_in_lists():
    measure = MeasureFactory.build(
        personnel_cost_min=2, personnel_cost_max=3, material_cost_min=None,
        material_cost_max=None, time_horizon_min=1, time_horizon_max=1,
    )  # fmt: skip
    with translation.override("de"):
        assert measure.personnel_cost_label == "mittel–hoch"
        assert measure.material_cost_label == "–"
        assert measure.time_horizon_label == "kurzfristig"


@pytest.mark.parametrize(
    ("values", "constraint"),
    [
        ({"personnel_cost_min": 3, "personnel_cost_max": 1}, "measure_personnel_cost_ordered"),
        (
            {"material_cost_min": 1, "material_cost_max": None},
            "measure_material_cost_both_or_neither",
        ),
        ({"code": "5.1.1"}, "measure_code_format"),
    ],
)
def test_the_database_refuses_broken_ratings_and_codes(values, constraint):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        MeasureFactory(**values)


def test_clean_ties_each_problem_to_its_field():
    measure = MeasureFactory.build(
        thematic_field=ThematicFieldFactory(code="4.6"),
        code="4.7.9",
        time_horizon_min=3,
        time_horizon_max=1,
    )
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert {"code", "time_horizon_max"} <= set(error.value.message_dict)
