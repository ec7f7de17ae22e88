"""Two app servers, one database: what is done on one holds on the other.

Two real gunicorn processes on two ports serve the pytest database with production's stores:
no FABTOWN_TESTING, so sessions, the database cache and the rate counters are what a
deployment uses. Uploads go to one directory both servers are given, as they would be given
one bucket (MEDIA_STORAGE_URL) or one shared volume. The data the test makes is committed
(a transactional test), so that the servers see it.
"""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from tests.factories import ApplicantFactory, LabelApplicationFactory, small_png
from tests.label.helpers import application_form_data

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
PASSWORD = "correct horse battery"
STARTUP_SECONDS = 90
# A day's window: six requests made one after another cannot straddle two windows (at most
# once in days, at midnight UTC), which a minute's window could.
API_ANON_RATE = "5/day"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _server_environment(media: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"FABTOWN_TESTING", "CACHE_URL", "MEDIA_STORAGE_URL"}
        and not key.startswith("AWS_")
    }
    env.update(
        DEBUG="1",
        DATABASE_URL=_database_url(),
        DB_CONN_MAX_AGE="0",
        API_ANON_RATE=API_ANON_RATE,
        MEDIA_ROOT=str(media / "public"),
        PRIVATE_MEDIA_ROOT=str(media / "private"),
        PYTHONUNBUFFERED="1",
    )
    return env


class Server:
    def __init__(self, name: str, env: dict[str, str], log: Path):
        self.name, self.port = name, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(GUNICORN), "fabtown.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "1", "--access-logfile", "-"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip

    def wait_until_ready(self) -> None:
        """Poll the sign-in page (not the API: that would count against its limit)."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if requests.get(self.url + reverse("account_login"), timeout=5).ok:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"Server {self.name} did not start:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def servers(request, tmp_path):
    env = _server_environment(tmp_path / "media")
    # The database cache's table, as `make migrate` creates it (the tests' own cache is local).
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    started = []
    for name in ("A", "B"):
        server = Server(name, env, tmp_path / f"server-{name}.log")
        request.addfinalizer(server.stop)
        started.append(server)
    for server in started:
        server.wait_until_ready()
    return started


@pytest.fixture
def producer():
    """An applicant whose password the servers can check (the tests' own hasher is MD5)."""
    user = ApplicantFactory()
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, "twoservers", iterations=1000)
    user.save(update_fields=["password"])
    return user


def _csrf_token(page: requests.Response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _sign_in(session: requests.Session, server: Server, email: str) -> None:
    url = server.url + reverse("account_login")
    form = session.get(url)
    answer = session.post(
        url,
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf_token(form)},
        allow_redirects=False,
    )
    assert answer.status_code == 302, answer.text[:2000]


def test_a_sign_in_an_upload_and_a_rate_limit_on_one_server_hold_on_the_other(servers, producer):
    a, b = servers
    on_a = requests.Session()
    _sign_in(on_a, a, producer.email)

    # The session cookie from A is valid on B.
    on_b = requests.Session()
    cookie = settings.SESSION_COOKIE_NAME
    on_b.cookies.set(cookie, on_a.cookies[cookie])
    account = on_b.get(b.url + reverse("label:account"), allow_redirects=False)
    assert account.status_code == 200 and producer.email in account.text
    stranger = requests.get(b.url + reverse("label:account"), allow_redirects=False)
    assert stranger.status_code == 302  # no cookie, no account page

    # A photo uploaded on A is served on B, through the view that checks who asks.
    application = LabelApplicationFactory(applicant=producer)
    edit = a.url + reverse("label:application_edit", args=[application.pk])
    upload = small_png("werkstatt.png")
    data = application_form_data(application, **{"photo-description": "Die Werkstatt"})
    saved = on_a.post(
        edit,
        data={**data, "csrfmiddlewaretoken": _csrf_token(on_a.get(edit))},
        files={"photo-image": ("werkstatt.png", upload.read(), "image/png")},
        allow_redirects=False,
    )
    assert saved.status_code == 302, saved.text[:2000]
    photo = application.photos.get()
    served = on_b.get(b.url + reverse("label:application_photo", args=[photo.pk]))
    upload.seek(0)
    assert served.status_code == 200 and served.content == upload.read()
    assert requests.get(b.url + reverse("label:application_photo", args=[photo.pk])).url.startswith(
        b.url + reverse("account_login")
    )  # anonymous: sent to sign in

    # The API's limit (5 a day here) counts requests on both servers together.
    api = "/api/v1/production-forms/"
    codes = [requests.get(server.url + api).status_code for server in [a, b, a, b, a]]
    refused = requests.get(b.url + api)
    assert codes == [200] * 5
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert set(refused.json()) == {"detail"}
