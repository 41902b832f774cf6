"""Issue 14: the editor's "Embed a story or gallery" picker. Its endpoint
(ArticleAdmin.embed_choices_view) offers only what the writer may see: their
own work in any state (workflow.services.visible_to), and what is public
(workflow.models.public_q); an editor sees everything. Each refusal is paired
with the allowed case; bad input is a 400, never a 500."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from articles.models import Status
from tests.factories import ArticleFactory, AuthorFactory, GalleryFactory
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import EDITORS, WRITERS

pytestmark = pytest.mark.django_db

URL = "admin:articles_article_embed_choices"


@pytest.fixture
def writer():
    user = user_in(WRITERS, username="wanda")
    AuthorFactory(user=user, name="Wanda Writer")
    return user


@pytest.fixture
def stories(writer, now):
    """One of each: public, another writer's draft, scheduled for later, the
    writer's own draft, a public gallery and another writer's draft gallery."""
    other = user_in(WRITERS, username="olga")
    return {
        "public": ArticleFactory(
            headline="Sky crane lowers the rover",
            status=Status.PUBLISHED,
            published_at=now - timedelta(hours=1),
            created_by=other,
        ),
        "others_draft": ArticleFactory(
            headline="Sky crane secret draft", created_by=other
        ),
        "scheduled": ArticleFactory(
            headline="Sky crane anniversary",
            status=Status.SCHEDULED,
            published_at=now + timedelta(days=1),
            created_by=other,
        ),
        "own_draft": ArticleFactory(headline="Sky crane, my draft", created_by=writer),
        "gallery": GalleryFactory(
            title="Sky crane in pictures",
            status=Status.PUBLISHED,
            published_at=now - timedelta(hours=2),
            created_by=other,
        ),
        "others_gallery": GalleryFactory(
            title="Sky crane gallery draft", created_by=other
        ),
    }


def answer(client, **params):
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    return response.json()["results"]


def test_a_writer_is_offered_public_items_and_their_own_work(client, writer, stories):
    client.force_login(writer)
    found = answer(client, q="sky crane")
    assert {r["url"] for r in found} == {
        f"story:{stories['public'].pk}",
        f"story:{stories['own_draft'].pk}",
        f"gallery:{stories['gallery'].pk}",
    }
    own = next(r for r in found if r["url"] == f"story:{stories['own_draft'].pk}")
    assert own["public"] is False and "Not public yet" in own["note"]
    assert own["state"] == "Draft" and own["provider"] == "Our story"
    public = next(r for r in found if r["url"] == f"story:{stories['public'].pk}")
    assert public["public"] is True and "note" not in public


def test_a_writer_is_not_offered_another_writers_unpublished_work(
    client, writer, stories
):
    client.force_login(writer)
    text = json.dumps(answer(client, q="sky crane"))
    for hidden in ("Sky crane secret draft", "Sky crane anniversary"):
        assert hidden not in text
    assert "Sky crane gallery draft" not in text


def test_an_editor_is_offered_everything(client, stories):
    client.force_login(user_in(EDITORS, username="eddie"))
    found = answer(client, q="sky crane")
    assert len(found) == 6
    scheduled = next(r for r in found if r["title"] == "Sky crane anniversary")
    assert scheduled["public"] is False and scheduled["state"] == "Scheduled"


def test_the_search_matches_words_and_kinds(client, writer, stories):
    client.force_login(writer)
    assert [r["title"] for r in answer(client, q="PICTURES")] == [
        "Sky crane in pictures"
    ]
    assert {r["kind"] for r in answer(client, q="sky", kind="gallery")} == {"gallery"}
    assert {r["kind"] for r in answer(client, kind="story")} == {"story"}
    assert answer(client, q="nothing like this") == []


def test_a_chosen_item_is_what_the_body_stores_and_the_reader_sees(
    client, writer, stories
):
    """What the picker answers is an embed `articles.embeds` accepts, and
    the public page draws it as our story's card."""
    from articles import embeds

    client.force_login(writer)
    chosen = answer(client, q="lowers")[0]
    embed = embeds.parse(chosen["url"])
    host = ArticleFactory(published=True, body=embeds.placeholder(embed))
    page = client.get(host.get_absolute_url()).content.decode()
    assert stories["public"].get_absolute_url() in page


@pytest.mark.parametrize(
    "params",
    [{"kind": "video"}, {"kind": "story; drop"}, {"q": "x" * 201}],
    ids=["unknown-kind", "junk-kind", "too-long"],
)
def test_bad_input_is_a_400(client, writer, params):
    client.force_login(writer)
    response = client.get(reverse(URL), params)
    assert response.status_code == 400
    assert "error" in response.json()


def test_white_space_is_one_space_and_control_characters_a_400(client, writer, stories):
    client.force_login(writer)
    found = answer(client, q="sky \t crane\nlowers")
    assert [r["title"] for r in found] == ["Sky crane lowers the rover"]
    # Control characters are refused before the view (newsroom's middleware).
    for junk in ("sky\x00", "sky\x1f"):
        assert client.get(reverse(URL), {"q": junk}).status_code == 400


def test_post_is_refused(client, writer):
    client.force_login(writer)
    assert client.post(reverse(URL), {"q": "sky"}).status_code == 405


def test_someone_logged_out_is_sent_to_log_in(client, stories):
    response = client.get(reverse(URL), {"q": "sky"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_who_may_not_write_stories_are_refused(client, stories):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, username="reception"))
    response = client.get(reverse(URL), {"q": "sky"})
    assert response.status_code == 403
    assert b"Sky crane" not in response.content


def test_the_editor_is_given_the_picker_and_its_helpers(client, writer):
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    config = page.split("data-django-prose-editor-configurable")[1].split(">")[0]
    assert reverse(URL) in config
    importmap = page.split('type="importmap"')[1].split("</script>")[0]
    assert '"newsroom/editor-helpers"' in importmap
    assert "core/admin/editor-helpers" in importmap
