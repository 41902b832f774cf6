"""Settings of the peer benchmark's newsroom targets (bench/peer/target.env and
bench/peer/cached/target.env, run by the shared harness's run.sh beside the
Wagtail peer): the project's own settings with the harness's values.

newsroom reads every knob from the environment, so this module sets the
benchmark's values as environment defaults (anything already exported wins,
e.g. PAGE_CACHE_SECONDS from a target.env), imports newsroom.settings, then adds
the harness's reference static file. DJANGO_SETTINGS_MODULE=bench.peer.settings,
from the project's root.

The harness's contract: DEBUG off (on with BENCH_DEBUG=1, for its query
counter), 127.0.0.1 and testserver allowed, PostgreSQL on 127.0.0.1 with
persistent connections, whitenoise serving the harness's static/ref.html at
/static/bench/ref.html, no page cache unless the target says it is cached.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The shared harness (run.sh, lib/, static/ref.html): target.env passes the
# folder run.sh runs from; setup.sh defaults to the checkout's neighbour.
HARNESS = Path(
    os.environ.get("PEER_BENCH_DIR", ROOT.parent / "shared" / "peer-bench")
).resolve()

_defaults = {
    "DEBUG": "on" if os.environ.get("BENCH_DEBUG") == "1" else "off",
    "SECRET_KEY": "bench-only-secret-key-not-for-any-real-site-5e1f0c9a7d2b4c68",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/"
    + os.environ.get("BENCH_NEWSROOM_DB", "peer_newsroom"),
    "CONN_MAX_AGE": "600",  # as the Wagtail peer
    "CACHE_URL": "redis://127.0.0.1:6379/12",
    "PAGE_CACHE_SECONDS": "0",
    # Fixed folders, as setup.sh and target.env name them: a benchmark's files.
    "STATIC_ROOT": "/tmp/peer-newsroom-static",  # noqa: S108
    "MEDIA_ROOT": "/tmp/peer-newsroom-media",  # noqa: S108
    "HTTPS": "off",
    "SECURE_SSL_REDIRECT": "off",
    "LOG_LEVEL": "WARNING",
}
for _key, _value in _defaults.items():
    os.environ.setdefault(_key, _value)
# DEBUG follows BENCH_DEBUG even if DEBUG was exported.
os.environ["DEBUG"] = _defaults["DEBUG"]

from newsroom.settings import *  # noqa: E402, F403

# The harness's 20,361-byte reference page, collected as bench/ref.html.
STATICFILES_DIRS = [*STATICFILES_DIRS, ("bench", str(HARNESS / "static"))]  # noqa: F405
