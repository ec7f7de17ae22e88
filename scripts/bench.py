"""The reproducible benchmark of issue 10 (`make bench`; README, "Benchmark").

Sets up its own database (`fabtown_bench` beside the one DATABASE_URL names: migrations, the
Bochum data, the synthetic Ruhr region), serves the site with gunicorn and production settings
on a free loopback port, and measures:

- every page of the issue's table and a hello-world view of the same server and middleware with
  wrk (20 connections, after a warm-up): req/s, p50/p95/p99, errors, bytes per answer, and each
  page as a % of the hello view's throughput;
- the queries per request (Django's test client, first and repeated request);
- the map GeoJSON against PostGIS's own json_agg(ST_AsGeoJSON(…)) over the same producers;
- the search (issue 12): eight searches (common word, offering, compound, typos, two words,
  unknown compound, nothing) in process with their results and queries, and the results
  page under load;
- Lighthouse scores (median of 3) of home, directory and a profile;
- mixed load over all pages (0 errors expected);
- with --faults (only on the embedded cluster of scripts/localdb): a PostgreSQL restart under
  load — the errors, their kind, and the time until every answer is fine again.

Writes .local/bench/report-<timestamp>.json and latest.json and prints a markdown table. Exits
non-zero only when the harness fails (or with --strict when a target is missed).

    python scripts/bench.py [--duration 10] [--only load,queries,search,...] [--faults] [--strict]
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
PYTHON = str(VENV / "python")
WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = ROOT / "scripts" / "bench.lua"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
REPORTS = ROOT / ".local" / "bench"

PHASES = ["cadastre", "load", "queries", "geojson", "search", "lighthouse", "mixed", "faults"]
HELLO = "/bench/hello/"
# Targets of issue 10
MIN_SHARE_OF_HELLO = 50.0  # % of the hello view's req/s
MAX_P95_MS = 100.0
MAX_GEOJSON_FACTOR = 2.0  # endpoint time / PostGIS json_agg time
MIN_LIGHTHOUSE = 95
# Targets of issue 11 (the vacancy cadastre as the office's working tool)
MAX_MATCH_MS = 100.0  # one request against every site
MAX_GIS_IMPORT_S = 30.0  # 10,000 rows from a GeoPackage
MAX_URBAN_COUNT_S = 10.0  # 10,000 producers against 100,000 buildings
# Targets of issue 12 (the search over producers, sites on offer and measures)
MAX_SEARCH_MS = 50.0  # median of one search in process (counts, pages, rows; a typo included)
# The searches measured: words of many producers, an offering, a compound's beginning, typos.
SEARCHES = {
    "common word": "Kaffee",
    "offering": "Reparatur",
    "compound": "Kaffeeröst",
    "typo": "Kafee",
    "typo in a compound": "Geigenbaur",
    "two words": "Bäckerei Bochum",
    "unknown compound": "Xylophonmanufaktur",
    "nothing": "Qwyxz",
}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
# What PostgreSQL itself does with the producers the map shows (the same rows and properties).
POSTGIS_GEOJSON_SQL = """
    SELECT json_build_object('type', 'FeatureCollection', 'features',
        json_agg(ST_AsGeoJSON(t.*, 'location', 6)::json))::text
    FROM (SELECT location, name, slug, branch FROM producers_producer
          WHERE is_published AND location IS NOT NULL) AS t
