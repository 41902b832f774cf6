"""The admin screens writers use: every list and form renders, stories save with
their bylines, and the helpers (thumbnails, autocomplete, prefilled slugs) are on."""

import pytest
from django.contrib import admin
from django.urls import reverse
from pytest_django.asserts import assertContains

from articles.models import Article, Status
from media_library.renditions import rendition_url
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    BookFactory,
    CorrectionFactory,
    ImageFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def content():
    image = ImageFactory()
    author = AuthorFactory(headshot=image)
    BookFactory(author=author)
    story = ArticleFactory(hero_image=image, authors=[author], published=True)
    story.tags.add("Mars")
    CorrectionFactory(article=story)
    return story


@pytest.mark.parametrize(
    "model",
    ["articles.article", "articles.section", "authors.author", "media_library.image"],
)
def test_every_screen_renders(admin_client, content, model):
    app_label, model_name = model.split(".")
    obj = {
        "article": content,
        "section": content.section,
        "author": content.bylines.first().author,
        "image": content.hero_image,
    }[model_name]
    for url in (
        reverse(f"admin:{app_label}_{model_name}_changelist"),
        reverse(f"admin:{app_label}_{model_name}_add"),
        reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk]),
    ):
        assert admin_client.get(url).status_code == 200, url


def test_story_list_shows_thumbnail_and_bylines(admin_client, content):
    response = admin_client.get(reverse("admin:articles_article_changelist"))
    # A small rendition, not the full-size original.
    assertContains(
        response, rendition_url(content.hero_image, "thumbnail", 160, "jpeg")
    )
    assertContains(response, content.bylines.first().author.name)


def test_story_saved_through_admin_with_ordered_bylines(admin_client):
    section = SectionFactory()
    first, second = AuthorFactory(name="Second Listed"), AuthorFactory(name="First")
    data = {
        "headline": "Starship reaches orbit",
        "slug": "",
        "dek": "",
        "section": section.pk,
        "tags": "Starship, SpaceX",
        "body": "<p>It flew.<script>alert(1)</script></p>",
        "hero_image": "",
        "hero_caption": "",
        "status": Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "seo_title": "",
        "seo_description": "",
        "bylines-TOTAL_FORMS": "2",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": second.pk,
        "bylines-0-position": "1",
        "bylines-1-author": first.pk,
        "bylines-1-position": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    story = Article.objects.get()
    assert story.slug == "starship-reaches-orbit"
    assert story.body == "<p>It flew.</p>"
    assert [b.author for b in story.bylines.all()] == [first, second]
    assert set(story.tags.names()) == {"Starship", "SpaceX"}


def test_writer_helpers_are_configured():
    story_admin = admin.site._registry[Article]
    assert story_admin.prepopulated_fields == {"slug": ["headline"]}
    assert {"hero_image", "related"} <= set(story_admin.autocomplete_fields)
    byline_inline = next(i for i in story_admin.inlines if i.__name__ == "BylineInline")
    assert byline_inline.autocomplete_fields == ["author"]


def test_image_and_author_autocomplete_answers(admin_client, content):
    image = content.hero_image
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "hero_image",
            "term": image.title,
        },
    )
    assert [r["text"] for r in response.json()["results"]] == [image.title]


def test_tag_suggestions_for_staff(admin_client, content):
    content.tags.add("Mars 2020", "Moon")
    response = admin_client.get(reverse("tag_suggestions"), {"q": "mar"})
    assert response.json() == {"results": ["Mars", "Mars 2020"]}
    assert admin_client.get(reverse("tag_suggestions")).json() == {"results": []}


def test_tag_suggestions_refused_to_the_public(client, content):
    response = client.get(reverse("tag_suggestions"), {"q": "mar"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert b"Mars" not in response.content


@pytest.mark.parametrize(
    "url", ["admin:articles_article_add", "admin:media_library_image_add"]
)
def test_tag_box_suggests_existing_tags(admin_client, url):
    response = admin_client.get(reverse(url))
    assertContains(response, f'data-tag-suggest-url="{reverse("tag_suggestions")}"')
    assertContains(response, "core/tag-suggest.js")


def test_expired_image_cannot_be_newly_attached(admin_client, content):
    import datetime as dt

    from django.utils import timezone

    expired = ImageFactory(
        title="Wire photo",
        licence_expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    story = ArticleFactory(section=content.section)
    url = reverse("admin:articles_article_change", args=[story.pk])
    data = {
        "headline": story.headline,
        "slug": story.slug,
        "section": story.section_id,
        "hero_image": expired.pk,
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "hero_image" in response.context["adminform"].form.errors
    story.refresh_from_db()
    assert story.hero_image is None


def test_editors_manage_credit_presets_and_writers_see_them():
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors").permissions
    writers = Group.objects.get(name="Writers").permissions
    assert editors.filter(codename="change_creditpreset").exists()
    assert writers.filter(codename="view_creditpreset").exists()
    assert not writers.filter(codename="change_creditpreset").exists()
