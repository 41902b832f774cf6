"""
Settings for newsroom: one module, every knob read from the environment.

Defaults run the site with nothing set (SQLite in the project folder, local-memory
cache, e-mail printed to the console, media on the local filesystem). Production
is this same file with variables set; `.env.example` lists each one with its
default, and an optional `.env` file beside `manage.py` is read first.
"""

import urllib.parse
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Values already in the environment win over the file.
environ.Env.read_env(BASE_DIR / ".env")

# --- Core -------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment or in .env "
            "(a long random string), or set DEBUG=on for local development. "
            "`make run` writes a development .env for you."
        )
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = env("SITE_NAME", default="Newsroom")
# One sentence on what the site is: the front page's (and every page's
# fallback) meta description, what search engines show under its name.
SITE_DESCRIPTION = env(
    "SITE_DESCRIPTION",
    default="Space news, written by people: launches, missions, discoveries "
    "and the business of spaceflight, reported and explained.",
)
# Where the site is reached, for links in e-mails (which have no page to be
# relative to), e.g. https://news.example.com.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",
    # Failed staff log-ins and lockouts (see "Auth" below).
    "axes",
    # Second factor for editors and administrators (newsroom/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Slow work on a task queue (core/tasks.py): Django's Tasks API backport,
    # and its PostgreSQL-backed queue, whose failed tasks the admin lists.
    "django_tasks",
    "django_tasks_db",
    # Bottom to top: each app imports only those above it in this list
    # (import-linter checks it: pyproject.toml).
    "workflow",
    "core",
    "media_library",
    "authors",
    "articles",
    "space",
    "launchdesk",
    "live",
    "newsroom",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A 400, not a 500 deep in a query, for control characters in an address.
    "newsroom.middleware.RefuseControlCharactersMiddleware",
    # Brotli or gzip for what carries no secret (readers' pages, feeds,
    # sitemaps); outside every layer that reads or writes the body.
    "core.compression.CompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every response, and 304 Not Modified when it still matches.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy and Permissions-Policy ("Security" below), before
    # the page cache so cached pages carry them too. django-csp's middleware,
    # extended to allow a provider's frames on the pages embedding them.
    "articles.embeds.EmbedFramesCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Cached public pages are answered here, before the per-user layers below.
    "core.cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks a session that gave a second factor; then the admin asks for one.
    "django_otp.middleware.OTPMiddleware",
    "newsroom.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The CSP nonce for the story editor's inline import map.
    "newsroom.middleware.FormMediaNonceMiddleware",
    # Last, as axes asks: turns a locked-out log-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

# Readers' pages are Jinja2 templates in templates/jinja2/ (newsroom/jinja2.py
# says why); the admin, e-mails, robots.txt and the news sitemap stay Django's.
# Django's engine comes first: its cached loader remembers the names it does not
# have, so a public page costs it nothing, while an admin page would cost the
# Jinja2 loader a look on disk.
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
                "newsroom.context_processors.site",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": True,  # an app's own jinja2/ folder: media_library/figure.html
        "OPTIONS": {
            "environment": "newsroom.jinja2.environment",
            "context_processors": ["newsroom.context_processors.site"],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'newsroom.sqlite3'}"
    ),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The development server answers in threads, and a page's first view makes
    # its renditions in parallel: let a writer take the lock when its
    # transaction starts and wait its turn, instead of failing with "database
    # is locked" when two transactions both try to upgrade a read lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# `redis://host:6379/0` selects Django's own Redis backend; `?key_prefix=news`
# and `?timeout=600` set the cache's KEY_PREFIX and TIMEOUT (django-environ
# passes them on lowercased, which Django would silently ignore).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
for _name in ("key_prefix", "timeout", "version"):
    if _name in CACHES["default"]:
        CACHES["default"][_name.upper()] = CACHES["default"].pop(_name)
# Rendered public pages: kept this long at most (0 turns the page cache off),
# and forgotten at once when what they show changes. Browsers and CDNs may
# reuse a page for PAGE_BROWSER_CACHE_SECONDS, then revalidate with its ETag.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
PAGE_BROWSER_CACHE_SECONDS = env.int("PAGE_BROWSER_CACHE_SECONDS", default=60)
# Addresses (URL names, matched as prefixes) whose pages are never stored, so
# the page cache does not look for them: the admin, and search (one page per
# query; searching is fast enough, and a query cache would fill with one-offs).
PAGE_CACHE_NEVER = ["admin:index", "articles:search"]
# Caches in front of the site purged by the same keys (core/purgers.py), one
# URL each: varnish://host:port, cloudflare://ZONE_ID?token=..., fastly://
# SERVICE_ID?token=... (each purge goes through the task queue).
PURGE_URLS = env.list("PURGE_URLS", default=[])

