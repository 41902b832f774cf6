"""Purges of the caches in front (core.purgers, issue 17): the adapters for
Varnish (xkey), Cloudflare (cache tags) and Fastly (surrogate keys) against a
local HTTP server that records what it is sent, the hook in core.cache.purge
that sends every purge through the task queue, and the headers that tell the
caches what to keep and for how long."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from core import cache as page_cache
from core import purgers
from core.purgers import Cloudflare, Fastly, PurgeFailed, Varnish, parse
from tests.factories import ArticleFactory
from tests.newsroom.env_vars import TEST_SECRET_KEY, run_python
from workflow.states import State


class Recorder(ThreadingHTTPServer):
    """Answers every request 200 (or `fail` more times 503) and records it as
    (method, path, headers, body)."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.calls: list[tuple] = []
        self.fail = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.calls.append(
            (self.command, self.path, self.headers, body)  # any case
        )
        status = 200
        if self.server.fail:
            self.server.fail -= 1
            status = 503
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_PURGE = do_POST = do_GET = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def urls(recorder):
    """PURGE_URLS naming the recorder as each kind of cache."""
    port = recorder.server_address[1]
    return [
        f"varnish://127.0.0.1:{port}",
        f"cloudflare://zone-1?token=cf-token&api={recorder.url}/client/v4",
        f"fastly://svc-1?token=fastly-token&api={recorder.url}",
    ]


# --- Parsing PURGE_URLS -----------------------------------------------------------


def test_urls_name_their_caches():
    assert parse("varnish://varnish:80") == Varnish("http://varnish:80")
    assert parse("varnish+https://cache.example:443") == Varnish(
        "https://cache.example:443"
    )
    assert parse("cloudflare://Zone9?token=t") == Cloudflare("Zone9", "t")
    assert parse("fastly://Svc?token=t&api=http://127.0.0.1:9/") == Fastly(
        "Svc", "t", api="http://127.0.0.1:9"
    )


@pytest.mark.parametrize(
    "url",
    [
        "varnish://",
        "cloudflare://zone",  # no token
        "fastly://?token=t",  # no service
        "fastly://svc?token=t&api=file:///etc/passwd",
        "https://varnish:80",
        "redis://cache:6379",
    ],
)
def test_urls_that_name_no_cache_are_refused(url):
    with pytest.raises(ImproperlyConfigured, match="PURGE_URLS"):
        parse(url)


# What a process started with PURGE_URLS set does before serving anything: Django
# loaded as gunicorn loads it (newsroom.wsgi), or as manage.py does.
STARTS = {
    "web server": "from newsroom.wsgi import application",
    "manage.py": "from django.core.management import execute_from_command_line\n"
    "execute_from_command_line(['manage.py', 'check'])",
}


@pytest.mark.parametrize("start", STARTS)
def test_a_bad_purge_url_stops_the_site_at_start_saying_why(start):
    env = {
        "SECRET_KEY": TEST_SECRET_KEY,
        "PURGE_URLS": "varnish://varnish:80,redis://x",
    }

    result = run_python(STARTS[start], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: PURGE_URLS: 'redis://x' is not varnish://" in (
        result.stderr
    )
    good = run_python(STARTS[start], {**env, "PURGE_URLS": "varnish://varnish:80"})
    assert good.returncode == 0, good.stderr


# --- The adapters -------------------------------------------------------------------


def test_varnish_gets_one_purge_naming_the_keys(recorder):
    parse(f"varnish://127.0.0.1:{recorder.server_address[1]}").purge(
        ["list:front", "story:3"]
    )

    [(method, path, headers, body)] = recorder.calls
    assert (method, path, body) == ("PURGE", "/", b"")
    assert headers["xkey-purge"] == "list:front story:3"


def test_cloudflare_purges_tags_thirty_a_call(recorder, urls):
    keys = [f"story:{n}" for n in range(65)]
    parse(urls[1]).purge(keys)

    assert [call[:2] for call in recorder.calls] == [
        ("POST", "/client/v4/zones/zone-1/purge_cache")
    ] * 3
    sent = [json.loads(call[3])["tags"] for call in recorder.calls]
    assert [len(tags) for tags in sent] == [30, 30, 5]
    assert sum(sent, []) == keys
    headers = recorder.calls[0][2]
    assert headers["Authorization"] == "Bearer cf-token"
    assert headers["Content-Type"] == "application/json"


def test_fastly_purges_surrogate_keys_256_a_call(recorder, urls):
    keys = [f"story:{n}" for n in range(300)]
    parse(urls[2]).purge(keys)

    assert [call[:2] for call in recorder.calls] == [
        ("POST", "/service/svc-1/purge")
    ] * 2
    sent = [call[2]["Surrogate-Key"].split() for call in recorder.calls]
    assert sum(sent, []) == keys and len(sent[0]) == 256
    assert recorder.calls[0][2]["Fastly-Key"] == "fastly-token"


def test_a_refusal_or_no_answer_is_a_failed_purge(recorder):
    recorder.fail = 1
    with pytest.raises(PurgeFailed, match="503"):
        parse(f"varnish://127.0.0.1:{recorder.server_address[1]}").purge(["story:1"])
    recorder.server_close()  # nobody listening any more
    with pytest.raises(PurgeFailed):
        parse(f"varnish://127.0.0.1:{recorder.server_address[1]}").purge(["story:1"])


