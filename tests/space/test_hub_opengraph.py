"""OpenGraph and Twitter cards on the hubs: the entity's name and description,
the canonical address, and the newest public story's hero as the picture, or
the site's logo; never a draft's."""

import datetime as dt
import re

import pytest
from django.test import RequestFactory

from articles.models import Status
from core import brand
from media_library.templatetags.media_library import image_url
from tests.factories import ArticleFactory, ImageFactory, SpacecraftFactory

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def meta(response) -> dict[str, str]:
    """Each OpenGraph property and Twitter name with its content."""
    assert response.status_code == 200
    return dict(
        re.findall(
            r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)">',
            response.text,
        )
    )


def logo() -> str:
    return RequestFactory().get("/").build_absolute_uri(brand.logo_url())


def story(now, hours_ago, **kwargs):
    return ArticleFactory(
        **{
            "status": Status.PUBLISHED,
            "published_at": now - dt.timedelta(hours=hours_ago),
            **kwargs,
        }
    )


@pytest.fixture
def rover():
    return SpacecraftFactory(
        name="Perseverance",
        slug="perseverance",
        description="The Mars 2020 rover, collecting samples in Jezero Crater.",
    )


def test_hub_cards_name_the_entity_and_show_the_newest_storys_hero(client, now, rover):
    hero = ImageFactory(alt_text="The rover's wheels on dusty rock.")
    older = ImageFactory()
    rover.stories.add(story(now, 1, hero_image=hero), story(now, 5, hero_image=older))
    tags = meta(client.get(rover.get_absolute_url()))
    picture = f"{SITE}{image_url(hero, 'social')}"
    assert tags == {
        "og:type": "website",
        "og:site_name": tags["og:site_name"],
        "og:title": "Perseverance",
        "og:description": "The Mars 2020 rover, collecting samples in Jezero Crater.",
        "og:url": f"{SITE}/space/spacecraft/perseverance/",
        "og:image": picture,
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": "The rover&#39;s wheels on dusty rock.",
        "og:locale": tags["og:locale"],
        "twitter:card": "summary_large_image",
        "twitter:title": "Perseverance",
        "twitter:description": "The Mars 2020 rover, collecting samples in Jezero "
        "Crater.",
        "twitter:image": picture,
        "twitter:image:alt": "The rover&#39;s wheels on dusty rock.",
    }
    assert client.get(picture.removeprefix(SITE)).status_code == 200


def test_a_drafts_hero_is_never_the_picture(client, now, rover):
    """The pair: a newer draft with a hero changes nothing; the site's logo
    stands in while no public story has one."""
    rover.stories.add(story(now, 3))  # public, no picture
    draft = ArticleFactory(status=Status.DRAFT, hero_image=ImageFactory())
    scheduled = story(now, -2, status=Status.SCHEDULED, hero_image=ImageFactory())
    rover.stories.add(draft, scheduled)
    tags = meta(client.get(rover.get_absolute_url()))
    assert tags["og:image"] == logo()
    assert tags["og:image:width"] == tags["og:image:height"] == str(brand.LOGO_SIZE)
    assert tags["twitter:card"] == "summary"
    assert tags["twitter:image"] == logo()
    for image in (draft.hero_image, scheduled.hero_image):
        assert (
            image_url(image, "social") not in client.get(rover.get_absolute_url()).text
        )


def test_an_empty_hub_has_the_logo_and_a_description_of_its_own(client, now):
    probe = SpacecraftFactory(name="Psyche", slug="psyche", description="")
    tags = meta(client.get(probe.get_absolute_url()))
    assert tags["og:description"] == tags["twitter:description"]
    assert tags["og:description"].startswith("News about Psyche from ")
    assert tags["og:image"] == logo()
    assert tags["og:url"] == f"{SITE}/space/spacecraft/psyche/"


def test_a_later_page_keeps_the_hubs_canonical_address(client, now, rover):
    for n in range(25):
        rover.stories.add(story(now, n + 1))
    tags = meta(client.get(rover.get_absolute_url(), {"page": 2}))
    assert tags["og:url"] == f"{SITE}/space/spacecraft/perseverance/"
