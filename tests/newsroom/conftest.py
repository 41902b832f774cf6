"""Users in each role, and stories in any workflow state, for the workflow tests."""

import datetime as dt

import pytest
from django.utils import timezone

from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory
from workflow.states import LIVE_STATES, State


@pytest.fixture
def story_in(writer):
    """A story by `writer` (creator and byline) in the given state."""

    def make(state=State.DRAFT, **kwargs):
        published_at = None
        if state in LIVE_STATES or state == State.UNPUBLISHED:
            published_at = timezone.now() + (
                dt.timedelta(hours=2)
                if state == State.SCHEDULED
                else -dt.timedelta(hours=2)
            )
        story = ArticleFactory(
            status=state, published_at=published_at, created_by=writer, **kwargs
        )
        author = Author.objects.filter(user=writer).first() or AuthorFactory(
            user=writer
        )
        story.bylines.create(author=author)
        return story

    return make


@pytest.fixture
def redis_cache(settings):
    """The page cache in Redis, as in production (database 14, which no other
    test uses), under a key prefix of this test's own: only its keys are
    deleted, before and after, so test modules (or two checkouts' suites)
    running at once never empty each other's cache."""
    import uuid

    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    prefix = f"test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