"""


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Database ---------------------------------------------------------------------------------


def base_database_url() -> tuple[str, bool]:
    """(DATABASE_URL, whether it is the embedded cluster of scripts/localdb)."""
    local = subprocess.run(
        [str(ROOT / "scripts" / "localdb"), "url"], capture_output=True, text=True, check=False
    ).stdout.strip()
    given = os.environ.get("DATABASE_URL", "")
    if not given:
        if not local:
            raise SystemExit("No DATABASE_URL and no local cluster: run `make db` first.")
        return local, True
    return given, bool(local) and urlsplit(given).port == urlsplit(local).port


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str, quiet: bool = False) -> None:
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=out)


def prepare_database(env: dict, producers: int, sites: int) -> None:
    ensure_database(env["DATABASE_URL"])
    log("migrations, Bochum data, synthetic region")
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "createcachetable", "-v", "0")
    manage(env, "load_bochum_data", "-v", "0")
    args = ["--if-missing", "--producers", str(producers), "--sites", str(sites)]
    manage(env, "synthetic_region", *args)


def measure_urban_location(env: dict) -> dict:
    """Note 13 (issue 11): every producer's and site's count of residential buildings within
    500 m against the region's buildings (10 per producer: 100,000 for 10,000), from scratch as
    after a first import; target ≤ 10 s for the producers."""
    args = [PYTHON, "manage.py", "recount_urban_location", "--from-scratch"]
    line = subprocess.run(
        args, cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    seconds = {name: float(s) for name, s in re.findall(r"(producer|site)s ([\d.]+) s", line)}
    return {
        "total_s": float(re.search(r"recounted in ([\d.]+) s", line)[1]),
        "producers_s": seconds.get("producer"),
        "sites_s": seconds.get("site"),
        "target_s": 10,
        "output": line,
    }


def measure_cadastre(env: dict, *, requests: int, gis_rows: int) -> dict:
    """Issue 11, in the benchmark's database: matching (one request against every site, one site
    against `requests` active requests, near misses), the GIS import of `gis_rows` GeoPackage
    rows, and the urban-location count of every producer and site."""
    result: dict = {}
    log(f"matching: {requests} synthetic space requests, medians of 15 rounds")
    run = subprocess.run(
        [PYTHON, "manage.py", "bench_matching", "--requests", str(requests)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result["matching"] = json.loads(run.stdout.strip().splitlines()[-1])
    log(f"GIS import: {gis_rows} rows from a GeoPackage (EPSG:25832)")
    run = subprocess.run(
        [PYTHON, "scripts/bench_gis_import.py", "--rows", str(gis_rows)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result["gis_import"] = json.loads(run.stdout.strip().splitlines()[-1])
    log("urban location: every count from scratch")
    result["urban_location"] = measure_urban_location(env)
    return result


# --- Server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(database_url: str, static_root: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # plain http on loopback: no redirect to https, no HSTS
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        STATIC_ROOT=static_root,
        BENCH_HELLO="1",
        # 20 clients from one address would otherwise measure the API's throttle (429)
        API_ANON_RATE=os.environ.get("BENCH_API_ANON_RATE", "1000000/minute"),
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    env.pop("FABTOWN_TESTING", None)
    return env


class Server:
    def __init__(self, env: dict, workers: int, logfile: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logfile = logfile
        # the workers' own log lines (django.request's tracebacks) land there as well
        self._log = logfile.open("ab")
        self.process = subprocess.Popen(
            [
                str(VENV / "gunicorn"),
                "fabtown.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--error-logfile",
                str(logfile),
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {self.logfile}")
            try:
                with urllib.request.urlopen(self.base + HELLO, timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise SystemExit("gunicorn did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


# --- wrk --------------------------------------------------------------------------------------


def wrk(base: str, paths: list[str], *, seconds: int, connections: int) -> dict:
    env = dict(os.environ, BENCH_PATHS="\n".join(paths))
    command = [
        WRK,
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "-s",
        str(LUA),
        base + paths[0],
    ]
    run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    for line in run.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk gave no result: {run.stdout}\n{run.stderr}")


def drain(base: str, workers: int, timeout: float = 180) -> float:
    """Wait until the workers are idle again; return the seconds waited.

    wrk stops by closing its connections, but gunicorn's sync workers still answer every
    request already queued; for slow pages that takes many seconds, which the next measurement
    would otherwise pay. Idle: `workers` hello requests at once all answer within 0.5 s.
    """
    start = time.monotonic()

    def hello() -> float:
        begin = time.monotonic()
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base + HELLO, timeout=timeout).read()
        return time.monotonic() - begin

    while time.monotonic() - start < timeout:
        with ThreadPoolExecutor(workers) as pool:
            times = list(pool.map(lambda _n: hello(), range(workers)))
        if max(times) < 0.5:
            break
    return time.monotonic() - start


def warm_up(base: str, path: str, *, rounds: int, workers: int) -> None:
    """`rounds` times one request per worker at once: every worker has run the page (its
    imports, templates, database connection) before wrk measures; no queue is left behind."""

    def get(_n) -> None:
        request = urllib.request.Request(
            base + path, headers={"Accept": accept_for(path), "Accept-Encoding": "gzip"}
        )
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=120).read()

    for _ in range(rounds):
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(get, range(workers)))


def errors_of(result: dict) -> int:
    return result["non_2xx_3xx"] + sum(
        result[k] for k in ("socket_connect", "socket_read", "socket_write", "socket_timeout")
    )


# --- In-process measurements (a child process with Django set up) -----------------------------


def in_process(env: dict, task: str, pages: dict) -> dict:
    run = subprocess.run(
        [PYTHON, __file__, "--in-process", task, "--pages", json.dumps(pages)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise RuntimeError(f"in-process {task} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fabtown.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="de")


def task_search(searches: dict) -> dict:
    """Issue 12: each search's median time in process (search.selectors.search: counts,
    pages, rows, corrections), its results per kind, and the queries of its results page and
    API answer (first and repeated request)."""
    client = _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.models import SearchDocument, SearchWord
    from search.selectors import search

    result: dict = {
        "documents": SearchDocument.objects.count(),
        "words": SearchWord.objects.count(),
        "searches": {},
    }
    for name, query in searches.items():
        search(query=query)  # warm-up: plans and caches of the database
        times = []
        for _ in range(15):
            start = time.perf_counter()
            found = search(query=query)
            times.append(1000 * (time.perf_counter() - start))
        row = {
            "q": query,
            "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1),
            "counts": {kind: group.count for kind, group in found.groups.items()},
            "suggestion": found.suggestion,
        }
        for label, path in (("page", "/suche/"), ("api", "/api/v1/search/")):
            counts = []
            for _ in range(2):
                with CaptureQueriesContext(connection) as queries:
                    answer = client.get(path, {"q": query}, HTTP_ACCEPT=accept_for(path))
                counts.append(len(queries.captured_queries))
            row[f"{label}_queries"] = counts
            row[f"{label}_status"] = answer.status_code
        result["searches"][name] = row
    return result


def accept_for(path: str) -> str:
    if "geojson" in path:
        return "application/geo+json, application/json;q=0.9"
    return "application/json" if path.startswith("/api/") else "text/html"


def task_queries(pages: dict) -> dict:
    client = _django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = {}
    for name, path in pages.items():
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                answer = client.get(path, HTTP_ACCEPT=accept_for(path))
            counts.append(len(queries.captured_queries))
        result[name] = {"first": counts[0], "repeated": counts[1], "status": answer.status_code}
    return result


def task_geojson(pages: dict) -> dict:
    client = _django()
    from django.db import connection

    runs = env_int("BENCH_GEOJSON_RUNS", 7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM producers_producer WHERE is_published")
        published = cursor.fetchone()[0]
        sql_ms, size = [], 0
        for _ in range(runs + 1):
            start = time.perf_counter()
            cursor.execute(POSTGIS_GEOJSON_SQL)
            size = len(cursor.fetchone()[0])
            sql_ms.append((time.perf_counter() - start) * 1000)
    result = {
        "published_producers": published,
        "postgis_json_agg": {"median_ms": statistics.median(sql_ms[1:]), "bytes": size},
    }
    from django.test import override_settings

    def median_ms(path: str) -> tuple[float, object, bytes]:
        times = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            answer = client.get(path, HTTP_ACCEPT=accept_for(path))
            body = b"".join(answer) if answer.streaming else answer.content
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times[1:]), answer, body

    for name, path in pages.items():
        # Built each time (the cached answer would measure the cache, not the query).
        with override_settings(ANSWER_CACHE=False):
            median, answer, body = median_ms(path)
        with override_settings(ANSWER_CACHE=True):
            cached, _answer, _body = median_ms(path)
        result[name] = {
            "median_ms": median,
            "cached_median_ms": cached,
            "bytes": len(body),
            "status": answer.status_code,
            "factor": median / result["postgis_json_agg"]["median_ms"],
        }
    return result


# --- Lighthouse -------------------------------------------------------------------------------


def lighthouse(url: str, runs: int) -> dict:
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    categories = ["performance", "accessibility", "best-practices", "seo"]
    scores: dict[str, list[float]] = {c: [] for c in categories}
    failures, missed = [], {}
    for _attempt in range(runs + 2):  # Chromium's trace fails now and then (NO_NAVSTART)
        if min(len(v) for v in scores.values()) >= runs:
            break
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "lh.json"
            command = [
                str(LIGHTHOUSE),
                url,
                f"--chrome-path={chrome}",
                f"--chrome-flags={CHROME_FLAGS} --user-data-dir={tmp}/profile",
                f"--only-categories={','.join(categories)}",
                "--output=json",
                f"--output-path={out}",
                "--quiet",
                "--max-wait-for-load=30000",
            ]
            run = subprocess.run(command, capture_output=True, text=True, check=False)
            if run.returncode != 0 or not out.exists():
                failures.append(run.stderr[-500:])
                continue
            report = json.loads(out.read_text())
            for category in categories:
                score = report["categories"][category]["score"]
                if score is not None:
                    scores[category].append(round(score * 100))
            # what cost points (the last run's), so that whoever fixes it knows where to look
            missed = {
                ref["id"]: _audit_summary(report["audits"][ref["id"]])
                for category in categories
                for ref in report["categories"][category]["auditRefs"]
                if ref["weight"] and (report["audits"][ref["id"]]["score"] or 0) < 0.9
            }
    result = {c: statistics.median(v) if v else None for c, v in scores.items()}
    result["runs"] = {c: v for c, v in scores.items()}
    result["audits_below_90"] = missed
    if failures:
        result["failures"] = failures
    return result


def _audit_summary(audit: dict) -> str:
    """The audit's value and its first few items (e.g. which console errors)."""
    items = (audit.get("details") or {}).get("items") or []
    texts = [
        " ".join(str(item.get(key) or "") for key in ("description", "url"))[:200].strip()
        for item in items[:3]
        if isinstance(item, dict)
    ]
    return "; ".join(filter(None, [audit.get("displayValue") or "", *texts]))


