"""The deployment files agree with the settings: Dockerfile, docker-compose.yml,
.env.example and the README's table of variables."""

import json
import re
from urllib.parse import urlsplit

import environ
import pytest
import yaml

from tests.newsroom.env_vars import (
    REPO,
    TEST_SECRET_KEY,
    env_example,
    load_settings,
    settings_env_vars,
)


@pytest.fixture(scope="module")
def env_vars():
    return settings_env_vars()


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def web(compose):
    return compose["services"]["web"]


def environment(service: dict) -> dict[str, str]:
    """A service's environment, whichever of compose's two spellings it uses."""
    raw = service.get("environment", {})
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {name: str(value) for name, value in raw.items()}


def interpolate(value: str) -> str:
    """Compose's ${NAME:-default} and ${NAME:?error}, as if NAME were unset."""
    return re.sub(
        r"\$\{(\w+)(?::?([-?])([^}]*))?\}",
        lambda m: m[3] if m[2] == "-" else f"<{m[1]}>",
        value,
    )


def command(service: dict) -> str:
    raw = service["command"]
    return raw if isinstance(raw, str) else " ".join(raw)


def named_volume(compose: dict, mount: str) -> tuple[str, str]:
    """(volume, target) for a `volume:/path` mount of a top-level named volume."""
    source, target = mount.split(":")[:2]
    assert source in (compose.get("volumes") or {}), f"{source} is not a named volume"
    return source, target


def test_settings_env_vars_are_found(env_vars):
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL", "CACHE_URL", "EMAIL_URL"} <= env_vars
    assert {"TIME_ZONE", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "MEDIA_ROOT"} <= (
        env_vars
    )


# --- Dockerfile ---------------------------------------------------------------


def test_dockerfile_builds_and_serves_with_gunicorn_as_non_root():
    dockerfile = (REPO / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.12-slim\b", dockerfile, re.MULTILINE)
    assert re.search(r"^RUN pip install \.", dockerfile, re.MULTILINE)
    assert "manage.py collectstatic --noinput" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users, "the image must not run as root"
    assert users[-1] not in {"root", "0"}
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.MULTILINE)
    cmd = re.search(r"^CMD (.+)$", dockerfile, re.MULTILINE)
    assert cmd
    assert json.loads(cmd[1])[:4] == [
        "gunicorn",
        "newsroom.wsgi:application",
        "--bind",
        "0.0.0.0:8000",
    ]


def test_dockerignore_keeps_secrets_and_local_data_out_of_the_image():
    # settings.py would read a .env copied into the image.
    ignored = set((REPO / ".dockerignore").read_text().splitlines())

    assert {".env", ".git", ".venv", "media", "staticfiles"} <= ignored


# --- docker-compose.yml -------------------------------------------------------


def test_compose_runs_database_cache_site_and_worker(compose):
    assert set(compose["services"]) == {"db", "redis", "web", "worker", "launches"}


def test_worker_runs_the_scheduler_with_the_sites_settings(compose, web, env_vars):
    worker = compose["services"]["worker"]
    assert command(worker).split() == [
        "python", "manage.py", "publish_scheduled", "--every", "30"
    ]  # fmt: skip
    assert (worker["build"], worker["volumes"]) == (web["build"], web["volumes"])
    assert environment(worker) == environment(web)
    assert set(environment(worker)) - env_vars == set()
    assert not worker.get("ports"), "the worker serves nothing"
    assert worker["depends_on"]["db"]["condition"] == "service_healthy"


def test_worker_command_exists_and_takes_every():
    from django.core.management import get_commands, load_command_class

    assert get_commands()["publish_scheduled"] == "workflow"
    parser = load_command_class("workflow", "publish_scheduled").create_parser(
        "manage.py", "publish_scheduled"
    )
    assert parser.parse_args(["--every", "30"]).every == 30


def test_db_is_postgres_17_on_a_named_volume_with_a_healthcheck(compose):
    db = compose["services"]["db"]

    assert db["image"] == "postgres:17"
    assert [named_volume(compose, mount) for mount in db["volumes"]] == [
        ("postgres-data", "/var/lib/postgresql/data")
    ]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"} <= set(environment(db))


