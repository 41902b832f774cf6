"""Editors, a launch three days ahead and its bundle, for the launch desk tests."""

import datetime as dt

import pytest
from django.utils import timezone

from launchdesk import bundles
from space.models import Launch
from tests.factories import ArticleFactory, AuthorFactory, LaunchFactory
from tests.launchdesk.bundle_times import LIVE, MOMENT, NET, PREVIEW
from tests.newsroom.workflow_helpers import user_in
from workflow import services
from workflow.roles import EDITORS, WRITERS


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    return MOMENT


@pytest.fixture
def editor(db):
    return user_in(EDITORS, username="edie", email="edie@example.com")


@pytest.fixture
def other_editor(db):
    return user_in(EDITORS, username="ed2", email="ed2@example.com")


@pytest.fixture
def writer(db):
    return user_in(WRITERS, username="wanda", email="wanda@example.com")


@pytest.fixture
def launch(pinned):
    return LaunchFactory(
        name="Starlink 6-10", slug="starlink-6-10", net=NET, status=Launch.Status.GO
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run `fn` and what it left for after the commit (e-mails)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


@pytest.fixture
def story(writer):
    byline = AuthorFactory(user=writer)

    def make(headline, status=services.State.APPROVED):
        return ArticleFactory(
            headline=headline,
            status=status,
            created_by=writer,
            authors=[byline],
        )

    return make


@pytest.fixture
def bundle(launch, editor, story, committed):
    """A preview 24 h before, live coverage 2 h before (both scheduled), a
    draft follow-up 1 h after, a success and a failure version (approved)."""
    preview = story("Starlink 6-10 preview")
    live = story("Starlink 6-10 live")
    follow = story("Starlink 6-10 follow-up", status=services.State.DRAFT)
    success = story("Starlink 6-10 reaches orbit")
    failure = story("Starlink 6-10 scrubbed")
    items = {
        "preview": bundles.add_to_bundle(launch, preview, by=editor, offset=PREVIEW),
        "live": bundles.add_to_bundle(launch, live, by=editor, offset=LIVE),
        "follow": bundles.add_to_bundle(
            launch, follow, by=editor, offset=dt.timedelta(hours=1)
        ),
        "success": bundles.add_to_bundle(launch, success, by=editor, outcome="success"),
        "failure": bundles.add_to_bundle(launch, failure, by=editor, outcome="failure"),
    }
    for key in ("preview", "live"):
        committed(bundles.schedule_to_launch, items[key], by=editor)
    return items
