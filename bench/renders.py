"""The WSGI application of bench/varnish.py's web server: newsroom.wsgi, writing
one line to the file BENCH_RENDERS_LOG for each rendition it encodes
(`media_library.renditions.render`), naming the address being answered.

That server answers only Varnish, that is readers: every line is a picture made
in a reader's request. Renditions made ahead, on the task queue, run in the
process that queued them (the picture desk, the set-up), never here. Lines are
appended with O_APPEND, so every worker's and thread's add up in one file.
"""

import os
import threading

from newsroom.wsgi import application as newsroom  # sets Django up

# isort: split
from media_library import renditions  # needs Django set up

LOG = os.environ["BENCH_RENDERS_LOG"]
_asked = threading.local()
_render = renditions.render


def counted_render(image, spec, target, fmt):
    line = f"{getattr(_asked, 'path', '-')} image={image.pk} {spec.name}-{target}.{fmt}"
    with open(LOG, "a") as log:
        log.write(line + "\n")
    return _render(image, spec, target, fmt)


# rendition_for calls the module's `render` by name, as the tests that count
# renders patch it (tests/media_library/test_object_storage.py).
renditions.render = counted_render


def application(environ, start_response):
    _asked.path = environ.get("PATH_INFO", "")
    try:
        return newsroom(environ, start_response)
    finally:
        _asked.path = "-"
