"""FabTown Bochum settings: one module, driven by environment variables (see README)."""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from fabtown.env import (
    cache_from_url,
    env_bool,
    env_int,
    env_list,
    env_rate,
    env_str,
    media_storages,
)
from fabtown.language_labels import localized_verbose_name
from fabtown.security import media_sources, source_of

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=True)
TESTING = env_bool("FABTOWN_TESTING", default=False)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", default=_DEV_SECRET if DEBUG else None)
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("Set SECRET_KEY to a random string of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before the admin: its ready() registers the translated content fields (see below).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "leaflet",
    "simple_history",
    "import_export",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "fabtown",
    "producers",
    "vacancies",
    "measures",
    "label",
    "region",
    "search",  # issue 12: one search over producers, sites on offer and measures
]

MIDDLEWARE = [
    # First: every limit below reads the client's address from REMOTE_ADDR.
    "fabtown.middleware.TrustedProxyMiddleware",
    # 503 for outages also in development, private personal pages.
    "fabtown.middleware.OutageMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policies too (an SVG or HTML file
    # opened on its own is a document like any page).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # The API's language: ?lang=, then Accept-Language, then German (issue 12).
    "fabtown.api_language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "fabtown.middleware.ReadApiRequestBodyMiddleware",
    "fabtown.middleware.ApiQueryLengthMiddleware",
    "fabtown.middleware.NulInPathMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fabtown.urls"
WSGI_APPLICATION = "fabtown.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "fabtown.context_processors.site",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# `make run` / `make test` set DATABASE_URL to the embedded local cluster unless it is set already.
# Without it, manage.py falls back to that cluster once `make run` has created it.
_LOCAL_DB = BASE_DIR / ".local" / "db"


def _local_cluster_url() -> str | None:
    try:
        port = (_LOCAL_DB / "port").read_text().strip()
        password = (_LOCAL_DB / "password").read_text().strip()
    except OSError:
        return None
    return f"postgres://fabtown:{password}@127.0.0.1:{port}/fabtown"


_database_url = env_str("DATABASE_URL", default=_local_cluster_url())
DATABASES = {
    "default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL with PostGIS (postgres://…).")
DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"

# --- PostgreSQL's JIT off for the app's connections (issue 10, speed) -----------------------
# The JIT compiles a query when its estimated cost is high; the directory's facet counts and
# the map GeoJSON of all producers are such queries, and compiling them costs 15–330 ms every
# time while the query itself runs in a few milliseconds. The app runs no analytical queries
# that would gain from it.
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
_db_options["options"] = " ".join(filter(None, [_db_options.get("options", ""), "-c jit=off"]))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Producer accounts (django-allauth): e-mail and password, verified e-mail address -------
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in of an account locked out at this address (fabtown/auth.py).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[FabTown Bochum] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Per client address (ip) and per account or e-mail address (key); allauth answers 429 beyond.
ACCOUNT_RATE_LIMITS = {
    "signup": env_str("RATE_SIGNUP", default="10/m/ip,30/h/ip"),
    # Sign-in attempts per client address, at both doors (the admin's login counts here too,
    # fabtown.auth.admin_login): against trying many accounts from one address.
    "login": env_str("RATE_LOGIN", default="30/m/ip,100/h/ip"),
    # Off by default: failed sign-ins of one account lock that account at that address
    # (django-axes, below); per address, "login" counts every attempt. allauth's per-account
    # limit would lock an account out from everywhere.
    "login_failed": env_str("RATE_LOGIN_FAILED", default=""),
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# --- Sign-in lockout (django-axes, both doors: the admin and producers' accounts) -----------
# After this many failed sign-ins of one account from one address, that pair is locked out for
# the cool-off time (counted from the last attempt), even with the right password. The
# counters live in the database, shared by every server process. Per pair, not per address:
# one office's shared address is not locked out for everybody.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "fabtown.auth.login_name"
AXES_LOCKOUT_CALLABLE = "fabtown.auth.locked_out"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Successful sign-ins are not logged (data minimisation); failures expire with the cool-off.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# --- Behind a reverse proxy --------------------------------------------------------------------
# How many proxies of our own stand in front of the app servers (nginx: 1). With 0 the client
# is REMOTE_ADDR; with n, the n-th address from the right of X-Forwarded-For, which those
# proxies append (fabtown.middleware.TrustedProxyMiddleware). Every limit (sign-up, sign-in
# lockout, API throttle, forms) reads the address from there, never from the header itself.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", default=0)

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "label:account"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
# --- German wording (issue 12): how allauth names an account on pages and in e-mails: the
# person's name or their e-mail address, never the user name allauth generates ("walk-220050").
ACCOUNT_USER_DISPLAY = "fabtown.auth.user_display"
# ---
# Submitting a label application: at most this many per account and hour.
LABEL_SUBMISSIONS_PER_HOUR = env_int("LABEL_SUBMISSIONS_PER_HOUR", default=10)
# Reports through the accessibility feedback form per client address: (count, seconds).
FEEDBACK_RATE = env_rate("RATE_FEEDBACK", default="5/h")
# --- Space requests (issue 11): the public request form, per client address: (count, seconds).
SPACE_REQUEST_RATE = env_rate("RATE_SPACE_REQUEST", default="5/h")
# ---
# Absolute links in e-mails sent by the daily jobs, where there is no request.
SITE_URL = env_str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Shared state of the app servers (README, "More than one machine") ------------------------
# Every app server process sees the same cache: Redis/Valkey when CACHE_URL names one
# (redis://, rediss://, valkey://), else the database's cache table (`createcachetable`).
CACHES = {"default": cache_from_url(env_str("CACHE_URL", default="") or None)}
# Sessions stay in the database whatever the cache is: a Redis restart signs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Rate limits (fabtown.ratelimit, the API throttles) count in the UNLOGGED table
# fabtown_ratecounter, one atomic statement per check; sign-in lockouts in django-axes' tables.
# --- Answers to anonymous readers (fabtown.answers) -----------------------------------------
# Rendered public pages and API answers, filed under the content version that every committed
# write bumps: nothing is ever stale, so each process keeps its own copies in memory (no
# network round trip), at most ANSWER_CACHE_MAX_MB megabytes, each at most 10 minutes.
# Off in development (DEBUG) by default, so that an edited template shows at once.
ANSWER_CACHE = env_bool("ANSWER_CACHE", default=not DEBUG or TESTING)
ANSWER_CACHE_MAX_BYTES = env_int("ANSWER_CACHE_MAX_MB", default=64) * 1024 * 1024

# --- Languages --------------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# Our catalogue first (makemessages writes to the first path). Second: formal German ("Sie")
# for django-allauth's own strings, kept out of locale/ so that makemessages leaves them alone;
# either path wins over allauth's catalogue.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "fabtown" / "translation_overrides" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- English content beside the German (django-modeltranslation, issue 12) ----------------
# The content the platform defines (categories, forms of production, search areas, the
# measures, fee tiers) keeps one table with a `_de` and an `_en` column per translated field
# (`<app>/translation.py`); `name`/`title` read the active language and fall back to German
# where the English text is missing. German is also what the seed and staff write first.
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_LANGUAGES = ("de", "en")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("de",)
# "Name (Deutsch)" / "Name (Englisch)" on the admin's forms instead of "name [de]".
MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = localized_verbose_name

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Uploads that are not public (label applications' photos): never served by a web server, only
# through a view that checks who asks.
PRIVATE_MEDIA_ROOT = Path(
    env_str("PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / ".local" / "private-media"))
)
# Uploads: local disk (MEDIA_ROOT, PRIVATE_MEDIA_ROOT) by default, an S3-compatible bucket when
# MEDIA_STORAGE_URL or AWS_STORAGE_BUCKET_NAME is set (fabtown.env.media_storages).
STORAGES = {
    # Whole files only, never half a file on a full disk (fabtown/storage.py).
    **media_storages(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Backups (manage.py backup_database, make backup) -----------------------------------------
BACKUP_DIR = Path(env_str("BACKUP_DIR", default=str(BASE_DIR / "backups")))
# Backups are where erased personal data lingers (DSGVO Art. 17): they expire (README, "Backups").
BACKUP_KEEP_DAYS = env_int("BACKUP_KEEP_DAYS", default=14)
if BACKUP_KEEP_DAYS < 1:
    raise ImproperlyConfigured("BACKUP_KEEP_DAYS must be a whole number of days, at least 1.")

# --- Maps -------------------------------------------------------------------------------------
MAP_TILE_URL = env_str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
LEAFLET_CONFIG = {
    # Bochum city centre (Gleisdreieck)
    "DEFAULT_CENTER": (51.4818, 7.2162),
    "DEFAULT_ZOOM": 15,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 19,
    "TILES": [
        ("OpenStreetMap", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION, "maxZoom": 19})
    ],
    "RESET_VIEW": False,
}

# --- Who runs the site (imprint, contact route, accessibility feedback) ----------------------
OPERATOR_NAME = env_str(
    "OPERATOR_NAME", default="Stadt Bochum – Wirtschaftsförderung (Beispielangabe)"
)
OPERATOR_ADDRESS = env_str("OPERATOR_ADDRESS", default="Bitte OPERATOR_ADDRESS setzen")
CONTACT_EMAIL = env_str("CONTACT_EMAIL", default="fabtown@example.org")
FEEDBACK_EMAIL = env_str("FEEDBACK_EMAIL", default=CONTACT_EMAIL)
# Told (without personal data) when an application is submitted.
LABEL_BOARD_EMAIL = env_str("LABEL_BOARD_EMAIL", default=CONTACT_EMAIL)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", default="FabTown Bochum <noreply@example.org>")
# A bare address from the environment still shows as "FabTown Bochum" in the inbox.
if "<" not in DEFAULT_FROM_EMAIL:
    DEFAULT_FROM_EMAIL = f"FabTown Bochum <{DEFAULT_FROM_EMAIL}>"
# Every e-mail goes through fabtown.mail: a mail server that is down is logged and never turns
# a saved submission into an error page. EMAIL_BACKEND names the backend that delivers.
# With the task queue (below) each message becomes a job in the sender's transaction, and the
# worker delivers it with retries; MAIL_QUEUE=0 sends at once, as before.
EMAIL_BACKEND = (
    "fabtown.mail.QueuedEmailBackend"
    if env_bool("MAIL_QUEUE", default=True)
    else "fabtown.mail.ResilientEmailBackend"
)
EMAIL_DELIVERY_BACKEND = env_str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env_int("EMAIL_PORT", default=25)

# --- Security (production: DEBUG=0) -----------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A form sent without a valid token gets the site's 403 page, which says to reload the form.
CSRF_FAILURE_VIEW = "fabtown.errors.csrf_failure"
SILENCED_SYSTEM_CHECKS = [
    # Debian 12 ships GDAL 3.6. The platform only builds spatial references from the EPSG codes
    # it allows (4326, 25832), never from user-supplied definitions, so the sandboxing that
    # GDAL 3.9 adds is not needed for safety here.
    "gis.W001",
]
if not (DEBUG or SECURE_HSTS_PRELOAD):
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # preloading HSTS is the operator's decision

# Content-Security-Policy (django-csp): scripts and style sheets only from our own files, no
# inline scripts or event handlers anywhere. An inline element that must stay (the browsable
# API's highlighting styles) carries {{ CSP_NONCE }}; the header names a fresh nonce only in
# responses whose templates used one. Inline style attributes stay allowed: Django's admin, DRF
# and django-import-export set a few, and they cannot run code. ReDoc's page relaxes styles and
# workers for itself (fabtown/api_urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *source_of(MAP_TILE_URL), *media_sources(STORAGES)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Permissions-Policy: the powerful browser features the site never uses, for every frame.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer", "autoplay", "browsing-topics", "camera",
        "display-capture", "encrypted-media", "fullscreen", "gamepad", "geolocation",
        "gyroscope", "hid", "idle-detection", "local-fonts", "magnetometer", "microphone",
        "midi", "payment", "picture-in-picture", "publickey-credentials-create",
        "publickey-credentials-get", "screen-wake-lock", "serial", "usb",
        "xr-spatial-tracking",
    ]
}  # fmt: skip

# --- REST API (/api/v1/) ----------------------------------------------------------------------
API_ANON_RATE = env_str("API_ANON_RATE", default="120/minute")
API_USER_RATE = env_str("API_USER_RATE", default="600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "fabtown.api.StandardPagination",
    "EXCEPTION_HANDLER": "fabtown.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # One atomic counter per request in PostgreSQL (fabtown.throttling), shared by all servers.
    "DEFAULT_THROTTLE_CLASSES": [
        "fabtown.throttling.AnonCounterThrottle",
        "fabtown.throttling.UserCounterThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": API_ANON_RATE, "user": API_USER_RATE},
    # REMOTE_ADDR, set by TrustedProxyMiddleware. DRF's default would take the client's own
    # X-Forwarded-For as its identity: a new made-up header, a new allowance.
    "NUM_PROXIES": 0,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FabTown Bochum API",
    "DESCRIPTION": (
        "Producers, sites on offer, search areas, interim uses, the measure catalogue and the "
        "“Made by Bochum” members of Bochum's urban-production network. Public data is "
        "licensed under the Datenlizenz Deutschland – Namensnennung – Version 2.0. "
        f"Anonymous requests are limited to {API_ANON_RATE}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    # no badge from validator.swagger.io: it would send our schema's address to a third party
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "fabtown.api_schema.add_error_responses_and_optional_auth",
    ],
}
# Space requests (issue 11): their status choices are not the sites'; each enum its own name.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "SiteStatusEnum": "vacancies.models.SiteStatus",
        "SpaceRequestStatusEnum": "vacancies.models.SpaceRequestStatus",
        # Two models' fields named "kind" (issue 12): each enum gets its own name.
        "PlaceKindEnum": "label.models.PlaceKind",
        "SiteKindEnum": "vacancies.models.SiteKind",
    }
)
# Search (issue 12): its kinds of result are not the sites' kinds.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(
    {"SearchKindEnum": "search.models.Kind", "SiteKindEnum": "vacancies.models.SiteKind"}
)