# --- Faults: PostgreSQL restarted under load --------------------------------------------------


def classify(path: str, status: int | None, content_type: str, body: bytes) -> str:
    if status is None:
        return "connection error"
    if path.startswith("/api/"):
        own = "json" in content_type and b"detail" in body
        return f"{status} {'own JSON' if own else 'not the API JSON (' + content_type + ')'}"
    own = "text/html" in content_type and b"FabTown Bochum" in body
    start = body[:60].decode(errors="replace")
    return f"{status} {'own page' if own else 'bare page (' + start + ')'}"


def faults(base: str, paths: list[str], *, clients: int) -> dict:
    """Load from `clients` threads; stop PostgreSQL (scripts/localdb), start it again; count
    what failed, how, and how long after the database was back answers were fine again."""
    localdb = str(ROOT / "scripts" / "localdb")
    before, down = env_int("BENCH_FAULT_BEFORE", 5), env_int("BENCH_FAULT_DOWN", 3)
    after = env_int("BENCH_FAULT_AFTER", 15)
    events: list[tuple[float, str, bool, str]] = []  # (time, path, ok, kind)
    stop_at = time.monotonic() + before + down + after + 10
    lock = threading.Lock()
    marks: dict[str, float] = {}

    def client(index: int) -> None:
        n = index
        while time.monotonic() < stop_at and "end" not in marks:
            path = paths[n % len(paths)]
            n += 1
            request = urllib.request.Request(
                base + path, headers={"Accept": accept_for(path), "Accept-Language": "de"}
            )
            status, content_type, body = None, "", b""
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, body = answer.status, answer.read()
                    content_type = answer.headers.get("Content-Type", "")
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read()
                content_type = error.headers.get("Content-Type", "")
            except (urllib.error.URLError, OSError):
                pass
            ok = status is not None and status < 400
            kind = "ok" if ok else classify(path, status, content_type, body)
            with lock:
                events.append((time.monotonic(), path, ok, kind))

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(before)
    marks["stop"] = time.monotonic()
    subprocess.run([localdb, "stop"], check=True, capture_output=True)
    marks["stopped"] = time.monotonic()
    time.sleep(down)
    subprocess.run([localdb, "start"], check=True, capture_output=True)
    marks["started"] = time.monotonic()
    time.sleep(after)
    marks["end"] = time.monotonic()
    for thread in threads:
        thread.join(timeout=40)
    failures = [e for e in events if not e[2]]
    kinds: dict[str, int] = {}
    for event in failures:
        kinds[event[3]] = kinds.get(event[3], 0) + 1
    late = [e[0] for e in failures if e[0] > marks["started"]]
    return {
        "requests": len(events),
        "errors": len(failures),
        "errors_by_kind": kinds,
        "errors_after_restart": len(late),
        "database_down_s": round(marks["started"] - marks["stop"], 2),
        # from PostgreSQL accepting connections again to the last failed answer
        "recovery_s": round(max(late) - marks["started"], 2) if late else 0.0,
        "first_ok_after_restart_s": round(
            min((e[0] for e in events if e[2] and e[0] > marks["started"]), default=-1)
            - marks["started"],
            2,
        ),
        "ok_after_recovery": sum(1 for e in events if e[2] and e[0] > max(late, default=0)),
        "seconds": round(time.monotonic() - start, 1),
    }


