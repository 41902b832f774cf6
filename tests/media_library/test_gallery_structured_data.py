"""The gallery page as search engines and social sites read it: an
`ImageGallery` in JSON-LD whose pictures carry caption, credit, licence and
size, and OpenGraph and Twitter cards (issue 15)."""

import pytest
from django.core.files.base import ContentFile
from pytest_django.asserts import assertContains, assertNotContains

from media_library.models import GalleryItem, Licence
from tests.articles.test_structured_data import SCHEMA, check_schema, jsonld
from tests.factories import GalleryFactory, ImageFactory, image_bytes
from workflow.states import State

pytestmark = pytest.mark.django_db

# An ImageGallery is a CollectionPage, a WebPage: schema.org's properties.
GALLERY_SCHEMA = {**SCHEMA, "ImageGallery": SCHEMA["WebPage"]}


@pytest.fixture
def gallery(now):
    gallery = GalleryFactory(
        title="Landing day",
        description="The first pictures from Jezero.",
        status=State.PUBLISHED,
        published_at=now,
    )
    pictures = [
        ImageFactory(
            caption="The plume from the crash.",
            credit="NASA/JPL-Caltech",
            licence=Licence.PUBLIC_DOMAIN,
            source_url="https://mars.nasa.gov/",
            file=ContentFile(image_bytes(width=1600, height=900), name="a.jpg"),
        ),
        ImageFactory(
            caption="Its own caption.",
            credit="Staff illustration",
            licence=Licence.STAFF,
            source_url="",
            file=ContentFile(image_bytes(width=600, height=800), name="b.jpg"),
        ),
    ]
    for n, image in enumerate(pictures):
        GalleryItem.objects.create(
            gallery=gallery,
            image=image,
            position=n,
            caption="Our words for this gallery." if n else "",
        )
    return gallery


def test_gallery_page_is_an_image_gallery(client, gallery, monkeypatch):
    import tests.articles.test_structured_data as schema

    monkeypatch.setattr(schema, "SCHEMA", GALLERY_SCHEMA)
    data = jsonld(client.get(gallery.get_absolute_url()))

    check_schema(data)
    assert data["@type"] == "ImageGallery"
    assert data["name"] == "Landing day"
    assert data["description"] == "The first pictures from Jezero."
    assert data["url"] == f"http://testserver{gallery.get_absolute_url()}"
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    first, second = data["image"]
    assert first["caption"] == "The plume from the crash."
    assert first["creditText"] == "NASA/JPL-Caltech"
    assert first["license"] == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert first["acquireLicensePage"] == "https://mars.nasa.gov/"
    assert (first["width"], first["height"]) == (1200, 675)  # whole, not cropped
    assert first["url"].startswith("http://testserver/images/")
    # A staff picture has no licence address and no source to license it from.
    assert second["caption"] == "Our words for this gallery."
    assert second["creditText"] == "Staff illustration"
    assert "license" not in second and "acquireLicensePage" not in second
    assert (second["width"], second["height"]) == (600, 800)


def test_gallery_page_has_social_cards(client, gallery):
    response = client.get(gallery.get_absolute_url())
    first = gallery.items.first().image

    assertContains(response, '<meta property="og:type" content="website">')
    assertContains(response, '<meta property="og:title" content="Landing day">')
    assertContains(
        response,
        '<meta property="og:description" content="The first pictures from Jezero.">',
    )
    assertContains(
        response,
        f'<meta property="og:url" content="http://testserver'
        f'{gallery.get_absolute_url()}">',
    )
    assertContains(response, '<meta property="og:image" content="http://testserver/')
    assertContains(
        response, f'<meta property="og:image:alt" content="{first.alt_text}">'
    )
    assertContains(response, '<meta property="og:locale"')
    assertContains(response, '<meta name="twitter:card" content="summary_large_image">')


def test_empty_gallery_preview_has_no_picture_card(client, gallery):
    """An empty gallery is never public, but its description and title still
    make the cards: no og:image."""
    from django.test import RequestFactory

    from media_library.views import render_gallery

    gallery.items.all().delete()
    response = render_gallery(RequestFactory().get("/"), gallery)
    assertNotContains(response, 'property="og:image"')
    assertContains(response, 'content="summary"')
