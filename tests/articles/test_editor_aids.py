"""Around the story editor (issue 14): the reading time readers see and the
admin repeats, and the paste-cleaning endpoint the editor calls."""

import json

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.checklist import SEO_DESCRIPTION_MAX, SEO_TITLE_MAX
from articles.models import WORDS_PER_MINUTE, Article, word_count
from media_library import inline
from tests.factories import ArticleFactory, UserFactory
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import WRITERS

CLEAN_PASTE = "admin:articles_article_clean_paste"
GOOGLE_DOCS = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1">'
    '<p dir="ltr"><span style="font-weight:400">Plain, </span>'
    '<span style="font-weight:700">bold</span></p></b>'
)


def words(count: int) -> str:
    return "<p>" + " ".join(["rover"] * count) + "</p>"


@pytest.mark.parametrize(
    ("body", "minutes"),
    [
        ("", 0),
        ("<p></p>", 0),
        ("<p>One</p>", 1),
        (words(WORDS_PER_MINUTE), 1),
        (words(WORDS_PER_MINUTE + 1), 2),
        (words(4 * WORDS_PER_MINUTE), 4),
    ],
)
def test_reading_minutes_round_up(body, minutes):
    assert Article(body=body).reading_minutes == minutes


def test_words_are_counted_in_the_text_tags_apart():
    # A tag separates words; an entity is a character; attributes are no text.
    assert word_count("<p>sky</p><p>crane</p>") == 2
    assert word_count("<p>sky&nbsp;crane &amp; rover</p>") == 4
    assert word_count("<p>H<sub>2</sub>O</p>") == 3  # as the admin counts it too
    assert word_count(inline.placeholder(42, "A long caption here")) == 0


@pytest.mark.django_db
def test_story_page_shows_the_reading_time(client):
    story = ArticleFactory(published=True, body=words(WORDS_PER_MINUTE * 3 + 5))
    response = client.get(story.get_absolute_url())
    assertContains(response, '<p class="reading-time">4 min read</p>', html=True)


@pytest.mark.django_db
def test_an_empty_story_shows_no_reading_time(client):
    story = ArticleFactory(published=True, body="")
    assertNotContains(client.get(story.get_absolute_url()), "min read")


@pytest.mark.django_db
def test_the_form_gives_the_admin_the_same_reading_speed(client):
    client.force_login(user_in(WRITERS, username="wanda"))
    response = client.get(reverse("admin:articles_article_add"))
    page = response.content.decode()
    assert 'src="/static/articles/admin/story-aids.js"' in page
    assert f'data-words-per-minute="{WORDS_PER_MINUTE}"' in page
    assert 'data-story-address="/stories/--slug--/"' in page
    # The SEO fields' hints use the lengths the checklist holds them to.
    lengths = page.split('data-recommended-lengths="')[1].split('"', 1)[0]
    assert json.loads(lengths.replace("&quot;", '"')) == {
        "seo_title": SEO_TITLE_MAX,
        "seo_description": SEO_DESCRIPTION_MAX,
    }
    config = page.split("data-django-prose-editor-configurable")[1].split(">")[0]
    config = json.loads(
        config.split('"', 1)[1].rsplit('"', 1)[0].replace("&quot;", '"')
    )
    assert any(
        m.endswith("articles/admin/clean-paste.js") for m in config["js_modules"]
    )
    assert config["extensions"]["CleanPaste"] == {"cleanUrl": reverse(CLEAN_PASTE)}


# --- The editor's paste cleaning ----------------------------------------------


@pytest.mark.django_db
def test_a_writer_gets_the_paste_as_it_will_be_stored(client):
    client.force_login(user_in(WRITERS, username="wanda"))
    response = client.post(reverse(CLEAN_PASTE), {"html": GOOGLE_DOCS})
    assert response.status_code == 200
    assert response.json() == {"html": "<p>Plain, <strong>bold</strong></p>"}
    empty = client.post(reverse(CLEAN_PASTE), {})
    assert empty.json() == {"html": ""}


@pytest.mark.django_db
def test_paste_cleaning_is_for_staff_who_write_and_only_posts(client):
    url = reverse(CLEAN_PASTE)
    assert client.post(url, {"html": GOOGLE_DOCS}).status_code == 302  # log in
    client.force_login(UserFactory(is_staff=True))  # staff, but no role
    assert client.post(url, {"html": GOOGLE_DOCS}).status_code == 403
    client.force_login(user_in(WRITERS, username="wanda"))
    assert client.get(url, {"html": GOOGLE_DOCS}).status_code == 405


@pytest.mark.django_db
def test_paste_cleaning_needs_the_forms_csrf_token():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user_in(WRITERS, username="wanda"))
    assert client.post(reverse(CLEAN_PASTE), {"html": GOOGLE_DOCS}).status_code == 403