# --- Report -----------------------------------------------------------------------------------


def pages_to_measure(env: dict) -> dict:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        category = conn.execute(
            "SELECT c.slug FROM producers_productcategory c JOIN producers_producer p "
            "ON p.category_id = c.id WHERE p.is_published GROUP BY c.slug "
            "ORDER BY (c.slug = 'kaffee') DESC, count(*) DESC LIMIT 1"
        ).fetchone()[0]
        profile = conn.execute(
            "SELECT slug FROM producers_producer WHERE is_published "
            "ORDER BY (slug = 'roestart') DESC, id LIMIT 1"
        ).fetchone()[0]
    return {
        "/": "/",
        "/produzenten/": "/produzenten/",
        "/produzenten/?category=…": f"/produzenten/?category={category}",
        "/produzenten/?q=Kaffee": "/produzenten/?q=Kaffee",
        "a profile": f"/produzenten/{profile}/",
        "/api/v1/producers/": "/api/v1/producers/",
        "/api/v1/producers/geojson/": "/api/v1/producers/geojson/",
        "/produzenten/karte.geojson": "/produzenten/karte.geojson",
        "/flaechen/": "/flaechen/",
        "/massnahmen/": "/massnahmen/",
    }


def ms(value) -> str:
    return "–" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def size(n) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


