"""A story's JSON-LD gives its hero in the three shapes Google's article
guidance asks for, 16:9, 4:3 and 1:1, each with its width and height, and each
address answers with a picture of exactly that size (issue 15)."""

import io
import json
import re

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from media_library.inline import placeholder
from media_library.models import Licence
from tests.factories import ArticleFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db


def jsonld(response) -> dict:
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(found[0])


def picture(width: int, height: int):
    return ImageFactory(
        file=ContentFile(image_bytes(width, height), name="hero.jpg"),
        credit="NASA/JPL-Caltech",
        licence=Licence.PUBLIC_DOMAIN,
    )


def fetched_size(client, url: str) -> tuple[int, int]:
    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200, url
    assert response["Content-Type"] == "image/jpeg"
    return Image.open(io.BytesIO(b"".join(response.streaming_content))).size


def test_hero_in_three_shapes_with_their_sizes(client):
    story = ArticleFactory(published=True, hero_image=picture(2400, 1600))
    images = jsonld(client.get(story.get_absolute_url()))["image"]
    assert [(i["width"], i["height"]) for i in images] == [
        (1200, 675),  # 16:9
        (1200, 900),  # 4:3
        (1200, 1200),  # 1:1
    ]
    for image in images:
        assert fetched_size(client, image["url"]) == (image["width"], image["height"])
        assert image["creditText"] == "NASA/JPL-Caltech"
        assert image["license"].startswith("https://creativecommons.org/")
    assert len({i["url"] for i in images}) == 3


def test_a_small_hero_states_the_size_it_has(client):
    story = ArticleFactory(published=True, hero_image=picture(800, 600))
    images = jsonld(client.get(story.get_absolute_url()))["image"]
    assert [(i["width"], i["height"]) for i in images] == [
        (800, 450),
        (800, 600),
        (600, 600),
    ]
    for image in images:
        assert fetched_size(client, image["url"]) == (image["width"], image["height"])


def test_a_picture_in_the_body_states_its_size(client):
    inline = picture(1600, 1200)
    story = ArticleFactory(
        published=True,
        body=f"<p>Text.</p>{placeholder(inline.pk)}",
    )
    images = jsonld(client.get(story.get_absolute_url())).get("image", [])
    assert len(images) == 1, "no hero: the body's picture only"
    assert (images[0]["width"], images[0]["height"]) == (1200, 630)
    assert fetched_size(client, images[0]["url"]) == (1200, 630)
