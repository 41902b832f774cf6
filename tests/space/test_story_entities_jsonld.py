"""A story's JSON-LD names the space entities it is about (`about`: its links)
and those whose hubs list it through them (`mentions`), as schema.org Things
with their hub's address and Wikidata item; in one query; and a cached story
page forgets itself when a link or a named entity changes."""

import datetime as dt
import json
import re

import pytest
from django.test import RequestFactory

from articles import embeds
from articles.models import Article, Status
from space.models import KINDS
from space.structured_data import hub_lookups, story_entities
from tests.articles.test_structured_data import SCHEMA, THING, check_schema
from tests.factories import (
    ArticleFactory,
    CelestialBodyFactory,
    LaunchFactory,
    LaunchProviderFactory,
    LaunchVehicleFactory,
    MissionFactory,
    PlaceFactory,
    SpacecraftFactory,
)
from workflow import services
from workflow.views import share_url

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


@pytest.fixture(autouse=True)
def space_schema(monkeypatch):
    """The types and properties the space desk adds to check_schema's table."""
    for kind in ("Event", "Place", "Product", "Organization", "Thing"):
        monkeypatch.setitem(SCHEMA, kind, THING)
    monkeypatch.setitem(SCHEMA, "NewsArticle", SCHEMA["NewsArticle"] | {"about"})


def jsonld(response) -> dict:
    found = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S
    )
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture
def mars2020(now):
    mars = CelestialBodyFactory(name="Mars", slug="mars", wikidata_id="Q111")
    jezero = PlaceFactory(name="Jezero Crater", slug="jezero-crater", body=mars)
    ula = LaunchProviderFactory(name="United Launch Alliance", slug="ula")
    atlas = LaunchVehicleFactory(name="Atlas V 541", slug="atlas-v-541", provider=ula)
    launch = LaunchFactory(
        name="Atlas V 541 | Mars 2020",
        slug="atlas-v-mars-2020",
        net=dt.datetime(2020, 7, 30, 11, 50, tzinfo=dt.UTC),
        vehicle=atlas,
        provider=ula,
    )
    mission = MissionFactory(
        name="Mars 2020", slug="mars-2020", target=mars, launch=launch
    )
    rover = SpacecraftFactory(name="Perseverance", slug="perseverance", mission=mission)
    return {
        "mars": mars,
        "jezero": jezero,
        "ula": ula,
        "atlas": atlas,
        "launch": launch,
        "mission": mission,
        "rover": rover,
    }


def sky_crane(now, **kwargs):
    return ArticleFactory(
        **{
            "headline": "Perseverance watched its sky crane crash on Mars",
            "status": Status.PUBLISHED,
            "published_at": now - dt.timedelta(hours=1),
            **kwargs,
        }
    )


def names(things) -> list[tuple[str, str]]:
    return [(t["@type"], t["name"]) for t in things]


def test_about_names_the_links_and_mentions_what_their_hubs_add(now, client, mars2020):
    story = sky_crane(
        now,
        body="<p>Landing day.</p>"
        + embeds.placeholder(embeds.parse("https://youtu.be/4czjS9h4Fpg")),
    )
    mars2020["rover"].stories.add(story)
    mars2020["jezero"].stories.add(story)
    data = jsonld(client.get(story.get_absolute_url()))
    check_schema(data)
    assert data["about"] == [
        {
            "@type": "Product",
            "name": "Perseverance",
            "url": f"{SITE}/space/spacecraft/perseverance/",
        },
        {
            "@type": "Place",
            "name": "Jezero Crater",
            "url": f"{SITE}/space/place/jezero-crater/",
        },
    ]
    # The embed first, as before; then the rover's mission and the crater's
    # world (also the mission's target: named once), with its Wikidata item.
    # Not the launch: its hub lists stories about its missions, not about their
    # spacecraft (Launch.story_q).
    embed, *entities = data["mentions"]
    assert "youtube.com" in embed["url"]
    assert entities == [
        {
            "@type": "Thing",
            "name": "Mars 2020",
            "url": f"{SITE}/space/mission/mars-2020/",
        },
        {
            "@type": "Place",
            "name": "Mars",
            "url": f"{SITE}/space/body/mars/",
            "sameAs": "https://www.wikidata.org/wiki/Q111",
        },
    ]


def test_a_story_with_no_links_names_no_entity(now, client, mars2020):
    story = sky_crane(now)
    data = jsonld(client.get(story.get_absolute_url()))
    assert "about" not in data
    assert "mentions" not in data


def test_every_kind_has_a_type_and_a_launch_link_names_its_parents(
    now, client, mars2020
):
    story = sky_crane(now)
    for key in ("launch", "atlas", "ula", "mission"):
        mars2020[key].stories.add(story)
    data = jsonld(client.get(story.get_absolute_url()))
    check_schema(data)
    assert names(data["about"]) == [
        ("Thing", "Mars 2020"),
        ("Event", "Atlas V 541 | Mars 2020"),
        ("Product", "Atlas V 541"),
        ("Organization", "United Launch Alliance"),
    ]
    # The mission's world; the launch is linked already, so it is `about` only.
    assert names(data["mentions"]) == [("Place", "Mars")]


