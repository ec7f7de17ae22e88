import os
from pathlib import Path

import pytest

# Playwright's synchronous API runs an event loop in the test thread; the ORM calls made
# by the tests themselves around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
def bochum_data(db):
    """The Bochum data as `make run` loads it."""
    from django.core.management import call_command

    call_command("load_bochum_data", verbosity=0)


@pytest.fixture
def superuser(db):
    from tests.factories import SuperuserFactory

    return SuperuserFactory()


@pytest.fixture
def admin_client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in German, the site's default. The locale middleware leaves the last
    request's language active in the thread, and reverse() in a test would follow it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """allauth's sign-up and sign-in counters live in the cache, answers in fabtown.answers'
    store; every test starts with none. (The other rate limits count in the database and go
    with each test's transaction.)"""
    from django.core.cache import cache

    from fabtown import answers

    cache.clear()
    answers.store.clear()
    yield
    cache.clear()
    answers.store.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a temporary directory, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _count_queries_of_the_render(request):
    """Query-count assertions measure what rendering a page or answer costs, so they see no
    cached answers; what a cached answer costs (one query, the content version) is asserted in
    tests/fabtown/test_answers.py."""
    counting = {"django_assert_num_queries", "django_assert_max_num_queries"}
    if counting & set(request.fixturenames):
        settings = request.getfixturevalue("settings")
        settings.ANSWER_CACHE = False
    yield
