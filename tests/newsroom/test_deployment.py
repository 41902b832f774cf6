"""The deployment files agree with the settings: Dockerfile, docker-compose.yml,
.env.example and the README's table of variables."""

import json
import os
import re
import shutil
import subprocess
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
    return compose["services"]["web1"]


WEB_SERVERS = ["web1", "web2"]
# The services running the site's code, with the site's settings.
APP_SERVICES = ["migrate", *WEB_SERVERS, "worker", "scheduler", "launches"]


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


def compose_cli() -> list[str] | None:
    """Docker's compose plugin, or the standalone docker-compose, if either is
    installed (CI's machine has Debian's docker-compose)."""
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run(  # noqa: S603 (a fixed command)
            [docker, "compose", "version"], capture_output=True, check=False
        ).returncode
        == 0
    ):
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    return [standalone] if standalone else None


def test_compose_accepts_the_file():
    cli = compose_cli()
    if cli is None:
        pytest.skip("neither docker compose nor docker-compose is installed")

    result = subprocess.run(  # noqa: S603 (our own argument list)
        [*cli, "--file", str(REPO / "docker-compose.yml"), "config", "--quiet"],
        env={"PATH": os.environ.get("PATH", ""), "SECRET_KEY": TEST_SECRET_KEY},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_compose_runs_the_site_behind_varnish_with_its_workers(compose):
    assert set(compose["services"]) == {
        "db",
        "redis",
        "s3",
        "s3-bucket",
        "migrate",
        *WEB_SERVERS,
        "varnish",
        "worker",
        "scheduler",
        "launches",
    }


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_share_the_image_volumes_and_settings(compose, name, env_vars):
    service, migrate = compose["services"][name], compose["services"]["migrate"]

    assert (service["build"], service["volumes"]) == (
        migrate["build"],
        migrate["volumes"],
    )
    assert environment(service) == environment(migrate)
    assert set(environment(service)) - env_vars == set()


@pytest.mark.parametrize("name", [*WEB_SERVERS, "worker", "scheduler", "launches"])
def test_app_services_start_once_migrated_and_the_bucket_is_made(compose, name):
    assert compose["services"][name]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "s3-bucket": {"condition": "service_completed_successfully"},
    }


def test_migrate_runs_once_database_and_cache_are_healthy(compose):
    migrate = compose["services"]["migrate"]

    assert command(migrate).split() == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert migrate["restart"] == "on-failure", "it ends once done"


@pytest.mark.parametrize(
    ("name", "argv", "app"),
    [
        ("scheduler", ["publish_scheduled", "--every", "30"], "workflow"),
        ("worker", ["db_worker"], "django_tasks_db"),
        ("launches", ["import_launches", "--every", "900", "--pages", "2"], "space"),
    ],
)
def test_workers_run_commands_that_exist_and_serve_nothing(compose, name, argv, app):
    from django.core.management import get_commands, load_command_class

    service = compose["services"][name]
    assert command(service).split() == ["python", "manage.py", *argv]
    assert get_commands()[argv[0]] == app
    parser = load_command_class(app, argv[0]).create_parser("manage.py", argv[0])
    if argv[1:]:  # (db_worker's default --backend is checked against settings)
        parser.parse_args(argv[1:])  # fails on an option it does not take
    assert not service.get("ports"), f"{name} serves nothing"


def test_the_task_queue_is_the_database_one_the_worker_serves(web):
    # With the embedded queue the worker would have nothing to do, and purges
    # and e-mails would run in the readers' and editors' requests.
    assert environment(web)["TASKS_BACKEND"] == "database"


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


