"""Reading the environment: every helper fails loudly on a value it cannot use."""

import os
from collections.abc import Mapping
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no).")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


_RATE_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A limit like `5/h` or `20/10m` (as many per that many seconds, minutes, hours, days)."""
    raw = os.environ.get(name, default)
    amount, _, period = raw.strip().partition("/")
    count, unit = period[:-1] or "1", period[-1:]
    if not (amount.isdigit() and count.isdigit() and unit in _RATE_UNITS and int(count) > 0):
        raise ImproperlyConfigured(f"{name}={raw!r} is not a rate like 5/h or 20/10m.")
    return int(amount), int(count) * _RATE_UNITS[unit]


# --- Shared stores for more than one app server (README, "More than one machine") -------------

DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "fabtown_cache",
}
# Valkey speaks Redis' protocol; the redis client only knows Redis' schemes.
_CACHE_SCHEMES = {"redis": "redis", "rediss": "rediss", "valkey": "redis", "valkeys": "rediss"}


def cache_from_url(url: str | None) -> dict:
    """The default cache for CACHE_URL: Redis or Valkey when given, else the database's table.

    Either way every app server sees the same entries (allauth's sign-up and sign-in counters,
    cached pages); sessions are kept in the database whatever this says.
    """
    if not url:
        return dict(DATABASE_CACHE)
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in _CACHE_SCHEMES or not rest:
        raise ImproperlyConfigured(
            f"CACHE_URL={url.split('@')[-1]!r} is not a redis://, rediss:// or valkey:// address."
        )
    location = f"{_CACHE_SCHEMES[scheme.lower()]}://{rest}"
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}


_S3 = "storages.backends.s3.S3Storage"
_PRIVATE_PREFIX = "private"
# What MEDIA_STORAGE_URL's query may say, and the S3Storage option each one sets.
_S3_QUERY = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "custom_domain": "custom_domain",
    "addressing_style": "addressing_style",
}


def _s3_location(url: str, name: str) -> dict:
    """s3://bucket/prefix?endpoint_url=…&region=… as S3Storage options (without credentials)."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must look like s3://bucket/prefix?region=…")
    if "@" in parts.netloc:
        raise ImproperlyConfigured(
            f"{name} must not contain credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY instead."
        )
    options = {"bucket_name": parts.netloc, "location": parts.path.strip("/")}
    for key, values in parse_qs(parts.query, keep_blank_values=True).items():
        if key not in _S3_QUERY or len(values) != 1 or not values[0]:
            known = ", ".join(_S3_QUERY)
            raise ImproperlyConfigured(f"{name}: {key!r} is not one of {known} (given once).")
        options[_S3_QUERY[key]] = values[0]
    return options


def _s3_from_aws_variables(environ: Mapping[str, str]) -> dict:
    """The same options from the variables django-storages' documentation names."""
    options = {
        "bucket_name": environ["AWS_STORAGE_BUCKET_NAME"],
        "location": environ.get("AWS_LOCATION", "").strip("/"),
    }
    for variable, option in [
        ("AWS_S3_ENDPOINT_URL", "endpoint_url"),
        ("AWS_S3_REGION_NAME", "region_name"),
        ("AWS_S3_CUSTOM_DOMAIN", "custom_domain"),
        ("AWS_S3_ADDRESSING_STYLE", "addressing_style"),
    ]:
        if environ.get(variable):
            options[option] = environ[variable]
    return options


def media_storages(environ: Mapping[str, str]) -> dict[str, dict]:
    """STORAGES' "default" (public uploads: producers' photos) and "private" (label applications'
    photos, only ever served through a view that checks who asks).

    Local disk (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) unless MEDIA_STORAGE_URL or
    AWS_STORAGE_BUCKET_NAME names an S3-compatible bucket. There public files get plain,
    unsigned URLs (the bucket's policy must let everyone read that prefix); private files go to
    PRIVATE_MEDIA_STORAGE_URL, or else to the prefix "private/" of the same bucket, never
    readable without a signature. Credentials come from AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY (read by boto3), never from the URL.
    """
    if environ.get("MEDIA_STORAGE_URL"):
        public = _s3_location(environ["MEDIA_STORAGE_URL"], "MEDIA_STORAGE_URL")
    elif environ.get("AWS_STORAGE_BUCKET_NAME"):
        public = _s3_from_aws_variables(environ)
    else:
        if environ.get("PRIVATE_MEDIA_STORAGE_URL"):
            raise ImproperlyConfigured(
                "PRIVATE_MEDIA_STORAGE_URL needs MEDIA_STORAGE_URL (or AWS_STORAGE_BUCKET_NAME)."
            )
        return {
            "default": {"BACKEND": "fabtown.storage.WholeFileSystemStorage"},
            "private": {"BACKEND": "fabtown.storage.PrivateFileSystemStorage"},
        }
    if environ.get("PRIVATE_MEDIA_STORAGE_URL"):
        private = _s3_location(environ["PRIVATE_MEDIA_STORAGE_URL"], "PRIVATE_MEDIA_STORAGE_URL")
    else:
        prefix = public["location"]
        if not prefix or prefix.split("/")[0] == _PRIVATE_PREFIX:
            raise ImproperlyConfigured(
                "Public uploads need a prefix of their own in the bucket (s3://bucket/media), "
                f"apart from the private ones under {_PRIVATE_PREFIX}/; or set "
                "PRIVATE_MEDIA_STORAGE_URL to another bucket."
            )
        private = {**public, "location": _PRIVATE_PREFIX, "custom_domain": None}
    # Names are unique already (uuid, or Django's suffix); never replace another upload.
    shared = {"file_overwrite": False, "default_acl": None}
    return {
        "default": {"BACKEND": _S3, "OPTIONS": {**public, **shared, "querystring_auth": False}},
        "private": {
            "BACKEND": _S3,
            # Served through the view; a URL, if one were ever made, is signed and short-lived.
            "OPTIONS": {
                **private,
                **shared,
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }
