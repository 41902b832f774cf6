"""Hostile input gets a 4xx, never a 500 (issue 12): every URL pattern of the
project, public and admin, is requested with hostile values in each path
parameter and hostile query strings, anonymously and as a superuser.

Every failure is collected with its address, so one run lists them all: the test
client's re-raised exceptions are caught and recorded, not left to stop the run.
"""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils import timezone

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    GalleryFactory,
    SectionFactory,
    UserFactory,
)
from workflow.models import Transition
from workflow.states import State

pytestmark = pytest.mark.django_db

# Values put in the path, percent-encoded as a browser would send them.
HOSTILE_VALUES = [
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "x" * 3000,
    "99999999999999999999",
    "-1",
    "0",
    "ünïcødé-🚀",
    "../../etc/passwd",
    "%",
    "1 OR 1=1",
]

HOSTILE_QUERIES = [
    "q=%00",
    "q=%01%1f",
    "page=-1",
    "page=99999999999999999999",
    "p=99999999999999999999",
    "week=99999-01-01",
    "week=0000-00-00",
    "week=9999-12-31",
    "week=0001-01-01",
    "date=9999-12-31&day=0001-01-01",
    "a=%00&b=x",
    "o=99999999999999999999",
    "published_at__gte=99999-01-01&published_at__year=99999",
    "date=-1-13-45",
    "at=99999-12-31T25:61",
    "a=1&b=2",
    "_changelist_filters=%00",
    "next=%00",
]

# Views that only answer POST, or would end the session the walk runs in.
SKIP_NAMES = {"logout"}

_GROUP = re.compile(r"\(\?P<(\w+)>")


def _regex_template(regex: str) -> tuple[str, list[str]]:
    """`^stories/(?P<slug>[-\\w]+)/$` as "stories/{slug}/" and ["slug"]."""
    out, names, i = [], [], 0
    regex = regex.removeprefix("^").removesuffix("$")
    while i < len(regex):
        match = _GROUP.match(regex, i)
        if match:
            depth, j = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1 + (regex[j] == "\\")
            names.append(match.group(1))
            out.append(f"{{{match.group(1)}}}")
            i = j
        elif regex[i] == "\\":
            out.append(regex[i + 1])
            i += 2
        else:
            out.append(regex[i])
            i += 1
    return "".join(out), names


def _template(pattern) -> tuple[str, list[str]]:
    if isinstance(pattern, RoutePattern):
        route = str(pattern)
        names = re.findall(r"<(?:\w+:)?(\w+)>", route)
        return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route), names
    assert isinstance(pattern, RegexPattern)
    return _regex_template(str(pattern))


def _patterns(patterns=None, prefix=("", [])):
    """(template, parameter names, name) of every URL pattern, admin's included."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        template, names = _template(entry.pattern)
        full = (prefix[0] + template, prefix[1] + names)
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, full)
        elif isinstance(entry, URLPattern) and entry.name not in SKIP_NAMES:
            yield (*full, entry.name)


def _urls(plausible: dict) -> list[str]:
    """Each pattern with each hostile value in every parameter, and with
    plausible values and each hostile query string."""
    urls = []
    for template, names, _name in _patterns():
        base = {n: plausible.get(n, "1") for n in names}
        urls.append(template.format(**base))
        for value in HOSTILE_VALUES if names else []:
            urls.append(template.format(**dict.fromkeys(names, quote(value))))
            for name in names[1:]:  # one parameter hostile, the others plausible
                urls.append(template.format(**{**base, name: quote(value)}))
        urls.extend(f"{template.format(**base)}?{q}" for q in HOSTILE_QUERIES)
    return ["/" + u.lstrip("/") for u in dict.fromkeys(urls)]


def _walk(client: Client, urls: list[str]) -> list[str]:
    failures = []
    for url in urls:
        try:
            status = client.get(url).status_code
        except Exception as error:  # recorded with its address; the walk goes on
            failures.append(f"{url[:200]} raised {type(error).__name__}: {error}"[:400])
            continue
        if status >= 500:
            failures.append(f"{url[:200]} answered {status}")
    return failures


@pytest.fixture
def plausible(db):
    """Real rows, so that views get past their lookups with plausible values."""
    author = AuthorFactory()
    story = ArticleFactory(published=True, section=SectionFactory(), authors=[author])
    story.tags.add("mars")
    gallery = GalleryFactory()
    return {
        "pk": str(story.pk),
        "object_id": str(story.pk),
        "slug": story.slug,
        "section": "news",
        "app_label": "articles",
        "action": "submit",
        "number": "1",
        "content_type_id": "1",
        "gallery": gallery.slug,
        "url": "articles/",
        "state": State.DRAFT,
    }


@pytest.mark.parametrize("as_superuser", [False, True], ids=["anonymous", "superuser"])
def test_hostile_urls_never_answer_500(plausible, as_superuser):
    client = Client()
    if as_superuser:
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        # The walk reaches the admin's pages, not only its log-in redirects.
        assert client.get(reverse("admin:index")).status_code == 200
    failures = _walk(client, _urls(plausible))
    assert not failures, f"{len(failures)} hostile requests failed:\n" + "\n".join(
        failures
    )


@pytest.mark.parametrize(
    "url", ["/tag/%00/", "/tag/a%01b/", "/search/?q=%00", "/?a%00=1", "/tag/%7F/"]
)
def test_control_characters_are_refused_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "control character" in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/tag/mars/", "/search/?q=mars%09rover%0D%0A", "/search/?q=%C3%BC"]
)
def test_ordinary_addresses_pass(client, plausible, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01"])
def test_calendar_at_the_ends_of_time_shows_this_week(client, now, week):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:articles_article_calendar"), {"week": week})
    assert response.status_code == 200
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    assert response.context["days"][0][0] == monday


@pytest.mark.parametrize(
    "at", ["9999-12-31T23:59", "0001-01-01T00:00+14:00", "99999-01-01T10:00"]
)
def test_schedule_at_an_absurd_time_is_refused_and_nothing_changes(client, at):
    story = ArticleFactory(status=State.APPROVED)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    address = reverse("admin:articles_article_transition", args=[story.pk, "schedule"])
    response = client.post(address, {"at": at, "_version": story.version})
    assert response.status_code == 302
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("YYYY-MM-DD" in m or "1900 to 9998" in m for m in shown), shown
    story.refresh_from_db()
    assert (story.status, story.published_at) == (State.APPROVED, None)
    assert not Transition.for_item(story).exists()


def test_schedule_at_a_sensible_time_is_done(client, now):
    story = ArticleFactory(status=State.APPROVED, authors=[AuthorFactory()])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    address = reverse("admin:articles_article_transition", args=[story.pk, "schedule"])
    client.post(address, {"at": "2999-06-01T10:00", "_version": story.version})
    story.refresh_from_db()
    assert story.status == State.SCHEDULED
    assert story.published_at.year == 2999