def test_redis_is_redis_7_with_a_healthcheck(compose):
    redis = compose["services"]["redis"]

    assert redis["image"] == "redis:7-alpine"
    assert redis["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]


def test_web_builds_from_the_dockerfile(web):
    build = web["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile")

    assert (REPO / context / (dockerfile or "Dockerfile")).is_file()


def test_web_migrates_then_serves_with_gunicorn(web):
    cmd = command(web)

    assert "manage.py migrate --noinput" in cmd
    assert "gunicorn newsroom.wsgi:application" in cmd
    assert cmd.index("migrate") < cmd.index("gunicorn")
    assert "--bind 0.0.0.0:8000" in cmd
    assert web["ports"] == ["8000:8000"]


def test_web_starts_once_database_and_cache_are_healthy(web):
    assert web["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


def test_web_sets_only_variables_settings_read(web, env_vars):
    assert set(environment(web)) - env_vars == set()


def test_web_runs_with_production_settings(web):
    env = environment(web)

    assert env["DEBUG"] == "off"
    assert env["SECRET_KEY"].startswith("${SECRET_KEY:?"), "SECRET_KEY is required"
    assert "SERVE_MEDIA" not in env  # the library's files are never served
    assert {"ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "TIME_ZONE", "EMAIL_URL"} <= set(
        env
    )


def test_web_database_url_points_at_the_db_service(compose, web):
    db_env = environment(compose["services"]["db"])
    url = interpolate(environment(web)["DATABASE_URL"])
    database = environ.Env.db_url_config(url)

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["HOST"] == "db"
    assert database["NAME"] == interpolate(db_env["POSTGRES_DB"])
    assert database["USER"] == interpolate(db_env["POSTGRES_USER"])
    assert database["PASSWORD"] == interpolate(db_env["POSTGRES_PASSWORD"])


def test_web_cache_url_points_at_the_redis_service(web):
    url = environment(web)["CACHE_URL"]

    assert environ.Env.cache_url_config(url)["BACKEND"] == (
        "django.core.cache.backends.redis.RedisCache"
    )
    assert urlsplit(url).hostname == "redis"


def test_web_keeps_uploads_on_a_named_volume_at_media_root(compose, web):
    targets = [named_volume(compose, mount)[1] for mount in web["volumes"]]

    assert environment(web)["MEDIA_ROOT"] in targets


# --- .env.example and README --------------------------------------------------


def test_env_example_lists_exactly_the_variables_settings_read(env_vars):
    assert set(env_example()) == env_vars


def test_env_example_values_are_the_settings_defaults():
    # Setting every uncommented line of .env.example changes nothing.
    examples = {
        name: value for name, value in env_example().items() if value is not None
    }

    key = {"SECRET_KEY": TEST_SECRET_KEY}

    assert load_settings(**examples | key) == load_settings(**key)


def test_readme_table_documents_every_variable(env_vars):
    # Each variable appears as `NAME` in a row of a Markdown table.
    rows = [
        line
        for line in (REPO / "README.md").read_text().splitlines()
        if line.lstrip().startswith("|")
    ]
    documented = {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row)}

    assert env_vars - documented == set()


# --- Makefile -----------------------------------------------------------------


def make_recipe(target: str) -> str:
    """A Makefile target's recipe, its continued lines joined."""
    text = (REPO / "Makefile").read_text().replace("\\\n", " ")
    found = re.search(rf"^{target}:.*\n((?:\t.*\n?)+)", text, re.MULTILINE)
    assert found, f"the Makefile has no {target} target"
    return found[1]


def test_make_run_runs_compose_workers_scheduler_beside_the_server(compose):
    recipe = make_recipe("run")
    worker = command(compose["services"]["worker"]).split()
    scheduler = " ".join(worker[worker.index("manage.py") :])

    assert f"python {scheduler} &" in recipe  # in the background…
    assert "manage.py runserver" in recipe  # …of the server
    assert recipe.index(scheduler) < recipe.index("runserver")
    assert re.search(r"trap '[^']*kill \$\$worker", recipe), "stopped with it"
