"""The benchmark's own pieces, so it cannot rot unnoticed: seeding (tiny counts),
the wrk script and what is read from its output, the figures and targets, and
the command's --help. No load test runs here: wrk drives a stub server for a
second at most."""

import re
import subprocess
import sys
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from taggit.models import TaggedItem

from articles.models import Article
from bench import report, run, seed, wrk
from bench.wrk import Measurement

ROOT = Path(__file__).resolve().parents[2]


# --- Seeding --------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_makes_published_stories_with_what_pages_show(client):
    now = timezone.now()
    summary = seed.seed(30, now=now)

    assert summary.stories == 30
    stories = Article.objects.public()
    assert stories.count() == 30
    assert not stories.filter(bylines__isnull=True).exists()
    assert TaggedItem.objects.count() == summary.tagged >= 30
    assert stories.filter(hero_image__isnull=False).exists()
    newest = stories.newest_first().first()
    assert now - timedelta(hours=2) < newest.published_at < now
    for url in (newest.get_absolute_url(), newest.section.get_absolute_url(), "/"):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_seed_is_reused_when_the_count_matches_and_redone_otherwise():
    first = seed.ensure_seeded(12)
    again = seed.ensure_seeded(12)
    redone = seed.ensure_seeded(12, reseed=True)
    other = seed.ensure_seeded(7)

    assert (first.reused, again.reused, redone.reused) == (False, True, False)
    assert not other.reused
    assert Article.objects.count() == 7


