"""A sliding-window limit in the shared cache, for actions allauth does not cover.

It keeps the times of the last allowed actions per key (as allauth does), so a burst cannot
double its allowance across the turn of an hour, and it can say exactly when the next action
is allowed again (for Retry-After and the sentence on the page).
"""

import math
import time

from django.core.cache import cache


def consume(*, action: str, key: str, limit: int, window_seconds: int = 3600) -> int:
    """Count one `action` by `key` if fewer than `limit` happened within the window.

    Returns 0 when it is allowed, otherwise the seconds until it will be.
    """
    now = time.time()
    cache_key = f"ratelimit:{action}:{key}"
    recent = sorted(t for t in cache.get(cache_key, []) if t > now - window_seconds)
    if len(recent) >= limit:
        if limit <= 0:  # switched off entirely
            return window_seconds
        return max(1, math.ceil(recent[-limit] + window_seconds - now))
    cache.set(cache_key, [*recent, now], timeout=window_seconds)
    return 0
