"""The site as docker-compose runs it (issue 17), all real: varnishd runs
deploy/varnish/default.vcl with xkey (Debian's varnish and varnish-modules;
.ci/run installs them) in front of two gunicorn servers, A and B, and the task
queue's worker runs compose's own command (`manage.py db_worker`,
TASKS_BACKEND=database). They share with this process the test database, the
cache (a Redis database of its own when Redis answers on 127.0.0.1:6379, as in
production; otherwise a folder) and the library's bucket, on the moto S3
server of tests/conftest.py's s3_endpoint. A change made here or through a
server's admin purges Varnish through the worker (PURGE_URLS=varnish://...).

Each test starts the servers and the worker afresh: a transactional test ends
by emptying the database, which makes its content types and permissions again
under new ids, and a server still running would keep the old ones cached.

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
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin
from urllib.request import HTTPCookieProcessor, build_opener

import environ
import pytest
import yaml
from django.conf import global_settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import purgers
from core.cache import bump_site_version
from core.purgers import purge_cache
from media_library import tasks as library_tasks
from media_library.models import Rendition, RenditionFormat
from media_library.renditions import rendition_url
from newsroom.two_factor import APP_DEVICE_NAME
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
    image_bytes,
)
from workflow.roles import EDITORS, sync_roles
from workflow.states import State

ROOT = Path(__file__).resolve().parents[2]
VCL_DIR = ROOT / "deploy" / "varnish"
HOST = "127.0.0.1"
SECRET = "varnish-e2e-only-secret-key-not-for-any-real-site-0123456789"
BUCKET = "newsroom-e2e"
S3_KEY = "testing"  # moto takes any keys
PASSWORD = "correct horse battery staple"
# Set in the Redis database this run uses, so that a second run at the same
# time (CI's beside a developer's) takes another one.
REDIS_CLAIM = "newsroom-e2e:claimed"

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


def fetch_bytes(port: int, path: str, **headers) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        found = {name.lower(): value for name, value in response.getheaders()}
        return response.status, found, body
    finally:
        conn.close()


def fetch(port: int, path: str, **headers) -> tuple[int, dict, str]:
    """A reader's request: (status, headers, text, or "" when compressed)."""
    status, found, body = fetch_bytes(port, path, **headers)
    return status, found, "" if found.get("content-encoding") else body.decode()


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
    raise RuntimeError(f"{what} did not happen in {seconds:g} s\n{tail}")


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


def claim_redis():
    """(CACHE_URL, client) of an empty Redis database claimed for this run, or
    None when no Redis answers (the servers then share a cache folder)."""
    try:
        import redis
    except ImportError:
        return None
    for number in range(15, 0, -1):
        client = redis.Redis(host=HOST, port=6379, db=number, socket_timeout=3)
        try:
            if client.dbsize() == 0 and client.set(
                REDIS_CLAIM, os.getpid(), nx=True, ex=3600
            ):
                return f"redis://{HOST}:6379/{number}", client
        except (redis.RedisError, OSError):
            return None
    return None


