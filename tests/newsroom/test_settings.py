"""newsroom/settings.py reads every knob from the environment.

Each test loads the settings in a fresh process with a controlled environment
(see tests/newsroom/env_vars.py), since the settings are read once per process.
"""

import json
import secrets
import socket

import pytest

from tests.newsroom.env_vars import REPO, TEST_SECRET_KEY, load_settings, run_python


def test_settings_read_dot_env_beside_manage_py():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY)

    assert settings["_read_env_calls"] == [str(REPO / ".env")]


# --- Core ---------------------------------------------------------------------


def test_debug_is_off_and_no_host_is_allowed_by_default():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY)

    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == []
    assert settings["SECRET_KEY"] == TEST_SECRET_KEY


def test_missing_secret_key_without_debug_refuses_to_start():
    result = run_python("from newsroom import settings", {})

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert result.stdout == ""


def test_debug_on_runs_without_secret_key_and_allows_localhost():
    settings = load_settings(DEBUG="on")

    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"].startswith("django-insecure-")
    assert settings["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_allowed_hosts_and_csrf_trusted_origins_are_comma_separated_lists():
    settings = load_settings(
        SECRET_KEY=TEST_SECRET_KEY,
        ALLOWED_HOSTS="news.example.com,www.news.example.com",
        CSRF_TRUSTED_ORIGINS="https://news.example.com,https://www.news.example.com",
    )

    assert settings["ALLOWED_HOSTS"] == ["news.example.com", "www.news.example.com"]
    assert settings["CSRF_TRUSTED_ORIGINS"] == [
        "https://news.example.com",
        "https://www.news.example.com",
    ]


def test_csrf_trusted_origins_default_to_none():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY)

    assert settings["CSRF_TRUSTED_ORIGINS"] == []


# --- Data ---------------------------------------------------------------------


def test_database_defaults_to_sqlite_file_in_project_folder():
    database = load_settings(SECRET_KEY=TEST_SECRET_KEY)["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(REPO / "newsroom.sqlite3")


def test_database_url_selects_postgresql():
    database = load_settings(
        SECRET_KEY=TEST_SECRET_KEY,
        DATABASE_URL="postgres://editor:s3cret@db.example.com:5433/newsroom",
    )["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["NAME"] == "newsroom"
    assert database["HOST"] == "db.example.com"
    assert database["PORT"] == 5433
    assert database["USER"] == "editor"
    assert database["PASSWORD"] == "s3cret"
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_cache_defaults_to_local_memory():
    cache = load_settings(SECRET_KEY=TEST_SECRET_KEY)["CACHES"]["default"]

    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_redis_cache_url_selects_djangos_redis_backend():
    cache = load_settings(SECRET_KEY=TEST_SECRET_KEY, CACHE_URL="redis://redis:6379/0")[
        "CACHES"
    ]["default"]

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://redis:6379/0"


def test_a_cache_urls_key_prefix_and_timeout_reach_django():
    cache = load_settings(
        SECRET_KEY=TEST_SECRET_KEY,
        CACHE_URL="redis://redis:6379/0?key_prefix=news&timeout=600",
    )["CACHES"]["default"]

    assert (cache["KEY_PREFIX"], cache["TIMEOUT"]) == ("news", 600)
    assert "key_prefix" not in cache and "timeout" not in cache


def test_stories_need_a_hero_picture_unless_the_newsroom_says_otherwise():
    assert load_settings(SECRET_KEY=TEST_SECRET_KEY)["STORY_HERO_REQUIRED"] is True
    allowed = load_settings(SECRET_KEY=TEST_SECRET_KEY, STORY_HERO_REQUIRED="off")
    assert allowed["STORY_HERO_REQUIRED"] is False


# --- E-mail -------------------------------------------------------------------


def test_email_defaults_to_console():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY)

    # Every message goes through the task queue, which hands it to EMAIL_URL's.
    assert settings["EMAIL_BACKEND"] == "core.mail.QueuedEmailBackend"
    assert (
        settings["MAIL_DELIVERY_BACKEND"]
        == "django.core.mail.backends.console.EmailBackend"
    )
    assert settings["DEFAULT_FROM_EMAIL"] == "newsroom@localhost"
    assert settings["SERVER_EMAIL"] == "newsroom@localhost"


def test_smtp_email_url_is_parsed():
    settings = load_settings(
        SECRET_KEY=TEST_SECRET_KEY,
        EMAIL_URL="smtp+tls://mailer:p4ss@smtp.example.com:587",
        DEFAULT_FROM_EMAIL="desk@news.example.com",
    )

    assert settings["EMAIL_BACKEND"] == "core.mail.QueuedEmailBackend"
    assert (
        settings["MAIL_DELIVERY_BACKEND"]
        == "django.core.mail.backends.smtp.EmailBackend"
    )
    assert settings["EMAIL_HOST"] == "smtp.example.com"
    assert settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_HOST_USER"] == "mailer"
    assert settings["EMAIL_HOST_PASSWORD"] == "p4ss"
    assert settings["EMAIL_USE_TLS"] is True
    assert settings["EMAIL_USE_SSL"] is False
    assert settings["SERVER_EMAIL"] == "desk@news.example.com"


# --- Time ---------------------------------------------------------------------


def test_time_zone_defaults_to_new_york_with_aware_datetimes():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY)

    assert settings["TIME_ZONE"] == "America/New_York"
    assert settings["USE_TZ"] is True


