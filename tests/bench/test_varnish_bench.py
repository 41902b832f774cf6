"""The pieces of the benchmark through Varnish (bench/varnish.py), at a tiny
scale: reading varnishstat, the share of readers Varnish answered, the picture
addresses a reader follows, the verdicts, and, where varnishd is installed, the
production VCL in front of a stub server for a few requests. No figure of
speed is asserted."""

import json
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import report, seed, varnish
from media_library import usage
from media_library.renditions import SPECS, candidates, formats_for

ROOT = Path(__file__).resolve().parents[2]


# --- varnishstat and the share of readers answered ------------------------------


def _counter(value: int) -> dict:
    return {"description": "...", "flag": "c", "format": "i", "value": value}


def test_varnishstat_counters_are_read_in_both_of_its_json_layouts():
    nested = {  # Varnish 6.5 and later (Debian 12 has 7.1)
        "version": 1,
        "timestamp": "2026-11-28T10:00:00",
        "counters": {
            "MAIN.cache_hit": _counter(95),
            "MAIN.client_req": _counter(103),
            "MGT.uptime": _counter(7),
            "SMA.s0.g_bytes": _counter(4096),
        },
    }
    flat = {"timestamp": "2026-11-28T10:00:00", "MAIN.cache_hit": _counter(3)}

    assert varnish.parse_varnishstat(json.dumps(nested)) == {
        "cache_hit": 95,
        "client_req": 103,
    }
    assert varnish.parse_varnishstat(json.dumps(flat)) == {"cache_hit": 3}


def test_the_share_counts_readers_requests_only_not_the_sites_purges():
    before = {"client_req": 1000, "s_synth": 10, "cache_hit": 900, "cache_miss": 80}
    after = {
        "client_req": 1000 + 205,  # 200 readers and 5 PURGEs
        "s_synth": 10 + 5,
        "cache_hit": 900 + 190,
        "cache_miss": 80 + 8,
        "s_pass": 2,
        "backend_req": 10,
    }

    share = varnish.hit_share(before, after)

    assert (share.readers, share.hits, share.misses, share.purges) == (200, 190, 8, 5)
    assert (share.passes, share.fetched) == (2, 10)
    assert share.share == pytest.approx(0.95)
    assert varnish.hit_share(before, before).share is None


def test_a_reader_follows_each_picture_size_the_page_links_once():
    html = (
        '<picture><source type="image/avif" srcset="/images/4/0123456789ab/'
        'hero-800.avif 800w, /images/4/0123456789ab/hero-1200.avif 1200w">'
        '<img src="/images/4/0123456789ab/hero-800.jpg" alt="A rocket"></picture>'
        '<img src="/static/newsroom/logo.3f2a.svg" alt="">'
        '<a href="/images/9/0123456789ab/card-480.jpg">not a picture shown</a>'
        '<img src="/images/4/0123456789ab/hero-800.jpg?share=a&amp;b" alt="">'
    )

    assert varnish.picture_addresses(html) == [
        "/images/4/0123456789ab/hero-800.avif",
        "/images/4/0123456789ab/hero-1200.avif",
        "/images/4/0123456789ab/hero-800.jpg",
    ]


@pytest.mark.django_db
def test_readers_ask_only_for_the_picture_sizes_pages_link():
    seed.seed(12)

    paths = varnish.linked_picture_paths()

    pictures = list(usage.public_images())
    assert pictures
    expected = sum(
        len(candidates(image, spec)) * len(formats_for(spec))
        for image in pictures
        for spec in SPECS.values()
    )
    assert len(paths) == len(set(paths)) == expected
    assert all(path.startswith("/images/") for path in paths)


def test_renders_logged_by_the_server_are_read_a_line_each(tmp_path):
    log = tmp_path / "renders.log"
    assert varnish.read_renders(log) == []

    line = "/images/4/abc/hero-800.avif image=4 hero-800.avif"
    log.write_text(f"{line}\n\n")

    assert varnish.read_renders(log) == [line]


# --- Verdicts -------------------------------------------------------------------


def test_verdicts_on_the_story_ratio_the_share_and_the_pictures_made():
    def result(name, rps):
        return report.Result(name, f"/{name}/", "varnish", requests=rps * 10,
                             seconds=10.0, latencies=[0.001])  # fmt: skip

    results = [result("story_varnish", 920), result("static", 1000)]
    ratio = report.check_targets(
        results, stories=2000, vendor="sqlite", targets=report.VARNISH_TARGETS
    )
    checks = [
        *ratio,
        report.check_value(report.READERS_ANSWERED, 0.94),
        report.check_value(report.RENDERS_IN_READS, 0),
        report.check_value(report.RENDERS_IN_READS, 3),
        report.check_value(report.READERS_ANSWERED, None),
    ]

    assert [c.verdict for c in checks] == ["PASS", "FAIL", "PASS", "FAIL", "SKIP"]
    assert ratio[0].value == pytest.approx(0.92)
    shown = report.format_checks(checks).splitlines()
    assert "measured 92.0%" in shown[0]
    assert "measured 94.0%" in shown[1]
    assert shown[3].endswith("measured 3")


# --- The command ----------------------------------------------------------------


