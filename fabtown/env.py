"""Reading the environment: every helper fails loudly on a value it cannot use."""

import os

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