# --- Import/export and history ----------------------------------------------------------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Spreadsheets only: their text cells are kept from acting as formulas (fabtown.spreadsheets),
# which would alter JSON or YAML. Machines read JSON and GeoJSON from the API.
_SPREADSHEETS = [base_formats.CSV, base_formats.XLSX, base_formats.TSV]
IMPORT_FORMATS = _SPREADSHEETS
EXPORT_FORMATS = _SPREADSHEETS
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# A history row keeps a picture's file name, bounded like the field itself (not an unbounded text).
SIMPLE_HISTORY_FILEFIELD_TO_CHARFIELD = True
# The history is a record to read, not a second way to write: no "Revert" button (reverting
# would skip the services, e.g. status histories and board decisions). The admin refuses such
# posts as well (fabtown.admin_base).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Long imports in the background (fabtown.import_runs, issue 10) ------------------------------
# An admin import of more than this many rows is done by the task-queue worker, in chunks of
# IMPORT_CHUNK_ROWS rows (one transaction each); the admin shows its progress.
IMPORT_IN_BACKGROUND_ROWS = env_int("IMPORT_IN_BACKGROUND_ROWS", default=500)
IMPORT_CHUNK_ROWS = env_int("IMPORT_CHUNK_ROWS", default=200)
if IMPORT_IN_BACKGROUND_ROWS < 1 or IMPORT_CHUNK_ROWS < 1:
    raise ImproperlyConfigured("IMPORT_IN_BACKGROUND_ROWS and IMPORT_CHUNK_ROWS must be 1 or more.")

