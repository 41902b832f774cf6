"""Benchmark the public site (issue 5, "Speed"): python bench/run.py --help

Seeds a dedicated database, collects static files into a temporary folder,
starts gunicorn on a free loopback port (DEBUG off) and drives each page with
wrk (bench/wrk.py): first with the page cache on (front page, one story, a
section, search, the RSS feed), then on a second server with the page cache off
(stories cycled from many addresses, and the RSS feed). Each target runs in
four slices, each after a one-second slice of a static file served by the same
server. Prints requests per second, p50/p95/p99 latency, throughput as a share
of the static file's in those interleaved slices, SQL queries per uncached
render, and PASS/FAIL for the issue's targets. Absolute figures on a shared machine are
noise; the ratios are what the issue asks for.

`python bench/run.py live ...` runs the live coverage scenario instead
(bench/live_readers.py: readers polling a live story while an entry is posted),
and `python bench/run.py varnish ...` the site through Varnish (bench/varnish.py:
the cached story against a static file, the hit ratio under a mixed load, and
pictures made in readers' requests).
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote_plus, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and the apps importable
    sys.path.insert(0, str(ROOT))

from bench import report, wrk  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
DEFAULT_CACHE = "redis://127.0.0.1:6379/9"
BENCH_SECRET = "bench-only-secret-key-not-for-any-real-site-5e1f0c9a7d2b4c68"  # noqa: S105
HOST = "127.0.0.1"
# What readers type: mission names and topics, most matching a few percent of
# the stories, some far more (the generic words are in many bodies).
SEARCH_TERMS = [
    "mars rover",
    "europa clipper ocean",
    "starship heat shield",
    "webb early galaxies",
    "solar flare",
    "launch delay",
    "asteroid sample",
    "spacewalk",
]
FEED = "/feeds/rss/"
CACHED, UNCACHED = "cached", "uncached"
# Target name -> (server it runs on, connections: None for --connections).
TARGETS = {
    "static": (None, None),  # runs first on each server
    "front": (CACHED, None),
    "story_cached": (CACHED, None),
    "section": (CACHED, None),
    "search": (CACHED, None),
    "search_solo": (CACHED, 1),  # one reader at a time: latency without queueing
    "feed": (CACHED, None),
    "story_uncached": (UNCACHED, None),
    "feed_uncached": (UNCACHED, None),  # what a purge costs the next reader
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python bench/run.py",
        description=__doc__.split("\n\n")[1],
        epilog=(
            "The issue's search target is at 100,000 stories on PostgreSQL: "
            "python bench/run.py --stories 100000. The database's name must "
            "contain 'bench': the run empties and fills its content tables."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--stories", type=int, default=20_000, help="published stories to seed"
    )
    parser.add_argument(
        "--reseed",
        action="store_true",
        help="empty and seed again even if the story count already matches",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE,
        help="the benchmark's own database (PostgreSQL is created if missing; "
        "sqlite:////tmp/newsroom-bench.sqlite3 works too)",
    )
    parser.add_argument(
        "--cache-url",
        default=DEFAULT_CACHE,
        help="cache for the pages (CACHE_URL); locmemcache:// gives each "
        "worker its own",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--worker-class", default="gthread", help="gunicorn worker class"
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gthread worker"
    )
    parser.add_argument(
        "--connections", type=int, default=8, help="concurrent client connections"
    )
    parser.add_argument(
        "--duration", type=float, default=8.0, help="measured seconds per target"
    )
    parser.add_argument(
        "--warmup", type=float, default=2.0, help="uncounted seconds before each"
    )
    parser.add_argument(
        "--targets",
        default=",".join(TARGETS),
        help="comma-separated subset of: " + ", ".join(TARGETS),
    )
    parser.add_argument(
        "--uncached-stories",
        type=int,
        default=1000,
        help="different story addresses the uncached run cycles through",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if a target is missed"
    )
    args = parser.parse_args(argv)
    args.targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    if "bench" not in database_name(args.database_url):
        parser.error(
            "the database's name must contain 'bench': the benchmark empties "
            "and fills its content tables"
        )
    return args


# --- Environment and database -------------------------------------------------


def database_name(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def bench_env(args, *, page_cache_seconds: int, static_root: Path, media_root: Path):
    """The settings of every process in the run, as environment variables (they
    win over the development .env)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "off",
        "SECRET_KEY": BENCH_SECRET,
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": args.database_url,
        "CACHE_URL": args.cache_url,
        "PAGE_CACHE_SECONDS": str(page_cache_seconds),
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "HTTPS": "off",
        "SECURE_SSL_REDIRECT": "off",
        "LOG_LEVEL": "WARNING",
    }


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it is missing."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        return
    import psycopg
    from psycopg import sql

    name = database_name(url)
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")


