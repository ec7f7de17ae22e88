"""A fixed-window counter in the shared cache, for actions allauth does not cover."""

import math
import time

from django.core.cache import cache


def allow(*, action: str, key: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one `action` by `key`; False once `limit` is exceeded within the window."""
    window = int(time.time() // window_seconds)
    cache_key = f"ratelimit:{action}:{key}:{window}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def seconds_until_reset(*, window_seconds: int = 3600) -> int:
    """How long until `allow` counts afresh: the current window's end (for Retry-After)."""
    return max(1, math.ceil(window_seconds - time.time() % window_seconds))
