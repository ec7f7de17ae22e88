"""Sign-in protection for both login doors (the admin and producers' accounts): django-axes
counts failed sign-ins per account and client address in the database, shared by every server
process, and locks that pair out for a while once the limit is reached."""

from allauth.core.ratelimit import consume_or_429
from django.contrib import admin
from django.contrib.auth.models import AbstractUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from fabtown.errors import too_many_requests


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login, counted per client address like the producers' login: one limit
    (ACCOUNT_RATE_LIMITS["login"]) and one counter for both doors, so that trying many accounts
    from one address (password spraying) meets the same wall at either."""
    return consume_or_429(request, action="login") or admin.site.login(request)


def login_name(request: HttpRequest, credentials: dict | None) -> str:
    """The account a sign-in is for: the admin sends `username`, allauth an `email` (its form
    field is `login`). Lower-cased, so that "Max@…" and "max@…" count together."""
    credentials = credentials or {}
    posted = getattr(request, "POST", {})
    name = (
        credentials.get("username")
        or credentials.get("email")
        or posted.get("login")
        or posted.get("username")
        or ""
    )
    return str(name).strip().lower()


def user_display(user: AbstractUser) -> str:
    """How allauth names an account on its pages and in its e-mails ("Erfolgreich als …
    angemeldet"): the person's name where the account has one, else the e-mail address they sign
    in with. Never the user name: allauth generates it ("walk-220050"), nobody chose it."""
    return user.get_full_name().strip() or user.email or _("your account")


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The answer to a locked-out sign-in: the site's 429 page, saying why and when."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    return too_many_requests(
        request,
        retry_after_seconds=int(cool_off.total_seconds()) if cool_off else 900,
        reason=_(
            "Too many failed sign-ins for this account from your address. To protect the "
            "account, signing in is paused; even the right password is refused until then."
        ),
    )