def markdown(report: dict) -> str:
    lines = []
    load, queries = report.get("load", {}), report.get("queries", {})
    hello = load.get("hello")
    if load:
        if hello:
            lines.append(
                f"hello view: {hello['rps']:,.0f} req/s, p50 {ms(hello['p50_ms'])}, "
                f"p95 {ms(hello['p95_ms'])} ({report['settings']['connections']} connections, "
                f"{report['settings']['duration_s']} s each)\n"
            )
        lines.append(
            "| page | req/s | % of hello | p50 | p95 | p99 | errors | size | queries "
            "(first/again) | target |"
        )
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for name, row in load["pages"].items():
            q = queries.get(name)
            qtext = f"{q['first']}/{q['repeated']}" if q else "–"
            lines.append(
                f"| `{name}` | {row['rps']:,.0f} | {row.get('share_of_hello', 0):.1f} % | "
                f"{ms(row['p50_ms'])} | {ms(row['p95_ms'])} | {ms(row['p99_ms'])} | "
                f"{errors_of(row)} | {size(row['bytes_per_answer'])} | {qtext} | "
                f"{'pass' if row['meets_target'] else 'MISS'} |"
            )
    geo = report.get("geojson")
    if geo:
        sql = geo["postgis_json_agg"]["median_ms"]
        lines.append(
            f"\nGeoJSON ({geo['published_producers']} published producers): PostGIS json_agg "
            f"{ms(sql)} ({size(geo['postgis_json_agg']['bytes'])})"
        )
        for name, row in geo.items():
            if isinstance(row, dict) and "factor" in row:
                verdict = "pass" if row["factor"] <= MAX_GEOJSON_FACTOR else "MISS"
                lines.append(
                    f"- `{name}`: {ms(row['median_ms'])} built in process ({size(row['bytes'])}), "
                    f"{row['factor']:.1f}× PostGIS (target ≤ {MAX_GEOJSON_FACTOR:.0f}×): "
                    f"{verdict}; a cached answer {ms(row.get('cached_median_ms', 0))}"
                )
    lh = report.get("lighthouse")
    if lh:
        lines.append(
            "\n| Lighthouse (median) | performance | accessibility | best practices | SEO |"
        )
        lines.append("|---|---|---|---|---|")
        for name, row in lh.items():
            cells = [row.get(c) for c in ("performance", "accessibility", "best-practices", "seo")]
            text = [
                ("–" if c is None else f"{c:.0f}" + ("" if c >= MIN_LIGHTHOUSE else " ✗"))
                for c in cells
            ]
            lines.append(f"| {name} | " + " | ".join(text) + " |")
    mixed = report.get("mixed")
    if mixed:
        lines.append(
            f"\nMixed load ({mixed['connections']} clients × {mixed['seconds']:.0f} s, all pages): "
            f"{mixed['requests']} requests, {mixed['rps']:.0f} req/s, p95 {ms(mixed['p95_ms'])}, "
            f"{errors_of(mixed)} errors, statuses {mixed['statuses']}"
        )
    fault = report.get("faults")
    if fault:
        if "skipped" in fault:
            lines.append(f"\nFaults: skipped ({fault['skipped']})")
        else:
            lines.append(
                f"\nFaults (PostgreSQL down {fault['database_down_s']} s under load): "
                f"{fault['errors']} of {fault['requests']} requests failed "
                f"({fault['errors_by_kind']}); {fault['errors_after_restart']} after the restart, "
                f"recovered {fault['recovery_s']} s after the database was back"
            )
    cad = report.get("cadastre")
    if cad:
        m, g, u = cad["matching"], cad["gis_import"], cad["urban_location"]
        lines.append(
            f"\nCadastre (issue 11): {m.get('sites')} candidate sites (vacant or reserved), "
            f"{m.get('requests')} active requests"
        )
        for key, value in m.items():
            if key.endswith("_ms"):
                lines.append(f"- matching `{key}`: {ms(value)}")
        lines.append(
            f"- GIS import of {g['rows']:,} GeoPackage rows: first {g['create_seconds']} s "
            f"(target ≤ {MAX_GIS_IMPORT_S:.0f} s), again unchanged {g['unchanged_seconds']} s, "
            f"all updated {g['update_seconds']} s"
        )
        lines.append(
            f"- urban location: producers {u['producers_s']} s, sites {u['sites_s']} s "
            f"(target ≤ {MAX_URBAN_COUNT_S:.0f} s)"
        )
    found = report.get("search")
    if found:
        lines.append(
            f"\nSearch (issue 12): {found['documents']:,} documents, {found['words']:,} known "
            f"words; median of 15 in process (target ≤ {MAX_SEARCH_MS:.0f} ms), queries of the "
            "results page and the API answer (first request; a repeated one is the cached answer)"
        )
        lines.append("\n| search | q | median | max | found (producer/site/measure) | suggestion "
                     "| queries page/API |")  # fmt: skip
        lines.append("|---|---|---|---|---|---|---|")
        for name, row in found["searches"].items():
            counts = "/".join(str(n) for n in row["counts"].values())
            lines.append(
                f"| {name} | `{row['q']}` | {ms(row['median_ms'])} | {ms(row['max_ms'])} | "
                f"{counts} | {row['suggestion'] or '–'} | {row['page_queries'][0]}/"
                f"{row['api_queries'][0]} |"
            )
        for name, row in found.get("load", {}).items():
            lines.append(
                f"- results page under load, {name} (`{row['path']}`): {row['rps']:,.0f} req/s, "
                f"p95 {ms(row['p95_ms'])}, {errors_of(row)} errors"
            )
    lines.append("\nTargets: " + ", ".join(f"{k}: {v}" for k, v in report["targets"].items()))
    load_avg = report["settings"]["load_average_before"][0]
    lines.append(
        f"Run time: {report['run_time_s']:.0f} s on {report['settings']['cpus']} cores "
        f"(load average {load_avg:.1f} at the start)"
    )
    return "\n".join(lines)