def worker_command() -> list[str]:
    """The worker's command as docker-compose.yml runs it, with this Python."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    python, *argv = compose["services"]["worker"]["command"]
    assert python == "python"
    return [sys.executable, *argv]


@dataclass
class Stack:
    env: dict
    work: Path
    web: tuple[int, int]  # server A's port, server B's
    varnish: int
    purge_url: str
    cache: dict  # the CACHES entry the servers make of CACHE_URL
    storage: dict  # the STORAGES entry they make of STORAGE_URL
    s3: object  # a boto3 client of the bucket
    running: list = field(default_factory=list)

    def start_app(self) -> None:
        """Servers A and B and the worker, once both servers answer."""
        for name, port in zip("AB", self.web, strict=True):
            log = self.work / f"web-{name}.log"
            self.running.append(
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
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                )
            )
        with (self.work / "worker.log").open("a") as out:
            self.running.append(
                subprocess.Popen(  # noqa: S603 (our own argument list)
                    worker_command(),
                    cwd=ROOT,
                    env=self.env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                )
            )
        for name, port in zip("AB", self.web, strict=True):
            wait_for(
                f"server {name}",
                lambda port=port: fetch(port, "/robots.txt")[0] == 200,
                seconds=120,
                log=self.work / f"web-{name}.log",
            )

    def stop_app(self) -> None:
        while self.running:
            stop(self.running.pop())

    def bucket_keys(self) -> set[str]:
        listed = self.s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
        return {item["Key"] for item in listed}


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, s3_endpoint):
    """Varnish in front of two servers' ports, with the servers' environment;
    each test starts the servers themselves (`site`)."""
    import boto3

    work = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    # varnishd's worker runs as its own user: it must reach its folder.
    work.chmod(0o755)
    web = (free_port(), free_port())
    varnish_port = free_port()
    purge_url = f"varnish://{HOST}:{varnish_port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_KEY,
    )
    s3.create_bucket(Bucket=BUCKET)
    redis = claim_redis()
    if redis:
        cache_url = redis[0]
    else:
        (work / "cache").mkdir()
        cache_url = f"filecache://{work / 'cache'}"
    storage_url = (
        f"s3://{S3_KEY}:{S3_KEY}@{BUCKET}?endpoint_url={s3_endpoint}"
        "&region_name=us-east-1"
    )
    with django_db_blocker.unblock():
        db_url = database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "off",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "DATABASE_URL": db_url,
        "CACHE_URL": cache_url,
        "STORAGE_URL": storage_url,
        "PURGE_URLS": purge_url,
        "TASKS_BACKEND": "database",
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
    # The servers as backends.vcl names them in docker-compose: web1, web2.
    (work / "backends.vcl").write_text(
        "import directors;\n"
        + "".join(
            f'backend web{n} {{ .host = "{HOST}"; .port = "{port}"; }}\n'
            for n, port in enumerate(web, 1)
        )
        + "sub vcl_init {\n    new web = directors.round_robin();\n"
        + "".join(f"    web.add_backend(web{n});\n" for n in (1, 2))
        + "}\nsub newsroom_backend { set req.backend_hint = web.backend(); }\n"
    )
    log = work / "varnishd.log"
    with log.open("w") as out:
        varnishd = subprocess.Popen(  # noqa: S603 (our own argument list)
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
    stack = Stack(
        env=env,
        work=work,
        web=web,
        varnish=varnish_port,
        purge_url=purge_url,
        cache=environ.Env.cache_url_config(cache_url),
        storage={
            "BACKEND": "media_library.storage.LibraryS3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": S3_KEY,
                "secret_key": S3_KEY,
            },
        },
        s3=s3,
    )
    try:
        # Up, with no server behind it yet: it answers 503.
        wait_for("varnishd", lambda: fetch(varnish_port, "/robots.txt"), log=log)
        yield stack
    finally:
        stack.stop_app()
        stop(varnishd)
        if redis:
            redis[1].flushdb()  # the page cache's keys and the claim
        for key in stack.bucket_keys():
            s3.delete_object(Bucket=BUCKET, Key=key)
        s3.delete_bucket(Bucket=BUCKET)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def site(stack, settings, transactional_db):
    """The stack running, and this process sharing the servers' cache, bucket
    and task queue, so that a change made here reaches them as one made on a
    server would. Earlier tests' pages are gone from Varnish and the cache."""
    stack.start_app()
    settings.CACHES = {"default": stack.cache}
    settings.STORAGES = {**settings.STORAGES, "library": stack.storage}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The servers check passwords with Django's own hashers.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.PURGE_URLS = []
    bump_site_version()
    purgers.parse(stack.purge_url).purge([purgers.SITE, purgers.UNKEYED])
    settings.PURGE_URLS = [stack.purge_url]
    yield stack
    stack.stop_app()


