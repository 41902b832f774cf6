"""Live coverage under its readers (issue 16): python bench/live_readers.py --help
(or python bench/run.py live ...)

Simulates --readers readers with a live story's page open, each asking for the
story's updates every --interval seconds (as static/live/live.js does: a
conditional GET of /stories/<slug>/live/updates/?since=<cursor>, a fresh
connection each time, no connection held open between polls) against gunicorn
through the page cache. After --warmup seconds an editor posts an entry (the
services the live desk calls, so the app's own signals purge the cache), and
the run measures when each reader first has it: the issue's target is every
reader within 15 seconds. It also reports what the server did while readers
polled, before and after the post: CPU (cores) and requests, and how many of
those the page cache answered (bench/counting.py), so a flat load is seen, not
assumed.

The load is steady by design: readers' first polls are spread over one
interval, as pages opened at different moments would be.
"""

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report, run  # noqa: E402

SLUG = "bench-live-launch-day"
TARGET_SECONDS = 15.0


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python bench/live_readers.py",
        description=__doc__.split("\n\n")[1],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument(
        "--interval", type=float, default=10.0, help="seconds between a reader's polls"
    )
    parser.add_argument(
        "--warmup", type=float, default=20.0, help="seconds of polling before the post"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=45.0,
        help="seconds after the post to wait for every reader",
    )
    parser.add_argument("--database-url", default=run.DEFAULT_DATABASE)
    parser.add_argument(
        "--cache-url",
        default=run.DEFAULT_CACHE,
        help="Redis: the server's workers and the editor must share it",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the report here")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if the target is missed"
    )
    args = parser.parse_args(argv)
    if "bench" not in run.database_name(args.database_url):
        parser.error(
            "the database's name must contain 'bench': the benchmark writes "
            "its live story there"
        )
    if not args.cache_url.startswith(("redis://", "rediss://")):
        parser.error("--cache-url must be Redis: the workers share its page cache")
    return args


# --- Readers --------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    etag: str = ""
    body: bytes = b""


async def http_get(host: str, port: int, path: str, etag: str = "") -> Reply:
    """One GET on a fresh connection (closed after), with If-None-Match."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}", "Connection: close"]
        if etag:
            lines.append(f"If-None-Match: {etag}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", ""):
        body = _unchunk(body)
    return Reply(int(status_line.split()[1]), headers.get("etag", ""), body)


def _unchunk(body: bytes) -> bytes:
    out, rest = b"", body
    while rest:
        size_line, _, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


@dataclass
class Tally:
    """What the readers saw: replies by status, errors, and when each reader
    first had the posted entry (seconds after the post)."""

    ok: int = 0
    not_modified: int = 0
    other: int = 0
    errors: int = 0
    seen_after: dict = field(default_factory=dict)  # reader -> seconds


class Readers:
    """`count` readers polling `path` every `interval` seconds with `get`
    (`http_get`, or a stand-in in tests), each keeping its cursor and ETag as
    live.js and the browser's cache do."""

    def __init__(self, get, path: str, *, count: int, interval: float, cursor: int):
        self.get, self.path, self.count, self.interval = get, path, count, interval
        self.cursor = cursor
        self.tally = Tally()
        self.wanted: int | None = None  # the posted entry's id
        self.posted_at: float | None = None
        self.stop = asyncio.Event()

    def post_happened(self, entry_id: int, at: float) -> None:
        self.wanted, self.posted_at = entry_id, at

    async def reader(self, n: int, rng: random.Random) -> None:
        cursor, etag = self.cursor, ""
        try:
            await asyncio.wait_for(
                self.stop.wait(), timeout=rng.uniform(0, self.interval)
            )
            return
        except TimeoutError:
            pass
        while not self.stop.is_set():
            path = f"{self.path}?since={cursor}"
            try:
                reply = await self.get(path, etag)
            except OSError:
                self.tally.errors += 1
                reply = None
            if reply is not None:
                if reply.status == 304:
                    self.tally.not_modified += 1
                elif reply.status == 200:
                    self.tally.ok += 1
                    data = json.loads(reply.body)
                    ids = {e["id"] for e in data["entries"]}
                    if self.wanted is not None and self.wanted in ids:
                        self.tally.seen_after.setdefault(
                            n, time.monotonic() - self.posted_at
                        )
                    if data["cursor"] != cursor:
                        cursor, etag = data["cursor"], ""
                    else:
                        etag = reply.etag
                else:
                    self.tally.other += 1
            try:
                await asyncio.wait_for(self.stop.wait(), timeout=self.interval)
            except TimeoutError:
                pass

    def everyone_has_it(self) -> bool:
        return len(self.tally.seen_after) == self.count


