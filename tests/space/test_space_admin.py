"""Who may do what on the space desk: editors keep the entities, writers see
them and link their stories to them (a link is part of the story). Each
permission has its pair: allowed (it happened) and refused (the status code and
nothing changed)."""

import pytest
from django.urls import reverse

from articles.models import Status
from space.models import Mission
from tests.factories import ArticleFactory, AuthorFactory, MissionFactory
from tests.newsroom.workflow_helpers import edit_data


def mission_data(**changes):
    return {"name": "Mars 2020", "slug": "mars-2020", "description": "",
            "wikidata_id": "", "target": "", "launch": "", **changes}  # fmt: skip


def snapshot():
    return list(Mission.objects.order_by("pk").values_list("pk", "name", "slug"))


@pytest.mark.django_db
def test_editor_adds_and_changes_a_mission(client, editor):
    client.force_login(editor)
    response = client.post(reverse("admin:space_mission_add"), mission_data())
    assert response.status_code == 302
    mission = Mission.objects.get(slug="mars-2020")
    response = client.post(
        reverse("admin:space_mission_change", args=[mission.pk]),
        mission_data(name="Mars 2020 (Perseverance)"),
    )
    assert response.status_code == 302
    mission.refresh_from_db()
    assert mission.name == "Mars 2020 (Perseverance)"


@pytest.mark.django_db
def test_editor_form_refuses_a_bad_wikidata_id(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:space_mission_add"), mission_data(wikidata_id="Mars")
    )
    assert response.status_code == 400
    assert "A Wikidata id is Q followed by digits" in response.text
    assert not Mission.objects.exists()


@pytest.mark.django_db
def test_writer_may_not_add_change_or_delete_a_mission(client, writer):
    mission = MissionFactory(name="Mars 2020", slug="mars-2020")
    before = snapshot()
    client.force_login(writer)
    assert (
        client.post(
            reverse("admin:space_mission_add"), mission_data(slug="other")
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:space_mission_change", args=[mission.pk]),
            mission_data(name="Renamed"),
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:space_mission_delete", args=[mission.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_writer_may_view_and_find_a_mission_by_autocomplete(client, writer):
    mission = MissionFactory(name="Mars 2020")
    client.force_login(writer)
    response = client.get(reverse("admin:space_mission_change", args=[mission.pk]))
    assert response.status_code == 200
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "Mars",
            "app_label": "space",
            "model_name": "mission_stories",
            "field_name": "mission",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Mars 2020"]


def link_data(story, mission):
    prefix = "Mission_stories-"
    return edit_data(
        story,
        **{
            f"{prefix}TOTAL_FORMS": "1",
            f"{prefix}INITIAL_FORMS": "0",
            f"{prefix}0-mission": mission.pk,
            f"{prefix}0-article": story.pk,
        },
    )


def own_draft(writer):
    story = ArticleFactory(status=Status.DRAFT, created_by=writer)
    story.bylines.create(author=AuthorFactory(user=writer))
    return story


@pytest.mark.django_db
def test_writer_links_their_story_to_a_mission(client, writer):
    story = own_draft(writer)
    mission = MissionFactory()
    client.force_login(writer)
    change = reverse("admin:articles_article_change", args=[story.pk])
    assert "Mission_stories-TOTAL_FORMS" in client.get(change).text
    response = client.post(change, link_data(story, mission))
    assert response.status_code == 302, response.text[:2000]
    assert list(mission.stories.all()) == [story]


@pytest.mark.django_db
def test_writer_may_not_link_another_writers_story(client, writer, editor):
    from tests.newsroom.workflow_helpers import user_in
    from workflow.roles import WRITERS

    other = user_in(WRITERS, username="otto")
    story = own_draft(other)
    mission = MissionFactory()
    client.force_login(writer)
    change = reverse("admin:articles_article_change", args=[story.pk])
    response = client.post(change, link_data(story, mission))
    assert response.status_code in (302, 403, 404)
    assert not mission.stories.exists()


@pytest.mark.django_db
def test_a_story_form_without_the_link_rows_keeps_the_links(client, writer):
    story = own_draft(writer)
    mission = MissionFactory()
    mission.stories.add(story)
    client.force_login(writer)
    change = reverse("admin:articles_article_change", args=[story.pk])
    response = client.post(change, edit_data(story, headline="New headline"))
    assert response.status_code == 302
    assert list(mission.stories.all()) == [story]
