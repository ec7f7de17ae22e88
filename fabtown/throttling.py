"""The API's throttles, counted by fabtown.ratelimit: one atomic statement per request.

DRF's own throttles keep each client's request times in the cache: with the database cache
that was 12 of the producer list's 14 queries and a write per request, and two servers (or two
workers) could both let the 120th request through. These keep DRF's scopes and rates
(DEFAULT_THROTTLE_RATES "anon" and "user") and its 429 answer with Retry-After.
"""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from fabtown import ratelimit


class _CounterThrottle:
    """Mixed into DRF's rate throttles: their rate, scope and ident; our counter."""

    retry_after = None

    def client_key(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.client_key(request)
        if key is None:
            return True
        self.retry_after = ratelimit.consume(
            action=f"api-{self.scope}",
            key=key,
            limit=self.num_requests,
            window_seconds=self.duration,
        )
        return not self.retry_after

    def wait(self):
        return self.retry_after


class AnonCounterThrottle(_CounterThrottle, AnonRateThrottle):
    """Anonymous requests, per client address (REMOTE_ADDR, see TrustedProxyMiddleware)."""

    def client_key(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.get_ident(request)


class UserCounterThrottle(_CounterThrottle, UserRateThrottle):
    """Signed-in requests (token or session), per account.

    DRF's UserRateThrottle also counts anonymous requests by address; the anonymous limit is
    the lower one for the same address, so that second count changed nothing but cost a query.
    """

    def client_key(self, request) -> str | None:
        if request.user and request.user.is_authenticated:
            return str(request.user.pk)
        return None