@pytest.mark.parametrize("name", WEB_SERVERS)
def test_web_servers_serve_with_gunicorn_behind_varnish_only(compose, name):
    service = compose["services"][name]
    cmd = command(service)

    assert cmd.startswith("gunicorn newsroom.wsgi:application")
    assert "--bind 0.0.0.0:8000" in cmd
    assert not service.get("ports"), "readers reach the servers through Varnish"
    probe = " ".join(service["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/robots.txt" in probe
    assert "'Host': 'localhost'" in probe
    assert "localhost" in interpolate(environment(service)["ALLOWED_HOSTS"])


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


# --- Varnish -------------------------------------------------------------------

VCL_DIR = REPO / "deploy" / "varnish"


@pytest.fixture(scope="module")
def varnish(compose):
    return compose["services"]["varnish"]


def test_varnish_serves_the_site_with_our_vcl(varnish):
    argv = command(varnish).split()

    assert argv[:2] == ["varnishd", "-F"]
    assert argv[argv.index("-f") + 1] == "/etc/varnish/default.vcl"
    assert "http_gzip_support=off" in argv  # the site compresses itself
    assert varnish["volumes"] == ["./deploy/varnish:/etc/varnish:ro"]
    assert (VCL_DIR / "default.vcl").is_file() and (VCL_DIR / "backends.vcl").is_file()
    assert varnish["ports"] == ["8000:80"]
    assert "http=:80" in argv[argv.index("-a") + 1]
    assert varnish["healthcheck"]["test"]


def test_varnish_takes_every_web_server_in_turn_once_healthy(varnish, compose):
    backends = (VCL_DIR / "backends.vcl").read_text()
    declared = re.findall(
        r'backend (\w+) \{\s*\.host = "([^"]+)";\s*\.port = "(\d+)"', backends
    )

    assert declared == [(name, name, "8000") for name in WEB_SERVERS]
    assert re.findall(r"add_backend\((\w+)\)", backends) == WEB_SERVERS
    assert varnish["depends_on"] == {
        name: {"condition": "service_healthy"} for name in WEB_SERVERS
    }
    assert "Host: localhost" in backends  # as the web servers' own check


def test_the_site_purges_the_varnish_service(web, compose):
    urls = interpolate(environment(web)["PURGE_URLS"]).split(",")

    assert urls == ["varnish://varnish:80"]
    assert urlsplit(urls[0]).hostname in compose["services"]


def test_varnish_lets_the_compose_network_purge_and_nobody_else():
    vcl = (VCL_DIR / "default.vcl").read_text()
    acl = re.search(r"acl purgers \{(.*?)\}", vcl, re.DOTALL)[1]

    # Docker's default networks are in 172.16.0.0/12.
    assert '"172.16.0.0"/12;' in acl
    assert '"0.0.0.0"' not in acl  # noqa: S104 (not everyone)
    assert "client.ip !~ purgers" in vcl


def test_every_service_others_wait_on_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        for needed, how in (service.get("depends_on") or {}).items():
            if how["condition"] == "service_healthy":
                assert compose["services"][needed].get("healthcheck"), (name, needed)
    for name in ("db", "redis", "s3", *WEB_SERVERS, "varnish"):
        assert compose["services"][name]["healthcheck"]["test"], name


def test_the_s3_store_keeps_its_files_on_a_named_volume(compose):
    s3 = compose["services"]["s3"]

    assert [named_volume(compose, mount) for mount in s3["volumes"]] == [
        ("s3-data", "/data")
    ]
    assert {"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"} <= set(environment(s3))


@pytest.fixture(scope="module")
def library_storage(web):
    """STORAGES["library"] as the settings make it from compose's STORAGE_URL."""
    url = interpolate(environment(web)["STORAGE_URL"])
    return load_settings(SECRET_KEY=TEST_SECRET_KEY, STORAGE_URL=url)["STORAGES"][
        "library"
    ]


def test_the_library_is_in_the_s3_services_bucket(compose, library_storage):
    s3 = environment(compose["services"]["s3"])
    options = library_storage["OPTIONS"]

    assert library_storage["BACKEND"] == "media_library.storage.LibraryS3Storage"
    assert urlsplit(options["endpoint_url"])[:2] == ("http", "s3:9000")
    assert options["region_name"]
    # MinIO's keys, with which the bucket was made.
    assert (options["access_key"], options["secret_key"]) == (
        interpolate(s3["MINIO_ROOT_USER"]),
        interpolate(s3["MINIO_ROOT_PASSWORD"]),
    )


def test_the_bucket_is_made_once_before_the_site_starts(compose, library_storage):
    made = compose["services"]["s3-bucket"]
    s3 = environment(compose["services"]["s3"])
    options = library_storage["OPTIONS"]
    # mc's alias "s3": the s3 service's API, with the keys the site uses.
    alias = urlsplit(interpolate(environment(made)["MC_HOST_s3"]))

    assert made["image"].startswith("minio/mc")
    assert [interpolate(part) for part in made["command"]] == [
        "mb",
        "--ignore-existing",
        f"s3/{options['bucket_name']}",
    ]
    assert (alias.scheme, alias.hostname, alias.port) == ("http", "s3", 9000)
    assert (alias.username, alias.password) == (
        interpolate(s3["MINIO_ROOT_USER"]),
        interpolate(s3["MINIO_ROOT_PASSWORD"]),
    )
    assert made["depends_on"] == {"s3": {"condition": "service_healthy"}}
    assert made["restart"] == "on-failure", "it ends once done"
    assert not made.get("ports")


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
    worker = command(compose["services"]["scheduler"]).split()
    scheduler = " ".join(worker[worker.index("manage.py") :])

    assert f"python {scheduler} &" in recipe  # in the background…
    assert "manage.py runserver" in recipe  # …of the server
    # whose tasks (an upload's picture sizes) run on a thread of its own
    assert "TASKS_BACKEND=thread $(BIN)/python manage.py runserver" in recipe
    assert recipe.index(scheduler) < recipe.index("runserver")
    assert re.search(r"trap '[^']*kill \$\$worker", recipe), "stopped with it"