# --- gunicorn -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn serving newsroom.wsgi on a free loopback port, with `env`: the
    code under `root` (another checkout, to compare), as `app` (a wrapper from
    `pythonpath`, as bench/mixed.py uses)."""

    def __init__(
        self,
        args,
        env: dict,
        log: Path,
        ready_path: str,
        *,
        root: Path = ROOT,
        app: str = "newsroom.wsgi:application",
        pythonpath: Path | None = None,
    ):
        self.args, self.env, self.log, self.ready_path = args, env, log, ready_path
        self.root, self.app, self.pythonpath = root, app, pythonpath
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            self.app,
            f"--bind={HOST}:{self.port}",
            f"--workers={self.args.workers}",
            f"--worker-class={self.args.worker_class}",
            f"--threads={self.args.threads}",
            "--graceful-timeout=5",
            "--log-level=warning",
            f"--error-logfile={self.log}",
        ]
        if self.pythonpath is not None:
            command.append(f"--pythonpath={self.pythonpath}")
        self.process = subprocess.Popen(  # noqa: S603 (our own argument list)
            command, cwd=self.root, env=self.env, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_tail()}")
            if self.get(self.ready_path) == 200:
                return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer in 60 s:\n{self.log_tail()}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def get(self, path: str) -> int | None:
        try:
            conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            return status
        except OSError:
            return None

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text().splitlines()[-30:])
        except OSError:
            return "(no log)"

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) of the master and its workers so far."""
        pids = {self.process.pid}
        try:
            stats = {}
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit():
                    try:
                        fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    stats[int(entry.name)] = fields
        except OSError:
            return None
        children = {pid for pid, f in stats.items() if int(f[1]) in pids}
        pids |= children
        ticks = os.sysconf("SC_CLK_TCK")
        return sum(
            (int(stats[pid][11]) + int(stats[pid][12])) / ticks
            for pid in pids
            if pid in stats
        )


# --- The run ------------------------------------------------------------------


def target_paths(args, static_path: str) -> dict[str, list[str]]:
    from articles.models import Article, Section

    published = Article.objects.public().newest_first()
    ids = list(published.values_list("pk", flat=True))
    rng = random.Random(1)  # noqa: S311 (picking pages, not secrets)
    sample = rng.sample(ids, min(args.uncached_stories, len(ids)))
    slugs = dict(Article.objects.filter(pk__in=sample).values_list("pk", "slug"))
    story = published[min(9, len(ids) - 1)]  # a recent story, as most reads are
    return {
        "static": [static_path],
        "front": ["/"],
        "story_cached": [story.get_absolute_url()],
        "section": [Section.objects.first().get_absolute_url()],
        "search": [f"/search/?q={quote_plus(term)}" for term in SEARCH_TERMS],
        "search_solo": [f"/search/?q={quote_plus(term)}" for term in SEARCH_TERMS],
        "feed": [FEED],
        "story_uncached": [f"/stories/{slugs[pk]}/" for pk in sample],
        "feed_uncached": [FEED],
    }