def test_time_zone_is_read_from_environment():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY, TIME_ZONE="Europe/Paris")

    assert settings["TIME_ZONE"] == "Europe/Paris"
    assert settings["USE_TZ"] is True


# --- Media and security -------------------------------------------------------


def test_the_library_folder_is_never_served():
    """Pictures reach readers only through the rendition view, which checks
    they are published: no setting maps an address onto MEDIA_ROOT."""
    assert "SERVE_MEDIA" not in load_settings(DEBUG="on")
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/media/images/2026/11/anything.jpg")


def test_media_root_is_read_from_environment():
    settings = load_settings(
        SECRET_KEY=TEST_SECRET_KEY, MEDIA_ROOT="/srv/newsroom/media"
    )

    assert settings["MEDIA_ROOT"] == "/srv/newsroom/media"


def test_https_on_turns_on_secure_cookies_redirect_and_hsts():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY, HTTPS="on")

    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000


def test_https_is_off_by_default():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY)

    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0
    assert "SECURE_PROXY_SSL_HEADER" not in settings


def test_behind_tls_proxy_trusts_x_forwarded_proto():
    settings = load_settings(SECRET_KEY=TEST_SECRET_KEY, BEHIND_TLS_PROXY="on")

    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


# --- manage.py check --deploy -------------------------------------------------

PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters
    "ALLOWED_HOSTS": "news.example.com",
    "HTTPS": "on",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.com",
}

_CHECK_DEPLOY = """
from django.core.management import execute_from_command_line
execute_from_command_line(
    ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
)
"""


def test_check_deploy_passes_with_production_variables():
    assert len(PRODUCTION["SECRET_KEY"]) == 60

    result = run_python(_CHECK_DEPLOY, PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("change", "expected_ids"),
    [
        ({"DEBUG": "on"}, ["security.W018"]),
        (
            {"HTTPS": "off"},
            ["security.W004", "security.W008", "security.W012", "security.W016"],
        ),
    ],
    ids=["debug-on", "https-off"],
)
def test_check_deploy_fails_with_development_variables(change, expected_ids):
    result = run_python(_CHECK_DEPLOY, PRODUCTION | change)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check_id in expected_ids:
        assert check_id in output


# --- Redis --------------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_listening() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


_CACHE_SET = """
import sys
from django.core.cache import caches
cache = caches["default"]
print(type(cache).__module__ + "." + type(cache).__name__)
cache.set(sys.argv[1], {"mission": "Artemis II", "crew": 4}, timeout=60)
"""

_CACHE_GET = """
import json, sys
from django.core.cache import caches
cache = caches["default"]
print(json.dumps(cache.get(sys.argv[1])))
cache.delete(sys.argv[1])
"""


@pytest.mark.skipif(
    not _redis_listening(), reason="no Redis listening on 127.0.0.1:6379"
)
def test_redis_cache_round_trip_between_processes():
    # Set in one process and read in another: only a shared cache passes.
    key = f"newsroom-tests:{secrets.token_hex(8)}"
    env = {"SECRET_KEY": TEST_SECRET_KEY, "CACHE_URL": REDIS_URL}

    written = run_python(_CACHE_SET, env, key)
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == "django.core.cache.backends.redis.RedisCache"

    read = run_python(_CACHE_GET, env, key)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout) == {"mission": "Artemis II", "crew": 4}