# --- Benchmark (make bench, scripts/bench.py) -------------------------------------------------
# Routes /bench/hello/, the hello-world view the benchmark compares every page with. Only the
# benchmark sets it; a production server never has the route.
BENCH_HELLO = env_bool("BENCH_HELLO", default=False)

# --- Logging: personal data never goes to the logs; requests are logged without bodies. -----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # SQL with its parameters (owner contacts, applicants' data) is never logged.
        "django.db.backends": {"level": "INFO", "propagate": True},
        # django-axes tells of every sign-in at INFO; lockouts (WARNING) are what matters.
        "axes": {"level": "WARNING", "propagate": True},
    },
}

# --- Background tasks (procrastinate: a job queue kept in PostgreSQL) -------------------------
# E-mails and the daily jobs run in a worker (`manage.py procrastinate worker`; `make run` starts
# one). Jobs are rows deferred through Django's own connection, so a job exists only if the
# transaction that submitted it committed. Tasks: fabtown/tasks.py, label/tasks.py.
INSTALLED_APPS += ["procrastinate.contrib.django"]
PROCRASTINATE_WORKER_DEFAULTS = {
    # A delivered e-mail's job (its recipients, subject and text) is deleted at once.
    "delete_jobs": "successful",
}
# A worker started later in the day still defers that day's periodic jobs (not only those due
# in the last 10 minutes); the database defers each run once, whatever the number of workers.
PROCRASTINATE_PERIODIC_DEFAULTS = {"max_delay": 12 * 3600}
# Jobs that ended without success (an e-mail given up after its retries, with its personal
# data) are deleted after this many days by a daily task (fabtown.tasks.purge_finished_jobs).
QUEUE_RETENTION_DAYS = env_int("QUEUE_RETENTION_DAYS", default=7)
if QUEUE_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("QUEUE_RETENTION_DAYS must be a whole number of days, at least 1.")
# procrastinate logs each job's arguments (an e-mail's recipients and text): its records pass
# through fabtown.joblog, which leaves the arguments out, before they reach the site's handlers.
LOGGING.setdefault("filters", {})["without_job_arguments"] = {
    "()": "fabtown.joblog.WithoutJobArgumentsFilter"
}
LOGGING["handlers"]["procrastinate_without_arguments"] = {
    "class": "fabtown.joblog.WithoutJobArguments"
}
LOGGING["loggers"]["procrastinate"] = {
    "handlers": ["procrastinate_without_arguments"],
    "propagate": False,
}
for _logger in ("procrastinate.jobs", "procrastinate.worker", "procrastinate.worker.worker"):
    LOGGING["loggers"][_logger] = {"filters": ["without_job_arguments"]}
