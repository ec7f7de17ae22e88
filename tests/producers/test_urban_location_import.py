"""`manage.py import_buildings`: layers built in the test with GDAL, in EPSG:25832 as ALKIS
delivers them (and WGS84 as OpenStreetMap does)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from producers.buildings import BuildingImportError, ResidentialExpression, read_flag
from producers.models import Building, Producer
from tests.factories import ProducerFactory, SiteFactory
from tests.producers.urban_layers import (
    convert,
    geojson_file,
    near_offsets,
    point,
    polygon,
    utm_xy,
    wgs84,
)
from vacancies.models import Site

pytestmark = pytest.mark.django_db

FLAGS = ["ja", "yes", "true", "1", "Ja", "TRUE"]


def run(*args, language: str = "en") -> list[str]:
    out, err = StringIO(), StringIO()
    with translation.override(language):  # commands speak LANGUAGE_CODE (German) otherwise
        call_command("import_buildings", *map(str, args), stdout=out, stderr=err)
    return out.getvalue().splitlines()


def alkis_layer(tmp_path, *, residential_near: int = 222, extra=(), name="alkis") -> list[dict]:
    """Outlines with a yes/no attribute: `residential_near` houses close to the origin, one at
    exactly 500 m, non-residential sheds in between (with every spelling of no)."""
    features = [
        polygon(dx, dy, gml_id=f"DENW{i:06d}", residential=FLAGS[i % len(FLAGS)])
        for i, (dx, dy) in enumerate(near_offsets(residential_near))
    ]
    features.append(point(500.0, 0.0, gml_id="DENW-500", residential="yes"))
    features.append(point(-500.5, 0.0, gml_id="DENW-5005", residential="yes"))
    features += [
        polygon(dx + 2, dy + 2, gml_id=f"SHED{i}", residential=no)
        for i, ((dx, dy), no) in enumerate(
            zip(near_offsets(6), ["nein", "no", "false", "0", "Nein", "FALSE"], strict=True)
        )
    ]
    return features + list(extra)


def gpkg(tmp_path, features, name="buildings") -> str:
    source = geojson_file(tmp_path / f"{name}.geojson", features)
    return str(convert(source, tmp_path / f"{name}.gpkg", "GPKG"))


def test_a_geopackage_in_25832_with_a_yes_no_attribute_counts_note_13(tmp_path):
    producer = ProducerFactory(location=wgs84())
    site = SiteFactory(location=wgs84(5, 5))
    lines = run(gpkg(tmp_path, alkis_layer(tmp_path)))
    assert lines[-1] == "created 230, updated 0, unchanged 0, rejected 0"
    assert Building.objects.filter(is_residential=True).count() == 224
    assert set(Building.objects.filter(external_id__startswith="SHED").values_list(
        "is_residential", flat=True
    )) == {False}  # fmt: skip
    producer.refresh_from_db()
    site.refresh_from_db()
    # 222 close by + the one at exactly 500 m; the one at 500.5 m does not count
    assert producer.residential_buildings_500m == 223 and producer.is_urban_location
    assert site.residential_buildings_500m == 223


def test_one_house_fewer_is_222_and_not_an_urban_location(tmp_path):
    producer = ProducerFactory(location=wgs84())
    run(gpkg(tmp_path, alkis_layer(tmp_path, residential_near=221)))
    producer.refresh_from_db()
    assert producer.residential_buildings_500m == 222
    assert producer.is_urban_location is False


def test_an_outline_becomes_a_point_inside_it(tmp_path):
    run(gpkg(tmp_path, [polygon(100, 100, gml_id="A", residential="ja")]))
    stored = Building.objects.get(external_id="A").location.transform(25832, clone=True)
    x, y = utm_xy(100, 100)
    assert abs(stored.x - x) < 0.01 and abs(stored.y - y) < 0.01


def test_a_reimport_updates_instead_of_duplicating(tmp_path):
    features = alkis_layer(tmp_path)
    path = gpkg(tmp_path, features)
    run(path, "--source", "ALKIS")
    assert run(path, "--source", "ALKIS")[-1] == "created 0, updated 0, unchanged 230, rejected 0"
    first = features[0]["properties"]
    first["residential"] = "nein"
    changed = gpkg(tmp_path, features, name="changed")
    assert run(changed, "--source", "ALKIS")[-1] == (
        "created 0, updated 1, unchanged 229, rejected 0"
    )
    assert Building.objects.count() == 230
    assert Building.objects.get(external_id=first["gml_id"]).is_residential is False


def test_replace_removes_buildings_the_file_no_longer_has(tmp_path):
    features = alkis_layer(tmp_path)
    run(gpkg(tmp_path, features), "--source", "ALKIS")
    lines = run(gpkg(tmp_path, features[1:], name="smaller"), "--replace", "--source", "ALKIS")
    assert "removed 1 buildings not in the file" in lines
    assert lines[-1] == "created 0, updated 0, unchanged 229, rejected 0"
    assert not Building.objects.filter(external_id=features[0]["properties"]["gml_id"]).exists()


def test_bad_rows_are_reported_one_by_one_and_good_rows_kept(tmp_path):
    features = [
        polygon(0, 0, gml_id="GOOD", residential="ja"),
        polygon(10, 0, gml_id="MAYBE", residential="vielleicht"),
        polygon(20, 0, gml_id="EMPTY"),
        {"geometry": None, "properties": {"gml_id": "NOGEOM", "residential": "ja"}},
        polygon(30, 0, gml_id="GOOD", residential="ja"),
        # 900 km west of Bochum, in the sea: outside the platform's area
        point(-900_000, 0, gml_id="SEA", residential="ja"),
    ]
    lines = run(gpkg(tmp_path, features))
    assert lines[-1] == "created 1, updated 0, unchanged 0, rejected 5"
    rejected = [line for line in lines if line.startswith("rejected feature")]
    assert len(rejected) == 5
    assert "(MAYBE): residential flag missing or not yes/no" in rejected[0]
    assert "(EMPTY): residential flag missing" in rejected[1]
    assert "(NOGEOM): no geometry" in rejected[2]
    assert "(GOOD): the id occurs twice in the file" in rejected[3]
    assert "(SEA): outside the area the platform covers" in rejected[4]
    assert list(Building.objects.values_list("external_id", flat=True)) == ["GOOD"]
    german = run(gpkg(tmp_path, features, name="again"), language="de")
    assert "rejected Objekt 2 (MAYBE): Angabe „Wohngebäude“ fehlt oder ist nicht ja/nein" in german


def test_an_alkis_shapefile_with_a_function_code_expression(tmp_path):
    """ALKIS codes building functions (1000 Wohngebäude, 1010 Wohnhaus, 2000 Gewerbe …)."""
    producer = ProducerFactory(location=wgs84())
    features = [
        polygon(dx, dy, gml_id=f"W{i}", funktion=1000 if i % 2 else 1010)
        for i, (dx, dy) in enumerate(near_offsets(223))
    ] + [polygon(dx + 2, dy + 2, gml_id=f"G{i}", funktion=2000) for i, (dx, dy) in
         enumerate(near_offsets(30))]  # fmt: skip
    source = geojson_file(tmp_path / "alkis.geojson", features)
    shapefile = convert(source, tmp_path / "alkis.shp", "ESRI Shapefile")
    lines = run(shapefile, "--residential-where", "funktion IN (1000, 1010)")
    assert lines[-1] == "created 253, updated 0, unchanged 0, rejected 0"
    producer.refresh_from_db()
    assert producer.residential_buildings_500m == 223 and producer.is_urban_location


def test_openstreetmap_buildings_in_wgs84_with_an_expression_and_no_id(tmp_path):
    """OSM tags building=house/residential/apartments; without an id column the id is derived
    from the geometry, so the same file imports to the same records again."""
    producer = ProducerFactory(location=wgs84())
    kinds = ["house", "residential", "apartments", "garage", "yes"]
    features = []
    for i, (dx, dy) in enumerate(near_offsets(50)):
        place = wgs84(dx, dy)
        features.append(
            {
                "geometry": {"type": "Point", "coordinates": [place.x, place.y]},
                "properties": {"building": kinds[i % 5]},
            }
        )
    path = geojson_file(tmp_path / "osm.geojson", features, srid=4326)
    where = "building IN ('house', 'residential', 'apartments')"
    assert run(path, "--residential-where", where)[-1] == (
        "created 50, updated 0, unchanged 0, rejected 0"
    )
    assert run(path, "--residential-where", where)[-1] == (
        "created 0, updated 0, unchanged 50, rejected 0"
    )
    producer.refresh_from_db()
    assert producer.residential_buildings_500m == 30


def test_the_source_and_the_date_are_kept(tmp_path):
    run(gpkg(tmp_path, alkis_layer(tmp_path)), "--source", "ALKIS NRW Hausumringe 2026")
    assert set(Building.objects.values_list("source", flat=True)) == {"ALKIS NRW Hausumringe 2026"}


def test_an_import_recounts_and_a_second_layer_adds_to_the_count(tmp_path):
    producer = ProducerFactory(location=wgs84())
    run(gpkg(tmp_path, [point(0, 0, gml_id="A", residential="ja")], name="one"))
    assert Producer.objects.get(pk=producer.pk).residential_buildings_500m == 1
    run(gpkg(tmp_path, [point(5, 0, gml_id="B", residential="ja")], name="two"))
    assert Producer.objects.get(pk=producer.pk).residential_buildings_500m == 2
    assert Site.objects.count() == 0  # the sites' table is recounted too, even when empty


@pytest.mark.parametrize(
    "args, message",
    [
        (["--residential-field", "wohnen"], "no field wohnen"),
        (["--residential-where", "__import__('os').system('true')"], "Cannot read"),
        (["--residential-where", "funktion IN (1000"], "Cannot read"),
        (["--residential-where", "nosuchfield = 1"], "no field nosuchfield"),
        (["--id-field", "nosuch"], "no id field"),
    ],
)
def test_a_wrong_option_stops_the_import_with_a_message(tmp_path, args, message):
    features = [polygon(0, 0, gml_id="A", residential="ja", funktion=1000)]
    path = gpkg(tmp_path, features)
    with pytest.raises(CommandError, match=message):
        run(path, *args)
    assert not Building.objects.exists()


def test_an_unknown_reference_system_is_refused(tmp_path):
    features = [point(0, 0, gml_id="A", residential="ja")]
    source = geojson_file(tmp_path / "lambert.geojson", features, srid=3035)
    with pytest.raises(CommandError, match="neither WGS84"):
        run(source)


def test_progress_goes_to_stderr_for_large_files(tmp_path):
    features = [
        point(i % 200 * 2.0, i // 200 * 2.0, gml_id=f"P{i}", residential="ja")
        for i in range(10_000)
    ]
    out, err = StringIO(), StringIO()
    call_command("import_buildings", gpkg(tmp_path, features), stdout=out, stderr=err)
    assert "read 10000 of 10000 features" in err.getvalue()
    assert out.getvalue().splitlines()[-1] == "created 10000, updated 0, unchanged 0, rejected 0"


# --- The yes/no attribute and the expression, on their own ------------------------------------


@pytest.mark.parametrize(
    "value, flag",
    [("ja", True), ("Nein", False), ("yes", True), ("no", False), ("true", True),
     ("FALSE", False), ("1", True), ("0", False), (1, True), (0, False), (True, True),
     (None, None), ("", None), ("vielleicht", None), (2, None)],
)  # fmt: skip
def test_yes_no_values(value, flag):
    assert read_flag(value) is flag


@pytest.mark.parametrize(
    "text, values, expected",
    [
        ("funktion IN (1000, 1010)", {"funktion": 1010}, True),
        ("funktion IN (1000, 1010)", {"funktion": "1000"}, True),
        ("funktion IN (1000, 1010)", {"funktion": 2000}, False),
        ("funktion NOT IN (2000)", {"funktion": 1000}, True),
        ("building = 'House'", {"building": "house"}, True),
        ("building = 'it''s'", {"building": "it's"}, True),
        ("building <> 'garage'", {"building": "house"}, True),
        ("building <> 'garage'", {"building": None}, False),
        ("a = 1 OR b = 2 AND c = 3", {"a": 0, "b": 2, "c": 3}, True),
        ("(a = 1 OR b = 2) AND c = 3", {"a": 1, "b": 0, "c": 4}, False),
        ("NOT a = 1", {"a": 2}, True),
        ('"Funktion" = 1000', {"funktion": 1000}, True),
    ],
)
def test_the_expression_subset(text, values, expected):
    assert ResidentialExpression(text)(values) is expected


@pytest.mark.parametrize(
    "text",
    ["", "a ==", "a = 1 OR", "a IN 1", "eval('1')", "a = 1; DROP TABLE x", "a LIKE 'x'"],
)
def test_anything_else_is_not_an_expression(text):
    with pytest.raises(BuildingImportError):
        ResidentialExpression(text)
