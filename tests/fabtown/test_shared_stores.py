"""Settings for more than one app server: the shared cache (CACHE_URL) and uploads in object
storage (MEDIA_STORAGE_URL or the AWS_* variables), and private photos read through the API of
whatever storage holds them."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from fabtown.env import cache_from_url, media_storages
from fabtown.security import media_sources

REDIS = "django.core.cache.backends.redis.RedisCache"
S3 = "storages.backends.s3.S3Storage"


# --- CACHE_URL ------------------------------------------------------------------------------


def test_without_cache_url_the_cache_is_the_database_table():
    assert cache_from_url(None) == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "fabtown_cache",
    }


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("redis://cache.internal:6379/1", "redis://cache.internal:6379/1"),
        ("rediss://:geheim@cache.internal:6380/0", "rediss://:geheim@cache.internal:6380/0"),
        ("valkey://cache.internal:6379/2", "redis://cache.internal:6379/2"),
        ("valkeys://cache.internal/0", "rediss://cache.internal/0"),
    ],
    ids=["redis", "rediss", "valkey", "valkeys"],
)
def test_a_redis_or_valkey_url_selects_djangos_redis_cache(url, location):
    assert cache_from_url(url) == {"BACKEND": REDIS, "LOCATION": location}


@pytest.mark.parametrize("url", ["memcached://cache:11211", "cache.internal:6379", "redis://"])
def test_any_other_cache_url_fails_loudly_without_showing_a_password(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_from_url(url)
    with pytest.raises(ImproperlyConfigured) as error:
        cache_from_url("memcached://user:geheim@cache")
    assert "geheim" not in str(error.value)


def test_sessions_stay_in_the_database(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# --- MEDIA_STORAGE_URL ----------------------------------------------------------------------


def test_without_object_storage_uploads_stay_on_local_disk():
    assert media_storages({}) == {
        "default": {"BACKEND": "fabtown.storage.WholeFileSystemStorage"},
        "private": {"BACKEND": "fabtown.storage.PrivateFileSystemStorage"},
    }


def test_a_media_storage_url_puts_public_and_private_uploads_in_separate_prefixes():
    url = "s3://fabtown-media/media?endpoint_url=https://s3.example.net&region=eu-central-1"
    storages = media_storages({"MEDIA_STORAGE_URL": url})
    assert storages["default"] == {
        "BACKEND": S3,
        "OPTIONS": {
            "bucket_name": "fabtown-media",
            "location": "media",
            "endpoint_url": "https://s3.example.net",
            "region_name": "eu-central-1",
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": False,
        },
    }
    private = storages["private"]["OPTIONS"]
    assert storages["private"]["BACKEND"] == S3
    assert (private["bucket_name"], private["location"]) == ("fabtown-media", "private")
    assert private["querystring_auth"] is True and private["querystring_expire"] == 300
    assert private["endpoint_url"] == "https://s3.example.net"


def test_private_uploads_can_have_a_bucket_of_their_own():
    storages = media_storages(
        {
            "MEDIA_STORAGE_URL": "s3://public-bucket/?custom_domain=media.fabtown.example",
            "PRIVATE_MEDIA_STORAGE_URL": "s3://private-bucket/antraege?region=eu-central-1",
        }
    )
    assert storages["default"]["OPTIONS"]["custom_domain"] == "media.fabtown.example"
    private = storages["private"]["OPTIONS"]
    assert (private["bucket_name"], private["location"]) == ("private-bucket", "antraege")
    assert private["querystring_auth"] is True and "custom_domain" not in private


def test_the_usual_aws_variables_select_object_storage_as_well():
    storages = media_storages(
        {
            "AWS_STORAGE_BUCKET_NAME": "fabtown",
            "AWS_LOCATION": "media/",
            "AWS_S3_ENDPOINT_URL": "https://minio.internal:9000",
            "AWS_S3_REGION_NAME": "us-east-1",
        }
    )
    public = storages["default"]["OPTIONS"]
    assert (public["bucket_name"], public["location"]) == ("fabtown", "media")
    assert public["endpoint_url"] == "https://minio.internal:9000"
    assert storages["private"]["OPTIONS"]["location"] == "private"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MEDIA_STORAGE_URL": "s3://bucket"}, "prefix of their own"),
        ({"MEDIA_STORAGE_URL": "s3://bucket/private/media"}, "prefix of their own"),
        ({"MEDIA_STORAGE_URL": "s3://KEY:SECRET@bucket/media"}, "AWS_ACCESS_KEY_ID"),
        ({"MEDIA_STORAGE_URL": "https://bucket/media"}, "s3://bucket/prefix"),
        ({"MEDIA_STORAGE_URL": "s3://bucket/media?acl=public-read"}, "'acl' is not one of"),
        ({"PRIVATE_MEDIA_STORAGE_URL": "s3://bucket/private"}, "needs MEDIA_STORAGE_URL"),
    ],
    ids=["whole-bucket", "private-prefix", "credentials", "scheme", "option", "private-alone"],
)
def test_storage_settings_that_could_expose_or_lose_uploads_fail_loudly(environ, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        media_storages(environ)


def test_the_content_security_policy_allows_images_from_the_public_bucket():
    assert media_sources(media_storages({})) == []
    custom = media_storages({"MEDIA_STORAGE_URL": "s3://b/m?custom_domain=media.example.org"})
    assert media_sources(custom) == ["https://media.example.org"]
    endpoint = media_storages({"MEDIA_STORAGE_URL": "s3://b/m?endpoint_url=https://s3.example"})
    assert media_sources(endpoint) == ["https://s3.example", "https://b.s3.example"]


# --- private photos from a storage that is no file system -----------------------------------


@pytest.mark.django_db
def test_a_private_photo_is_streamed_from_a_storage_without_files(client, settings):
    from django.core.files.storage import InMemoryStorage

    from tests.factories import ApplicantFactory, LabelApplicationFactory
    from tests.factories import LabelApplicationPhotoFactory as PhotoFactory

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    applicant = ApplicantFactory()
    photo = PhotoFactory(application=LabelApplicationFactory(applicant=applicant))
    assert isinstance(photo.image.storage, InMemoryStorage)
    assert not settings.PRIVATE_MEDIA_ROOT.exists()  # nothing on disk
    client.force_login(applicant)
    response = client.get(reverse("label:application_photo", args=[photo.pk]))
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
    assert response["Content-Type"] == "image/png"