# --- Live coverage (live/) --------------------------------------------------
# Readers' pages ask for new entries every LIVE_POLL_SECONDS; the answer may be
# reused (by the browser or a CDN) for LIVE_POLL_MAX_AGE seconds, so an entry
# reaches every reader within about the sum of the two.
LIVE_POLL_SECONDS = env.int("LIVE_POLL_SECONDS", default=10)
LIVE_POLL_MAX_AGE = env.int("LIVE_POLL_MAX_AGE", default=5)
# Writers' entries wait for an editor's approval before readers see them.
LIVE_ENTRIES_NEED_APPROVAL = env.bool("LIVE_ENTRIES_NEED_APPROVAL", default=False)

# When a launch's time changes, its bundle of stories is moved at once ("auto")
# or an editor is asked on the desk with one click ("propose", the default: an
# import at night must not move stories nobody has looked at).
LAUNCH_BUNDLES_MOVE = env("LAUNCH_BUNDLES_MOVE", default="propose")

# --- Tasks ------------------------------------------------------------------

# Where slow work runs (core/tasks.py). "immediate", the embedded default: at
# once, in the process that asked for it, nothing else to start. "database":
# stored in the database for `manage.py db_worker` processes (production:
# docker-compose.yml's worker), with retries; failed attempts are listed in
# the admin under "Task results".
TASKS_BACKEND = env("TASKS_BACKEND", default="immediate")
_task_backends = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    # In process too, on a background thread: what `make run` serves with.
    "thread": "core.tasks.InProcessBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _task_backends:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND is {TASKS_BACKEND!r}: use one of {', '.join(_task_backends)}."
    )
TASKS = {"default": {"BACKEND": _task_backends[TASKS_BACKEND]}}

# --- E-mail -----------------------------------------------------------------

_email = env.email_url("EMAIL_URL", default="consolemail://")
# Mail goes through the task queue (core/mail.py), which hands each message to
# the backend EMAIL_URL names.
EMAIL_BACKEND = "core.mail.QueuedEmailBackend"
MAIL_DELIVERY_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Time -------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static files and media --------------------------------------------------

STATIC_URL = env("STATIC_URL", default="/static/")
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "newsroom" / "static"]
# The library's files (originals and renditions). Private: no address serves
# this folder, and none may (a web server must not map MEDIA_URL onto it):
# readers get renditions through the rendition view, which shows a picture only
# once something public uses it (media_library.usage.is_public).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# So no path of this site names it: Django's test server serves MEDIA_ROOT
# under MEDIA_URL, and would under the default "" (every path).
MEDIA_URL = "https://library-files-have-no-address.invalid/"

# With STORAGE_URL set, the library's files go to an S3-compatible bucket
# instead (through django-storages), every object private:
# s3://BUCKET/optional/prefix?endpoint_url=https://s3.example.com&region_name=...
# with the keys in the URL (s3://KEY:SECRET@BUCKET) or in AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, which boto3 reads itself.
STORAGE_URL = env("STORAGE_URL", default="")


def _library_storage(url: str) -> dict:
    if not url:
        return {"BACKEND": "media_library.storage.LibraryStorage"}
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            f"STORAGE_URL is {url!r}: write s3://BUCKET?endpoint_url=..."
        )
    query = dict(urllib.parse.parse_qsl(parts.query))
    options = {
        "bucket_name": parts.hostname,
        "location": parts.path.strip("/"),
        "endpoint_url": query.get("endpoint_url") or None,
        "region_name": query.get("region_name") or None,
    }
    if parts.username:
        options["access_key"] = urllib.parse.unquote(parts.username)
        options["secret_key"] = urllib.parse.unquote(parts.password or "")
    return {"BACKEND": "media_library.storage.LibraryS3Storage", "OPTIONS": options}


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "library": _library_storage(STORAGE_URL),
    # Hashed, compressed names so browsers and CDNs may cache them for ever.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMAGE_MAX_UPLOAD_BYTES = env.int("IMAGE_MAX_UPLOAD_BYTES", default=25 * 1024 * 1024)
# Largest picture the library accepts, in pixels (width × height), read from the
# file's header before anything is decoded.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)

# --- Auth -------------------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "admin:login"

