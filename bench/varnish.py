"""Readers through Varnish (issue 17): python bench/run.py varnish --help
(or python bench/varnish.py --help)

Serves the benchmark's database with gunicorn (production settings: DEBUG off,
the page cache, tasks run in the process that queues them) behind varnishd
running the production VCL (deploy/varnish/default.vcl, with xkey; the site
purges it through PURGE_URLS=varnish://...), makes the pictures' sizes ahead
as an upload does (manage.py make_renditions), then measures three things:

1. the cached story through Varnish against a static file through the same
   Varnish, in interleaved slices as bench/run.py does (target: at least 90%);
2. a mixed load: readers on bench/mixed.py's pages, with pictures at the sizes
   pages link; an editor changing one story a second; a picture desk that
   publishes a new picture every few seconds as a story's hero, after which a
   reader opens the story and asks for every picture size it links. The share
   of reader requests Varnish answered from its cache, from varnishstat: cache
   hits over requests, less the site's PURGEs (target: at least 95%);
3. pictures made in a reader's request: the web server answers only Varnish,
   so each rendition it encodes is one (bench/renders.py counts them;
   target: none).

Varnish needs Debian's varnish and varnish-modules (xkey), wrk Debian's wrk.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and the apps importable
    sys.path.insert(0, str(ROOT))

from bench import mixed, report, run, wrk  # noqa: E402

VCL_DIR = ROOT / "deploy" / "varnish"
HOST = run.HOST
PHASE = "varnish"
POSTGRES = "postgres://postgres@127.0.0.1:5432/newsroom_bench_varnish"
TMP = Path(tempfile.gettempdir())
SQLITE = f"sqlite:///{TMP / 'newsroom-bench-varnish.sqlite3'}"
REDIS = "redis://127.0.0.1:6379/11"  # not mixed.py's 9, which it empties
FILE_CACHE = f"filecache://{TMP / 'newsroom-bench-varnish-cache'}"
MEDIA_ROOT = TMP / "newsroom-bench-varnish-media"
# The counters read from varnishstat (MAIN.*): see hit_share.
COUNTERS = (
    "client_req",
    "s_synth",
    "cache_hit",
    "cache_miss",
    "cache_hitpass",
    "s_pass",
    "backend_req",
)


def varnishd() -> str | None:
    return shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")


def varnishstat() -> str | None:
    return shutil.which("varnishstat") or shutil.which("varnishstat", path="/usr/bin")


INSTALL = (
    "varnishd is not installed (Debian: apt-get install -y varnish varnish-modules)"
)


def reachable(url: str, default_port: int) -> bool:
    """Whether something listens at the URL's host and port."""
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or HOST, parts.port or default_port), timeout=1
        ):
            return True
    except OSError:
        return False


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python bench/run.py varnish",
        description=__doc__.split("\n\n")[1],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument(
        "--database-url",
        help=f"default {POSTGRES} when PostgreSQL answers, else {SQLITE}",
    )
    parser.add_argument(
        "--cache-url",
        help=f"the page cache: default {REDIS} when Redis answers, else {FILE_CACHE}",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--duration", type=float, default=8.0, help="measured seconds of the story"
    )
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument(
        "--mixed-duration", type=float, default=30.0, help="measured mixed load"
    )
    parser.add_argument(
        "--mixed-warmup",
        type=float,
        default=20.0,
        help="readers alone first, filling Varnish",
    )
    parser.add_argument("--story-pages", type=int, default=200)
    parser.add_argument(
        "--edited", type=int, default=50, help="newest stories the editor changes"
    )
    parser.add_argument(
        "--picture-every",
        type=float,
        default=10.0,
        help="seconds between the picture desk's new pictures (0: none)",
    )
    parser.add_argument("--varnish-memory", default="256m")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if a target is missed"
    )
    args = parser.parse_args(argv)
    if args.database_url is None:
        args.database_url = POSTGRES if reachable(POSTGRES, 5432) else SQLITE
    if args.cache_url is None:
        args.cache_url = REDIS if reachable(REDIS, 6379) else FILE_CACHE
    if "bench" not in run.database_name(args.database_url):
        parser.error(
            "the database's name must contain 'bench': the benchmark empties "
            "and fills its content tables"
        )
    return args


