import pytest
from django.core.cache import cache

from tests.newsroom.workflow_helpers import user_in
from workflow.roles import EDITORS, WRITERS


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """On SQLite, test in a file, not in memory: the live server answers requests
    in threads, and an in-memory shared database refuses concurrent writers
    outright ("table is locked") where a file waits for its turn."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        path = tmp_path_factory.mktemp("db") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def _test_storage(settings, tmp_path):
    """Uploads go to a throwaway folder; static URLs need no collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Rolled-back test data never purges cached pages: start each test empty.
    cache.clear()
    # Editors' second factor is tested in tests/newsroom/test_two_factor.py;
    # elsewhere a logged-in editor is one who already gave it.
    settings.STAFF_TWO_FACTOR = False
    # Stories need a hero picture by default; the suite's stories mostly have
    # none. tests/newsroom/test_checklist.py tests the rule both ways.
    settings.STORY_HERO_REQUIRED = False
    # The real hasher costs seconds per login in a suite that logs in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def media_files(settings):
    """Every file under MEDIA_ROOT, relative to it."""

    def files():
        root = settings.MEDIA_ROOT
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return files


@pytest.fixture
def now(monkeypatch):
    """Stop the clock: for the rest of the test, `timezone.now()` (and so
    `localdate()`, `auto_now` and the `public()` queries) returns this one
    instant, in the test and in the code it runs, however long a loaded machine
    takes between two lines. (A field declared `default=timezone.now` kept the
    real function when its model was imported, and still reads the wall clock.)"""
    from django.utils import timezone

    moment = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: moment)
    return moment


# Users in each role, for the workflow's tests and live coverage's: one place,
# so the two suites' writers and editors cannot drift apart.


@pytest.fixture
def writer(db):
    return user_in(WRITERS, username="wanda", first_name="Wanda")


@pytest.fixture
def other_writer(db):
    return user_in(WRITERS, username="otto")


@pytest.fixture
def editor(db):
    return user_in(EDITORS, username="edie", first_name="Edie")


@pytest.fixture(scope="session")
def s3_endpoint():
    """The address of a real S3-compatible server for the tests of the library's
    bucket (tests/media_library, tests/varnish): moto in server mode, started
    on a free port for the session (`pip install "moto[server]"`, in the dev
    extras). Skips, saying so, where moto is not installed."""
    import shutil
    import socket
    import subprocess
    import time
    import urllib.error
    import urllib.request

    pytest.importorskip(
        "moto", reason='moto is not installed: pip install "moto[server]"'
    )
    server = shutil.which("moto_server")
    if server is None:
        pytest.skip('moto_server is not on PATH: pip install "moto[server]"')
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 (our own fixed command)
        [server, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # until it answers, at most 20 s
            try:
                urllib.request.urlopen(endpoint + "/moto-api/", timeout=1)  # noqa: S310
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)