# Registering the tasks is told on every start of every command (WARNING and above only); the
# worker's own log says which job ran when.
for _logger in ("procrastinate.blueprints", "procrastinate.periodic"):
    LOGGING["loggers"][_logger] = {"level": "WARNING", "filters": ["without_job_arguments"]}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # schemathesis and the API tests send many requests; the throttle itself has its own test
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/minute", "user": "100000/minute"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Several suites may share one PostgreSQL server (e.g. two checkouts): each names its own.
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", default="test_fabtown")}
    # One process; tests clear it between runs (tests/conftest.py).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Operations: probes, database faults, logs, error tracker, read replica (README: "Running it
# for the whole region") ------------------------------------------------------------------------
# First: /healthz and /readyz answer a load balancer's probe by IP over plain HTTP before
# ALLOWED_HOSTS or the HTTPS redirect could refuse it (fabtown/health.py). Second: every other
# request gets its id and its access-log line, also those refused or redirected further on.
MIDDLEWARE[:0] = [
    "fabtown.middleware.HeadWithoutBodyMiddleware",
    "fabtown.health.HealthCheckMiddleware",
    "fabtown.logs.RequestIdMiddleware",
]

# A persistent connection broken by a database restart is noticed and replaced at the start of
# the next request, instead of failing it. Connecting gives up after a few seconds, so that a
# database that is down answers with the 503 page instead of hanging every worker.
for _database in DATABASES.values():
    _database["CONN_HEALTH_CHECKS"] = True
    _database.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DB_CONNECT_TIMEOUT", default=5)
    )