# --- Varnish ------------------------------------------------------------------


def backends_vcl(port: int) -> str:
    """What default.vcl includes as backends.vcl: one gunicorn on `port`
    (docker-compose's has web1 and web2 behind a director)."""
    return (
        f'backend web {{ .host = "{HOST}"; .port = "{port}"; }}\n'
        "sub newsroom_backend { set req.backend_hint = web; }\n"
    )


class Varnish:
    """varnishd in the foreground on a free loopback port, running the
    production VCL in front of `backend_port`, its working folder in `work`."""

    def __init__(
        self,
        backend_port: int,
        work: Path,
        *,
        port: int | None = None,
        memory: str = "256m",
    ):
        self.backend_port, self.work, self.memory = backend_port, work, memory
        self.port = port or run.free_port()
        self.name = work / "varnish"  # varnishd's -n: what varnishstat reads
        self.log = work / "varnishd.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self):
        binary = varnishd()
        if binary is None:
            raise RuntimeError(INSTALL)
        # varnishd's worker runs as its own user: it must reach the folder.
        self.work.chmod(0o755)
        (self.work / "backends.vcl").write_text(backends_vcl(self.backend_port))
        command = [
            binary,
            "-F",
            "-n",
            str(self.name),
            "-a",
            f"{HOST}:{self.port}",
            "-T",
            f"{HOST}:0",
            "-f",
            str(VCL_DIR / "default.vcl"),
            "-p",
            f"vcl_path={self.work}:{VCL_DIR}:/usr/share/varnish/vcl",
            # As default.vcl asks: the site compresses itself.
            "-p",
            "http_gzip_support=off",
            "-s",
            f"malloc,{self.memory}",
        ]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603 (our own argument list)
                command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited:\n{self.log_tail()}")
            if self.get("/robots.txt")[0] == 200:
                return self
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"varnishd did not answer in 60 s:\n{self.log_tail()}")

    def __exit__(self, *exc):
        if self.process is not None:
            _stop(self.process)

    def get(self, path: str) -> tuple[int | None, dict, bytes]:
        return get(self.port, path)

    def stats(self) -> dict[str, int]:
        """Varnish's MAIN counters once they stop moving: its worker threads
        add their counts to them in batches and when idle (up to 5 s)."""
        now = self._stats()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.2)
            now, before = self._stats(), now
            if now == before:
                break
        return now

    def _stats(self) -> dict[str, int]:
        done = subprocess.run(  # noqa: S603 (our own argument list)
            [varnishstat() or "varnishstat", "-n", str(self.name), "-1", "-j"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
        return parse_varnishstat(done.stdout)

    def log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text().splitlines()[-30:])
        except OSError:
            return "(no log)"

    # CPU of varnishd's manager and its cache process, read as for gunicorn.
    cpu_seconds = run.Server.cpu_seconds


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(port: int, path: str, timeout: float = 20) -> tuple[int | None, dict, bytes]:
    """(status, headers with lower-case names, body); status None if the
    connection failed."""
    try:
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, body
        finally:
            conn.close()
    except OSError:
        return None, {}, b""


def answer_size(headers: dict, body: bytes) -> tuple[int, int]:
    """(bytes of headers, bytes of body) of an answer, about as sent."""
    return sum(len(k) + len(v) + 4 for k, v in headers.items()), len(body)


def parse_varnishstat(text: str) -> dict[str, int]:
    """The MAIN.* counters of `varnishstat -1 -j`, without the prefix. Varnish
    6.5 and later nest them under "counters"; earlier versions list them at the
    top level beside "timestamp"."""
    data = json.loads(text)
    counters = data.get("counters", data)
    return {
        name.removeprefix("MAIN."): int(value["value"])
        for name, value in counters.items()
        if name.startswith("MAIN.") and isinstance(value, dict) and "value" in value
    }


@dataclass
class HitShare:
    """What Varnish did with the requests between two readings of its counters.
    Readers are every request but the site's PURGEs (answered by vcl_recv with
    a synthetic response, as nothing else is in default.vcl)."""

    readers: int = 0
    hits: int = 0  # answered from Varnish's cache
    misses: int = 0  # fetched, then kept
    passes: int = 0  # fetched, not to be kept (hit-for-pass included)
    fetched: int = 0  # requests Varnish sent to gunicorn
    purges: int = 0

    @property
    def share(self) -> float | None:
        return self.hits / self.readers if self.readers else None


def hit_share(before: dict[str, int], after: dict[str, int]) -> HitShare:
    def delta(name: str) -> int:
        return after.get(name, 0) - before.get(name, 0)

    purges = delta("s_synth")
    return HitShare(
        readers=delta("client_req") - purges,
        hits=delta("cache_hit"),
        misses=delta("cache_miss"),
        passes=delta("s_pass"),
        fetched=delta("backend_req"),
        purges=purges,
    )


# --- Pictures -----------------------------------------------------------------

_ATTRIBUTE = re.compile(r'\b(?:src|srcset)="([^"]*)"')


def picture_addresses(html: str, prefix: str = "/images/") -> list[str]:
    """The picture sizes a page links (src and srcset), each once, in order."""
    found: dict[str, None] = {}
    for value in _ATTRIBUTE.findall(html):
        for candidate in value.split(","):
            address = candidate.strip().split(" ")[0].replace("&amp;", "&")
            if urlsplit(address).path.startswith(prefix):
                found[urlsplit(address).path] = None
    return list(found)


def linked_picture_paths() -> list[str]:
    """Every size pages link of every public picture: a spec's widths that the
    picture can fill (`renditions.candidates`), in each of its formats."""
    from media_library import usage
    from media_library.renditions import SPECS, candidates, formats_for, rendition_url

    return [
        rendition_url(image, name, target, fmt)
        for image in usage.public_images().order_by("pk")
        for name, spec in SPECS.items()
        for target, _ in candidates(image, spec)
        for fmt in formats_for(spec)
    ]


def picture_desk(story_ids: list[int], seconds: float, every: float, port: int):
    """For `seconds`: every `every` seconds upload a new picture, whose sizes
    the task queue makes (in this process: TASKS_BACKEND=immediate), make it
    the hero of one of `story_ids` (whose save purges the story's pages), then,
    as a reader, open the story through Varnish and ask for every picture size
    it links. Prints what happened as JSON."""
    from articles.models import Article
    from media_library.models import Rendition

    end = time.monotonic() + seconds
    tally = {"pictures": 0, "made_ahead": 0, "asked": 0, "new_asked": 0, "failed": 0}
    n = 0
    while time.monotonic() < end:
        started = time.monotonic()
        image = new_picture(n)
        tally["made_ahead"] += Rendition.objects.filter(image=image).count()
        story = Article.objects.get(pk=story_ids[n % len(story_ids)])
        story.hero_image = image
        story.save()
        status, _, body = get(port, story.get_absolute_url())
        if status != 200:
            tally["failed"] += 1
        own = f"/images/{image.pk}/"
        for address in picture_addresses(body.decode("utf-8", "replace")):
            tally["asked"] += 1
            tally["new_asked"] += address.startswith(own)
            if get(port, address)[0] != 200:
                tally["failed"] += 1
        tally["pictures"] += 1
        n += 1
        time.sleep(max(0.0, every - (time.monotonic() - started)))
    print(json.dumps(tally))


def new_picture(n: int):
    """A picture never uploaded before (the library refuses a second copy of
    the same file), smaller than the seed's: fewer sizes to make on a busy
    machine. Stored through the library like any upload."""
    import io
    import uuid

    from django.core.files.base import ContentFile
    from PIL import Image as PILImage
    from PIL import ImageDraw

    from media_library.models import Image

    picture = PILImage.linear_gradient("L").resize((1000, 563)).convert("RGB")
    unique = uuid.uuid4().bytes
    draw = ImageDraw.Draw(picture)
    for k in range(0, len(unique), 3):  # a row of squares coloured by the id
        draw.rectangle((k * 20, 0, k * 20 + 59, 59), fill=tuple(unique[k : k + 3]))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    image = Image(
        file=ContentFile(buffer.getvalue(), name=f"bench-desk-{n}.jpg"),
        title=f"Picture desk {n}",
        alt_text="A generated gradient standing in for a new launch photo.",
        caption="A picture the benchmark's picture desk published.",
        credit="Newsroom benchmark",
    )
    image.save()
    return image


DESK = """
import sys
import django
django.setup()
from bench.varnish import picture_desk
ids = [int(pk) for pk in sys.argv[1].split(",")]
picture_desk(ids, float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
"""


# --- The run ------------------------------------------------------------------


def server_env(args, work: Path, varnish_port: int) -> dict:
    env = run.bench_env(
        args,
        page_cache_seconds=300,
        static_root=work / "static",
        media_root=MEDIA_ROOT,
    )
    env.update(
        PURGE_URLS=f"varnish://{HOST}:{varnish_port}",
        TASKS_BACKEND="immediate",
        BENCH_RENDERS_LOG=str(work / "renders.log"),
    )
    return env


def main(argv=None) -> int:
    args = parse_args(argv)
    if not wrk.installed():
        sys.exit(wrk.INSTALL)
    if varnishd() is None:
        sys.exit(INSTALL)
    work = Path(tempfile.mkdtemp(prefix="newsroom-bench-varnish-"))
    try:
        return _run(args, work, time.monotonic())
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _run(args, work: Path, started: float) -> int:
    # Varnish's port is known before either server starts: the site purges it.
    varnish_port = run.free_port()
    env = server_env(args, work, varnish_port)
    # This process seeds and makes pictures before Varnish runs, and Varnish
    # starts empty: it purges nothing.
    os.environ.update({k: v for k, v in env.items() if k != "PURGE_URLS"})
    run.ensure_postgres_database(args.database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from articles.models import Article
    from bench import seed
    from core.cache import bump_site_version

    vendor = connection.vendor
    print(
        f"newsroom through Varnish: {args.stories:,} stories on {vendor} "
        f"({run.database_name(args.database_url)}), page cache {args.cache_url}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    call_command("migrate", interactive=False, verbosity=0)
    summary = seed.ensure_seeded(args.stories)
    print(
        f"{'reused' if summary.reused else 'seeded'} {summary.stories:,} stories, "
        f"{summary.images} pictures in {summary.seconds:.1f} s",
        flush=True,
    )
    call_command("collectstatic", interactive=False, verbosity=0)
    ahead = time.monotonic()
    call_command("make_renditions", verbosity=0)  # what an upload queues
    print(f"picture sizes made ahead in {time.monotonic() - ahead:.1f} s", flush=True)
    manifest = json.loads((work / "static" / "staticfiles.json").read_text())
    static_path = settings.STATIC_URL + manifest["paths"]["newsroom/site.css"]
    published = Article.objects.public().newest_first()
    story_path = published[min(9, published.count() - 1)].get_absolute_url()
    ids = list(published.values_list("pk", flat=True)[: args.edited + 10])
    edited, hero_stories = ids[: args.edited], ids[args.edited :] or ids[:1]
    rng = random.Random(7)  # noqa: S311 (choosing pages, not secrets)
    paths = mixed.reader_paths(args, rng, pictures=linked_picture_paths())
    bump_site_version()  # no page cached by an earlier run is served

    server = run.Server(
        args, env, work / "gunicorn.log", "/robots.txt",
        app="bench.renders:application",
    )  # fmt: skip
    # Varnish's backend is gunicorn's port, known only when it is built.
    renders_log = Path(env["BENCH_RENDERS_LOG"])
    results: list[report.Result] = []
    varnish = Varnish(server.port, work, port=varnish_port, memory=args.varnish_memory)
    with server, varnish:
        sizes = {
            name: answer_size(*varnish.get(path)[1:])
            for name, path in (("story", story_path), ("static", static_path))
        }
        print(
            f"load: wrk, {args.connections} connections; gunicorn {args.workers} "
            f"{args.worker_class} workers x {args.threads} threads behind varnishd; "
            f"story {sizes['story'][1]:,} + {sizes['story'][0]:,} bytes of "
            f"headers, static file {sizes['static'][1]:,} + "
            f"{sizes['static'][0]:,} (no compression asked)",
            flush=True,
        )
        print("through Varnish:")
        result, static = run.measure(
            "story_varnish", PHASE, [story_path], [static_path], varnish, args,
            args.connections,
        )  # fmt: skip
        results.append(result)
        results.append(run.phase_static(results, PHASE, static_path, [static]))

        print(
            f"mixed load: {len(set(paths))} addresses, {args.mixed_warmup:g} s of "
            f"readers alone, then {args.mixed_duration:g} s with the editor and "
            f"the picture desk",
            flush=True,
        )
        wrk.run(HOST, varnish.port, paths, connections=args.connections,
                warmup=0, duration=args.mixed_warmup)  # fmt: skip
        renders_before = len(read_renders(renders_log))
        before = varnish.stats()
        helpers = [
            subprocess.Popen(  # noqa: S603 (our own argument list)
                [
                    sys.executable,
                    "-c",
                    mixed.EDITOR,
                    ",".join(map(str, edited)),
                    str(args.mixed_duration),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )  # fmt: skip
        ]
        if args.picture_every > 0:
            helpers.append(
                subprocess.Popen(  # noqa: S603 (our own argument list)
                    [
                        sys.executable,
                        "-c",
                        DESK,
                        ",".join(map(str, hero_stories)),
                        str(args.mixed_duration),
                        str(args.picture_every),
                        str(varnish.port),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    text=True,
                )  # fmt: skip
            )
        measured = wrk.run(HOST, varnish.port, paths, connections=args.connections,
                           warmup=0, duration=args.mixed_duration)  # fmt: skip
        outputs = [h.communicate(timeout=300)[0].strip() for h in helpers]
        after = varnish.stats()
        renders = read_renders(renders_log)
    edits = int(outputs[0].splitlines()[-1]) if outputs[0] else 0
    desk = json.loads(outputs[1].splitlines()[-1]) if outputs[1:] and outputs[1] else {}
    if len(helpers) > 1 and not desk:
        print("the picture desk failed: see its error above", flush=True)
    share = hit_share(before, after)
    in_mixed = len(renders) - renders_before

    checks = report.check_targets(
        results, stories=summary.stories, vendor=vendor,
        targets=report.VARNISH_TARGETS,
    )  # fmt: skip
    checks.append(
        report.check_value(
            report.READERS_ANSWERED,
            share.share,
            f"{share.hits:,} of {share.readers:,} reader requests; "
            f"{measured.errors} errors",
        )
    )
    checks.append(
        report.check_value(
            report.RENDERS_IN_READS,
            len(renders),
            f"{in_mixed} during the mixed load; "
            f"{desk.get('made_ahead', 0)} sizes of {desk.get('pictures', 0)} new "
            "pictures made ahead by the task queue",
        )
    )
    print()
    print(report.format_table(results))
    print()
    print(
        f"mixed load, {measured.seconds:.0f} s: wrk {measured.requests:,} requests "
        f"({measured.errors} errors); Varnish: {share.readers:,} reader requests, "
        f"{share.hits:,} hits, {share.misses:,} misses, {share.passes:,} passes, "
        f"{share.fetched:,} fetched from gunicorn; {share.purges:,} purges from "
        f"{edits} story edits and {desk.get('pictures', 0)} new pictures, whose "
        f"reader asked for {desk.get('asked', 0)} picture sizes "
        f"({desk.get('new_asked', 0)} of the new picture, "
        f"{desk.get('failed', 0)} failed)"
    )
    for line in renders[:10]:
        print(f"  made in a reader's request: {line}")
    print()
    print(report.format_checks(checks))
    print(
        f"\nload average now {os.getloadavg()[0]:.2f}; "
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
                    "sizes": sizes,
                    "results": [report.as_dict(r, results) for r in results],
                    "mixed": {
                        **asdict(share),
                        "share": share.share,
                        "wrk_requests": measured.requests,
                        "errors": measured.errors,
                        "edits": edits,
                        "desk": desk,
                    },
                    "renders_in_readers_requests": renders,
                    "checks": report.checks_as_dicts(checks),
                },
                indent=2,
            )
        )
    return report.exit_code(checks, strict=args.strict)


def read_renders(path: Path) -> list[str]:
    """The renders bench/renders.py logged in `path` so far, a line each."""
    try:
        return [line for line in path.read_text().splitlines() if line.strip()]
    except FileNotFoundError:
        return []


if __name__ == "__main__":
    sys.exit(main())
