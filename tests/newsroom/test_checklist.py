"""The pre-publish checklist (issue 14): one rule for what the story form shows
and what publishing accepts. Each line fails with its message and passes when
fixed; for each, a story failing only that line is shown red by the form's
checklist AND refused by publish, with nothing changed; fixed, it is green and
published. The form's checklist endpoint builds the story from the unsaved
form, writes nothing, and answers only those who may edit it."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import checklist
from articles.models import Article
from media_library import inline
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory
from tests.newsroom.workflow_helpers import edit_data, snapshot
from workflow import services
from workflow.models import Draft, EditLock, Revision
from workflow.states import State

pytestmark = pytest.mark.django_db

KEYS = [
    "headline",
    "dek",
    "section",
    "bylines",
    "hero",
    "pictures",
    "links",
    "seo_title",
    "seo_description",
    "embeds",
]


def ready_story(**kwargs) -> Article:
    """An approved story that passes every line: a hero and a placed picture
    with alt text and a credit, a link to a public story of ours, SEO text
    within its lengths."""
    elsewhere = ArticleFactory(
        headline="Earlier landing", slug="earlier-landing", published=True
    )
    picture = ImageFactory(title="Hazcam plume")
    fields = {
        "headline": "Perseverance lands in Jezero",
        "dek": "The sky crane set the rover down on its wheels.",
        "body": f'<p>As <a href="{elsewhere.get_absolute_url()}">before</a>, it '
        f"landed.</p>{inline.placeholder(picture.pk)}",
        "hero_image": ImageFactory(title="Sky crane"),
        "seo_title": "Perseverance lands",
        "seo_description": "The rover is down in Jezero Crater.",
        "status": State.APPROVED,
        **kwargs,
    }
    story = ArticleFactory(**fields)
    story.bylines.create(author=AuthorFactory(name="Wanda Writer"))
    return story


def lines(story, **pending) -> dict:
    return {
        check.key: check for check in services.checklist(story, pending=pending or None)
    }


def red(story) -> list[str]:
    return [key for key, check in lines(story).items() if not check.passed]


# How to make a ready story fail exactly one line, the words that say so, and
# how to fix it again. (The section is a database invariant: a stored story
# always has one; its line is tried through the form below.)
def _headline(story):
    Article.objects.filter(pk=story.pk).update(headline=" ")
    return "it has no headline", lambda: Article.objects.filter(pk=story.pk).update(
        headline="Perseverance lands"
    )


def _dek(story):
    Article.objects.filter(pk=story.pk).update(dek="\u200b ")
    return "it has no dek", lambda: Article.objects.filter(pk=story.pk).update(
        dek="Down safely."
    )


def _bylines(story):
    byline = story.bylines.get()
    author = byline.author
    byline.delete()
    return "it has no byline", lambda: story.bylines.create(author=author)


def _hero(story):
    hero = story.hero_image
    hero.alt_text = ""
    hero.save()

    def fix():
        hero.alt_text = "The descent stage lowers the rover on cables."
        hero.save()

    return f"its hero image “Sky crane” (#{hero.pk}) has no alt text", fix


def _pictures(story):
    [pk] = inline.image_ids(story.body)
    picture = story.inline_images()[pk]
    picture.licence_expires_on = timezone.localdate() - dt.timedelta(days=1)
    picture.save()

    def fix():
        picture.licence_expires_on = None
        picture.save()

    return "licence expired on", fix


def _links(story):
    body = story.body
    Article.objects.filter(pk=story.pk).update(
        body=body + '<p><a href="/stories/no-such-story/">more</a></p>'
    )
    return "leads to no page readers can open", lambda: Article.objects.filter(
        pk=story.pk
    ).update(body=body)


def _seo_title(story):
    Article.objects.filter(pk=story.pk).update(seo_title="x" * 71)
    return "SEO title is 71 characters long", lambda: Article.objects.filter(
        pk=story.pk
    ).update(seo_title="x" * 70)


def _seo_description(story):
    Article.objects.filter(pk=story.pk).update(seo_description="x" * 161)
    return "SEO description is 161 characters long", lambda: Article.objects.filter(
        pk=story.pk
    ).update(seo_description="")


def _embeds(story):
    body = story.body
    Article.objects.filter(pk=story.pk).update(
        body=body + '<figure data-embed="https://tracker.example/x"></figure>'
    )
    return "cannot be shown", lambda: Article.objects.filter(pk=story.pk).update(
        body=body
    )


BREAK = {
    "headline": _headline,
    "dek": _dek,
    "bylines": _bylines,
    "hero": _hero,
    "pictures": _pictures,
    "links": _links,
    "seo_title": _seo_title,
    "seo_description": _seo_description,
    "embeds": _embeds,
}


def test_a_ready_story_passes_every_line(now):
    story = ready_story()
    assert list(lines(story)) == KEYS
    assert red(story) == []
    assert services.publish_problems(story) == []


@pytest.mark.parametrize("key", list(BREAK))
@pytest.mark.parametrize("action", ["publish", "schedule"])
def test_publishing_refuses_exactly_what_the_checklist_shows_red(
    key, action, editor, now
):
    story = ready_story()
    says, fix = BREAK[key](story)
    story.refresh_from_db()

    check = lines(story)[key]
    assert red(story) == [key]  # only this line
    assert any(says in problem for problem in check.problems), check.problems
    assert check.as_json()["fix"][0][0].isupper()  # a sentence for the panel
    before = snapshot(story)
    at = timezone.now() + dt.timedelta(hours=2) if action == "schedule" else None
    with pytest.raises(services.NotPublishable) as refused:
        services.transition(story, action, by=editor, at=at)
    assert any(says in message for message in refused.value.messages)
    assert snapshot(story) == before

    fix()
    story.refresh_from_db()
    assert red(story) == []
    services.transition(story, action, by=editor, at=at)
    story.refresh_from_db()
    assert story.status == (State.PUBLISHED if action == "publish" else State.SCHEDULED)


def test_an_edit_to_a_live_story_is_refused_by_the_same_line(editor, now):
    story = ready_story(
        status=State.PUBLISHED, published_at=timezone.now() - dt.timedelta(hours=1)
    )
    story.dek = ""
    with pytest.raises(services.NotPublishable) as refused:
        services.check_live_change(story)
    assert "it has no dek" in " ".join(refused.value.messages)
    assert [c.key for c in services.checklist(story) if not c.passed] == ["dek"]


# --- Each line's wording and edge cases ------------------------------------------


def test_a_story_needs_a_hero_picture_when_the_newsroom_requires_one(settings, now):
    settings.STORY_HERO_REQUIRED = True
    story = ready_story(hero_image=None)
    hero = lines(story)["hero"]
    assert hero.problems == ("it has no hero picture: choose one under Hero image.",)
    assert hero.field == "hero_image"
    with pytest.raises(services.NotPublishable) as refused:
        services.check_publishable(story)
    assert "it has no hero picture" in " ".join(refused.value.messages)
    story.hero_image = ImageFactory(title="Sky crane")
    assert lines(story)["hero"].passed
    services.check_publishable(story)


def test_text_only_stories_may_go_out_when_the_newsroom_allows_them(settings, now):
    settings.STORY_HERO_REQUIRED = False
    story = ready_story(hero_image=None)
    assert lines(story)["hero"].passed
    services.check_publishable(story)
    # A hero, once chosen, is checked either way.
    story.hero_image = ImageFactory(title="No credit", credit=" ")
    assert "has no credit" in lines(story)["hero"].problems[0]


@pytest.mark.parametrize(
    ("link", "says"),
    [
        ('<a href="https:///launch">launch</a>', "has no site in its address"),
        ('<a href="https://www.nasa.gov/"></a>', "has no words"),
        ('<a href="https://www.nasa.gov/"> </a>', "has no words"),
        ('<a href="/stories/nowhere/">x</a>', "leads to no page"),
        ('<a href="/no/such/page/">x</a>', "leads to no page"),
        ('<a href="/admin/">x</a>', "leads to no page"),
        ('<a href="/section/nope/">x</a>', "leads to no page"),
        ('<a href="http://127.0.0.1:8000/stories/nowhere/">x</a>', "leads to no"),
        ('<a href="/stories/draft-one/">x</a>', "leads to no page"),
    ],
)
def test_empty_and_broken_links_fail(link, says, now):
    ArticleFactory(slug="draft-one", status=State.DRAFT)
    story = ready_story()
    story.body = f"<p>{link}</p>"
    [problem] = lines(story)["links"].problems
    assert says in problem


@pytest.mark.parametrize(
    "link",
    [
        '<a href="https://www.nasa.gov/mission/mars-2020/">NASA</a>',
        '<a href="mailto:desk@example.com">the desk</a>',
        '<a href="#notes">notes</a>',
        '<a href="/stories/earlier-landing/">ours</a>',
        '<a href="/stories/old-address/">renamed</a>',
        '<a href="/section/mars/">Mars</a>',
        '<a href="/latest/">latest</a>',
        '<a href="/stories/perseverance/"><img src="/x.png" alt="The rover"></a>',
    ],
)
def test_working_links_pass(link, now):
    from articles.models import OldSlug
    from tests.factories import SectionFactory

    story = ready_story(slug="perseverance")
    SectionFactory(slug="mars", name="Mars")
    OldSlug.objects.create(
        slug="old-address", article=Article.objects.get(slug="earlier-landing")
    )
    story.body = f"<p>{link}</p>"
    assert lines(story)["links"].passed, lines(story)["links"].problems


def test_a_link_to_a_story_scheduled_after_this_one_goes_live_is_broken(now):
    later = ArticleFactory(
        slug="later",
        status=State.SCHEDULED,
        published_at=timezone.now() + dt.timedelta(days=3),
    )
    story = ready_story()
    story.body = f'<p><a href="{later.get_absolute_url()}">soon</a></p>'
    assert not lines(story)["links"].passed
    story.status = State.SCHEDULED
    story.published_at = timezone.now() + dt.timedelta(days=4)
    assert lines(story)["links"].passed  # public by the day this one is


def test_seo_fields_empty_use_the_headline_and_dek(now):
    story = ready_story(seo_title="", seo_description="", headline="h" * 90)
    assert lines(story)["seo_title"].passed
    assert lines(story)["seo_description"].passed
    assert checklist.SEO_TITLE_MAX == 70 and checklist.SEO_DESCRIPTION_MAX == 160


def test_a_text_without_embeds_passes_and_a_missing_picture_fails(now):
    story = ready_story()
    assert lines(story)["embeds"].passed
    story.body = inline.placeholder(987654)
    assert (
        "#987654, which is no longer in the library"
        in (lines(story)["pictures"].problems[0])
    )


def test_pending_bylines_are_judged_not_the_stored_ones(now):
    story = ready_story()
    assert not lines(story, bylines=[])["bylines"].passed
    story.bylines.all().delete()
    byline = story.bylines.model(author=AuthorFactory())
    assert lines(story, bylines=[byline])["bylines"].passed


# --- The form's endpoint -----------------------------------------------------------


def checklist_url(story=None) -> str:
    if story is None:
        return reverse("admin:articles_article_checklist_new")
    return reverse("admin:articles_article_checklist", args=[story.pk])


def nothing_written(story) -> tuple:
    return (
        snapshot(story),
        story.dek,
        story.version,
        Revision.objects.count(),
        Draft.objects.count(),
        EditLock.objects.count(),
    )


def answer(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    data = json.loads(response.content)
    return {item["key"]: item for item in data["items"]} | {"_": data}


def test_the_form_checklist_judges_the_unsaved_form(client, editor, now):
    story = ready_story()
    client.force_login(editor)
    before = nothing_written(story)

    emptied = answer(client.post(checklist_url(story), edit_data(story, dek="")))
    assert not emptied["dek"]["passed"]
    assert emptied["dek"]["fix"] == [
        "It has no dek: write one or two sentences under the headline."
    ]
    assert emptied["dek"]["field"] == "dek"
    assert emptied["_"]["left"] == 1
    assert emptied["_"]["summary"].startswith("1 of 10 checks to fix")

    fixed = answer(client.post(checklist_url(story), edit_data(story)))
    assert all(item["passed"] for key, item in fixed.items() if key != "_")
    assert fixed["_"]["summary"] == "Ready to go live: every check passes."

    story.refresh_from_db()
    assert nothing_written(story) == before


def test_the_form_checklist_reads_bylines_and_choices_from_the_form(
    client, editor, now
):
    story = ready_story()
    client.force_login(editor)
    data = edit_data(story, section="", hero_image="")
    data["bylines-0-DELETE"] = "on"
    got = answer(client.post(checklist_url(story), data))
    assert not got["section"]["passed"] and not got["bylines"]["passed"]
    assert got["hero"]["passed"]  # none chosen: nothing to check
    assert got["bylines"]["field"] == "bylines"


def test_what_the_form_shows_red_a_live_story_cannot_be_saved_with(client, editor, now):
    story = ready_story(
        status=State.PUBLISHED, published_at=timezone.now() - dt.timedelta(hours=1)
    )
    client.force_login(editor)
    data = edit_data(story, seo_title="t" * 71)
    assert not answer(client.post(checklist_url(story), data))["seo_title"]["passed"]
    before = snapshot(story), story.seo_title
    change = reverse("admin:articles_article_change", args=[story.pk])
    refused = client.post(change, data)
    assert refused.status_code == 200  # the form again, with the problem
    assert "SEO title is 71 characters long" in refused.content.decode()
    story.refresh_from_db()
    assert (snapshot(story), story.seo_title) == before


def test_a_new_story_is_checked_before_it_is_saved(client, writer, now):
    client.force_login(writer)
    count = Article.objects.count()
    got = answer(
        client.post(
            checklist_url(),
            {
                "headline": "Draft",
                "dek": "",
                "body": "<p>x</p>",
                "bylines-TOTAL_FORMS": "0",
                "bylines-INITIAL_FORMS": "0",
            },
        )
    )
    assert got["headline"]["passed"]
    assert not got["dek"]["passed"] and not got["section"]["passed"]
    assert Article.objects.count() == count


def test_a_writer_may_not_check_another_writers_draft(
    client, other_writer, story_in, now
):
    story = story_in(State.DRAFT)
    client.force_login(other_writer)
    before = nothing_written(story)
    response = client.post(checklist_url(story), edit_data(story, dek=""))
    assert response.status_code == 404
    story.refresh_from_db()
    assert nothing_written(story) == before


def test_a_writer_may_not_check_a_story_she_may_only_read(
    client, writer, story_in, now
):
    story = story_in(State.IN_REVIEW)
    client.force_login(writer)
    before = nothing_written(story)
    response = client.post(checklist_url(story), edit_data(story))
    assert response.status_code == 403
    story.refresh_from_db()
    assert nothing_written(story) == before


def test_a_writer_checks_her_own_draft(client, writer, story_in, now):
    story = story_in(State.DRAFT)
    client.force_login(writer)
    got = answer(client.post(checklist_url(story), edit_data(story)))
    assert got["bylines"]["passed"]


def test_only_signed_in_staff_with_a_csrf_token(editor, now):
    story = ready_story()
    assert Client().post(checklist_url(story), {}).status_code == 302  # log in
    signed_in = Client(enforce_csrf_checks=True)
    signed_in.force_login(editor)
    assert signed_in.post(checklist_url(story), edit_data(story)).status_code == 403
    assert signed_in.get(checklist_url(story)).status_code == 405


@pytest.mark.parametrize(
    "changes",
    [
        {"section": "abc", "hero_image": "99999999999999999999999"},
        {"bylines-TOTAL_FORMS": "x", "bylines-INITIAL_FORMS": "-3"},
        {"bylines-TOTAL_FORMS": "100000", "bylines-0-author": "'; drop"},
        {"_version": "9" * 40, "related": ["x", "-1"], "gallery": "[]"},
        {"body": "<a href='http://[::1'>x</a><figure data-embed='\x00'>" * 200},
        {"headline": "x" * 100_000, "seo_title": ["a", "b"]},
    ],
)
def test_hostile_input_is_an_answer_not_an_error(client, editor, changes, now):
    story = ready_story()
    client.force_login(editor)
    before = nothing_written(story)
    response = client.post(checklist_url(story), edit_data(story, **changes))
    assert response.status_code < 500
    story.refresh_from_db()
    assert nothing_written(story) == before


def test_garbage_ids_and_huge_posts_are_refused(client, editor, now):
    client.force_login(editor)
    assert client.post("/admin/articles/article/99999999999999999999/checklist/")
    huge = reverse("admin:articles_article_checklist", args=[99999999999999999999])
    assert client.post(huge, {}).status_code == 404
    story = ready_story()
    too_big = {"body": "x" * (11 * 1024 * 1024)}
    assert client.post(checklist_url(story), too_big).status_code == 400
    many = {f"f{n}": "1" for n in range(5000)}
    assert client.post(checklist_url(story), many).status_code == 400


def test_the_panel_is_on_the_story_form_for_who_may_edit(client, editor, now):
    story = ready_story()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk]))
    html = page.content.decode()
    assert f'data-url="{checklist_url(story)}"' in html
    assert 'aria-live="polite"' in html and "checklist.js" in html
    assert "<script>" not in html.split('id="checklist"')[1].split("</aside>")[0]
    add = client.get(reverse("admin:articles_article_add")).content.decode()
    assert f'data-url="{checklist_url()}"' in add


def test_embeds_we_can_show_pass_and_others_fail(now):
    story = ready_story()
    draft = ArticleFactory(status=State.DRAFT)
    shown = Article.objects.get(slug="earlier-landing")
    video = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    story.body = f'<figure data-embed="{video}"></figure>'
    assert lines(story)["embeds"].passed, lines(story)["embeds"].problems
    story.body = f'<figure data-embed="story:{shown.pk}"></figure>'
    assert lines(story)["embeds"].passed
    story.body = f'<figure data-embed="story:{draft.pk}"></figure>'
    [problem] = lines(story)["embeds"].problems
    assert f"our story #{draft.pk}, which readers cannot see" in problem
    story.body = '<figure data-embed=""></figure>'
    assert "with no address" in lines(story)["embeds"].problems[0]


def test_a_story_may_not_embed_itself(now):
    story = ready_story()
    story.body = f'<p>Text.</p><figure data-embed="story:{story.pk}"></figure>'
    assert lines(story)["embeds"].problems == (
        "the text embeds this story in itself: remove that embed.",
    )
    with pytest.raises(services.NotPublishable):
        services.check_publishable(story)


def test_every_demo_story_passes(demo_loaded):
    stories = Article.objects.all()
    assert stories.exists()
    for story in stories:
        assert services.publish_problems(story) == [], story.headline


@pytest.fixture
def demo_loaded(db):
    from demo.loader import load_demo

    load_demo()


def test_a_gallery_keeps_its_rule_worked_out_from_its_lines(now):
    from media_library.services import gallery_checklist, gallery_problems
    from tests.factories import GalleryFactory, gallery_with

    empty = GalleryFactory()
    assert [c.key for c in gallery_checklist(empty) if not c.passed] == ["has_pictures"]
    assert gallery_problems(empty) == ["it has no pictures."]
    fine = gallery_with(2)
    assert gallery_problems(fine) == [] == services.publish_problems(fine)
    lacking = fine.items.first().image
    lacking.credit = ""
    lacking.save()
    [problem] = services.publish_problems(fine)
    assert "has no credit" in problem
    assert [c.key for c in services.checklist(fine) if not c.passed] != []
