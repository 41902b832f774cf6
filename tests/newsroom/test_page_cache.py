"""Cached public pages: fast, and never stale about what is published."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import ArticleFactory, AuthorFactory, CorrectionFactory
from workflow import services
from workflow.states import State

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def live(story_in):
    return story_in(State.PUBLISHED, headline="Cached launch story")


def test_second_visit_is_served_from_the_cache(client, live, django_assert_num_queries):
    client.get(live.get_absolute_url())
    with django_assert_num_queries(0):
        response = client.get(live.get_absolute_url())
    assertContains(response, "Cached launch story")


def test_headers_let_a_cdn_cache_and_revalidate(client, live):
    response = client.get(live.get_absolute_url())
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    etag = response["ETag"]
    again = client.get(live.get_absolute_url(), headers={"if-none-match": etag})
    assert again.status_code == 304


def test_unpublish_removes_it_everywhere_at_once(
    client, live, editor, django_capture_on_commit_callbacks
):
    assertContains(client.get("/"), "Cached launch story")
    client.get(live.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(live, "unpublish", by=editor, comment="Legal hold")
    assert client.get(live.get_absolute_url()).status_code == 404
    assertNotContains(client.get("/"), "Cached launch story")


def test_publish_shows_at_once(
    client, story_in, editor, django_capture_on_commit_callbacks
):
    story = story_in(State.APPROVED, headline="Fresh from the pad")
    assertNotContains(client.get("/"), "Fresh from the pad")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(story, "publish", by=editor)
    assertContains(client.get("/"), "Fresh from the pad")


def test_edit_and_correction_show_at_once(
    client, live, django_capture_on_commit_callbacks
):
    client.get(live.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        live.headline = "Corrected launch story"
        live.save()
        CorrectionFactory(article=live, text="The launch slipped a day.")
    response = client.get(live.get_absolute_url())
    assertContains(response, "Corrected launch story")
    assertContains(response, "The launch slipped a day.")


def test_author_edit_shows_at_once(client, django_capture_on_commit_callbacks):
    author = AuthorFactory(job_title="Staff Writer")
    client.get(author.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        author.job_title = "Senior Space Writer"
        author.save()
    assertContains(client.get(author.get_absolute_url()), "Senior Space Writer")


def test_opening_the_admin_does_not_purge(client, live, editor):
    from core.cache import site_version

    before = site_version()
    client.force_login(editor)
    client.get(reverse("admin:articles_article_change", args=[live.pk]))  # a lock
    assert site_version() == before


def test_scheduled_story_appears_on_a_cached_page_at_its_minute(client, monkeypatch):
    two_pm = dt.datetime(2026, 11, 23, 14, 0, tzinfo=NEW_YORK)
    ArticleFactory(
        headline="Eclipse live coverage", status=State.SCHEDULED, published_at=two_pm
    )
    monkeypatch.setattr(timezone, "now", lambda: two_pm - dt.timedelta(minutes=3))
    assertNotContains(client.get("/"), "Eclipse live coverage")  # now cached
    monkeypatch.setattr(timezone, "now", lambda: two_pm)
    assertContains(client.get("/"), "Eclipse live coverage")


def test_admin_and_previews_are_never_cached_publicly(client, story_in, editor):
    story = story_in(State.DRAFT)
    client.force_login(editor)
    preview = client.get(reverse("admin:articles_article_preview", args=[story.pk]))
    assert "public" not in preview["Cache-Control"]
    assert "no-store" in preview["Cache-Control"]


def test_cache_can_be_turned_off(client, live, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(live.get_absolute_url())
    response = client.get(live.get_absolute_url())
    assert "public" not in response.get("Cache-Control", "")


# --- What a hit costs, and why it is never stale ---------------------------------


@pytest.fixture
def cache_calls(monkeypatch):
    """The names of the cache operations the code runs, in order (not those a
    backend runs inside another: local memory's get_many calls get)."""
    from django.core.cache import caches

    calls, inside = [], []
    backend = caches["default"]
    for name in ("get", "get_many", "set", "add", "incr", "get_or_set", "has_key"):
        operation = getattr(backend, name)

        def counted(*args, _name=name, _operation=operation, **kwargs):
            if not inside:
                calls.append(_name)
            inside.append(_name)
            try:
                return _operation(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, name, counted)
    return calls


def test_a_hit_is_one_cache_round_trip(client, live, cache_calls):
    client.get(live.get_absolute_url())
    cache_calls.clear()
    response = client.get(live.get_absolute_url())
    assertContains(response, "Cached launch story")
    assert cache_calls == ["get_many"]


def test_a_hit_is_answered_before_the_per_user_middleware(client, live):
    client.get(live.get_absolute_url())
    hit = client.get(live.get_absolute_url())
    assertContains(hit, "Cached launch story")
    # Sessions, authentication and CSRF never ran for it...
    assert not hasattr(hit.wsgi_request, "session")
    assert not hasattr(hit.wsgi_request, "user")
    # ...yet it carries what every page needs, and revalidates.
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["X-Content-Type-Options"] == "nosniff"
    assert "public" in hit["Cache-Control"]
    again = client.get(live.get_absolute_url(), headers={"if-none-match": hit["ETag"]})
    assert again.status_code == 304


def test_a_miss_looks_the_page_up_once(client, live, cache_calls):
    response = client.get(live.get_absolute_url())
    assert response.status_code == 200
    # Once before the view (the middleware's lookup, reused), once after it to
    # read the versions of the keys the page was built from, to store it.
    assert cache_calls[0] == "get_many"
    assert cache_calls.count("get_many") == 2
    assert hasattr(response.wsgi_request, "session")  # the view ran, with all layers


def test_the_admin_is_never_looked_up(client, editor, cache_calls):
    client.force_login(editor)
    assert client.get(reverse("admin:index")).status_code == 200
    assert "get_many" not in cache_calls


def test_search_is_never_looked_up_nor_stored(client, live, cache_calls):
    for _ in range(2):
        response = client.get(reverse("articles:search"), {"q": "launch"})
        assertContains(response, "Cached launch story")
    assert "get_many" not in cache_calls and "set" not in cache_calls


def test_posts_are_never_answered_from_the_cache(live):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.get(live.get_absolute_url())
    response = client.post(live.get_absolute_url())
    assert response.status_code == 403  # CSRF ran: the request reached the stack


def test_a_hit_carries_the_etag_computed_when_it_was_stored(client, live):
    first = client.get(live.get_absolute_url())
    again = client.get(live.get_absolute_url())
    assert again["ETag"] == first["ETag"]
    assert again["Content-Type"] == first["Content-Type"]


def test_a_page_rendered_while_a_purge_lands_is_not_served_after_it(rf, settings):
    """The version stored with a page is the one read before rendering: a
    purge during the render makes the entry stale at once."""
    from django.http import HttpResponse

    from core.cache import bump_site_version, cached_page

    renders = []

    @cached_page
    def view(request):
        renders.append(1)
        if len(renders) == 1:
            bump_site_version()  # an unpublish commits while this renders
        return HttpResponse(f"render {len(renders)}")

    assert view(rf.get("/page/")).content == b"render 1"
    assert view(rf.get("/page/")).content == b"render 2"  # not the stale one
    assert view(rf.get("/page/")).content == b"render 2"  # now cached


def test_an_evicted_version_never_revives_an_old_page(client, live):
    from django.core.cache import cache

    from articles.models import Article
    from core.cache import VERSION_KEY, site_version

    client.get(live.get_absolute_url())
    old = site_version()
    cache.delete(VERSION_KEY)  # evicted under memory pressure
    Article.objects.filter(pk=live.pk).update(headline="Changed while evicted")
    assertContains(client.get(live.get_absolute_url()), "Changed while evicted")
    assert site_version() not in (old, old + 1)


def test_responses_setting_cookies_are_not_stored(rf):
    from django.http import HttpResponse

    from core.cache import cached_page

    renders = []

    @cached_page
    def view(request):
        renders.append(1)
        response = HttpResponse("for one reader")
        response.set_cookie("seen", "yes")
        return response

    view(rf.get("/cookie/"))
    view(rf.get("/cookie/"))
    assert len(renders) == 2


def test_with_redis_a_hit_is_one_command_and_unpublish_purges_it(
    client, live, editor, redis_cache, monkeypatch, django_capture_on_commit_callbacks
):
    import redis

    commands = []
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        commands.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    client.get(live.get_absolute_url())
    commands.clear()
    assertContains(client.get(live.get_absolute_url()), "Cached launch story")
    assert commands == ["MGET"]
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(live, "unpublish", by=editor, comment="Legal hold")
    assert client.get(live.get_absolute_url()).status_code == 404


def test_a_bad_host_is_refused_not_an_error(client, live):
    response = client.get(live.get_absolute_url(), HTTP_HOST="evil.example")
    assert response.status_code == 400
