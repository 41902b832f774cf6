"""Purges of the caches in front of the site (issue 17): Varnish, Cloudflare,
Fastly, by the same content keys as the page cache (core.cache).

Every public page names the keys it was built from in its `Surrogate-Key`
header (core.cache.KEYS_HEADER). Varnish copies them into its `xkey` header
(deploy/varnish/default.vcl), Fastly reads that header itself, and Cloudflare
reads them comma-separated from `Cache-Tag`, sent when a Cloudflare purger is
configured. `core.cache.purge` calls `purge_later`, so every purge of the
page cache reaches the caches in front too, through the task queue
(core.tasks): a cache that does not answer is tried again later, and the
editor's request never waits for one.

`PURGE_URLS` (settings) lists the caches, one URL each:

- `varnish://host:port`: an HTTP `PURGE` request with an `xkey-purge` header
  naming the keys (`varnish+https://` for TLS); the VCL lets only the
  addresses in its `purgers` ACL do it. One URL per Varnish server.
- `cloudflare://ZONE_ID?token=API_TOKEN`: POST /zones/ZONE_ID/purge_cache
  {"tags": [...]} to Cloudflare's API, at most 30 tags a call.
- `fastly://SERVICE_ID?token=API_TOKEN`: POST /service/SERVICE_ID/purge with
  the keys in a `Surrogate-Key` header, at most 256 a call.

Cloudflare's and Fastly's URLs take `&api=http://host:port/path` to talk to
another base URL than theirs (a test's recorder, a proxy).
"""

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import parse_qs, quote, urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from core.tasks import background, later

logger = logging.getLogger(__name__)

TIMEOUT = 5  # seconds a cache has to answer a purge
# What is purged by every change: pages that named no keys (core.cache marks
# them so), which the page cache forgets on any purge too.
UNKEYED = "unkeyed"
# What every page carries, purged when every page must go (bump_site_version).
SITE = "site"


class PurgeFailed(Exception):
    """A cache refused a purge or did not answer (the task tries again)."""


@dataclass(frozen=True)
class Varnish:
    url: str  # http(s)://host:port

    def purge(self, keys: list[str]) -> None:
        _send("PURGE", self.url + "/", {"xkey-purge": " ".join(keys)})


@dataclass(frozen=True)
class Cloudflare:
    zone: str
    token: str
    api: str = "https://api.cloudflare.com/client/v4"
    batch = 30  # tags a purge_cache call may name

    def purge(self, keys: list[str]) -> None:
        for tags in _batches(keys, self.batch):
            _send(
                "POST",
                f"{self.api}/zones/{quote(self.zone)}/purge_cache",
                {
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
                json.dumps({"tags": tags}).encode(),
            )


@dataclass(frozen=True)
class Fastly:
    service: str
    token: str
    api: str = "https://api.fastly.com"
    batch = 256  # keys a purge call may name

    def purge(self, keys: list[str]) -> None:
        for batch in _batches(keys, self.batch):
            _send(
                "POST",
                f"{self.api}/service/{quote(self.service)}/purge",
                {"Fastly-Key": self.token, "Surrogate-Key": " ".join(batch)},
                b"",
            )


def _batches(keys: list[str], size: int) -> Iterator[list[str]]:
    """`keys` in order, in lists of at most `size`: the most one call of a
    CDN's purge API may name (Cloudflare's and Fastly's limits differ)."""
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


def _send(method: str, url: str, headers: dict[str, str], body=None) -> None:
    """One request; PurgeFailed unless the answer is a 2xx. `url` is http(s):
    `parse` accepts nothing else."""
    request = Request(url, data=body, headers=headers, method=method)  # noqa: S310
    try:
        with urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            response.read()
    except OSError as error:  # URLError, HTTPError (a 4xx/5xx), timeouts
        raise PurgeFailed(f"{method} {url}: {error}") from None


def parse(url: str):
    """The purger a PURGE_URLS entry names (see the module's docstring)."""
    parts = urlsplit(url)
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    scheme = parts.scheme.lower()
    if scheme in ("varnish", "varnish+http", "varnish+https"):
        if not parts.hostname:
            raise ImproperlyConfigured(f"PURGE_URLS: {url!r} names no Varnish host.")
        transport = "https" if scheme == "varnish+https" else "http"
        return Varnish(f"{transport}://{parts.netloc}")
    if scheme in ("cloudflare", "fastly"):
        if not parts.hostname or not query.get("token"):
            raise ImproperlyConfigured(
                f"PURGE_URLS: {scheme}:// needs an id and ?token= (got {url!r})."
            )
        ident = parts.netloc  # zone and service ids as given, case kept
        extra = {"api": query["api"].rstrip("/")} if query.get("api") else {}
        if extra and urlsplit(extra["api"]).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"PURGE_URLS: api= must be http(s) in {url!r}.")
        if scheme == "cloudflare":
            return Cloudflare(ident, query["token"], **extra)
        return Fastly(ident, query["token"], **extra)
    raise ImproperlyConfigured(
        f"PURGE_URLS: {url!r} is not varnish://, cloudflare:// or fastly://."
    )


@cache
def _configured(urls: tuple[str, ...]) -> tuple:
    return tuple(parse(url) for url in urls)


def configured() -> tuple:
    """The purgers PURGE_URLS lists."""
    return _configured(tuple(settings.PURGE_URLS))


def response_headers(keys: Iterable[str]) -> dict[str, str]:
    """Headers besides Surrogate-Key that the caches in front read keys from:
    Cloudflare's Cache-Tag, when a Cloudflare purger is configured."""
    if any(isinstance(purger, Cloudflare) for purger in configured()):
        return {"Cache-Tag": ",".join(keys)}
    return {}


@background(retries=5, backoff=10)
def purge_cache(url: str, keys: list[str]) -> None:
    """Purge `keys` from the cache in front that `url` (of PURGE_URLS) names."""
    parse(url).purge(keys)


def purge_later(keys: Iterable[str]) -> None:
    """Queue a purge of `keys` (with UNKEYED: the pages that named none go on
    every purge) from each cache in front, once the change commits: a task a
    cache, so one that is down is tried again without purging the others
    again."""
    if not settings.PURGE_URLS:
        return
    keys = sorted({*keys, UNKEYED})
    for url in settings.PURGE_URLS:
        later(purge_cache, url, keys)
