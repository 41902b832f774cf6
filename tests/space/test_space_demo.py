"""The demo's space desk: Mars 2020, Perseverance, Mars and Jezero Crater,
linked to the Perseverance stories, which their hubs list."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo.content import SKY_CRANE_SLUG
from space.models import CelestialBody, Mission, Place, Spacecraft


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The demo's pictures go to a throwaway folder, never the repo's media/."""
    settings.MEDIA_ROOT = tmp_path / "demo-media"


def load_demo():
    call_command("load_demo", force=True, stdout=StringIO())


@pytest.mark.django_db
def test_demo_hubs_list_the_perseverance_stories(client, now):
    load_demo()
    load_demo()  # a rerun adds nothing
    rover = Spacecraft.objects.get(slug="perseverance")
    assert (rover.cospar_id, rover.norad_id) == ("2020-052A", 45983)
    assert rover.mission == Mission.objects.get(slug="mars-2020")
    assert Place.objects.get(slug="jezero-crater").body == CelestialBody.objects.get(
        wikidata_id="Q111"
    )
    assert Spacecraft.objects.count() == 1
    assert rover.stories.count() == 2
    for entity in (rover, rover.mission):
        html = client.get(entity.get_absolute_url()).text
        assert f"/stories/{SKY_CRANE_SLUG}/" in html
