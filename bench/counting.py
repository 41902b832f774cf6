"""The WSGI application of bench/mixed.py's server: newsroom.wsgi, counting
for each answer whether the page cache gave it (no SQL ran) or the view made it
(SQL ran), in Redis (BENCH_COUNTS_URL) so that every worker's count adds up.

It only looks at the database connection, so it counts the same way whatever
checkout it serves: the code before a change and after it.
"""

import os

import redis
from django.db import connection

from newsroom.wsgi import application as newsroom

COUNTS = redis.Redis.from_url(os.environ["BENCH_COUNTS_URL"])
PREFIX = "bench:mixed:"
PICTURES = "/images/"


def application(environ, start_response):
    ran = []

    def count(execute, sql, params, many, context):
        ran.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = newsroom(environ, start_response)
    if environ.get("PATH_INFO", "").startswith(PICTURES):
        kind = "pictures"
    else:
        kind = "miss" if ran else "hit"
    COUNTS.incr(PREFIX + kind)
    return response
