import pytest

from measures.models import CostLevel, TimeHorizon
from measures.ratings import Rating, RatingError, parse_costs, parse_time_horizon

L, M, H = CostLevel.LOW, CostLevel.MEDIUM, CostLevel.HIGH


@pytest.mark.parametrize(
    ("printed", "personnel", "material"),
    [
        ("Personal (mittel), Sachkosten (mittel)", Rating(M, M), Rating(M, M)),
        ("Personal (gering); Sachkosten (gering)", Rating(L, L), Rating(L, L)),
        ("Personalkosten (mittel)", Rating(M, M), Rating(None, None)),
        (
            "Personal (mittel bis hoch), Sachkosten (keine, über Fördermittel gedeckt)",
            Rating(M, H),
            Rating(None, None, "keine, über Fördermittel gedeckt"),
        ),
        (
            "Personalkosten (mittel), Sachkosten (je nach Vorhaben)",
            Rating(M, M),
            Rating(None, None, "je nach Vorhaben"),
        ),
        (
            "Personal (mittel bis hoch), Sachkosten (hoch, je nach Maßnahme)",
            Rating(M, H),
            Rating(H, H, "je nach Maßnahme"),
        ),
        (
            "Personal (mittel), Aktualisierung nach festgelegtem Turnus",
            Rating(M, M, "Aktualisierung nach festgelegtem Turnus"),
            Rating(None, None),
        ),
    ],
)
def test_costs_read_as_the_seed_prints_them(printed, personnel, material):
    costs = parse_costs(printed)
    assert costs.personnel == personnel
    assert costs.material == material


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("Mittel- bis langfristig", Rating(TimeHorizon.MEDIUM, TimeHorizon.LONG)),
        ("Mittel-bis langfristig", Rating(TimeHorizon.MEDIUM, TimeHorizon.LONG)),
        ("Kurz- bis Mittelfristig", Rating(TimeHorizon.SHORT, TimeHorizon.MEDIUM)),
        ("Kurzfristig", Rating(TimeHorizon.SHORT, TimeHorizon.SHORT)),
        (
            "Kurz- bis mittelfristig (regelmäßig)",
            Rating(TimeHorizon.SHORT, TimeHorizon.MEDIUM, "regelmäßig"),
        ),
    ],
)
def test_time_horizons_read_as_the_seed_prints_them(printed, expected):
    assert parse_time_horizon(printed) == expected


@pytest.mark.parametrize("printed", ["Personal (hoch bis gering)", "viel", "Sachkosten (teuer)"])
def test_unreadable_costs_are_refused(printed):
    if printed == "Sachkosten (teuer)":
        # a clause without a level is a remark, not an error
        assert parse_costs(printed).material == Rating(None, None, "teuer")
        return
    with pytest.raises(RatingError):
        parse_costs(printed)


@pytest.mark.parametrize("printed", ["bald", "Lang- bis kurzfristig"])
def test_unreadable_time_horizons_are_refused(printed):
    with pytest.raises(RatingError):
        parse_time_horizon(printed)