def drained(seconds: float = 60) -> None:
    """Wait until the worker has run every task that is due (purges, renditions,
    e-mails of the changes made so far)."""
    due = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    wait_for(
        "the worker's queue emptying",
        lambda: not (DBTaskResult.objects.ready().exists() or due.exists()),
        seconds,
    )


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


# --- Staff in the admin, over HTTP ------------------------------------------------


def staff(username: str, *, superuser: bool = False):
    """(user, authenticator app) of an editor, or of an administrator: both
    give a second factor on the servers (STAFF_TWO_FACTOR is on there)."""
    user = UserFactory(
        username=username, is_staff=True, is_superuser=superuser, password=PASSWORD
    )
    if not superuser:
        sync_roles()  # the groups went with the last test's database
        user.groups.add(Group.objects.get(name=EDITORS))
    device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
    return user, device


class _Forms(HTMLParser):
    """The forms of a page: action and the values a browser would send back
    untouched (hidden and text inputs, textareas empty, a select's chosen or
    first option)."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._open = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.forms.append((attrs.get("action") or "", {}))
            self._open = True
        elif not self._open:
            return
        elif tag == "input" and name and attrs.get("type") not in SKIPPED_INPUTS:
            self.forms[-1][1][name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.forms[-1][1][name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select:
            fields = self.forms[-1][1]
            if self._select not in fields or "selected" in attrs:
                fields[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._open = False


SKIPPED_INPUTS = {"submit", "button", "checkbox", "radio", "file", "image"}


@dataclass
class Page:
    url: str
    status: int
    text: str

    def form(self, *, action: str = "", having: str = "") -> tuple[str, dict]:
        """The form whose action ends with `action` and that has a field
        `having`: (absolute action, fields)."""
        parser = _Forms()
        parser.feed(self.text)
        for form_action, fields in parser.forms:
            if form_action.endswith(action) and (not having or having in fields):
                return urljoin(self.url, form_action), fields
        raise AssertionError(f"no such form on {self.url}: {action!r} {having!r}")


class Browser:
    """Someone's browser on one server: cookies kept, redirects followed, each
    form sent back with the page's own CSRF token, as a browser does."""

    def __init__(self, port: int):
        self.base = f"http://{HOST}:{port}"
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def _open(self, url: str, data: bytes | None = None) -> Page:
        try:
            with self.opener.open(url, data=data, timeout=60) as response:
                return Page(response.url, response.status, response.read().decode())
        except HTTPError as refused:
            return Page(refused.url, refused.code, refused.read().decode())

    def get(self, path: str) -> Page:
        return self._open(self.base + path)

    def submit(self, form: tuple[str, dict], **values) -> Page:
        action, fields = form
        return self._open(action, urlencode({**fields, **values}).encode())

    def log_in(self, user, device) -> None:
        """Through the log-in page and the second factor, as staff do."""
        page = self.get("/admin/login/?next=/admin/")
        page = self.submit(
            page.form(having="password"), username=user.username, password=PASSWORD
        )
        assert page.url.startswith(self.base + reverse("admin_two_factor")), page
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
        page = self.submit(
            page.form(having="otp_token"), otp_token=f"{totp.token():06d}"
        )
        assert (page.status, page.url) == (200, self.base + "/admin/"), page


# --- What readers get through Varnish ------------------------------------------------


def test_an_edit_purges_its_story_and_lists_in_varnish_and_no_other_page(site):
    a, b = two_stories()
    drained()  # their own purges are done
    pages = {
        "a": a.get_absolute_url(),
        "b": b.get_absolute_url(),
        "front": "/",
        "mars": a.section.get_absolute_url(),
    }
    for path in pages.values():
        headers, _ = twice(site.varnish, path)
        assert headers["x-cache"] == "HIT", path
    headers, _ = twice(site.varnish, pages["a"])
    # The keys are Varnish's business; a reader sees no s-maxage either.
    assert "surrogate-key" not in headers and "xkey" not in headers
    assert "s-maxage" not in headers["cache-control"]
    assert "public" in headers["cache-control"]

    a.headline = "Rover finds more clay"
    a.save()  # its purge: after commit, through the worker
    drained()

    for name in ("a", "front", "mars"):
        status, headers, body = fetch(site.varnish, pages[name])
        assert headers["x-cache"] == "MISS", name
        assert "Rover finds more clay" in body, name
    status, headers, body = fetch(site.varnish, pages["b"])
    assert headers["x-cache"] == "HIT"
    assert int(headers["age"]) >= 0
    assert "Lander goes quiet" in body