@dataclass
class LiveResult:
    readers: int
    interval: float
    reached: int
    reached_everyone: bool
    target_seconds: float
    max_seconds: float | None
    p50_seconds: float | None
    p95_seconds: float | None
    requests: dict
    server: dict
    verdict: str


def _percentile(values: list[float], p: float) -> float | None:
    """Nearest rank, in seconds (report.percentile gives milliseconds)."""
    ms = report.percentile(values, p)
    return None if ms is None else ms / 1000


def summarise(readers: Readers, server: dict) -> LiveResult:
    """The report: who got the entry and how fast, what the readers were
    answered, and the server's figures (`server`, from `measure_server`)."""
    delays = sorted(readers.tally.seen_after.values())
    everyone = readers.everyone_has_it()
    worst = delays[-1] if delays else None
    ok = everyone and worst is not None and worst <= TARGET_SECONDS
    tally = readers.tally
    return LiveResult(
        readers=readers.count,
        interval=readers.interval,
        reached=len(delays),
        reached_everyone=everyone,
        target_seconds=TARGET_SECONDS,
        max_seconds=worst,
        p50_seconds=_percentile(delays, 50),
        p95_seconds=_percentile(delays, 95),
        requests={
            "200": tally.ok,
            "304": tally.not_modified,
            "other": tally.other,
            "errors": tally.errors,
        },
        server=server,
        verdict="PASS" if ok else "FAIL",
    )


async def drive(readers: Readers, *, warmup: float, timeout: float, post, sample):
    """Run the readers; after `warmup` seconds call `post()` (returns the new
    entry's id); stop when every reader has it or `timeout` seconds later.
    `sample(phase)` is called at the start, at the post and at the end, for the
    server's figures."""
    rng = random.Random(16)  # noqa: S311 (spreading polls, not secrets)
    tasks = [asyncio.create_task(readers.reader(n, rng)) for n in range(readers.count)]
    sample("start")
    await asyncio.sleep(warmup)
    sample("post")
    entry_id = await asyncio.to_thread(post)
    readers.post_happened(entry_id, time.monotonic())
    deadline = time.monotonic() + timeout
    while not readers.everyone_has_it() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    sample("end")
    readers.stop.set()
    await asyncio.gather(*tasks)


def format_result(result: LiveResult) -> str:
    def secs(value):
        return "-" if value is None else f"{value:.1f} s"

    server = result.server
    lines = [
        f"{result.readers} readers polling every {result.interval:g} s: "
        f"{result.reached} had the new entry "
        f"(worst {secs(result.max_seconds)}, p50 {secs(result.p50_seconds)}, "
        f"p95 {secs(result.p95_seconds)}; target every reader within "
        f"{result.target_seconds:g} s): {result.verdict}",
        "replies: " + ", ".join(f"{k} {v}" for k, v in result.requests.items()),
    ]
    for phase in ("before", "after"):
        figures = server.get(phase)
        if figures:
            lines.append(
                f"server {phase} the post: {figures['requests_per_second']:.1f} "
                f"requests/s, {figures['cpu_cores']:.3f} cores, "
                f"{figures['from_cache']:.1%} answered by the page cache"
            )
    return "\n".join(lines)


# --- The run --------------------------------------------------------------------


