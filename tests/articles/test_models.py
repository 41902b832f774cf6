from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from articles.models import Article, Status
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    ImageFactory,
)

pytestmark = pytest.mark.django_db


def test_slug_made_from_headline():
    story = ArticleFactory(headline="Perseverance watched its sky crane crash on Mars")
    assert story.slug == "perseverance-watched-its-sky-crane-crash-on-mars"


def test_colliding_headlines_get_distinct_slugs():
    slugs = {ArticleFactory(headline="Starship launches again").slug for _ in range(3)}
    assert slugs == {
        "starship-launches-again",
        "starship-launches-again-2",
        "starship-launches-again-3",
    }


def test_explicit_slug_kept_and_collision_refused_by_database():
    first = ArticleFactory(slug="mars")
    assert first.slug == "mars"
    with pytest.raises(IntegrityError), transaction.atomic():
        # bulk_create skips save(): the unique constraint alone refuses it.
        Article.objects.bulk_create(
            [ArticleFactory.build(slug="mars", section=first.section)]
        )


def test_unicode_headline_keeps_its_letters():
    story = ArticleFactory(headline="Ça décolle : la fusée Ariane 6 à Kourou")
    assert story.slug == "ça-décolle-la-fusée-ariane-6-à-kourou"
    assert story.get_absolute_url() == (
        "/stories/%C3%A7a-d%C3%A9colle-la-fus%C3%A9e-ariane-6-%C3%A0-kourou/"
    )


def test_emoji_only_headline_still_gets_a_slug():
    first = ArticleFactory(headline="🚀🌕")
    second = ArticleFactory(headline="🔭✨")
    assert first.slug == "story"
    assert second.slug == "story-2"


def test_long_headline_slug_fits_with_suffix():
    headline = ("Artemis " * 32)[:255]  # as long as the headline column allows
    first, second = ArticleFactory(headline=headline), ArticleFactory(headline=headline)
    assert len(first.slug) <= 255
    assert len(second.slug) <= 255
    assert second.slug.endswith("-2")


@pytest.mark.parametrize(
    "dirty",
    [
        '<p>Liftoff<script>alert("x")</script> at dawn</p>',
        "<p>Liftoff<SCRIPT>alert(1)</SCRIPT> at dawn</p>",
        '<p>Liftoff <img src="x.png" onerror="alert(1)">at dawn</p>',
        '<p onclick="steal()">Liftoff at dawn</p>',
        '<p style="position:fixed">Liftoff at dawn</p>',
        '<p><a href="javascript:alert(1)">Liftoff</a> at dawn</p>',
        '<p><a href="JaVaScRiPt:alert(1)">Liftoff</a> at dawn</p>',
        '<p><a href="java\tscript:alert(1)">Liftoff</a> at dawn</p>',
        '<p><a href="java\nscript:alert(1)">Liftoff</a> at dawn</p>',
        '<p><a href="&#106;avascript:alert(1)">Liftoff</a> at dawn</p>',
        '<p><a href="&#x6A;&#x61;vascript&#58;alert(1)">Liftoff</a> at dawn</p>',
        '<p><a href=" javascript:alert(1)">Liftoff</a> at dawn</p>',
        '<p><a href="data:text/html;base64,PHNjcmlwdD4=">Liftoff</a> at dawn</p>',
        '<p><img src="data:image/svg+xml,<svg onload=alert(1)>">Liftoff at dawn</p>',
        "<p>Liftoff<iframe src='https://evil.example'></iframe> at dawn</p>",
        "<p>Liftoff <style>body{display:none}</style>at dawn</p>",
        "<svg><script>alert(1)</script></svg><p>Liftoff at dawn</p>",
    ],
)
def test_body_sanitized_on_save_keeping_the_text(dirty):
    story = ArticleFactory(body=dirty)
    story.refresh_from_db()
    lowered = story.body.lower()
    for bad in (
        "<script",
        "alert",
        "onerror",
        "onclick",
        "style",
        "javascript",
        "data:",
    ):
        assert bad not in lowered, story.body
    assert "Liftoff" in story.body
    assert "at dawn" in story.body


def test_body_sanitized_on_every_save_not_only_the_first():
    story = ArticleFactory(body="<p>Fine</p>")
    story.body = '<p>Edited <a href="javascript:alert(1)">link</a></p>'
    story.save()
    story.refresh_from_db()
    assert "javascript" not in story.body
    assert "Edited" in story.body


def test_safe_markup_survives_sanitizing():
    html = (
        '<h2>Landing</h2><p>See <a href="https://mars.nasa.gov/">NASA</a>.</p>'
        "<blockquote><p>A quote</p></blockquote><ul><li>One</li></ul>"
    )
    story = ArticleFactory(body=html)
    assert "<h2>Landing</h2>" in story.body
    assert 'href="https://mars.nasa.gov/"' in story.body
    assert 'rel="noopener noreferrer"' in story.body
    assert "<blockquote>" in story.body


def test_published_requires_a_publish_time_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(status=Status.PUBLISHED, published_at=None)


def test_published_queryset_excludes_drafts_and_future(now):
    live = ArticleFactory(published=True)
    ArticleFactory()  # draft
    ArticleFactory(status=Status.PUBLISHED, published_at=now + timedelta(minutes=5))
    assert list(Article.objects.public()) == [live]


def test_hero_image_cannot_be_deleted_while_used():
    image = ImageFactory()
    ArticleFactory(hero_image=image)
    with pytest.raises(ProtectedError):
        image.delete()


def test_bylines_keep_their_order():
    first, second = AuthorFactory(name="Zed Zephyr"), AuthorFactory(name="Amy Apex")
    story = ArticleFactory(authors=[first, second])
    assert [b.author for b in story.bylines.all()] == [first, second]


def test_author_bylined_once_per_story():
    author = AuthorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(authors=[author, author])


def test_seo_fields_fall_back_to_headline_and_dek():
    story = ArticleFactory(headline="Headline", dek="Dek")
    assert (story.meta_title, story.meta_description) == ("Headline", "Dek")
    story.seo_title, story.seo_description = "SEO", "Description"
    assert (story.meta_title, story.meta_description) == ("SEO", "Description")


def test_control_characters_are_stripped_from_every_content_text():
    # Word's soft line break (U+000B) and friends are invisible and not XML:
    # one left in a headline would break every feed and sitemap.
    story = ArticleFactory(
        headline="Starship\x0bflies",
        dek="Tab\tand\nline kept\x07",
        body="<p>a\x1bb</p>",
    )
    correction = CorrectionFactory(article=story, text="Fixed\x0c the date.")
    author = AuthorFactory(name="Mike\x00 Wall")
    image = ImageFactory(caption="Plume\x7f", credit="NASA/JPL\x01-Caltech")
    story.section.name = "Space\x08flight"
    story.section.save()
    for obj in (story, correction, author, image, story.section):
        obj.refresh_from_db()
    assert story.headline == "Starshipflies"
    assert story.dek == "Tab\tand\nline kept"
    assert story.body == "<p>ab</p>"
    assert correction.text == "Fixed the date."
    assert author.name == "Mike Wall"
    assert (image.caption, image.credit) == ("Plume", "NASA/JPL-Caltech")
    assert story.section.name == "Spaceflight"