# Read replica: reads of the content apps go there, writes and read-your-writes to the primary
# (fabtown/db_router.py). Without DATABASE_REPLICA_URL nothing of this is installed.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", default="")
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", default=10)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"].update(
        ENGINE=DATABASES["default"]["ENGINE"],
        CONN_HEALTH_CHECKS=True,
        OPTIONS={"connect_timeout": DATABASES["default"]["OPTIONS"]["connect_timeout"]},
    )
    DATABASE_ROUTERS = ["fabtown.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "fabtown.db_router.ReplicaPinMiddleware",
    )
if TESTING:
    # The router's tests need the alias; as a mirror it is the test database itself.
    DATABASES.setdefault("replica", {**DATABASES["default"]})
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}

# Logs: JSON lines (one object per line, for a log collector) by default in production, plain
# text in development; every record carries the request id (fabtown/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use json or text.")
# One line per request (method, path without query, status, ms, id); runserver logs its own.
ACCESS_LOG = env_bool("ACCESS_LOG", default=not DEBUG)
LOGGING.setdefault("filters", {})["request_id"] = {"()": "fabtown.logs.RequestIdFilter"}
LOGGING["formatters"] = {
    "json": {"()": "fabtown.logs.JsonFormatter"},
    "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
}
LOGGING["handlers"]["console"].update(filters=["request_id"], formatter=LOG_FORMAT)
LOGGING["loggers"]["fabtown.access"] = {"level": "INFO", "propagate": True}

# Error tracker, optional: Sentry (or GlitchTip) when SENTRY_DSN is set, without personal data
# (fabtown/sentry.py).
SENTRY_DSN = env_str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from fabtown.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", default="production"),
        release=env_str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env_str("SENTRY_TRACES_SAMPLE_RATE", default="0"),
    )

# --- The cadastre's update cycle (issue 11, vacancies/services/verification.py) ----------------
# Reports "Is this space no longer available?" one client address may send: (count, seconds).
SITE_REPORT_RATE = env_rate("RATE_SITE_REPORT", default="5/h")