# --- The hook: every purge of the page cache, through the task queue ---------------


@pytest.mark.django_db
def test_a_purge_reaches_every_cache_in_front_after_the_commit(
    recorder, urls, settings, django_capture_on_commit_callbacks
):
    settings.PURGE_URLS = urls
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.purge({"story:7", "list:front"})
        assert recorder.calls == []  # not before the change commits

    by_method = {(call[0], call[1]): call for call in recorder.calls}
    assert len(recorder.calls) == 3
    keys = ["list:front", "story:7", purgers.UNKEYED]
    varnish = by_method["PURGE", "/"]
    assert sorted(varnish[2]["xkey-purge"].split()) == sorted(keys)
    cloudflare = by_method["POST", "/client/v4/zones/zone-1/purge_cache"]
    assert sorted(json.loads(cloudflare[3])["tags"]) == sorted(keys)
    fastly = by_method["POST", "/service/svc-1/purge"]
    assert sorted(fastly[2]["Surrogate-Key"].split()) == sorted(keys)


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_purges_nothing(recorder, urls, settings):
    settings.PURGE_URLS = urls
    with pytest.raises(RuntimeError), transaction.atomic():
        page_cache.purge({"story:7"})
        raise RuntimeError("the change fails")

    assert recorder.calls == []


@pytest.mark.django_db
def test_forgetting_every_page_purges_the_site_key(
    recorder, urls, settings, django_capture_on_commit_callbacks
):
    settings.PURGE_URLS = urls[:1]
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.bump_site_version()

    [(method, _, headers, _)] = recorder.calls
    assert set(headers["xkey-purge"].split()) == {purgers.SITE, purgers.UNKEYED}


@pytest.mark.django_db
def test_without_caches_in_front_nothing_is_queued(
    recorder, settings, django_capture_on_commit_callbacks
):
    settings.PURGE_URLS = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page_cache.purge({"story:7"})

    assert callbacks == [] and recorder.calls == []


@pytest.mark.django_db
def test_a_cache_that_fails_is_tried_again_and_the_others_purged_once(
    recorder, urls, settings, django_capture_on_commit_callbacks
):
    settings.PURGE_URLS = [urls[0], urls[2]]
    recorder.fail = 2  # the first two calls (Varnish's) answer 503
    with django_capture_on_commit_callbacks(execute=True):
        page_cache.purge({"story:7"})

    methods = [call[0] for call in recorder.calls]
    assert methods == ["PURGE", "PURGE", "PURGE", "POST"]


@pytest.mark.django_db
def test_a_story_edit_purges_the_caches_in_front_by_its_keys(
    recorder, urls, settings, django_capture_on_commit_callbacks
):
    settings.PURGE_URLS = urls[:1]
    story = ArticleFactory(published=True)
    recorder.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        story.headline = "A new headline"
        story.save()

    purged = {key for call in recorder.calls for key in call[2]["xkey-purge"].split()}
    assert f"story:{story.pk}" in purged


@pytest.mark.django_db
def test_a_draft_edit_purges_nothing_in_front(
    recorder, urls, settings, django_capture_on_commit_callbacks
):
    settings.PURGE_URLS = urls[:1]
    draft = ArticleFactory(status=State.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        draft.headline = "Still a draft"
        draft.save()

    assert recorder.calls == []


# --- What the caches in front are told --------------------------------------------


@pytest.mark.django_db
def test_pages_name_their_keys_and_the_site_key(client, settings, urls):
    story = ArticleFactory(published=True)

    keys = client.get(story.get_absolute_url())["Surrogate-Key"].split()

    assert f"story:{story.pk}" in keys and purgers.SITE in keys
    assert purgers.UNKEYED not in keys
    settings.PURGE_URLS = urls[1:2]  # Cloudflare reads Cache-Tag
    page_cache.bump_site_version()
    response = client.get(story.get_absolute_url())
    assert response["Cache-Tag"].split(",") == response["Surrogate-Key"].split()


def _directives(response) -> dict[str, str]:
    return dict(
        (part.strip().split("=", 1) + [""])[:2]
        for part in response["Cache-Control"].split(",")
    )


@pytest.mark.django_db
def test_shared_caches_keep_a_page_until_the_next_scheduled_story(
    client, settings, now
):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_BROWSER_CACHE_SECONDS = 60
    story = ArticleFactory(published=True)
    assert _directives(client.get("/")) | {} == {
        "public": "",
        "max-age": "60",
        "s-maxage": "300",
    }

    ArticleFactory(status=State.SCHEDULED, published_at=now + dt.timedelta(seconds=42))
    page_cache.bump_site_version()
    first = _directives(client.get(story.get_absolute_url()))
    hit = _directives(client.get(story.get_absolute_url()))

    assert first["s-maxage"] == hit["s-maxage"] == "42"
    assert first["max-age"] == "42"  # a browser's copy ends then too


def test_a_full_batch_is_one_call_and_no_keys_no_call(recorder, urls):
    parse(urls[1]).purge([f"story:{n}" for n in range(30)])
    parse(urls[2]).purge([])

    assert len(recorder.calls) == 1
    assert len(json.loads(recorder.calls[0][3])["tags"]) == 30
