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