def test_defaults_fall_back_to_sqlite_and_a_file_cache_when_nothing_answers(
    monkeypatch,
):
    monkeypatch.setattr(varnish, "reachable", lambda url, port: False)

    args = varnish.parse_args([])

    assert args.database_url == varnish.SQLITE
    assert args.cache_url == varnish.FILE_CACHE


def test_refuses_a_database_not_named_for_the_benchmark(capsys):
    with pytest.raises(SystemExit):
        varnish.parse_args(["--database-url", "postgres://postgres@127.0.0.1/news"])

    assert "must contain 'bench'" in capsys.readouterr().err


def test_the_servers_purge_this_varnish_and_run_tasks_in_process(tmp_path):
    args = varnish.parse_args(["--database-url", "sqlite:////tmp/x-bench.sqlite3"])

    env = varnish.server_env(args, tmp_path, 6081)

    assert env["PURGE_URLS"] == "varnish://127.0.0.1:6081"
    assert env["TASKS_BACKEND"] == "immediate"  # pictures made in the uploader
    assert env["BENCH_RENDERS_LOG"] == str(tmp_path / "renders.log")
    assert env["DEBUG"] == "off"
    assert 'backend web { .host = "127.0.0.1"; .port = "8123"; }' in (
        varnish.backends_vcl(8123)
    )
    assert "sub newsroom_backend" in varnish.backends_vcl(8123)


def test_run_offers_the_varnish_mode():
    done = subprocess.run(  # noqa: S603 (our own argument list)
        [sys.executable, "bench/run.py", "varnish", "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip

    assert done.returncode == 0, done.stderr
    assert "--mixed-duration" in done.stdout and "--picture-every" in done.stdout


# --- The production VCL in front of a stub, for a few requests ------------------


class _Page(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.server.seen.append(self.path)
        self.send_response(200)
        self.send_header("Cache-Control", "public, max-age=60, s-maxage=60")
        self.send_header("Surrogate-Key", "story-1 front")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def _purge(port: int, keys: str) -> int:
    import http.client

    conn = http.client.HTTPConnection(varnish.HOST, port, timeout=10)
    try:
        conn.request("PURGE", "/", headers={"xkey-purge": keys})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.skipif(
    varnish.varnishd() is None,
    reason="varnishd is not installed (apt-get install varnish varnish-modules)",
)
def test_varnish_counts_hits_and_tells_purges_from_readers():
    stub = ThreadingHTTPServer((varnish.HOST, 0), _Page)
    stub.seen = []
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-varnish-test-"))
    try:
        with varnish.Varnish(stub.server_address[1], work, memory="16m") as cache:
            before = cache.stats()
            first = cache.get("/stories/a/")
            second = cache.get("/stories/a/")
            assert _purge(cache.port, "story-1") == 200
            third = cache.get("/stories/a/")
            after = cache.stats()
    finally:
        stub.shutdown()
        stub.server_close()
        shutil.rmtree(work, ignore_errors=True)

    assert [r[1].get("x-cache") for r in (first, second, third)] == [
        "MISS",
        "HIT",
        "MISS",
    ]
    share = varnish.hit_share(before, after)
    assert (share.readers, share.hits, share.purges) == (3, 1, 1)
    assert stub.seen.count("/stories/a/") == 2


# --- The server's count of pictures made in requests ----------------------------


@pytest.mark.django_db
def test_the_server_logs_each_picture_it_makes_in_a_request(
    tmp_path, monkeypatch, settings
):
    """bench/renders.py's wrapper, in this process: a size nobody made yet,
    asked of the application, is one line naming the address; asked again,
    made already, none."""
    import importlib
    from wsgiref.util import setup_testing_defaults

    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from media_library import renditions

    seed.seed(3)  # no sizes made: a test's transaction never commits
    log = tmp_path / "renders.log"
    monkeypatch.setenv("BENCH_RENDERS_LOG", str(log))
    monkeypatch.setattr(renditions, "render", renditions.render)  # put back after
    monkeypatch.delitem(sys.modules, "bench.renders", raising=False)
    server = importlib.import_module("bench.renders")
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    image = usage.public_images().first()
    spec = SPECS["card"]
    target = candidates(image, spec)[0][0]
    path = renditions.rendition_url(image, "card", target, "jpeg")

    def ask() -> str:
        environ = {"PATH_INFO": path}
        setup_testing_defaults(environ)
        statuses = []
        # As Django's test client does: the request's end must not close the
        # test's database connection.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            body = server.application(environ, lambda s, h, *e: statuses.append(s))
            b"".join(body)
            body.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return statuses[0]

    assert ask().startswith("200")
    assert ask().startswith("200")
    assert varnish.read_renders(log) == [f"{path} image={image.pk} card-{target}.jpeg"]


def test_the_json_verdicts_and_the_exit_status():
    target = report.VARNISH_TARGETS[0]
    passed, failed = report.check_value(target, 0.95), report.check_value(target, 0.5)

    assert report.checks_as_dicts([passed]) == [
        {"target": target.text, "value": 0.95, "verdict": "PASS", "note": ""}
    ]
    assert report.exit_code([passed, failed], strict=True) == 1
    assert report.exit_code([passed, failed], strict=False) == 0
    assert report.exit_code([passed], strict=True) == 0
