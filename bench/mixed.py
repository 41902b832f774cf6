"""The page cache under a mixed load (issue 13): python bench/mixed.py --help

Readers fetch many pages (the newest stories most, the front page, latest,
sections, tags, authors, the feeds), some ask for picture sizes nobody asked
for before, and an editor changes one recent story every second. Reports the
share of page requests the page cache answered (its hit ratio), counted by the
server (bench/counting.py: a page answered without SQL came from the cache).

`--server-root` serves another checkout with the same database and cache, to
measure the code before a change:

    git worktree add /tmp/before HEAD~1
    .venv/bin/python bench/mixed.py --server-root /tmp/before
    .venv/bin/python bench/mixed.py
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run, wrk  # noqa: E402

# The editor: one story changed and saved a second, by the served checkout's
# own code, so that its own signals decide what is purged.
EDITOR = """
import random, sys, time
import django
django.setup()
from articles.models import Article
ids = [int(pk) for pk in sys.argv[1].split(",")]
end = time.monotonic() + float(sys.argv[2])
rng, edits = random.Random(2), 0
while time.monotonic() < end:
    started = time.monotonic()
    story = Article.objects.get(pk=rng.choice(ids))
    story.dek = story.dek.split(" [edit")[0] + f" [edit {edits}]"
    story.save()
    edits += 1
    time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
print(edits)
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python bench/mixed.py",
        description=__doc__.split("\n\n")[1],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--stories", type=int, default=20_000)
    parser.add_argument("--database-url", default=run.DEFAULT_DATABASE)
    parser.add_argument("--cache-url", default=run.DEFAULT_CACHE)
    parser.add_argument(
        "--server-root", type=Path, default=ROOT, help="the checkout to serve"
    )
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=20.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--story-pages", type=int, default=200, help="story addresses read"
    )
    parser.add_argument(
        "--edited", type=int, default=50, help="newest stories the editor changes"
    )
    args = parser.parse_args(argv)
    if "bench" not in run.database_name(args.database_url):
        parser.error("the database's name must contain 'bench'")
    return args


def reader_paths(
    args, rng: random.Random, pictures: list[str] | None = None
) -> list[str]:
    """What readers ask for, in the proportions they ask: a story page for most
    requests (the newest most often), then lists, then new picture sizes: every
    width of every spec of every picture, unless `pictures` names them (as
    bench/varnish.py does: only the sizes pages link)."""
    from django.urls import reverse
    from taggit.models import Tag

    from articles.models import Article, Section
    from authors.models import Author
    from media_library.models import Image
    from media_library.renditions import SPECS, formats_for, rendition_url

    newest = list(
        Article.objects.public()
        .newest_first()
        .values_list("slug", flat=True)[: args.story_pages]
    )
    stories = [f"/stories/{slug}/" for slug in newest]
    lists = ["/", reverse("articles:latest"), reverse("articles:feed_rss")]
    lists += [s.get_absolute_url() for s in Section.objects.all()]
    lists += [a.get_absolute_url() for a in Author.objects.all()]
    lists += [
        reverse("articles:tag", kwargs={"slug": slug})
        for slug in Tag.objects.values_list("slug", flat=True)[:20]
    ]
    if pictures is None:
        pictures = [
            rendition_url(image, name, width, fmt)
            for image in Image.objects.all()
            for name, spec in SPECS.items()
            for width in spec.widths
            for fmt in formats_for(spec)
        ]
    paths = []
    for _ in range(20_000):
        draw = rng.random()
        if draw < 0.70:  # stories: the newest tenth get half of the reads
            pool = stories[: len(stories) // 10] if rng.random() < 0.5 else stories
            paths.append(rng.choice(pool))
        elif draw < 0.98:
            paths.append(rng.choice(lists))
        else:
            paths.append(rng.choice(pictures))
    return paths


def counts(client) -> dict[str, int]:
    from bench.counting import PREFIX  # sets Django up: once the settings are

    return {
        kind: int(client.get(PREFIX + kind) or 0)
        for kind in ("hit", "miss", "pictures")
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="newsroom-mixed-"))
    media_root = Path(tempfile.gettempdir()) / "newsroom-bench-media"
    env = run.bench_env(
        args, page_cache_seconds=300, static_root=work / "static", media_root=media_root
    )
    env["BENCH_COUNTS_URL"] = args.cache_url
    os.environ.update(env)
    run.ensure_postgres_database(args.database_url)
    import django
    import redis

    django.setup()
    from django.core.management import call_command

    from articles.models import Article
    from bench import seed
    from media_library.models import Rendition

    call_command("migrate", interactive=False, verbosity=0)
    seed.ensure_seeded(args.stories)
    call_command("collectstatic", interactive=False, verbosity=0)
    # Every run starts with no picture sizes made: they are the new ones asked.
    for made in Rendition.objects.all():
        made.file.delete(save=False)
    Rendition.objects.all().delete()
    rng = random.Random(7)  # noqa: S311 (choosing pages, not secrets)
    paths = reader_paths(args, rng)
    edited = list(
        Article.objects.public()
        .newest_first()
        .values_list("pk", flat=True)[: args.edited]
    )
    client = redis.Redis.from_url(args.cache_url)
    client.flushdb()  # no page from an earlier run
    server = run.Server(
        args,
        env,
        work / "gunicorn.log",
        "/",
        root=args.server_root,
        app="counting:application",
        pythonpath=ROOT / "bench",
    )
    with server:
        wrk.run(run.HOST, server.port, paths, connections=args.connections,
              warmup=0, duration=args.warmup)  # fmt: skip
        before = counts(client)
        editor = subprocess.Popen(  # noqa: S603 (our own argument list)
            [sys.executable, "-c", EDITOR, ",".join(map(str, edited)),
             str(args.duration)],
            cwd=args.server_root, env=env, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        measured = wrk.run(run.HOST, server.port, paths,
                         connections=args.connections, warmup=0,
                         duration=args.duration)  # fmt: skip
        edits = int(editor.communicate(timeout=60)[0].strip() or 0)
        after = counts(client)
    hits, misses, pictures = (after[k] - before[k] for k in ("hit", "miss", "pictures"))
    pages = hits + misses
    print(
        f"mixed load on {args.server_root}: {measured.requests} requests in "
        f"{measured.seconds:.0f} s ({measured.errors} errors), {edits} story edits, "
        f"{pictures} picture requests; pages: {hits} from the cache, {misses} "
        f"rendered: hit ratio {hits / pages:.1%}"
        if pages
        else "no page requests counted"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
