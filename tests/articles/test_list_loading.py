"""The section page opens with its story list: the first card's picture is
loaded at once (Lighthouse's lcp-lazy-loaded), the rest lazily."""

from datetime import timedelta

import pytest

from tests.factories import ArticleFactory, ImageFactory

pytestmark = pytest.mark.django_db


def test_section_page_loads_its_first_picture_eagerly(client, now):
    first = ArticleFactory(published=True, hero_image=ImageFactory())
    ArticleFactory(
        published=True,
        section=first.section,
        hero_image=ImageFactory(),
        published_at=first.published_at - timedelta(hours=1),
    )

    html = client.get(first.section.get_absolute_url()).content.decode()

    loading = [part.split('"')[0] for part in html.split('loading="')[1:]]
    assert loading[:2] == ["eager", "lazy"]
