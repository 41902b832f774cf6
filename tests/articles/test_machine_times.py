"""Every `<time datetime>` on readers' pages is a time HTML accepts: to the
second with its offset. Django's 'c' format wrote a stored time's
microseconds, which the Nu HTML checker refuses (at most three digits)."""

import datetime as dt
import re

import pytest

from tests.factories import ArticleFactory, CorrectionFactory

pytestmark = pytest.mark.django_db

DATETIME = re.compile(r'<time datetime="([^"]*)"')
TO_THE_SECOND = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def test_story_times_are_to_the_second(client, now):
    published = now - dt.timedelta(hours=3, microseconds=123_456)
    story = ArticleFactory(published=True, published_at=published)
    story.revised_at = now - dt.timedelta(hours=1, microseconds=654_321)
    story.save()
    CorrectionFactory(article=story)

    for path in ("/", story.get_absolute_url(), story.section.get_absolute_url()):
        html = client.get(path).content.decode()
        times = DATETIME.findall(html)
        assert times, path
        assert all(TO_THE_SECOND.match(t) for t in times), (path, times)
    search = client.get("/search/", {"q": story.headline.split()[0]})
    times = DATETIME.findall(search.content.decode())
    assert all(TO_THE_SECOND.match(t) for t in times), times
