"""The space desk's identifiers: checked by format in the form (a clear
message) and in the database (a constraint), never required."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from space.models import Launch, Spacecraft
from tests.factories import (
    CelestialBodyFactory,
    LaunchFactory,
    MissionFactory,
    SpacecraftFactory,
)


@pytest.mark.django_db
def test_good_identifiers_pass():
    craft = SpacecraftFactory.build(
        mission=MissionFactory(),
        wikidata_id="Q87749354",
        cospar_id="2020-052A",
        norad_id=45983,
    )
    craft.full_clean()
    craft.save()
    assert str(craft) == craft.name
    assert craft.get_absolute_url() == f"/space/spacecraft/{craft.slug}/"


@pytest.mark.django_db
def test_blank_identifiers_pass():
    SpacecraftFactory.build(mission=None).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("wikidata_id", "87749354", "A Wikidata id is Q followed by digits"),
        ("wikidata_id", "Q0", "A Wikidata id is Q followed by digits"),
        ("wikidata_id", "q111", "A Wikidata id is Q followed by digits"),
        ("cospar_id", "2020-52A", "A COSPAR designator is the launch year"),
        ("cospar_id", "2020052A", "A COSPAR designator is the launch year"),
        ("cospar_id", "2020-052a", "A COSPAR designator is the launch year"),
    ],
)
def test_bad_identifiers_are_refused_with_a_clear_message(field, value, message):
    craft = SpacecraftFactory.build(**{field: value})
    with pytest.raises(ValidationError) as refused:
        craft.full_clean()
    assert message in " ".join(refused.value.message_dict[field])


@pytest.mark.django_db
def test_the_database_refuses_bad_identifiers_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        SpacecraftFactory(cospar_id="2020-52A")
    with pytest.raises(IntegrityError), transaction.atomic():
        CelestialBodyFactory(wikidata_id="Mars")
    assert not Spacecraft.objects.exists()


@pytest.mark.django_db
def test_bad_launch_library_id_is_refused():
    launch = LaunchFactory.build(ll2_id="not-a-uuid")
    with pytest.raises(ValidationError) as refused:
        launch.full_clean()
    assert "ll2_id" in refused.value.message_dict


@pytest.mark.django_db
def test_slugs_are_unique_per_kind_not_across_kinds():
    MissionFactory(slug="mars-2020")
    SpacecraftFactory(slug="mars-2020")  # another kind: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        MissionFactory(slug="mars-2020")


@pytest.mark.django_db
def test_a_window_must_close_after_it_opens(now):
    from datetime import timedelta

    launch = LaunchFactory.build(
        net=now, window_start=now, window_end=now - timedelta(minutes=1)
    )
    with pytest.raises(ValidationError) as refused:
        launch.full_clean()
    assert "The window must close after it opens." in str(refused.value)
    assert not Launch.objects.exists()