# Log-in throttling with django-axes: AxesStandaloneBackend comes first and
# refuses any log-in, right password or not, for an account locked from this
# address; ModelBackend then checks the password. Every failure is recorded,
# the lock is per account AND address (so a stranger cannot lock an editor out
# of the office by mistyping her name, and the same editor on another address
# still gets in), and it ends after the cool-off or when an administrator
# unlocks it under "Axes > Access attempts".
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
# The lockout answers with the admin's log-in page and a message saying why.
AXES_LOCKOUT_CALLABLE = "newsroom.accounts.lockout_response"
# The address a failure is counted against: newsroom.accounts.client_address.
# Without a proxy it is the socket's peer (REMOTE_ADDR), which a client cannot
# choose; behind PROXY_COUNT proxies that each append to X-Forwarded-For, it is
# the entry the outermost proxy wrote, never one the client wrote itself.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "newsroom.accounts.client_address"

# A story needs a hero picture (with alt text, a credit and a running licence)
# before it may go live; off, text-only stories may go out too.
STORY_HERO_REQUIRED = env.bool("STORY_HERO_REQUIRED", default=True)

# Editors and administrators give a code from an authenticator app (or a
# recovery code) after their password: on unless DEBUG, so the demo logins of
# `make run` need no phone.
STAFF_TWO_FACTOR = env.bool("STAFF_TWO_FACTOR", default=not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME
# Administrators may remove a lost device in the admin, never read its secret
# key or recovery codes (this also turns off django-otp's admin QR pages).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# The admin never shows a device's secret or QR code: its config and QR code
# pages answer 403 (they answered 500 for a missing device; tests/newsroom/
# test_hostile_urls.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Editorial workflow ------------------------------------------------------

# How long a preview link for an outside reviewer works, unless revoked first.
PREVIEW_LINK_HOURS = env.int("PREVIEW_LINK_HOURS", default=48)

# --- Space desk ----------------------------------------------------------------

# Launch Library 2's list of upcoming launches, which `manage.py import_launches`
# (docker-compose.yml's launches service) imports: empty, the default, means no
# import (launches are entered by hand, and nothing reaches the network from a
# developer's machine or CI). Production sets
# https://ll.thespacedevs.com/2.2.0/launch/upcoming/ (free, 15 requests an hour).
LAUNCH_LIBRARY_URL = env("LAUNCH_LIBRARY_URL", default="")

# --- Security (HTTPS=on in production) ---------------------------------------

HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_TLS_PROXY", default=False):
    # The proxy terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"


def _style_hash(template: Path) -> str:
    """The CSP source allowing the one inline <style> of `template`."""
    import base64
    import hashlib
    import re

    css = re.search(r"<style>(.*?)</style>", template.read_text(), re.S).group(1)
    digest = hashlib.sha256(css.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


# Content-Security-Policy (django-csp) on every response, public and admin: no
# inline script or style and nothing from another origin; our pages load their
# scripts and styles from static files. The one inline script is the import map
# django-prose-editor puts on the story form, allowed by a per-request nonce
# (newsroom.middleware.FormMediaNonceMiddleware); public pages never use one, so
# the page cache may share them. The 500 page stays self-contained (it must
# render when static files or the database fail), so its <style> is allowed by
# its hash, read from the template itself. The story editor adds ProseMirror's
# base stylesheet as an inline <style> (tiptap's injectCSS, which
# django-prose-editor leaves on): allowed by the hash of that text, from
# django-prose-editor 0.28's editor.js; tests/browser/test_csp.py fails if a new
# release changes it. JSON-LD (<script type="application/ld+json">) is data,
# which CSP does not block.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": [
            "'self'",
            _style_hash(BASE_DIR / "templates/jinja2/500.html"),
            "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='",  # the editor's
        ],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        # frame-src is left to default-src ('self': no page of ours frames
        # another site), except on a page showing an embed, where it lists that
        # page's providers' frames only (articles.embeds.EmbedFramesCSPMiddleware).
    },
}
# Mastodon instances whose posts writers may embed (articles.embeds): a post's
# frame comes from its instance, so only instances listed here are accepted and
# named in the CSP. Comma-separated host names.
EMBED_MASTODON_INSTANCES = env.list(
    "EMBED_MASTODON_INSTANCES", default=["mastodon.social"]
)
# Browser features no page of ours uses are turned off for every page and any
# frame in it (an embedded player cannot ask for the camera either). Only
# features Chromium knows: it logs an error for each name it does not (as it
# did for ambient-light-sensor and bluetooth), on every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # django-tasks logs every task's start and end at INFO: two lines per save.
    # Failures are logged by core.tasks and kept in the admin.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