def evaluate(report: dict) -> dict:
    targets = {}
    load = report.get("load")
    if load and load.get("hello"):
        missed = [n for n, row in load["pages"].items() if not row["meets_target"]]
        targets["pages ≥ 50 % of hello and p95 < 100 ms"] = (
            "pass" if not missed else f"MISS ({len(missed)} of {len(load['pages'])})"
        )
    geo = report.get("geojson")
    if geo:
        worst = max(r["factor"] for r in geo.values() if isinstance(r, dict) and "factor" in r)
        targets["GeoJSON ≤ 2× PostGIS"] = "pass" if worst <= MAX_GEOJSON_FACTOR else "MISS"
    lh = report.get("lighthouse")
    if lh:
        low = [
            f"{page} {c}"
            for page, row in lh.items()
            for c in ("performance", "accessibility", "best-practices", "seo")
            if row.get(c) is None or row[c] < MIN_LIGHTHOUSE
        ]
        targets["Lighthouse ≥ 95"] = "pass" if not low else "MISS (" + ", ".join(low) + ")"
    if report.get("mixed"):
        targets["mixed load: 0 errors"] = "pass" if errors_of(report["mixed"]) == 0 else "MISS"
    fault = report.get("faults")
    if fault and "skipped" not in fault:
        clean = all("own" in kind for kind in fault["errors_by_kind"])
        targets["faults: own error pages"] = "pass" if clean else "MISS"
    cad = report.get("cadastre")
    if cad:
        match_ms = cad["matching"].get("request_against_sites_ms")
        targets["matching ≤ 100 ms"] = (
            "pass" if match_ms is not None and match_ms <= MAX_MATCH_MS else "MISS"
        )
        first = cad["gis_import"].get("create_seconds")
        targets["GIS import ≤ 30 s"] = (
            "pass" if first is not None and first <= MAX_GIS_IMPORT_S else "MISS"
        )
        urban = cad["urban_location"].get("producers_s")
        targets["urban count ≤ 10 s"] = (
            "pass" if urban is not None and urban <= MAX_URBAN_COUNT_S else "MISS"
        )
    found = report.get("search")
    if found:
        slowest = max(row["median_ms"] for row in found["searches"].values())
        targets[f"search ≤ {MAX_SEARCH_MS:.0f} ms"] = (
            "pass" if slowest <= MAX_SEARCH_MS else f"MISS ({slowest:.0f} ms)"
        )
        loaded = found.get("load", {}).values()
        targets["search page p95 < 100 ms, no errors"] = (
            "pass"
            if all(row["p95_ms"] < MAX_P95_MS and errors_of(row) == 0 for row in loaded)
            else "MISS"
        )
    return targets