def measure_server(server, counts):
    """A `sample(phase)` for `drive`, and the figures it gathered: per window
    (before the post, after it), requests per second, CPU cores used by
    gunicorn, and the share of requests the page cache answered."""
    marks = {}

    def sample(phase):
        marks[phase] = (time.monotonic(), server.cpu_seconds(), counts())

    def figures():
        out = {}
        for name, (a, b) in {
            "before": ("start", "post"),
            "after": ("post", "end"),
        }.items():
            if a not in marks or b not in marks:
                continue
            (t0, cpu0, c0), (t1, cpu1, c1) = marks[a], marks[b]
            seconds = max(t1 - t0, 1e-9)
            hits, misses = c1["hit"] - c0["hit"], c1["miss"] - c0["miss"]
            total = hits + misses
            out[name] = {
                "seconds": seconds,
                "requests_per_second": total / seconds,
                "cpu_cores": (cpu1 - cpu0) / seconds
                if cpu0 is not None and cpu1 is not None
                else 0.0,
                "from_cache": hits / total if total else 0.0,
                "rendered": misses,
            }
        return out

    return sample, figures


def make_story():
    """The live story the readers follow and the editor who posts: made once,
    reused by later runs."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from articles.models import Article, Section, Status
    from live import services

    editor, _ = get_user_model().objects.get_or_create(
        username="bench-live-editor",
        defaults={"is_staff": True, "is_superuser": True},
    )
    section, _ = Section.objects.get_or_create(
        slug="bench-live", defaults={"name": "Bench live"}
    )
    story = Article.objects.filter(slug=SLUG).first()
    if story is None:
        story = Article.objects.create(
            headline="Launch day, live",
            slug=SLUG,
            section=section,
            body="<p>Follow the launch as it happens.</p>",
            status=Status.PUBLISHED,
            published_at=timezone.now() - dt.timedelta(hours=1),
        )
    services.start_coverage(story, by=editor)
    return story, editor


def main(argv=None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newsroom-live-"))
    (work / "static").mkdir()  # no collectstatic: the polls ask for no file
    env = run.bench_env(
        args,
        page_cache_seconds=300,
        static_root=work / "static",
        media_root=Path(tempfile.gettempdir()) / "newsroom-bench-media",
    )
    env["BENCH_COUNTS_URL"] = args.cache_url
    os.environ.update(env)
    run.ensure_postgres_database(args.database_url)
    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django.db import connection

    from bench import mixed
    from live import services
    from live.page import cursor_of, updates_url

    call_command("migrate", interactive=False, verbosity=0)
    story, editor = make_story()
    path = updates_url(story)
    client = redis.Redis.from_url(args.cache_url)
    client.flushdb()  # no page or count from an earlier run

    def post() -> int:  # in a thread of its own, which closes its connection
        try:
            return services.post_entry(
                story, by=editor, text=f"Liftoff! ({time.strftime('%H:%M:%S')})"
            ).pk
        finally:
            connection.close()

    server = run.Server(
        args,
        env,
        work / "gunicorn.log",
        path,
        app="counting:application",
        pythonpath=ROOT / "bench",
    )
    with server:

        async def get(p, etag):
            return await http_get(run.HOST, server.port, p, etag)

        readers = Readers(
            get,
            path,
            count=args.readers,
            interval=args.interval,
            cursor=cursor_of(story),
        )
        sample, figures = measure_server(server, lambda: mixed.counts(client))
        print(
            f"live coverage: {args.readers} readers every {args.interval:g} s, "
            f"{args.warmup:g} s before the post; gunicorn {args.workers} "
            f"{args.worker_class} workers x {args.threads} threads",
            flush=True,
        )
        asyncio.run(
            drive(readers, warmup=args.warmup, timeout=args.timeout, post=post,
                  sample=sample)
        )  # fmt: skip
        result = summarise(readers, figures())
    print(format_result(result))
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=2))
    return 1 if args.strict and result.verdict == "FAIL" else 0


if __name__ == "__main__":
    sys.exit(main())
