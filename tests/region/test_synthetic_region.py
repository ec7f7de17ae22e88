import importlib
import importlib.util
import itertools
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import clear_url_caches

from label.models import LabelApplication, LabelDecision, Membership
from producers.models import Producer
from region import synthetic
from vacancies.models import InterimUse, Site, SiteStatusChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(bochum_data):
    return synthetic.synthetic_region_create(producers=60, sites=40, seed=3)


def test_a_region_needs_the_bochum_data_first():
    with pytest.raises(CommandError, match="load_bochum_data"):
        call_command("synthetic_region", "--producers", "5", "--sites", "5", verbosity=0)


def test_every_synthetic_record_passes_the_models_checks(region):
    samples = [
        *synthetic.synthetic_producers()[:20],
        *synthetic.synthetic_sites()[:20],
        *SiteStatusChange.objects.filter(site__source=synthetic.SOURCE)[:20],
        *InterimUse.objects.filter(source=synthetic.SOURCE)[:10],
        *Membership.objects.filter(producer__slug__startswith=synthetic.SLUG_PREFIX)[:10],
        *LabelApplication.objects.filter(producer__slug__startswith=synthetic.SLUG_PREFIX)[:10],
        *LabelDecision.objects.filter(application__quality_statement=synthetic.SOURCE)[:10],
    ]
    assert {type(s) for s in samples} >= {Producer, Site, SiteStatusChange, Membership}
    for record in samples:
        record.full_clean()


def test_the_region_is_published_marked_and_lies_in_the_ruhr_area(region):
    producers = synthetic.synthetic_producers()
    assert producers.count() == 60 and not producers.filter(is_published=False).exists()
    lon_min, lat_min, lon_max, lat_max = synthetic.BOUNDS
    for producer in producers:
        assert producer.name.startswith(synthetic.NAME_PREFIX)
        assert producer.source == synthetic.SOURCE
        assert lon_min <= producer.location.x <= lon_max
        assert lat_min <= producer.location.y <= lat_max
    assert synthetic.synthetic_sites().count() == 40
    assert Producer.history.filter(slug__startswith=synthetic.SLUG_PREFIX).count() == 60


def test_each_status_history_starts_from_nothing_and_ends_in_the_current_status(region):
    for site in synthetic.synthetic_sites().prefetch_related("status_changes"):
        steps = sorted(site.status_changes.all(), key=lambda change: change.changed_at)
        assert steps[0].from_status == ""
        assert steps[-1].to_status == site.status
        assert all(a.to_status == b.from_status for a, b in itertools.pairwise(steps))


def test_removing_deletes_the_region_with_its_history_and_keeps_the_bochum_data(bochum_data):
    real = (Producer.objects.count(), Site.objects.count(), Producer.history.count())
    call_command("synthetic_region", "--producers", "30", "--sites", "20", verbosity=0)
    producer = synthetic.synthetic_producers().first()
    producer.description = "edited in the admin"
    producer.save()  # a later edit writes another history row

    call_command("synthetic_region", "--remove", verbosity=0)

    assert (Producer.objects.count(), Site.objects.count(), Producer.history.count()) == real
    assert not Site.history.filter(source=synthetic.SOURCE).exists()
    assert not InterimUse.history.filter(source=synthetic.SOURCE).exists()
    assert not Membership.history.filter(producer_id=producer.pk).exists()
    assert not LabelApplication.history.filter(quality_statement=synthetic.SOURCE).exists()
    assert not SiteStatusChange.objects.filter(note=synthetic.SOURCE).exists()
    assert not synthetic.synthetic_buildings().exists()


def test_the_region_has_buildings_and_every_producer_and_site_is_counted(bochum_data):
    call_command("synthetic_region", "--producers", "30", "--sites", "20", verbosity=0)
    assert synthetic.synthetic_buildings().count() == 300  # 10 per producer
    assert not synthetic.synthetic_producers().filter(residential_buildings_500m=None).exists()
    assert not synthetic.synthetic_sites().filter(residential_buildings_500m=None).exists()


def test_if_missing_keeps_a_region_of_the_asked_size_and_replaces_another(bochum_data):
    args = ["synthetic_region", "--if-missing", "--producers", "10", "--sites", "5"]
    call_command(*args, verbosity=0)
    first = set(synthetic.synthetic_producers().values_list("pk", flat=True))
    call_command(*args, verbosity=0)
    assert set(synthetic.synthetic_producers().values_list("pk", flat=True)) == first

    call_command("synthetic_region", "--if-missing", "--producers", "12", "--sites", "5")
    assert synthetic.region_size() == (12, 5)
    assert not synthetic.synthetic_producers().filter(pk__in=first).exists()


def test_the_hello_view_is_routed_only_when_the_benchmark_asks_for_it(client):
    assert client.get("/bench/hello/").status_code == 404
    import fabtown.urls

    try:
        with override_settings(BENCH_HELLO=True):
            importlib.reload(fabtown.urls)
            clear_url_caches()
            answer = client.get("/bench/hello/")
            assert answer.status_code == 200
            assert answer.content == b"Hello, world.\n"
    finally:
        importlib.reload(fabtown.urls)
        clear_url_caches()
    assert client.get("/bench/hello/").status_code == 404


def _bench_script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"
    spec = importlib.util.spec_from_file_location("bench_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _row(rps, p95, status_errors=0):
    return {"rps": rps, "p95_ms": p95, "non_2xx_3xx": status_errors, "socket_connect": 0,
            "socket_read": 0, "socket_write": 0, "socket_timeout": 0}  # fmt: skip


def test_the_report_marks_a_page_below_half_of_hello_or_slower_than_100_ms_as_missed():
    bench = _bench_script()
    hello = _row(1000, 10)
    assert bench.meets_target(_row(500, 99), hello)
    assert not bench.meets_target(_row(499, 50), hello)
    assert not bench.meets_target(_row(900, 100), hello)
    assert not bench.meets_target(_row(900, 50, status_errors=1), hello)


def test_an_error_answer_is_told_apart_from_the_sites_own_error_page():
    bench = _bench_script()
    own = b"<html><title>Fehler - FabTown Bochum</title>"
    assert bench.classify("/produzenten/", 500, "text/html", own) == "500 own page"
    bare = bench.classify("/", 500, "text/html", b"<h1>Server Error (500)</h1>")
    assert bare.startswith("500 bare page")
    api = bench.classify("/api/v1/producers/", 500, "application/json", b'{"detail": "x"}')
    assert api == "500 own JSON"
    assert bench.classify("/", None, "", b"") == "connection error"
