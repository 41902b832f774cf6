"""Library pictures inside a story's body: stored as references, drawn with
their renditions, caption and credit, tracked for usage, and checked before
publishing and when placed."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, InlineImage
from core.sanitize import clean_html
from media_library import inline
from media_library.models import Image
from media_library.usage import expired_in_use, uses_of
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, UserFactory
from tests.newsroom.test_workflow_admin import edit_data
from tests.newsroom.workflow_helpers import snapshot, user_in
from workflow import services
from workflow.roles import EDITORS, WRITERS
from workflow.states import State

pytestmark = pytest.mark.django_db


def figure(image, caption=""):
    return inline.placeholder(image.pk, caption)


@pytest.fixture
def writer():
    user = user_in(WRITERS, username="wanda")
    AuthorFactory(user=user, name="Wanda Writer")
    return user


@pytest.fixture
def editor():
    return user_in(EDITORS, username="edie")


def story_by(user, **kwargs):
    story = ArticleFactory(created_by=user, **kwargs)
    story.bylines.create(author=user.author_profile)
    return story


# --- The stored form ----------------------------------------------------------


def test_pasted_figure_is_reduced_to_a_reference():
    pasted = (
        '<figure data-library-image="7" onclick="steal()">'
        '<img src="https://elsewhere.example/x.jpg" onerror="steal()">'
        "<figcaption>The <b>sky crane</b>, seen from the rover</figcaption></figure>"
        "<p>Text after.</p>"
    )
    stored = clean_html(inline.canonical(clean_html(pasted)))
    assert stored == (
        '<figure data-library-image="7" '
        'data-caption="The sky crane, seen from the rover"></figure><p>Text after.</p>'
    )


@pytest.mark.parametrize(
    "reference", ["", "x", "-3", "1e3", "99999999999999", "7 or 1=1", "²", "٣"]
)
def test_figure_without_a_valid_image_id_is_dropped(reference):
    html = f'<figure data-library-image="{reference}"></figure><p>kept</p>'
    assert clean_html(inline.canonical(clean_html(html))) == "<p>kept</p>"


def test_saving_keeps_usage_rows_in_step_with_the_body():
    first, second, third = ImageFactory(), ImageFactory(), ImageFactory()
    story = ArticleFactory(body=f"<p>a</p>{figure(first)}<p>b</p>{figure(second)}")

    def rows():
        return list(story.inline_image_rows.values_list("image_id", flat=True))

    assert rows() == [first.pk, second.pk]

    story.body = f"{figure(third)}{figure(first)}{figure(first, 'again')}"
    story.save()
    assert rows() == [third.pk, first.pk]  # in order, once each

    story.body = f"<p>No pictures now.</p>{inline.placeholder(987654)}"
    story.save()
    assert rows() == []  # an unknown id is not a use
    assert InlineImage.objects.count() == 0


# --- What readers see ----------------------------------------------------------


def test_story_page_draws_inline_figures_with_caption_and_credit(client):
    own_caption = ImageFactory(
        alt_text="The descent stage's impact plume, far off.",
        caption="Library caption, unused here.",
        credit="NASA/JPL-Caltech",
    )
    library_caption = ImageFactory(
        caption="Jezero Crater from orbit.", credit="NASA/JPL-Caltech/MSSS"
    )
    story = ArticleFactory(
        published=True,
        body=(
            "<p>Before.</p>"
            + figure(own_caption, 'The crash, seen by "Hazcam" <script>')
            + "<p>Between.</p>"
            + figure(library_caption)
        ),
    )
    response = client.get(story.get_absolute_url())
    page = response.content.decode()
    body = page.split('class="story-body"')[1].split("</div>")[0]

    assert body.count("<picture>") == 2
    assert 'alt="The descent stage&#x27;s impact plume, far off."' in body
    assert "The crash, seen by &#34;Hazcam&#34; &lt;script&gt;" in body
    assert "Library caption, unused here." not in body
    assert "Jezero Crater from orbit." in body
    assert "(Image credit: NASA/JPL-Caltech)" in body
    assert "(Image credit: NASA/JPL-Caltech/MSSS)" in body
    assert 'type="image/webp"' in body
    assert "data-library-image" not in body
    assert body.index("Before.") < body.index("Between.") < body.index("Jezero")


def test_a_deleted_reference_draws_nothing(client):
    image = ImageFactory()
    story = ArticleFactory(published=True, body=f"<p>x</p>{figure(image)}")
    InlineImage.objects.all().delete()
    Image.objects.filter(pk=image.pk).delete()
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assertNotContains(response, "data-library-image")


def test_revision_preview_draws_that_revisions_pictures(client, editor):
    old_picture, new_picture = ImageFactory(title="Old"), ImageFactory(title="New")
    story = ArticleFactory(body=figure(old_picture))
    revision = services.save_revision(story, by=editor)
    story.body = figure(new_picture, "The new picture")
    story.save()
    services.save_revision(story, by=editor)
    client.force_login(editor)
    response = client.get(
        reverse(
            "admin:articles_article_revision_preview",
            args=[story.pk, revision.number],
        )
    )
    assertContains(response, old_picture.alt_text)
    assertNotContains(response, "The new picture")


# --- Usage, protected delete, expiry ------------------------------------------


def test_inline_use_is_listed_and_blocks_deletion(client, media_files):
    image = ImageFactory(title="Skycrane plume")
    live = ArticleFactory(
        headline="Sky crane crash", published=True, body=figure(image)
    )
    [use] = uses_of(image)
    assert (use.obj, use.relation, use.is_public) == (live, "inline image", True)

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:media_library_image_change", args=[image.pk]))
    assertContains(page, "Inline image of the story")
    delete = reverse("admin:media_library_image_delete", args=[image.pk])
    assertContains(client.get(delete), "is in use, so it cannot be deleted.")
    client.post(delete, {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    assert media_files() == [image.file.name]


def test_expired_inline_picture_on_a_live_story_is_reported():
    image = ImageFactory(licence_expires_on=timezone.localdate() - dt.timedelta(1))
    live = ArticleFactory(published=True, body=figure(image))
    assert [(img, [u.obj for u in uses]) for img, uses in expired_in_use()] == [
        (image, [live])
    ]


# --- Placing pictures through the admin ---------------------------------------


def test_expired_picture_cannot_be_placed_and_the_text_is_kept(client, writer):
    expired = ImageFactory(
        title="Wire photo", credit="AP", licence_expires_on=timezone.localdate()
    )
    story = story_by(writer, body="<p>Old text.</p>")
    client.force_login(writer)
    new_body = f"<p>New paragraph I must not lose.</p>{figure(expired)}"
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        edit_data(story, body=new_body),
    )
    assert response.status_code == 200
    assertContains(response, "The licence for “Wire photo” (AP) expired on")
    assertContains(response, "New paragraph I must not lose.")
    story.refresh_from_db()
    assert story.body == "<p>Old text.</p>"
    assert not InlineImage.objects.exists()


def test_picture_already_in_the_story_may_stay_after_expiry(client, writer, now):
    # The clock is stopped: at midnight, "tomorrow" would become today, expired.
    today = timezone.localdate(now)
    image = ImageFactory(licence_expires_on=today + dt.timedelta(1))
    story = story_by(writer, body=f"<p>Text.</p>{figure(image)}")
    Image.objects.filter(pk=image.pk).update(licence_expires_on=today)
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        edit_data(story, body=f"<p>Edited text.</p>{figure(image)}"),
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.body.startswith("<p>Edited text.</p>")


def test_valid_picture_is_placed_through_the_admin(client, writer):
    image = ImageFactory()
    story = story_by(writer, body="<p>Text.</p>")
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        edit_data(story, body=f"<p>Text.</p>{figure(image, 'Our caption')}"),
    )
    assert response.status_code == 302
    assert list(story.inline_image_rows.values_list("image", flat=True)) == [image.pk]


def test_unknown_picture_is_refused_with_the_text_kept(client, writer):
    story = story_by(writer, body="<p>Old.</p>")
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        edit_data(story, body=f"<p>Keep me.</p>{inline.placeholder(424242)}"),
    )
    assertContains(response, "library image #424242, which no longer exists")
    assertContains(response, "Keep me.")
    story.refresh_from_db()
    assert story.body == "<p>Old.</p>"


def test_change_form_loads_the_editor_extension(client, writer):
    story = story_by(writer)
    client.force_login(writer)
    response = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    config = response.content.decode().split("data-django-prose-editor-configurable")
    assert "media_library/admin/library-image.js" in config[1].split(">")[0]
    assert reverse("admin:articles_article_library_images") in config[1].split(">")[0]


# --- The editor's lookup -------------------------------------------------------


def test_lookup_finds_pictures_and_says_what_they_lack(client, writer):
    ImageFactory(title="Ingenuity on the deck", credit="NASA/JPL-Caltech")
    lacking = ImageFactory(title="Ingenuity shadow", credit="", alt_text="")
    ImageFactory(title="Starship on the pad", credit="SpaceX")
    client.force_login(writer)
    url = reverse("admin:articles_article_library_images")

    found = client.get(url, {"q": "ingenuity"}).json()["results"]
    assert {r["title"] for r in found} == {"Ingenuity on the deck", "Ingenuity shadow"}
    by_title = {r["title"]: r for r in found}
    assert by_title["Ingenuity shadow"]["missing"] == ["alt text", "credit"]
    assert by_title["Ingenuity on the deck"]["missing"] == []
    assert by_title["Ingenuity on the deck"]["thumbnail"].endswith(".jpg")

    one = client.get(reverse("admin:articles_article_library_image", args=[lacking.pk]))
    assert one.json()["id"] == lacking.pk
    assert client.get(url, {"q": "%' OR 1=1 --" * 50}).json() == {"results": []}
    # A NUL is refused with a message on every page (newsroom.middleware).
    assert client.get(url, {"q": "\x00ingenuity\x0b"}).status_code == 400


def test_lookup_is_for_staff_who_write(client):
    url = reverse("admin:articles_article_library_images")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory(is_staff=True))  # staff, but no role
    assert client.get(url).status_code == 403
    missing = reverse("admin:articles_article_library_image", args=[999999])
    client.force_login(user_in(WRITERS, username="w2"))
    assert client.get(missing).status_code == 404
    json.dumps(client.get(url).json())  # a writer gets the list


# --- Publishing ----------------------------------------------------------------


def test_publish_refused_while_an_inline_picture_lacks_credit(editor):
    fine = ImageFactory(title="Descent stage")
    lacking = ImageFactory(title="Hazcam plume", credit="  ", alt_text="Dust.")
    story = ArticleFactory(
        status=State.APPROVED,
        body=f"{figure(fine)}<p>x</p>{figure(lacking)}",
        authors=[AuthorFactory()],  # the checklist's byline
    )
    before = snapshot(story)
    with pytest.raises(services.InvalidTransition) as refused:
        services.transition(story, "publish", by=editor)
    message = str(refused.value)
    assert f"its inline image “Hazcam plume” (#{lacking.pk}) has no credit" in message
    assert "Descent stage" not in message
    assert snapshot(story) == before

    lacking.credit = "NASA/JPL-Caltech"
    lacking.save()
    services.transition(story, "publish", by=editor)
    story.refresh_from_db()
    assert story.status == State.PUBLISHED
    assert Article.objects.public().filter(pk=story.pk).exists()


def test_schedule_refused_too_naming_each_picture(editor):
    first = ImageFactory(title="First", alt_text="")
    second = ImageFactory(title="Second", credit="")
    story = ArticleFactory(
        status=State.APPROVED, body=f"{figure(first)}{figure(second)}"
    )
    before = snapshot(story)
    with pytest.raises(services.InvalidTransition) as refused:
        services.transition(
            story, "schedule", by=editor, at=timezone.now() + dt.timedelta(hours=1)
        )
    assert "“First”" in str(refused.value) and "“Second”" in str(refused.value)
    assert snapshot(story) == before


def test_jsonld_lists_the_body_pictures_after_the_hero(client):
    from tests.articles.test_structured_data import check_schema, jsonld

    hero = ImageFactory(title="Hero")
    body_picture = ImageFactory(credit="NASA/JPL-Caltech/MSSS", caption="Library")
    story = ArticleFactory(
        published=True,
        hero_image=hero,
        body=f"<p>x</p>{figure(body_picture, 'Mastcam-Z view')}",
    )
    data = jsonld(client.get(story.get_absolute_url()))
    check_schema(data)
    # The hero in its three shapes (16:9, 4:3, 1:1), then the body's pictures.
    assert [(i["caption"], i["creditText"]) for i in data["image"]] == [
        *[(hero.caption, hero.credit)] * 3,
        ("Mastcam-Z view", "NASA/JPL-Caltech/MSSS"),
    ]


def test_feeds_carry_body_pictures_as_plain_figures(client):
    image = ImageFactory(
        alt_text="Dust rising on the horizon.", credit="NASA/JPL-Caltech"
    )
    ArticleFactory(published=True, body=f"<p>x</p>{figure(image, 'The plume')}")
    rss = client.get(reverse("articles:feed_rss")).content.decode()
    assert "data-library-image" not in rss
    # content:encoded holds escaped HTML: an absolute JPEG rendition, alt text,
    # caption and credit.
    assert '&lt;img src="http://testserver/images/' in rss
    assert "Dust rising on the horizon." in rss
    assert "The plume (Image credit: NASA/JPL-Caltech)" in rss
    feed = client.get(reverse("articles:feed_json")).json()
    assert 'alt="Dust rising on the horizon."' in feed["items"][0]["content_html"]


def test_feed_queries_do_not_grow_with_body_pictures(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # count the render, not a cache hit
    url = reverse("articles:feed_rss")
    ArticleFactory(published=True, body=figure(ImageFactory()))
    with django_assert_max_num_queries(5):
        client.get(url)
    for _ in range(5):
        body = "".join(figure(ImageFactory()) for _ in range(10))
        ArticleFactory(published=True, body=body)
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count("(Image credit: NASA/JPL-Caltech)") == 51


def test_revision_diff_shows_pictures_placed_and_recaptioned(client, editor):
    image = ImageFactory()
    story = ArticleFactory(body=f"<p>Text.</p>{figure(image, 'First caption')}")
    services.save_revision(story, by=editor)
    story.body = f"<p>Text.</p>{figure(image, 'Second caption')}"
    story.save()
    services.save_revision(story, by=editor)
    client.force_login(editor)
    response = client.get(
        reverse("admin:articles_article_diff", args=[story.pk]), {"a": 1, "b": 2}
    )
    assertContains(response, "Pictures in text")
    assertContains(response, "library picture #")
    assertContains(response, "<del>“First </del><ins>“Second </ins>caption”")


def test_editor_deletes_a_story_with_pictures_and_the_pictures_stay(client, editor):
    image = ImageFactory()
    story = ArticleFactory(body=figure(image))
    client.force_login(editor)
    url = reverse("admin:articles_article_delete", args=[story.pk])
    assertNotContains(client.get(url), "would require deleting")
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Article.objects.filter(pk=story.pk).exists()
    assert not InlineImage.objects.exists()
    assert Image.objects.filter(pk=image.pk).exists()