def test_entities_read_in_one_query(now, mars2020, django_assert_num_queries):
    story = sky_crane(now)
    for entity in mars2020.values():
        entity.stories.add(story)
    with django_assert_num_queries(1):
        about, mentions = story_entities(story)
    assert len(about) == len(mars2020)
    assert mentions == []


def test_mentions_are_exactly_the_hubs_that_list_the_story(now, mars2020):
    """The same rule as the hubs (story_q), for every kind: an entity is named
    by a story if and only if its hub lists the story."""
    graph = list(mars2020.values())
    for linked in graph:
        story = sky_crane(now)
        linked.stories.add(story)
        about, mentions = story_entities(story)
        named = {(e.kind, e.pk) for e in about + mentions}
        listing = {
            (e.kind, e.pk)
            for e in graph
            if Article.objects.filter(e.story_q(), pk=story.pk).exists()
        }
        assert named == listing, linked
        assert [(e.kind, e.pk) for e in about] == [(linked.kind, linked.pk)]


@pytest.mark.parametrize("kind", list(KINDS))
def test_hub_lookups_start_with_the_direct_link(kind):
    model = KINDS[kind]
    lookups = hub_lookups(model)
    assert lookups[0] == model._meta.get_field("stories").related_query_name()
    assert len(set(lookups)) == len(lookups)


def test_celestial_body_hub_lists_its_missions_and_their_spacecraft(
    now, client, mars2020
):
    about_mission = sky_crane(now, headline="Mars 2020 is go")
    about_rover = sky_crane(now, headline="Perseverance drives")
    elsewhere = sky_crane(now, headline="A moon of Jupiter")
    mars2020["mission"].stories.add(about_mission)
    mars2020["rover"].stories.add(about_rover)
    MissionFactory(target=CelestialBodyFactory(name="Europa")).stories.add(elsewhere)
    html = client.get(mars2020["mars"].get_absolute_url()).text
    assert "Mars 2020 is go" in html
    assert "Perseverance drives" in html
    assert "A moon of Jupiter" not in html


def test_unpublished_story_is_still_404_and_its_preview_names_its_entities(
    now, client, mars2020, editor
):
    draft = sky_crane(now, status=Status.DRAFT, published_at=None)
    mars2020["rover"].stories.add(draft)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "Perseverance" not in response.text
    # The preview shows the entities, which are public anyway.
    link = services.create_share_link(draft, by=editor)
    preview = client.get(share_url(RequestFactory().get("/"), link))
    assert preview.status_code == 200
    assert names(jsonld(preview)["about"]) == [("Product", "Perseverance")]


def test_cached_story_page_forgets_a_new_link_and_a_renamed_entity(
    now, client, mars2020, django_capture_on_commit_callbacks
):
    story = sky_crane(now)
    other = sky_crane(now, headline="Another story")
    rover, mission = mars2020["rover"], mars2020["mission"]
    assert "about" not in jsonld(client.get(story.get_absolute_url()))
    client.get(other.get_absolute_url())  # cached, names nothing

    with django_capture_on_commit_callbacks(execute=True):
        rover.stories.add(story)
    assert names(jsonld(client.get(story.get_absolute_url()))["about"]) == [
        ("Product", "Perseverance")
    ]

    # A renamed parent (named in `mentions`) reaches the page too.
    mission.name = "Mars 2020 (Perseverance)"
    with django_capture_on_commit_callbacks(execute=True):
        mission.save()
    data = jsonld(client.get(story.get_absolute_url()))
    assert ("Thing", "Mars 2020 (Perseverance)") in names(data["mentions"])

    # From the story's side, and a link row deleted.
    with django_capture_on_commit_callbacks(execute=True):
        story.space_places.add(mars2020["jezero"])
    assert ("Place", "Jezero Crater") in names(
        jsonld(client.get(story.get_absolute_url()))["about"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        rover.stories.through.objects.filter(article=story).delete()
        mars2020["jezero"].stories.clear()
    assert "about" not in jsonld(client.get(story.get_absolute_url()))


def test_a_deleted_entity_leaves_the_cached_story_page(
    now, client, mars2020, django_capture_on_commit_callbacks
):
    story = sky_crane(now)
    mars2020["rover"].stories.add(story)
    assert "about" in jsonld(client.get(story.get_absolute_url()))
    with django_capture_on_commit_callbacks(execute=True):
        mars2020["rover"].delete()
    data = jsonld(client.get(story.get_absolute_url()))
    assert "about" not in data
    assert "mentions" not in data


def test_an_unnamed_change_keeps_story_pages_cached(
    now, client, mars2020, django_capture_on_commit_callbacks
):
    """Saving only fields a story's JSON-LD does not show (a launch's time)
    purges no story page."""
    story = sky_crane(now)
    mars2020["launch"].stories.add(story)
    client.get(story.get_absolute_url())
    launch = mars2020["launch"]
    launch.status = "success"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        launch.save(update_fields=["status"])
    # Only the hubs' purge (space.signals.purge_hubs) is queued.
    assert len(callbacks) == 1
    # The pair: a new name purges the story pages too.
    launch.name = "Atlas V 541 | Mars 2020 (Perseverance)"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        launch.save(update_fields=["name"])
    assert len(callbacks) == 2
