"""Pieces of the browser security headers that are computed from settings."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


def source_of(url_template: str) -> list[str]:
    """The Content-Security-Policy source that allows loading from `url_template`'s server.

    A Leaflet tile template may name subdomains ("https://{s}.tile.example.org/{z}/{x}/{y}.png"
    becomes "https://*.tile.example.org"); a relative template is our own server ('self').
    """
    parts = urlsplit(url_template)
    if not parts.netloc:
        return []
    host = parts.netloc
    if host.startswith("{s}."):
        host = "*." + host.removeprefix("{s}.")
    if "{" in host or "@" in host:
        raise ImproperlyConfigured(f"Cannot derive a Content-Security-Policy source from {host}.")
    return [f"{parts.scheme}://{host}" if parts.scheme else host]


def media_sources(storages: dict) -> list[str]:
    """The Content-Security-Policy sources of public uploads kept in an S3 bucket.

    Local uploads come from our own server ('self'). From a bucket, images load from its custom
    domain, else from its endpoint (path-style URLs) or the bucket's own host there.
    """
    config = storages.get("default", {})
    if config.get("BACKEND") != "storages.backends.s3.S3Storage":
        return []
    options = config.get("OPTIONS", {})
    if options.get("custom_domain"):
        return [f"https://{options['custom_domain']}"]
    bucket = options["bucket_name"]
    if options.get("endpoint_url"):
        parts = urlsplit(options["endpoint_url"])
        return [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://{bucket}.{parts.netloc}"]
    sources = [f"https://{bucket}.s3.amazonaws.com"]
    if options.get("region_name"):
        sources.append(f"https://{bucket}.s3.{options['region_name']}.amazonaws.com")
    return sources