# --- Main -------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=env_int("BENCH_DURATION", 12))
    parser.add_argument(
        "--warmup", type=int, default=env_int("BENCH_WARMUP", 2), help="rounds per page"
    )
    parser.add_argument("--connections", type=int, default=env_int("BENCH_CONNECTIONS", 20))
    parser.add_argument("--mixed-duration", type=int, default=env_int("BENCH_MIXED_DURATION", 60))
    parser.add_argument("--workers", type=int, default=env_int("BENCH_WORKERS", 3))
    parser.add_argument("--producers", type=int, default=env_int("BENCH_PRODUCERS", 10_000))
    # 10,000 sites: issue 11 matches one request against that many
    parser.add_argument("--sites", type=int, default=env_int("BENCH_SITES", 10_000))
    parser.add_argument("--requests", type=int, default=env_int("BENCH_REQUESTS", 2_000))
    parser.add_argument("--gis-rows", type=int, default=env_int("BENCH_GIS_ROWS", 10_000))
    parser.add_argument("--lighthouse-runs", type=int, default=env_int("BENCH_LIGHTHOUSE_RUNS", 3))
    parser.add_argument(
        "--only", default=os.environ.get("BENCH_ONLY", ""), help=f"comma list of {PHASES}"
    )
    parser.add_argument(
        "--faults",
        action="store_true",
        default=os.environ.get("BENCH_FAULTS", "") not in ("", "0"),
        help="restart PostgreSQL under load (embedded cluster only)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        default=os.environ.get("BENCH_STRICT", "") not in ("", "0"),
        help="exit 1 when a target is missed",
    )
    parser.add_argument("--in-process", help=argparse.SUPPRESS)
    parser.add_argument("--pages", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.in_process:
        task = {"queries": task_queries, "geojson": task_geojson, "search": task_search}[
            args.in_process
        ]
        print(json.dumps(task(json.loads(args.pages))))
        return 0

    started = time.monotonic()
    phases = [p for p in (args.only.split(",") if args.only else PHASES) if p]
    if not args.faults and not args.only:
        phases.remove("faults")
    if not Path(WRK).exists():
        raise SystemExit("wrk is missing: scripts/system-deps bench (apt-get install wrk)")

    base_url, embedded = base_database_url()
    database_url = with_database(base_url, os.environ.get("BENCH_DATABASE", "fabtown_bench"))
    if urlsplit(database_url).path == urlsplit(base_url).path:
        raise SystemExit("BENCH_DATABASE must not be the site's own database")
    setup_env = dict(os.environ, DATABASE_URL=database_url)
    setup_env.pop("FABTOWN_TESTING", None)
    prepare_database(setup_env, args.producers, args.sites)
    cadastre = (
        measure_cadastre(setup_env, requests=args.requests, gis_rows=args.gis_rows)
        if "cadastre" in phases
        else None
    )

    static_root = tempfile.mkdtemp(prefix="fabtown-bench-static-")
    env = production_env(database_url, static_root)
    log("collectstatic (production storage) into a temporary directory")
    manage(env, "collectstatic", "--no-input", "-v", "0")
    pages = pages_to_measure(env)
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    server = Server(env, args.workers, REPORTS / f"gunicorn-{stamp}.log")
    report: dict = {
        "started": stamp,
        "settings": {
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_rounds": args.warmup,
            "workers": args.workers,
            "producers": args.producers,
            "sites": args.sites,
            "cpus": os.cpu_count(),
            "load_average_before": os.getloadavg(),
            "database": urlsplit(database_url).path.lstrip("/"),
            "phases": phases,
        },
        "pages": pages,
    }
    if cadastre is not None:
        report["cadastre"] = cadastre
    try:
        server.wait()
        log(f"gunicorn ({args.workers} workers, DEBUG=0) on {server.base}")
        if "load" in phases:
            report["load"] = measure_load(server.base, pages, args)
        drain(server.base, args.workers)
        if "queries" in phases:
            log("queries per request (test client)")
            report["queries"] = in_process(env, "queries", pages)
        if "geojson" in phases:
            log("GeoJSON against PostGIS json_agg")
            geo_pages = {n: p for n, p in pages.items() if "geojson" in p}
            report["geojson"] = in_process(env, "geojson", geo_pages)
        if "search" in phases:
            log(f"search: {len(SEARCHES)} searches in process, the results page under load")
            report["search"] = in_process(env, "search", SEARCHES)
            report["search"]["load"] = {}
            for name in ("common word", "typo"):
                path = "/suche/?" + urlencode({"q": SEARCHES[name]})
                warm_up(server.base, path, rounds=args.warmup, workers=args.workers)
                row = wrk(server.base, [path], seconds=args.duration, connections=args.connections)
                row["path"] = path
                drain(server.base, args.workers)
                report["search"]["load"][name] = row
        if "lighthouse" in phases:
            report["lighthouse"] = {}
            for name in ("/", "/produzenten/", "a profile"):
                log(f"Lighthouse {name} ({args.lighthouse_runs} runs)")
                report["lighthouse"][name] = lighthouse(
                    server.base + pages[name], args.lighthouse_runs
                )
        if "mixed" in phases:
            log(f"mixed load: {args.connections} clients × {args.mixed_duration} s")
            mixed = wrk(
                server.base,
                list(pages.values()),
                seconds=args.mixed_duration,
                connections=args.connections,
            )
            mixed["connections"] = args.connections
            drain(server.base, args.workers)
            report["mixed"] = mixed
        if "faults" in phases:
            if not embedded:
                report["faults"] = {
                    "skipped": "needs the embedded cluster of scripts/localdb (unset "
                    "DATABASE_URL); a shared server is never restarted"
                }
            else:
                log("faults: PostgreSQL restarted under load")
                report["_errors_before_faults"] = count_logged_errors(server.logfile)
                report["faults"] = faults(
                    server.base, list(pages.values()), clients=args.connections
                )
    finally:
        server.stop()
        shutil.rmtree(static_root, ignore_errors=True)
    logged = count_logged_errors(server.logfile)
    # the restart's own errors are counted apart from those of the other phases
    before_faults = report.pop("_errors_before_faults", logged)
    report["server_errors_logged"] = before_faults
    report["server_errors_logged_during_faults"] = logged - before_faults
    report["settings"]["load_average_after"] = os.getloadavg()
    report["run_time_s"] = round(time.monotonic() - started, 1)
    report["targets"] = evaluate(report)
    text = markdown(report)
    report["markdown"] = text
    path = REPORTS / f"report-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (REPORTS / "latest.json").write_text(path.read_text())
    print("\n" + text + f"\n\nReport: {path.relative_to(ROOT)}")
    if report["server_errors_logged"]:
        print(
            f"gunicorn logged {report['server_errors_logged']} errors outside the fault test "
            f"(500s or crashes: look at them): {server.logfile}"
        )
    missed = any(v != "pass" for v in report["targets"].values())
    return 1 if args.strict and missed else 0


def measure_load(base: str, pages: dict, args) -> dict:
    result: dict = {"pages": {}}
    for name, path in [("hello", HELLO), *pages.items()]:
        log(f"wrk {name}: warm-up, then {args.duration} s")
        warm_up(base, path, rounds=args.warmup, workers=args.workers)
        row = wrk(base, [path], seconds=args.duration, connections=args.connections)
        row["path"] = path
        row["drain_s"] = round(drain(base, args.workers), 1)
        if name == "hello":
            result["hello"] = row
            continue
        row["share_of_hello"] = 100 * row["rps"] / result["hello"]["rps"]
        row["meets_target"] = meets_target(row, result["hello"])
        result["pages"][name] = row
    return result


def meets_target(row: dict, hello: dict) -> bool:
    """Issue 10: at least half the hello view's throughput, p95 under 100 ms, no errors."""
    return (
        100 * row["rps"] / hello["rps"] >= MIN_SHARE_OF_HELLO
        and row["p95_ms"] < MAX_P95_MS
        and errors_of(row) == 0
    )


def count_logged_errors(logfile: Path) -> int:
    with contextlib.suppress(OSError):
        # one line per 500 (django.request), gunicorn's own errors and worker timeouts
        pattern = r"^Internal Server Error:|\[(ERROR|CRITICAL)\]"
        return len(re.findall(pattern, logfile.read_text(), re.M))
    return 0


if __name__ == "__main__":
    sys.exit(main())
