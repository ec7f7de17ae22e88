"""The optional error tracker: Sentry (or a Sentry-compatible service such as GlitchTip).

Off unless SENTRY_DSN is set. Nothing personal is sent: no request bodies, cookies, query
strings, Authorization/Cookie headers, client addresses, user names or e-mail addresses, and no
local variables of stack frames (they hold form data: applicants' contacts, owners' names).
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

_SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "x-csrftoken"})
_USER_KEEPS = frozenset({"id"})


def _without_query(url: str) -> str:
    return url.split("?", 1)[0].split("#", 1)[0]


def _scrub_request(request: dict) -> None:
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    if isinstance(request.get("url"), str):
        request["url"] = _without_query(request["url"])
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {
            name: value for name, value in headers.items() if name.lower() not in _SECRET_HEADERS
        }


def _scrub_breadcrumbs(event: dict) -> None:
    crumbs = event.get("breadcrumbs")
    values = crumbs.get("values") if isinstance(crumbs, dict) else crumbs
    for crumb in values or []:
        data = crumb.get("data") if isinstance(crumb, dict) else None
        if isinstance(data, dict):
            data.pop("http.query", None)
            if isinstance(data.get("url"), str):
                data["url"] = _without_query(data["url"])


def scrub_event(event: dict, hint: Any = None) -> dict:
    """`before_send` (and `before_send_transaction`): strip what could be personal data."""
    request = event.get("request")
    if isinstance(request, dict):
        _scrub_request(request)
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {key: value for key, value in user.items() if key in _USER_KEEPS}
    _scrub_breadcrumbs(event)
    return event


def sample_rate(raw: str) -> float:
    try:
        rate = float(raw)
    except ValueError:
        rate = -1.0
    if not 0.0 <= rate <= 1.0:
        raise ImproperlyConfigured(
            f"SENTRY_TRACES_SAMPLE_RATE={raw!r} is not a number from 0 to 1."
        )
    return rate


def init_sentry(*, dsn: str, environment: str, release: str, traces_sample_rate: str) -> bool:
    """Start the SDK if a DSN is given; True if it was started."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=sample_rate(traces_sample_rate),
        environment=environment or None,
        release=release or None,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
    )
    return True