def _words(html: str) -> int:
    return len(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.django_db
def test_bodies_are_about_200_words_unless_asked_for_longer(client):
    seed.seed(6)
    short = list(Article.objects.values_list("body", flat=True))
    seed.empty_content_tables()
    seed.seed(6, body_words=800)  # as the peer benchmark's (bench/peer/)
    long = list(Article.objects.order_by("pk"))

    assert all(170 < _words(body) < 240 for body in short)
    for story in long:
        assert 780 < _words(story.body) < 920
        assert 5 <= story.body.count("<p>") <= 7 and story.body.count("<h2>") == 1
        assert "<strong>" in story.body and "<em>" in story.body
        assert 'href="https://example.com/report/' in story.body
        assert f'href="{story.section.get_absolute_url()}"' in story.body
    story = long[0]
    assert client.get(story.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_the_default_seed_is_the_same_stories_as_before_body_words():
    """Adding the option drew nothing more from the seeded random generator: the
    default seed still makes the stories the README's figures were measured on."""
    seed.seed(3)

    assert list(Article.objects.order_by("pk").values_list("slug", flat=True)) == [
        "budget-fight-puts-space-station-and-its-deorbit-vehicle-at-risk-0",
        "starliner-delays-helium-leak-work-to-next-year-1",
        "why-nebula-matters-for-hubble-2",
    ]


@pytest.mark.django_db
def test_bulk_inserted_stories_are_searchable_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("full-text search (the search_vector trigger) is PostgreSQL only")
    from articles.search import search

    seed.seed(30)

    assert not Article.objects.filter(search_vector__isnull=True).exists()
    story = Article.objects.first()
    assert story in search(story.headline)


# --- wrk -------------------------------------------------------------------------


class _Stub(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as gunicorn

    def do_GET(self):
        self.server.seen.append(self.path)
        status = 404 if self.path == "/missing/" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.mark.skipif(not wrk.installed(), reason="wrk is not installed")
def test_wrk_cycles_through_the_paths_and_counts_errors():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    paths = ["/a/", "/b/?q=mars+rover", "/missing/"]
    try:
        measured = wrk.run(
            "127.0.0.1", server.server_address[1], paths, connections=2,
            warmup=0, duration=1,
        )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()

    assert set(server.seen) == set(paths)
    # wrk's latency histogram and its request count are taken at slightly
    # different moments (a request finishing as the run ends may be in one only),
    # so on a busy machine they differ by a few: both are only checked non-empty.
    assert measured.requests > 0 and measured.latencies
    assert measured.errors == pytest.approx(measured.requests / 3, abs=2)
    assert measured.client_cpu is not None


def test_wrk_output_and_slices_become_one_measurement():
    out = (
        "Running 2s test @ http://127.0.0.1:8000\n"
        'BENCH_JSON {"requests": 3, "duration_us": 2000000, "errors": 0, '
        '"non2xx": 1}\n'
        "BENCH_LATENCY 1500 2\nBENCH_LATENCY 40000 1\n"
    )

    first = wrk.parse(out, cpu=0.5)
    both = wrk.merge([first, Measurement(requests=1, seconds=2.0, latencies=[0.002])])

    assert (first.requests, first.seconds, first.errors) == (3, 2.0, 1)
    assert first.latencies == [0.0015, 0.0015, 0.04]
    assert first.client_cpu == 0.25
    assert (both.requests, both.seconds, len(both.latencies)) == (4, 4.0, 4)
    assert report.percentile(both.latencies, 99) == pytest.approx(40)


# --- Figures and targets --------------------------------------------------------


def _result(name, rps, *, phase="cached", latency=0.010, errors=0):
    requests = int(rps * 10)
    return report.Result(
        name, f"/{name}/", phase, requests=requests, seconds=10.0,
        latencies=[latency] * requests, errors=errors,
    )  # fmt: skip


def test_percentiles_are_nearest_rank_in_milliseconds():
    latencies = [n / 1000 for n in range(1, 101)]  # 1 ms ... 100 ms

    assert report.percentile(latencies, 50) == pytest.approx(50)
    assert report.percentile(latencies, 95) == pytest.approx(95)
    assert report.percentile(latencies, 99) == pytest.approx(99)
    assert report.percentile([], 50) is None


def test_targets_are_ratios_to_the_static_file_of_the_same_server():
    results = [
        _result("static", 1000),
        _result("story_cached", 600),
        _result("search", 20, latency=0.150),
        _result("static", 500, phase="uncached"),
        _result("story_uncached", 40, phase="uncached"),  # 8% of its own server's
        report.Result("feed", "/feeds/rss/", "cached", skipped="answers 404"),
    ]

    checks = {
        c.target.name: c
        for c in report.check_targets(results, stories=100_000, vendor="postgresql")
    }

    assert checks["story_cached"].value == pytest.approx(0.60)
    assert checks["story_cached"].verdict == "PASS"
    assert checks["story_uncached"].value == pytest.approx(0.08)
    assert checks["story_uncached"].verdict == "PASS"
    assert checks["search"].value == pytest.approx(150)
    assert checks["search"].verdict == "FAIL"
    assert checks["search"].note == ""
    table = report.format_table(results)
    assert "60.0%" in table and "8.0%" in table
    assert "feed" in table and "skipped: answers 404" in table
    shown = report.format_checks(list(checks.values()))
    assert "FAIL  search p95 < 100 ms" in shown and "150.0 ms" in shown


def test_ratio_prefers_the_static_slices_interleaved_with_the_target():
    story = _result("story_cached", 300)
    story.static_rps = 500.0  # measured in the same time slices
    results = [_result("static", 1000), story]

    assert report.ratio(story, report.static_for(story, results)) == 0.6
    assert report.ratio(_result("front", 100)) is None  # nothing to compare with


def test_misses_errors_and_small_runs_are_said_so():
    results = [
        _result("static", 1000),
        _result("story_cached", 400),
        _result("search", 20, latency=0.050, errors=3),
    ]

    checks = {
        c.target.name: c
        for c in report.check_targets(results, stories=20_000, vendor="sqlite")
    }

    assert checks["story_cached"].verdict == "FAIL"
    assert checks["story_uncached"].verdict == "SKIP"
    assert checks["search"].verdict == "FAIL"  # fast, but errors count as a miss
    assert "indicative" in checks["search"].note
    assert report.as_dict(results[1], results)["ratio_to_static"] == 0.4


# --- The command ------------------------------------------------------------------


def test_help_exits_cleanly():
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert "--stories" in done.stdout and "--database-url" in done.stdout


def test_refuses_a_database_not_named_for_the_benchmark(capsys):
    with pytest.raises(SystemExit):
        run.parse_args(["--database-url", "postgres://postgres@127.0.0.1/newsroom"])

    assert "must contain 'bench'" in capsys.readouterr().err


@pytest.mark.django_db
def test_every_target_has_addresses():
    seed.seed(5)

    paths = run.target_paths(run.parse_args([]), "/static/site.css")

    assert set(paths) == set(run.TARGETS)
    assert run.TARGETS["feed_uncached"][0] == run.UNCACHED
    assert paths["feed_uncached"] == [run.FEED]


def test_ratios_are_to_all_static_slices_of_the_same_server():
    """One target's own static slices are few draws of a bimodal figure (how
    the workers shared the connections): every result of a server is compared
    with all the static slices taken on it."""
    story = _result("story_cached", 600)
    story.static_rps = 500.0  # its own slices: an unlucky draw
    uncached = _result("story_uncached", 40, phase="uncached")
    uncached.static_rps = 2000.0
    statics = [
        Measurement(requests=500, seconds=1.0, latencies=[0.002] * 500),
        Measurement(requests=1500, seconds=1.0, latencies=[0.002] * 1500),
    ]

    static = run.phase_static([story, uncached], "cached", "/static/x.css", statics)

    assert static.rps == 1000.0 and static.name == "static"
    assert report.ratio(story) == 0.6
    assert uncached.static_rps == 2000.0  # another server's, untouched


# --- The mixed load (bench/mixed.py) ----------------------------------------------


def test_mixed_refuses_a_database_not_named_for_the_benchmark(capsys):
    from bench import mixed

    with pytest.raises(SystemExit):
        mixed.parse_args(["--database-url", "postgres://postgres@127.0.0.1/newsroom"])

    assert "must contain 'bench'" in capsys.readouterr().err


@pytest.mark.django_db
def test_mixed_readers_ask_for_stories_lists_and_new_picture_sizes():
    import random

    from bench import mixed

    seed.seed(12)

    rng = random.Random(1)  # noqa: S311 (choosing pages)
    paths = mixed.reader_paths(mixed.parse_args([]), rng)

    stories = [p for p in paths if p.startswith("/stories/")]
    pictures = [p for p in paths if p.startswith("/images/")]
    assert 0.6 < len(stories) / len(paths) < 0.8
    assert 0 < len(pictures) / len(paths) < 0.05
    assert "/" in paths and "/feeds/rss/" in paths
