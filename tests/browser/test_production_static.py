"""The site as production serves it: DEBUG=0, static files collected with hashed names and
served by WhiteNoise from gunicorn. What works with the development server can break here
(Leaflet looked for its marker images beside the page: /produzenten/marker-icon.png)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.axe import axe_violations
from tests.browser.conftest import save_screenshot
from tests.factories import ProducerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = settings.DATABASES["default"]  # the test database, with the test's committed rows
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def production_server(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("FABTOWN_TESTING",)} | {
        "DEBUG": "0",
        "SECRET_KEY": "production-static-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "fabtown.settings",
    }
    python = Path(sys.executable)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT, env=env, check=True, timeout=120,
    )  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [python.parent / "gunicorn", "fabtown.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/impressum/", timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_markers_show_with_productions_hashed_static_files(new_context, production_server):
    producer = ProducerFactory(name="Röstart", slug="roestart")
    page = new_context().new_page()
    broken = []
    page.on("response", lambda r: broken.append(r.url) if r.status >= 400 else None)
    page.goto(f"{production_server}/produzenten/{producer.slug}/")
    marker = page.locator("#profile-map img.leaflet-marker-icon")
    marker.wait_for()
    marker.evaluate("img => img.complete || new Promise(done => img.onload = done)")
    assert marker.evaluate("img => img.naturalWidth") > 0, marker.get_attribute("src")
    assert [u for u in broken if "tile.openstreetmap" not in u] == []
    save_screenshot(page, "production-profile-map")
    assert axe_violations(page) == []
