import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory
from django.utils.html import strip_tags
from pytest_django.asserts import assertContains, assertNotContains
from taggit.models import Tag, TaggedItem

import demo.loader as demo
from articles.models import Article, Byline, Correction, Section, Status
from authors.models import Author, Book
from demo import content
from media_library.models import Gallery, Image
from workflow import services
from workflow.models import Revision, Transition

SAMPLE_STORY = (
    Path(__file__).resolve().parents[3] / "shared" / "reference" / "sample-story.txt"
)
SKY_CRANE = content.SKY_CRANE_SLUG
COUNTED_MODELS = [
    Article,
    Article.related.through,
    Byline,
    Author,
    Book,
    Image,
    Section,
    Correction,
    Tag,
    TaggedItem,
    get_user_model(),
    Group,
    Group.permissions.through,
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The demo's pictures go to a throwaway folder, never the repo's media/."""
    settings.MEDIA_ROOT = tmp_path / "demo-media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def load_demo() -> str:
    """Run the command as a developer would (tests run with DEBUG off)."""
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def log_in_request():
    """authenticate() is given the request, as the admin's log-in view gives
    it: django-axes, first in AUTHENTICATION_BACKENDS, needs it."""
    return RequestFactory().post("/admin/login/")


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in COUNTED_MODELS}


@pytest.mark.django_db
def test_running_twice_gives_the_same_rows_and_files(media_root, now):
    load_demo()
    counts, files = row_counts(), stored_files(media_root)
    saved_at = dict(Article.objects.values_list("slug", "updated_at"))

    out = load_demo()

    assert row_counts() == counts
    assert stored_files(media_root) == files
    assert dict(Article.objects.values_list("slug", "updated_at")) == saved_at
    assert "(0 new files)" in out
    assert counts["media_library.Image"] >= 8
    assert len(files) == counts["media_library.Image"]


@pytest.mark.django_db
def test_a_run_on_a_later_day_moves_the_dates_not_the_rows(
    media_root, monkeypatch, now
):
    """Same rows means the same rows by their keys (slugs, image hashes, a
    correction's words), however many days apart the runs: the dated-by-age
    stories and their corrections move with the day, the gallery and the
    desk's trails, written through the workflow once, stay as they were."""
    load_demo()
    counts, files = row_counts(), stored_files(media_root)
    dates = dict(Article.objects.values_list("slug", "published_at"))
    notes = dict(Correction.objects.values_list("pk", "created_at"))
    trail = list(Transition.objects.values_list("pk", flat=True))
    gallery = Gallery.objects.get()

    later = now + timedelta(days=3)
    monkeypatch.setattr(demo.timezone, "now", lambda: later)
    out = load_demo()

    assert row_counts() == counts
    assert Gallery.objects.get() == gallery
    assert list(Transition.objects.values_list("pk", flat=True)) == trail
    assert stored_files(media_root) == files
    assert "(0 new files)" in out
    # Fixed dates (the 2021 stories) and the launch bundle's, which follow the
    # launch, which a rerun leaves as an editor may have moved it.
    fixed = {
        SKY_CRANE,
        content.LANDING_LIVE["slug"],
        *(spec["slug"] for spec in content.BUNDLE_STORIES),
    }
    for slug, published_at in Article.objects.values_list("slug", "published_at"):
        if slug in fixed or published_at is None:
            assert published_at == dates[slug], slug
        else:
            assert published_at - dates[slug] == timedelta(days=3), slug
    for pk, created_at in Correction.objects.values_list("pk", "created_at"):
        assert created_at - notes[pk] == timedelta(days=3)


@pytest.mark.django_db
def test_stories_are_dated_from_the_day_it_runs(client, now):
    load_demo()

    public = Article.objects.public()
    recent = public.filter(published_at__gt=now - timedelta(hours=48))
    assert recent.count() >= 3
    assert public.filter(published_at__gt=now - timedelta(hours=24)).exists()
    # Only the launch bundle's preview and live coverage are ahead: scheduled.
    assert set(
        Article.objects.filter(published_at__gt=now).values_list("slug", "status")
    ) == {
        ("cargo-dragon-preview", Status.SCHEDULED),
        ("live-cargo-dragon-launch", Status.SCHEDULED),
    }
    sitemap = client.get("/sitemap-news.xml")
    for story in recent:
        assertContains(sitemap, story.get_absolute_url())
    assertNotContains(sitemap, SKY_CRANE)
    for note in Correction.objects.select_related("article"):
        assert now > note.created_at > note.article.published_at


@pytest.mark.django_db
def test_the_gallery_is_built_through_the_workflow(client, settings):
    settings.STORY_HERO_REQUIRED = True
    load_demo()
    editor = get_user_model().objects.get(username="editor")

    gallery = Gallery.objects.public().get(slug=content.GALLERY["slug"])

    assert gallery.created_by == editor
    assert services.publish_problems(gallery) == []
    steps = Transition.for_item(gallery).order_by("at", "pk")
    assert [(s.action, s.to_state, s.by) for s in steps] == [
        ("submit", "in_review", editor),
        ("approve", "approved", editor),
        ("publish", "published", editor),
    ]
    assert Revision.for_item(gallery).exists()
    items = list(gallery.items.select_related("image"))
    assert [i.image.title for i in items] == [
        content.IMAGES[key]["title"] for key, _ in content.GALLERY["items"]
    ]
    page = client.get(gallery.get_absolute_url())
    for item in items:
        assert item.caption_text and item.image.credit
        assertContains(page, item.image.credit)
    assertContains(page, "Shortly after it touched down in Jezero Crater")
    # The sky-crane story's page links to it.
    story = Article.objects.get(slug=SKY_CRANE)
    assert story.gallery == gallery
    assertContains(client.get(story.get_absolute_url()), gallery.get_absolute_url())


@pytest.mark.django_db
def test_refuses_with_debug_off_unless_forced(media_root):
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=StringIO())

    assert Article.objects.count() == 0
    assert get_user_model().objects.count() == 0
    assert not media_root.exists() or stored_files(media_root) == []


@pytest.mark.django_db
def test_loads_with_debug_on(settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    assert Article.objects.filter(slug=SKY_CRANE).exists()


@pytest.mark.django_db
def test_a_failed_load_leaves_no_rows_and_no_files(monkeypatch, media_root):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "_story", fail)  # after every picture is stored
    with pytest.raises(RuntimeError):
        load_demo()

    assert Image.objects.count() == 0
    assert Section.objects.count() == 0
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_sky_crane_story():
    load_demo()

    story = Article.objects.public().get(slug=SKY_CRANE)

    assert "sky crane" in story.headline
    assert story.section.slug in {"spaceflight", "science-astronomy"}
    assert [b.author.name for b in story.bylines.all()] == ["Mike Wall"]
    assert story.hero_image.credit == "NASA/JPL-Caltech"
    assert story.hero_image.licence == "public-domain"
    assert story.hero_image.alt_text
    assert story.hero_image.caption
    assert {"Mars", "Perseverance", "NASA", "Mars 2020"} <= set(story.tags.names())
    assert story.published_at.isoformat() == "2021-02-25T15:30:00+00:00"
    for fact in ["Jezero", "seven minutes of terror", "Feb. 24", "HiRISE"]:
        assert fact in story.body
    for fact in ["$2.7 billion", "142", "360-degree", "Mastcam-Z"]:
        assert fact in story.body
    related = set(story.related.values_list("slug", flat=True))
    assert {"how-we-know-jezero-held-a-lake", "perseverance-sample-depot"} <= related


@pytest.mark.django_db
def test_mike_wall_profile():
    load_demo()

    mike = Author.objects.get(slug="mike-wall")

    assert mike.name == "Mike Wall"
    assert mike.job_title == "Senior Space Writer"
    assert mike.year_joined == 2010
    assert mike.x_handle == "michaeldwall"
    assert {"exoplanets", "spaceflight", "military space"} <= set(mike.beat_list)
    assert "herpetologist" in mike.bio
    assert mike.bio.count("\n\n") >= 2
    assert mike.education_list == [
        "Ph.D. in evolutionary biology, University of Sydney",
        "Bachelor's degree, University of Arizona",
        "Graduate certificate in science writing, University of California, Santa Cruz",
    ]
    assert mike.headshot.credit == "Staff"
    assert mike.headshot.licence == "staff"
    book = mike.books.get()
    assert (book.title, book.publisher, book.year) == (
        "Out There",
        "Grand Central Publishing",
        2018,
    )
    assert book.published_on.isoformat() == "2018-11-13"
    assert book.note == "illustrated by Karl Tate"


@pytest.mark.django_db
def test_every_section_has_a_published_story():
    load_demo()

    assert Section.objects.count() == 5
    for section in Section.objects.all():
        assert Article.objects.public().for_section(section).exists(), section
    assert Section.objects.get(slug="science-astronomy").name == "Science & Astronomy"


@pytest.mark.django_db
def test_every_published_story_has_a_byline_and_tags():
    load_demo()

    stories = Article.objects.public()
    assert stories.count() >= 13
    for story in stories:
        assert story.bylines.exists(), story
        assert story.tags.exists(), story
    assert stories.exclude(seo_title="").count() >= 2


@pytest.mark.django_db
def test_every_published_story_passes_the_checklist_with_the_default_rules(settings):
    """The demo is loaded straight into the database, not through the workflow:
    each published story must still pass everything publishing asks, heroes
    included (STORY_HERO_REQUIRED's default), or an editor's first edit of one
    would be refused."""
    settings.STORY_HERO_REQUIRED = True
    load_demo()

    for story in Article.objects.public():
        assert services.publish_problems(story) == [], story


@pytest.mark.django_db
def test_some_stories_have_two_bylines_in_order():
    load_demo()

    two = [a for a in Article.objects.all() if a.bylines.count() == 2]

    assert two
    for story in two:
        assert [b.position for b in story.bylines.all()] == [0, 1]


@pytest.mark.django_db
def test_a_correction_and_an_update_on_published_stories():
    load_demo()

    for kind in [Correction.Kind.CORRECTION, Correction.Kind.UPDATE]:
        note = Correction.objects.filter(kind=kind).select_related("article").first()
        assert note is not None, kind
        assert note.article.is_public
        assert note.created_at > note.article.published_at


@pytest.mark.django_db
def test_the_draft_stays_private(client):
    load_demo()

    draft = Article.objects.get(slug=content.DRAFT_SLUG)

    assert draft.status == Status.DRAFT
    assert draft.published_at is None
    assert not Article.objects.public().filter(pk=draft.pk).exists()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assertNotContains(client.get("/"), draft.headline)


@pytest.mark.django_db
def test_demo_logins_work_and_are_staff_but_not_superusers():
    out = load_demo()

    for username, password, group in [
        ("editor", "sky-crane-editor", "Editors"),
        ("writer", "sky-crane-writer", "Writers"),
    ]:
        assert f"{username} / {password}" in out
        user = authenticate(log_in_request(), username=username, password=password)
        assert user is not None, username
        assert user.is_staff
        assert not user.is_superuser
        assert list(user.groups.values_list("name", flat=True)) == [group]
    assert Author.objects.get(user__username="writer").slug == "daniel-okafor"


@pytest.mark.django_db
def test_a_changed_demo_password_is_reset():
    load_demo()
    writer = get_user_model().objects.get(username="writer")
    writer.set_password("something-else-entirely")
    writer.save()

    load_demo()

    assert (
        authenticate(log_in_request(), username="writer", password="sky-crane-writer")
        is not None
    )


@pytest.mark.django_db
def test_editors_may_delete_and_writers_may_not():
    load_demo()
    editor = get_user_model().objects.get(username="editor")
    writer = get_user_model().objects.get(username="writer")

    for perm in [
        "articles.delete_article",
        "media_library.delete_image",
        "articles.add_correction",  # corrections readers see are editors' calls
        "articles.publish_article",
    ]:
        assert editor.has_perm(perm)
        assert not writer.has_perm(perm)
    for perm in [
        "articles.add_article",
        "articles.change_byline",
        "media_library.add_image",
        "authors.view_author",
        "articles.view_section",
        "taggit.view_tag",
    ]:
        assert writer.has_perm(perm), perm
    assert not writer.has_perm("authors.change_author")
    assert not writer.has_perm("articles.change_section")


@pytest.mark.django_db
def test_pictures_are_complete_and_sized():
    load_demo()
    editor = get_user_model().objects.get(username="editor")

    for image in Image.objects.all():
        assert image.title and image.alt_text and image.credit, image
        assert image.format == "JPEG"
        assert len(image.sha256) == 64
        assert image.uploaded_by == editor
        expected = (400, 400) if image.headshot_of.exists() else (1200, 675)
        assert (image.width, image.height) == expected, image


@pytest.mark.django_db
def test_pages_show_the_demo(client):
    load_demo()

    assertContains(client.get("/"), "Perseverance watched its sky crane crash")
    story = client.get(f"/stories/{SKY_CRANE}/")
    assertContains(story, "Image credit: NASA/JPL-Caltech")
    assertContains(story, "Mike Wall")
    author = client.get("/authors/mike-wall/")
    assertContains(author, "Senior Space Writer")
    assertContains(author, "Out There")


def words(text: str) -> list[str]:
    text = text.lower().replace("\u2019", "'").replace("\u2014", " ")
    return re.findall(r"[a-z0-9$][a-z0-9$'.,-]*[a-z0-9]|[a-z0-9$]", text)


@pytest.mark.django_db
def test_no_sentence_is_copied_from_the_sample_story():
    if not SAMPLE_STORY.exists():
        pytest.skip(f"{SAMPLE_STORY} is not here")
    load_demo()
    sample = SAMPLE_STORY.read_text(encoding="utf-8")
    sentences = [" ".join(words(s)) for s in re.split(r"(?<=[.!?\"])\s+|\n+", sample)]
    sentences = [s for s in sentences if len(s.split()) >= 8]
    assert sentences

    ours = [
        strip_tags(a.body) + "\n" + a.dek + "\n" + a.headline
        for a in Article.objects.all()
    ]
    ours += [f"{a.short_bio}\n{a.bio}" for a in Author.objects.all()]
    ours += [f"{i.caption}\n{i.alt_text}" for i in Image.objects.all()]
    ours += [c.text for c in Correction.objects.all()]
    text = " " + " ".join(" ".join(words(t)) for t in ours) + " "

    copied = [s for s in sentences if f" {s} " in text]
    assert copied == []
    # Stricter: not even eight words in a row.
    sample_words = words(sample)
    runs = {" ".join(sample_words[i : i + 8]) for i in range(len(sample_words) - 7)}
    assert [run for run in runs if f" {run} " in text] == []
