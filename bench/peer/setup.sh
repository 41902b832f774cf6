#!/usr/bin/env bash
# Prepare newsroom as a target of the shared peer benchmark, beside the Wagtail peer
# (adapted from the harness's newsroom_site/). From the project's root:
#   ../shared/peer-bench/wagtail_site/setup.sh
#   bench/peer/setup.sh
#   ../shared/peer-bench/run.sh wagtail_site bench/peer bench/peer/cached
#
#   venv     : the project's own .venv
#   database : PostgreSQL db $BENCH_NEWSROOM_DB (default peer_newsroom), user postgres,
#              emptied and seeded again on every run of this script
#   content  : $BENCH_N_ARTICLES stories (default 2000, as the peer's) from bench/seed.py,
#              with bodies of about $BENCH_BODY_WORDS words (default 800, as the peer's)
#   static   : collectstatic into /tmp/peer-newsroom-static, with the harness's ref.html
set -euo pipefail
PEER="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJ="$(cd "$PEER/../.." && pwd)"
N="${BENCH_N_ARTICLES:-2000}"
WORDS="${BENCH_BODY_WORDS:-800}"
export BENCH_NEWSROOM_DB="${BENCH_NEWSROOM_DB:-peer_newsroom}"
export PEER_BENCH_DIR="${PEER_BENCH_DIR:-$PROJ/../shared/peer-bench}"
[ -f "$PEER_BENCH_DIR/static/ref.html" ] || { echo "no harness at $PEER_BENCH_DIR (set PEER_BENCH_DIR)" >&2; exit 1; }
cd "$PROJ"
[ -x .venv/bin/python ] || make install
pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster 15 main start
if [ "$(runuser -u postgres -- psql -qAt -c "select 1 from pg_database where datname='$BENCH_NEWSROOM_DB'")" != 1 ]; then
  runuser -u postgres -- psql -qAt -c "create database \"$BENCH_NEWSROOM_DB\""
fi
export DJANGO_SETTINGS_MODULE=bench.peer.settings
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python - "$N" "$WORDS" <<'PY'
import sys

import django

django.setup()
from bench import seed

stories, words = int(sys.argv[1]), int(sys.argv[2])
print(seed.ensure_seeded(stories, reseed=True, body_words=words))
PY
# The story target.env measures: it must exist, with what the peer's shows.
.venv/bin/python - <<'PY'
import re

import django

django.setup()
from articles.models import Article

env = open("bench/peer/target.env").read()
path = re.search(r"article=\$\{BENCH_ARTICLE_PATH:-(/stories/([^/]+)/)\}", env)
story = Article.objects.public().get(slug=path.group(2))
words = len(re.sub(r"<[^>]+>", " ", story.body).split())
print(
    f"article {path.group(1)}: {words} words, hero {bool(story.hero_image_id)},"
    f" {story.tags.count()} tags, bylines"
    f" {[(b.author.name, bool(b.author.headshot_id)) for b in story.bylines.all()]}"
)
PY
rm -rf /tmp/peer-newsroom-static
.venv/bin/python manage.py collectstatic --noinput -v0
ls -l /tmp/peer-newsroom-static/bench/ref.html
