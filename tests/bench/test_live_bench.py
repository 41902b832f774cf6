"""The live coverage benchmark's pieces (bench/live_readers.py) at a tiny scale:
its readers against the real updates endpoint (Django's live server, through
the page cache), the report's shape, and when it says every reader had the
entry. No figure of speed is asserted."""

import asyncio
import concurrent.futures
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from bench import live_readers
from bench.live_readers import Readers, Reply, Tally, drive, http_get, summarise
from live import services
from live.page import cursor_of, updates_url
from tests.factories import ArticleFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def run_loop(coroutine):
    """asyncio.run in a thread of its own: a browser test run before this one
    in the same process (Playwright's sync API) leaves an event loop running
    in the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture
def live_story(transactional_db):
    editor = UserFactory(username="bench-editor", is_staff=True, is_superuser=True)
    story = ArticleFactory(published=True, slug="launch-live")
    return services.start_coverage(story, by=editor), editor


def test_readers_get_a_posted_entry_from_the_real_endpoint(live_server, live_story):
    story, editor = live_story
    services.post_entry(story, by=editor, text="Before the run")
    address = urlsplit(live_server.url)

    async def get(path, etag):
        return await http_get(address.hostname, address.port, path, etag)

    readers = Readers(
        get, updates_url(story), count=20, interval=0.3, cursor=cursor_of(story)
    )
    posted = []

    def post():  # run in a thread of its own: it closes its connection
        try:
            entry = services.post_entry(story, by=editor, text="Liftoff!")
        finally:
            connection.close()
        posted.append(entry.pk)
        return entry.pk

    samples = []
    run_loop(drive(readers, warmup=1.0, timeout=30, post=post, sample=samples.append))
    result = summarise(readers, {"before": {}, "after": {}})

    assert samples == ["start", "post", "end"]
    assert result.readers == 20 and result.reached == 20
    assert result.reached_everyone is True
    assert set(readers.tally.seen_after) == set(range(20))
    # Unchanged polls were answered 304 (the readers sent the ETag back).
    assert result.requests["304"] > 0
    assert result.requests["200"] >= 20
    assert result.requests["errors"] == 0 and result.requests["other"] == 0
    assert result.max_seconds >= result.p95_seconds >= result.p50_seconds >= 0
    assert result.verdict in ("PASS", "FAIL")
    assert set(vars(result)) == {
        "readers", "interval", "reached", "reached_everyone", "target_seconds",
        "max_seconds", "p50_seconds", "p95_seconds", "requests", "server",
        "verdict",
    }  # fmt: skip


def test_a_run_whose_readers_never_get_it_ends_at_its_timeout_and_fails():
    """A stand-in server that never shows the entry (every poll a 304): the
    run waits until its timeout, then says nobody had it."""

    async def get(path, etag):
        return Reply(304)

    readers = Readers(get, "/u/", count=4, interval=0.05, cursor=0)
    run_loop(
        drive(readers, warmup=0.1, timeout=0.3, post=lambda: 7, sample=lambda p: 0)
    )
    result = summarise(readers, {})
    assert result.reached == 0 and result.reached_everyone is False
    assert result.requests["304"] > 0
    assert result.verdict == "FAIL"


def test_some_readers_reached_is_not_everyone():
    readers = Readers(None, "/u/", count=3, interval=10, cursor=0)
    readers.tally = Tally(ok=2, seen_after={0: 1.0, 2: 2.0})
    result = summarise(readers, {})
    assert result.reached == 2 and result.reached_everyone is False
    assert result.verdict == "FAIL"


def test_everyone_reached_but_too_late_is_a_fail():
    readers = Readers(None, "/u/", count=2, interval=10, cursor=0)
    readers.tally = Tally(ok=2, seen_after={0: 3.0, 1: 16.0})
    result = summarise(readers, {})
    assert result.reached_everyone is True
    assert result.verdict == "FAIL"
    readers.tally.seen_after[1] = 14.0
    assert summarise(readers, {}).verdict == "PASS"


def test_refuses_a_database_not_named_for_the_benchmark_or_a_local_cache(capsys):
    with pytest.raises(SystemExit):
        live_readers.parse_args(["--database-url", "postgres://h/newsroom"])
    with pytest.raises(SystemExit):
        live_readers.parse_args(["--cache-url", "locmemcache://"])
    assert "bench" in capsys.readouterr().err


def test_run_py_hands_the_live_scenario_over():
    done = subprocess.run(  # noqa: S603
        [sys.executable, "bench/run.py", "live", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "live_readers.py" in done.stdout
    assert "--readers" in done.stdout