def probe(paths: list[str]) -> tuple[int | None, str]:
    """Render each path once in-process with the page cache off: the most SQL
    queries one render ran, and why the target cannot run ('' if it can)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST=HOST, raise_request_exception=False)
    most = 0
    with override_settings(PAGE_CACHE_SECONDS=0):
        # A process's first page also loads what it keeps for later (taggit's
        # content type): not what each render costs.
        client.get(paths[0])
        for path in paths[:20]:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                return None, f"{path} answers {response.status_code}"
            most = max(most, len(queries))
    return most, ""


# Each target runs in ROUNDS slices, each after a slice of the static file at
# the usual number of connections: on a shared machine the load from other work
# drifts within seconds, and a ratio means something only if both figures saw
# the same drift. Ratios are taken against all the static slices of the same
# server, not only a target's own four: one slice's figure depends on how
# gunicorn's two workers happened to share its eight new connections, and a
# few such draws can put a cached story above the static file (the README has
# the figures).
ROUNDS = 4
STATIC_SLICE = 1.0


def phase_static(results, phase, static_path, statics) -> report.Result:
    """The static file's result over all its slices on this server (`statics`,
    one merged measurement per target), which becomes the reference of every
    result of the `phase`."""
    static = _result("static", phase, [static_path], wrk.merge(statics))
    static.static_rps = static.rps
    for result in results:
        if result.phase == phase:
            result.static_rps = static.rps
    return static


def _result(name, phase, paths, measured, **extra) -> report.Result:
    return report.Result(
        name=name,
        path=paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1})",
        phase=phase,
        requests=measured.requests,
        seconds=measured.seconds,
        latencies=measured.latencies,
        errors=measured.errors,
        client_cpu=measured.client_cpu,
        **extra,
    )


def measure(name, phase, paths, static_paths, server, args, connections):
    """A warm-up, then ROUNDS rounds of (static slice, target slice): the
    target's result, and its static slices as one measurement."""

    def slice_of(which, seconds, conns):
        return wrk.run(
            HOST, server.port, which, connections=conns, warmup=0, duration=seconds
        )

    def settle(measured):
        """Let the server finish what the client left in flight (up to its
        slowest response) before the next slice starts."""
        time.sleep(min(max(measured.latencies, default=0.0), 2.0) + 0.1)

    if args.warmup > 0:
        settle(slice_of(paths, args.warmup, connections))
    statics, parts, cpu = [], [], 0.0
    for _ in range(ROUNDS):
        statics.append(slice_of(static_paths, STATIC_SLICE, args.connections))
        cpu_from = server.cpu_seconds()
        parts.append(slice_of(paths, args.duration / ROUNDS, connections))
        cpu_to = server.cpu_seconds()
        settle(parts[-1])
        cpu = None if None in (cpu, cpu_from, cpu_to) else cpu + cpu_to - cpu_from
    measured, static = wrk.merge(parts), wrk.merge(statics)
    result = _result(
        name,
        phase,
        paths,
        measured,
        server_cpu=None if cpu is None else cpu / measured.seconds,
        static_rps=static.requests / static.seconds if static.seconds else None,
    )
    print(
        f"  {name:<15} {result.rps:8.0f} req/s  p50 {result.percentile(50):7.1f} ms"
        f"  p99 {result.percentile(99):7.1f} ms  static slices beside it "
        f"{result.static_rps:.0f} req/s  errors {result.errors}"
        if result.requests
        else f"  {name:<15} no request completed (errors {result.errors})",
        flush=True,
    )
    return result, static


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["live"]:  # live coverage's readers: bench/live_readers.py
        from bench import live_readers

        return live_readers.main(argv[1:])
    if argv[:1] == ["varnish"]:  # through Varnish: bench/varnish.py
        from bench import varnish

        return varnish.main(argv[1:])
    args = parse_args(argv)
    started = time.monotonic()
    if not wrk.installed():
        sys.exit(wrk.INSTALL)
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    # Library pictures outlive the run, like the database rows naming them.
    media_root = Path(tempfile.gettempdir()) / "newsroom-bench-media"
    static_root = work / "static"
    env = {
        phase: bench_env(
            args,
            page_cache_seconds=300 if phase == CACHED else 0,
            static_root=static_root,
            media_root=media_root,
        )
        for phase in (CACHED, UNCACHED)
    }
    try:
        return _run(args, env, work, started)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(args, env, work, started) -> int:
    os.environ.update(env[CACHED])
    ensure_postgres_database(args.database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import seed
    from core.cache import bump_site_version

    vendor = connection.vendor
    print(
        f"newsroom benchmark: {args.stories:,} stories on {vendor} "
        f"({database_name(args.database_url)}), cache {args.cache_url}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    call_command("migrate", interactive=False, verbosity=0)
    summary = seed.ensure_seeded(args.stories, reseed=args.reseed)
    print(
        f"{'reused' if summary.reused else 'seeded'} {summary.stories:,} stories, "
        f"{summary.bylines:,} bylines, {summary.tagged:,} tags on stories, "
        f"{summary.images} pictures in {summary.seconds:.1f} s",
        flush=True,
    )
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads(
        (Path(env[CACHED]["STATIC_ROOT"]) / "staticfiles.json").read_text()
    )
    from django.conf import settings

    static_path = settings.STATIC_URL + manifest["paths"]["newsroom/site.css"]
    paths = target_paths(args, static_path)

    results: list[report.Result] = []
    queries: dict[str, int | None] = {}
    for name in args.targets:
        if name == "static":
            continue
        count, why = probe(paths[name])
        queries[name] = count
        if why:
            note = why + (" (feeds not there yet?)" if name.startswith("feed") else "")
            phase = TARGETS[name][0]
            results.append(report.Result(name, paths[name][0], phase, skipped=note))
    skipped = {r.name for r in results}

    print(
        f"load: wrk, {args.connections} connections, {args.warmup:g} s "
        f"warm-up + {args.duration:g} s per target; gunicorn {args.workers} "
        f"{args.worker_class} workers x {args.threads} threads",
        flush=True,
    )
    for phase in (CACHED, UNCACHED):
        names = [
            name
            for name, (where, _) in TARGETS.items()
            if name in args.targets and where in (phase, None) and name not in skipped
        ]
        if not [n for n in names if n != "static"]:
            continue
        print(f"server with the page cache {'on' if phase == CACHED else 'off'}:")
        log = work / f"gunicorn-{phase}.log"
        with Server(args, env[phase], log, static_path) as server:
            bump_site_version()  # no page cached by an earlier run is served
            wrk.run(HOST, server.port, [static_path], warmup=0, duration=1)
            statics = []
            for name in names:
                if name == "static":
                    continue
                connections = TARGETS[name][1] or args.connections
                result, static = measure(
                    name, phase, paths[name], [static_path], server, args,
                    connections,
                )  # fmt: skip
                result.queries = queries.get(name)
                results.append(result)
                statics.append(static)
            static = phase_static(results, phase, static_path, statics)
            if "static" in args.targets:
                results.append(static)

    order = list(TARGETS)
    results.sort(key=lambda r: (r.phase != CACHED, order.index(r.name)))
    checks = report.check_targets(results, stories=summary.stories, vendor=vendor)
    print()
    print(report.format_table(results))
    print()
    print(report.format_checks(checks))
    print(
        f"\nqueries: SQL queries of one uncached render (most over up to 20 "
        f"addresses); cpu: cores used by gunicorn and by wrk; "
        f"load average now {os.getloadavg()[0]:.2f}; "
        f"{time.monotonic() - started:.0f} s in all."
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "stories": summary.stories,
                    "database": vendor,
                    "client": "wrk",
                    "connections": args.connections,
                    "results": [report.as_dict(r, results) for r in results],
                    "checks": report.checks_as_dicts(checks),
                },
                indent=2,
            )
        )
    return report.exit_code(checks, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