def test_encodings_are_cached_apart(site):
    a, _ = two_stories()
    path = a.get_absolute_url()
    drained()
    twice(site.varnish, path)
    status, headers, _ = fetch(site.varnish, path, **{"Accept-Encoding": "gzip, br"})
    assert headers.get("content-encoding") == "br"
    status, headers, _ = fetch(site.varnish, path, **{"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip"
    status, headers, body = fetch(site.varnish, path)
    assert "content-encoding" not in headers
    assert "Rover finds clay" in body


def test_admin_and_signed_in_readers_are_never_served_from_varnish(site):
    a, _ = two_stories()
    path = a.get_absolute_url()
    drained()
    twice(site.varnish, path)

    status, headers, _ = fetch(site.varnish, path, Cookie="sessionid=abc")
    assert headers["x-cache"] != "HIT"
    for _ in range(2):
        status, headers, _ = fetch(site.varnish, "/admin/login/")
        assert headers["x-cache"] != "HIT"


def test_purge_needs_an_address_in_the_acl_and_keys(stack):
    conn = http.client.HTTPConnection(HOST, stack.varnish, timeout=10)
    conn.request("PURGE", "/")  # from 127.0.0.1, in the ACL, but no keys
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 400


def test_an_editor_publishes_on_server_a_and_it_shows_on_b_and_through_varnish(
    site,
):
    server_a, server_b = site.web
    a, _ = two_stories()
    editor, device = staff("edie")
    story = ArticleFactory(
        status=State.APPROVED,
        headline="Booster lands on the barge",
        section=a.section,
        authors=[AuthorFactory(name="Cy Dee")],
        # In the bucket; the worker makes its sizes.
        hero_image=ImageFactory(),
    )
    drained()
    headers, body = twice(site.varnish, "/")
    assert headers["x-cache"] == "HIT"
    assert "Booster lands" not in body
    assert "Booster lands" not in fetch(server_b, "/")[2]

    # The editor, in server A's admin, presses the story's "Publish now".
    browser = Browser(server_a)
    browser.log_in(editor, device)
    change = browser.get(reverse("admin:articles_article_change", args=[story.pk]))
    published = browser.submit(change.form(action="/workflow/publish/"))
    assert published.status == 200, published.text[-2000:]
    story.refresh_from_db()
    assert story.status == State.PUBLISHED

    # Server B shares the page cache; Varnish is purged by the worker. The
    # deadline is generous for a busy machine: without the purges both would
    # keep the front page for PAGE_CACHE_SECONDS.
    for where, port in (("server B", server_b), ("Varnish", site.varnish)):
        wait_for(
            f"the story on the front page through {where}",
            lambda port=port: "Booster lands on the barge" in fetch(port, "/")[2],
            seconds=60,
        )


def test_a_missing_size_is_made_once_for_readers_of_both_servers_at_once(
    site, monkeypatch
):
    # A picture from before sizes were made ahead: none exists yet.
    monkeypatch.setattr(library_tasks, "make_renditions_later", lambda image: None)
    picture = ImageFactory(
        file=ContentFile(image_bytes(1600, 900, fmt="PNG"), name="wide.png")
    )
    ArticleFactory(published=True, hero_image=picture)
    drained()
    assert not Rendition.objects.filter(image=picture).exists()
    stored = site.bucket_keys()
    path = rendition_url(picture, "hero", 800, RenditionFormat.JPEG)
    ports = [site.web[n % 2] for n in range(8)]  # four readers on each server
    together = threading.Barrier(len(ports))

    def ask(port):
        together.wait()
        return fetch_bytes(port, path)

    with ThreadPoolExecutor(len(ports)) as readers:
        answers = list(readers.map(ask, ports))

    assert [status for status, _, _ in answers] == [200] * len(ports)
    assert {headers["content-type"] for _, headers, _ in answers} == {"image/jpeg"}
    assert len({body for _, _, body in answers}) == 1
    [made] = Rendition.objects.filter(image=picture)
    assert (made.spec, made.target_width, made.format) == ("hero", 800, "jpeg")
    assert site.bucket_keys() - stored == {made.file.name}


class ComingBack(ThreadingHTTPServer):
    """A cache in front that was down comes back on `port`: answers every
    PURGE 200 and records the keys it was asked to forget."""

    def __init__(self, port: int):
        self.purged: list[str] = []
        super().__init__((HOST, port), _Purged)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _Purged(BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 (the method's name)
        self.server.purged.append(self.headers.get("xkey-purge", ""))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_failed_task_is_retried_and_shown_in_the_admin(site):
    port = free_port()  # nothing listens there yet: the purge fails
    down = f"varnish://{HOST}:{port}"
    purge_cache.enqueue(down, ["story:404"])
    mine = DBTaskResult.objects.filter(task_path=purge_cache.module_path)

    wait_for("the first attempt failing", lambda: mine.failed().exists(), 60)
    failed = mine.failed().get()
    assert "PurgeFailed" in failed.traceback
    # Its retry was stored as it failed, to run after a pause.
    retry = mine.exclude(pk=failed.pk).get()
    assert retry.args_kwargs == {
        "args": [down, ["story:404"]],
        "kwargs": {"_attempt": 2},
    }
    assert retry.run_after > failed.started_at

    cache = ComingBack(port)  # the cache answers again
    try:
        wait_for("a retry succeeding", lambda: mine.successful().exists(), 180)
    finally:
        cache.shutdown()
        cache.server_close()
    # Normally the retry above; on a machine slow enough to miss its moment,
    # a later one (each failure stores the next).
    succeeded = mine.successful().get()
    assert succeeded.args_kwargs["kwargs"]["_attempt"] >= 2
    assert set(mine.exclude(pk=succeeded.pk).values_list("status", flat=True)) == {
        TaskResultStatus.FAILED
    }
    assert cache.purged == ["story:404"]

    administrator, device = staff("ada", superuser=True)
    browser = Browser(site.web[1])
    browser.log_in(administrator, device)
    listed = browser.get(
        reverse("admin:django_tasks_database_dbtaskresult_changelist")
        + "?status__exact=FAILED"
    )
    assert str(failed.pk) in listed.text and str(succeeded.pk) not in listed.text
    page = reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
    shown = browser.get(page)
    assert shown.status == 200
    assert "Failed" in shown.text and "core.purgers.purge_cache" in shown.text
    assert "PurgeFailed" in shown.text and f"{HOST}:{port}" in shown.text


def test_a_scheduled_story_appears_through_varnish_at_its_minute(site):
    a, _ = two_stories()
    minute = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    if (minute - timezone.now()).total_seconds() < 15:
        minute += dt.timedelta(minutes=1)  # time to see it cached before
    ArticleFactory(
        headline="Starship rolls out",
        section=a.section,
        status=State.SCHEDULED,
        published_at=minute,
    )
    drained()
    headers, body = twice(site.varnish, "/")
    assert headers["x-cache"] == "HIT"  # cached…
    assert "Starship rolls out" not in body  # …without it, until its minute

    deadline = minute + dt.timedelta(seconds=45)
    while True:
        asked = timezone.now()
        status, headers, body = fetch(site.varnish, "/")
        if "Starship rolls out" in body:
            # Never shown before its minute (the servers' clocks are this one).
            assert asked >= minute - dt.timedelta(seconds=1)
            break
        assert timezone.now() < deadline, "not shown after its minute"
        time.sleep(0.25)
