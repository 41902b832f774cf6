"""The demo's space desk: Mars 2020 and its Atlas V launch from Space Launch
Complex 41, Perseverance, the Mars Reconnaissance Orbiter, Mars, Earth and
Jezero Crater, linked to the Perseverance stories, which their hubs list; the
sky-crane story's JSON-LD names them."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from articles.models import Article
from demo.content import SKY_CRANE_SLUG
from space.models import (
    KINDS,
    CelestialBody,
    Launch,
    Mission,
    Place,
    Spacecraft,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The demo's pictures go to a throwaway folder, never the repo's media/."""
    settings.MEDIA_ROOT = tmp_path / "demo-media"


def load_demo():
    call_command("load_demo", force=True, stdout=StringIO())


def jsonld(html: str) -> dict:
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, re.S
    )
    assert len(found) == 1
    return json.loads(found[0])


@pytest.mark.django_db
def test_demo_hubs_list_the_perseverance_stories(client, now):
    load_demo()
    counts = {kind: model.objects.count() for kind, model in KINDS.items()}
    links = {
        kind: model.stories.through.objects.count() for kind, model in KINDS.items()
    }
    load_demo()  # a rerun adds nothing
    assert {kind: model.objects.count() for kind, model in KINDS.items()} == counts
    assert {
        kind: model.stories.through.objects.count() for kind, model in KINDS.items()
    } == links
    rover = Spacecraft.objects.get(slug="perseverance")
    assert (rover.cospar_id, rover.norad_id) == ("2020-052A", 45983)
    assert rover.mission == Mission.objects.get(slug="mars-2020")
    assert Place.objects.get(slug="jezero-crater").body == CelestialBody.objects.get(
        wikidata_id="Q111"
    )
    assert Spacecraft.objects.count() == 2
    # The sky crane, the sample depot and the landing day's live story.
    assert rover.stories.count() == 3
    mars = CelestialBody.objects.get(slug="mars")
    for entity in (rover, rover.mission, mars):
        html = client.get(entity.get_absolute_url()).text
        assert f"/stories/{SKY_CRANE_SLUG}/" in html


@pytest.mark.django_db
def test_demo_launch_of_mars_2020(client, now):
    load_demo()
    launch = Launch.objects.get(slug="atlas-v-541-mars-2020")
    assert launch.net.isoformat() == "2020-07-30T11:50:00+00:00"
    assert launch.status == Launch.Status.SUCCESS
    assert (launch.vehicle.name, launch.provider.name) == (
        "Atlas V 541",
        "United Launch Alliance",
    )
    assert launch.pad.name == "Space Launch Complex 41"
    assert launch.pad.body.wikidata_id == "Q2"
    assert launch.ll2_id is None  # not guessed
    assert list(launch.missions.all()) == [Mission.objects.get(slug="mars-2020")]
    html = client.get(launch.get_absolute_url()).text
    assert "Mars 2020" in html
    assert "Space Launch Complex 41" in html
    # The orbiter's camera is named where it belongs, not made a spacecraft.
    orbiter = Spacecraft.objects.get(slug="mars-reconnaissance-orbiter")
    assert "HiRISE" in orbiter.description
    assert (orbiter.cospar_id, orbiter.norad_id, orbiter.wikidata_id) == ("", None, "")
    assert orbiter.mission.target.slug == "mars"


@pytest.mark.django_db
def test_sky_crane_story_names_its_entities(client, now):
    """Done when: the Perseverance hub lists the sky-crane story, whose page
    names its entities in its JSON-LD."""
    load_demo()
    story = Article.objects.get(slug=SKY_CRANE_SLUG)
    hub = client.get(Spacecraft.objects.get(slug="perseverance").get_absolute_url())
    assert story.get_absolute_url() in hub.text
    data = jsonld(client.get(story.get_absolute_url()).text)
    site = "http://testserver"
    assert data["about"] == [
        {
            "@type": "Product",
            "name": "Mars Reconnaissance Orbiter",
            "url": f"{site}/space/spacecraft/mars-reconnaissance-orbiter/",
        },
        {
            "@type": "Product",
            "name": "Perseverance",
            "url": f"{site}/space/spacecraft/perseverance/",
        },
        {
            "@type": "Place",
            "name": "Jezero Crater",
            "url": f"{site}/space/place/jezero-crater/",
        },
    ]
    entities = [m for m in data["mentions"] if "/space/" in m["url"]]
    assert entities == [
        {
            "@type": "Thing",
            "name": "Mars 2020",
            "url": f"{site}/space/mission/mars-2020/",
        },
        {
            "@type": "Thing",
            "name": "Mars Reconnaissance Orbiter",
            "url": f"{site}/space/mission/mars-reconnaissance-orbiter/",
        },
        {
            "@type": "Place",
            "name": "Mars",
            "url": f"{site}/space/body/mars/",
            "sameAs": "https://www.wikidata.org/wiki/Q111",
        },
    ]


@pytest.mark.django_db
def test_demo_landing_of_mars_2020_is_a_key_fact(client, now, settings):
    settings.TIME_ZONE = "America/New_York"
    load_demo()
    load_demo()  # a rerun adds no second landing
    (landing,) = Mission.objects.get(slug="mars-2020").milestones.all()
    assert landing.at.isoformat() == "2021-02-18T20:55:00+00:00"
    assert landing.place == Place.objects.get(slug="jezero-crater")
    html = client.get(Spacecraft.objects.get(slug="perseverance").get_absolute_url())
    assert re.search(
        r"<dt>Landed</dt> <dd><time [^>]*>18 February 2021, 15:55 EST \(20:55 UTC\)"
        r'</time> at <a href="/space/place/jezero-crater/">Jezero Crater</a>',
        html.text,
    )
