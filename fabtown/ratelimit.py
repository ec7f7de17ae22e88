"""Rate limits counted in PostgreSQL, atomic and shared by every app server.

Used for the actions allauth does not cover (feedback reports, label submissions) and for the
API's throttles (fabtown.throttling). Each check is one statement: an INSERT … ON CONFLICT that
adds one to the key's counter for the current window only while it is below the limit and says
whether it did. PostgreSQL locks the row for that statement, so concurrent requests on any
number of servers cannot get past the limit together (the cache-based sliding window could:
141 requests passed a limit of 120 under load).

Fixed windows (e.g. each whole minute, each whole hour), not a sliding estimate: the count is
exact, the answer "try again in n seconds" is exact and never longer than the window, and the
stated rate ("120/minute") means what it says. The price: a client that spends its allowance at
the end of one window can spend it again at the start of the next, i.e. up to twice the limit
within a short time. These limits keep floods and scripted forms out; they meter nothing, and
sign-ins have their own lockout (django-axes) and allauth's limits.

Keys are stored as an HMAC (keyed with SECRET_KEY) of the client's address, account or e-mail:
the table tells how often, never who. It is UNLOGGED (see fabtown.models.RateCounter).
"""

import itertools
import math
import time
from datetime import UTC, datetime

from django.db import connection
from django.utils.crypto import salted_hmac

TABLE = "fabtown_ratecounter"

_CONSUME = f"""
INSERT INTO {TABLE} AS counter (key, window_start, hits, expires_at)
VALUES (%(key)s, %(start)s, 1, %(end)s)
ON CONFLICT (key, window_start) DO UPDATE SET hits = counter.hits + 1
    WHERE counter.hits < %(limit)s
RETURNING hits
"""
# Every this many checks a process deletes the windows that have ended (an index scan).
PURGE_EVERY = 1000
_checks = itertools.count(1)


def counter_key(*, action: str, key: str, window_seconds: int) -> str:
    digest = salted_hmac("fabtown.ratelimit", key, algorithm="sha256").hexdigest()
    return f"{action}/{window_seconds}:{digest}"


def consume(*, action: str, key: str, limit: int, window_seconds: int = 3600) -> int:
    """Count one `action` by `key` if fewer than `limit` were allowed in the current window.

    Returns 0 when it is allowed, otherwise the seconds until it will be. A refused attempt is
    not counted.
    """
    if limit <= 0:  # switched off entirely
        return window_seconds
    now = time.time()
    start = now // window_seconds * window_seconds
    end = start + window_seconds
    params = {
        "key": counter_key(action=action, key=key, window_seconds=window_seconds),
        "start": datetime.fromtimestamp(start, UTC),
        "end": datetime.fromtimestamp(end, UTC),
        "limit": limit,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CONSUME, params)
        allowed = cursor.fetchone() is not None
    if next(_checks) % PURGE_EVERY == 0:
        purge_expired()
    return 0 if allowed else max(1, math.ceil(end - now))


def purge_expired() -> int:
    """Delete the counters of windows that have ended; returns how many. Cheap enough to run
    from time to time in a request (consume does) and from the daily jobs."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE expires_at <= %s",
            [datetime.fromtimestamp(time.time(), UTC)],
        )
        return cursor.rowcount
