"""Varnish in front of two gunicorn servers (issue 17), all real: varnishd runs
deploy/varnish/default.vcl with xkey (Debian's varnish and varnish-modules;
.ci/run installs them), the servers share the test database and a file cache
with this process, and a change made here purges Varnish through the task
queue (core.purgers, PURGE_URLS=varnish://...).

Time is real here (the servers read their own clocks): waits poll with
generous deadlines, and no assertion is about how fast anything was.
"""

import datetime as dt
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from workflow.states import State

ROOT = Path(__file__).resolve().parents[2]
VCL_DIR = ROOT / "deploy" / "varnish"
HOST = "127.0.0.1"
SECRET = "varnish-e2e-only-secret-key-not-for-any-real-site-0123456789"

VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")

pytestmark = [
    pytest.mark.skipif(
        VARNISHD is None,
        reason="varnishd is not installed (apt-get install varnish varnish-modules; "
        ".ci/run does)",
    ),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str, **headers) -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=20)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        found = {name.lower(): value for name, value in response.getheaders()}
        if found.get("content-encoding"):
            return response.status, found, ""
        return response.status, found, body.decode()
    finally:
        conn.close()


def wait_for(what: str, ready, seconds: float = 60, log: Path | None = None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.2)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not come up in {seconds:g} s\n{tail}")


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker):
    """Two gunicorn servers and varnishd in front of them: (varnish port,
    cache folder, PURGE_URLS value)."""
    work = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    # varnishd's worker runs as its own user: it must reach its folder.
    work.chmod(0o755)
    cache_dir = work / "cache"
    cache_dir.mkdir()
    varnish_port = free_port()
    purge_url = f"varnish://{HOST}:{varnish_port}"
    with django_db_blocker.unblock():
        db_url = database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "off",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": db_url,
        "CACHE_URL": f"filecache://{cache_dir}",
        "PURGE_URLS": purge_url,
        "TASKS_BACKEND": "immediate",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "HTTPS": "off",
        "SECURE_SSL_REDIRECT": "off",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(  # noqa: S603 (our own argument list)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    processes = []
    try:
        ports = []
        for n in (1, 2):
            port = free_port()
            log = work / f"web{n}.log"
            processes.append(
                subprocess.Popen(  # noqa: S603 (our own argument list)
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "newsroom.wsgi:application",
                        f"--bind={HOST}:{port}",
                        "--workers=1",
                        "--worker-class=gthread",
                        "--threads=4",
                        "--graceful-timeout=5",
                        f"--error-logfile={log}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                )
            )
            wait_for(
                f"gunicorn web{n}",
                lambda port=port: fetch(port, "/robots.txt")[0] == 200,
                log=log,
            )
            ports.append(port)
        # The servers as backends.vcl names them in docker-compose: web1, web2.
        (work / "backends.vcl").write_text(
            "import directors;\n"
            + "".join(
                f'backend web{n} {{ .host = "{HOST}"; .port = "{port}"; }}\n'
                for n, port in enumerate(ports, 1)
            )
            + "sub vcl_init {\n    new web = directors.round_robin();\n"
            + "".join(f"    web.add_backend(web{n});\n" for n in (1, 2))
            + "}\nsub newsroom_backend { set req.backend_hint = web.backend(); }\n"
        )
        log = work / "varnishd.log"
        with log.open("w") as out:
            processes.append(
                subprocess.Popen(  # noqa: S603 (our own argument list)
                    [
                        VARNISHD,
                        "-F",
                        "-n",
                        str(work / "varnish"),
                        "-a",
                        f"{HOST}:{varnish_port}",
                        "-T",
                        f"{HOST}:0",
                        "-f",
                        str(VCL_DIR / "default.vcl"),
                        "-p",
                        f"vcl_path={work}:{VCL_DIR}:/usr/share/varnish/vcl",
                        "-p",
                        "http_gzip_support=off",
                        "-s",
                        "malloc,64m",
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
        wait_for(
            "varnishd",
            lambda: fetch(varnish_port, "/robots.txt")[0] == 200,
            log=log,
        )
        yield varnish_port, cache_dir, purge_url
    finally:
        for process in reversed(processes):
            stop(process)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def varnish(stack, settings):
    """The port of Varnish, with this process sharing the servers' cache and
    purging Varnish as they would."""
    port, cache_dir, purge_url = stack
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir),
        }
    }
    settings.PURGE_URLS = [purge_url]
    # Nothing of an earlier test's stories stays cached: every page goes.
    from core.cache import bump_site_version

    bump_site_version()
    return port


def twice(port: int, path: str) -> tuple[dict, str]:
    """Fetch `path` until Varnish answers it from its cache (a first request
    may find it being fetched); its headers and body."""
    deadline = time.monotonic() + 30
    while True:
        status, headers, body = fetch(port, path)
        assert status == 200, (path, status)
        if headers.get("x-cache") == "HIT" or time.monotonic() > deadline:
            return headers, body
        time.sleep(0.1)


def two_stories():
    a = ArticleFactory(
        published=True,
        headline="Rover finds clay",
        section=SectionFactory(name="Mars", slug="mars"),
        authors=[AuthorFactory(name="Ann Lee")],
    )
    b = ArticleFactory(
        published=True,
        headline="Lander goes quiet",
        section=SectionFactory(name="Moon", slug="moon"),
        authors=[AuthorFactory(name="Bob Roe")],
    )
    a.tags.add("rover")
    b.tags.add("lander")
    return a, b


def test_an_edit_purges_its_story_and_lists_in_varnish_and_no_other_page(varnish):
    a, b = two_stories()
    pages = {
        "a": a.get_absolute_url(),
        "b": b.get_absolute_url(),
        "front": "/",
        "mars": a.section.get_absolute_url(),
    }
    for path in pages.values():
        headers, _ = twice(varnish, path)
        assert headers["x-cache"] == "HIT", path
    headers, _ = twice(varnish, pages["a"])
    # The keys are Varnish's business; a reader sees no s-maxage either.
    assert "surrogate-key" not in headers and "xkey" not in headers
    assert "s-maxage" not in headers["cache-control"]
    assert "public" in headers["cache-control"]

    a.headline = "Rover finds more clay"
    a.save()  # its purge: after commit, through the (embedded) task queue

    for name in ("a", "front", "mars"):
        status, headers, body = fetch(varnish, pages[name])
        assert headers["x-cache"] == "MISS", name
        assert "Rover finds more clay" in body, name
    status, headers, body = fetch(varnish, pages["b"])
    assert headers["x-cache"] == "HIT"
    assert int(headers["age"]) >= 0
    assert "Lander goes quiet" in body


def test_encodings_are_cached_apart(varnish):
    a, _ = two_stories()
    path = a.get_absolute_url()
    twice(varnish, path)
    status, headers, _ = fetch(varnish, path, **{"Accept-Encoding": "gzip, br"})
    assert headers.get("content-encoding") == "br"
    status, headers, _ = fetch(varnish, path, **{"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip"
    status, headers, body = fetch(varnish, path)
    assert "content-encoding" not in headers
    assert "Rover finds clay" in body


def test_admin_and_signed_in_readers_are_never_served_from_varnish(varnish):
    a, _ = two_stories()
    path = a.get_absolute_url()
    twice(varnish, path)

    status, headers, _ = fetch(varnish, path, Cookie="sessionid=abc")
    assert headers["x-cache"] != "HIT"
    for _ in range(2):
        status, headers, _ = fetch(varnish, "/admin/login/")
        assert headers["x-cache"] != "HIT"


def test_purge_needs_an_address_in_the_acl_and_keys(varnish):
    conn = http.client.HTTPConnection(HOST, varnish, timeout=10)
    conn.request("PURGE", "/")  # from 127.0.0.1, in the ACL, but no keys
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 400


def test_a_publication_through_another_process_shows_through_varnish(varnish):
    a, _ = two_stories()
    headers, body = twice(varnish, "/")
    assert headers["x-cache"] == "HIT"
    draft = ArticleFactory(headline="Booster lands on the barge", section=a.section)
    assert "Booster lands" not in fetch(varnish, "/")[2]

    draft.status = State.PUBLISHED
    draft.published_at = timezone.now() - dt.timedelta(minutes=1)
    draft.save()

    # Purged at once: without the purge Varnish would keep the front page for
    # PAGE_CACHE_SECONDS. The deadline is generous for a busy machine.
    deadline = time.monotonic() + 15
    while "Booster lands" not in fetch(varnish, "/")[2]:
        assert time.monotonic() < deadline, "the front page was not purged"
        time.sleep(0.1)


def test_a_scheduled_story_appears_through_varnish_at_its_minute(varnish):
    a, _ = two_stories()
    minute = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if (minute - timezone.now()).total_seconds() < 10:
        minute += dt.timedelta(minutes=1)  # time to see it cached before
    ArticleFactory(
        headline="Starship rolls out",
        section=a.section,
        status=State.SCHEDULED,
        published_at=minute,
    )
    headers, body = twice(varnish, "/")
    assert headers["x-cache"] == "HIT"  # cached…
    assert "Starship rolls out" not in body  # …without it, until its minute

    deadline = minute + dt.timedelta(seconds=45)
    while True:
        asked = timezone.now()
        status, headers, body = fetch(varnish, "/")
        if "Starship rolls out" in body:
            # Never shown before its minute (the servers' clocks are this one).
            assert asked >= minute - dt.timedelta(seconds=1)
            break
        assert timezone.now() < deadline, "not shown after its minute"
        time.sleep(0.25)
