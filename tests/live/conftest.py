"""Users in each role and a live story for the live coverage tests."""

import pytest

from live import services
from tests.factories import ArticleFactory, AuthorFactory


@pytest.fixture
def live_story(writer, editor):
    """A published live story written by `writer`, coverage started."""
    story = ArticleFactory(
        headline="Artemis II launches",
        slug="artemis-ii-launches",
        published=True,
        created_by=writer,
        authors=[AuthorFactory(name="Wanda Writer", user=writer)],
    )
    return services.start_coverage(story, by=editor)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run `fn` and what it left for after the commit (the cache purges): the
    test's transaction never commits."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def post(editor, live_story, committed):
    """Post an entry on the live story (by the editor unless told)."""

    def make(text="Liftoff!", by=None, **kwargs):
        return committed(
            services.post_entry, live_story, by=by or editor, text=text, **kwargs
        )

    return make
