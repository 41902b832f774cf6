"""Purges say what changed (issue 13): a change purges the pages that show the
changed thing, never the whole site, and changes readers cannot see purge
nothing."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from core.cache import PURGES_KEY, VERSION_KEY
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    GalleryFactory,
    ImageFactory,
    SectionFactory,
)
from workflow import services
from workflow.models import Revision, Transition
from workflow.states import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def purges(django_capture_on_commit_callbacks):
    """Run a change and its after-commit purges; say whether anything was
    purged (a targeted purge or the site version)."""

    def run(change) -> bool:
        before = (cache.get(VERSION_KEY), cache.get(PURGES_KEY))
        with django_capture_on_commit_callbacks(execute=True):
            change()
        return (cache.get(VERSION_KEY), cache.get(PURGES_KEY)) != before

    return run


@pytest.fixture
def two_stories():
    """Story A (Mars, tag 'rover', by Ann) and B (Moon, tag 'lander', by
    Bob): nothing in common."""
    ann, bob = AuthorFactory(name="Ann Lee"), AuthorFactory(name="Bob Roe")
    a = ArticleFactory(
        published=True,
        headline="Rover finds clay",
        section=SectionFactory(name="Mars", slug="mars"),
        authors=[ann],
    )
    b = ArticleFactory(
        published=True,
        headline="Lander goes quiet",
        section=SectionFactory(name="Moon", slug="moon"),
        authors=[bob],
    )
    a.tags.add("rover")
    b.tags.add("lander")
    return a, b


def behind_the_cache(story, headline):
    """Change a story without any signal: only a re-render can show it."""
    Article.objects.filter(pk=story.pk).update(headline=headline)


def tag_url(slug):
    return reverse("articles:tag", kwargs={"slug": slug})


def test_editing_a_story_rerenders_its_pages_and_no_unrelated_one(
    client, two_stories, purges
):
    a, b = two_stories
    a_pages = ["/", a.get_absolute_url(), a.section.get_absolute_url(),
               tag_url("rover"), a.authors.get().get_absolute_url(),
               reverse("articles:latest"), reverse("articles:feed_rss")]  # fmt: skip
    b_pages = [b.get_absolute_url(), tag_url("lander"),
               b.authors.get().get_absolute_url()]  # fmt: skip
    for url in a_pages + b_pages:
        assert client.get(url).status_code == 200
    behind_the_cache(b, "Changed behind the cache")

    def edit():
        a.headline = "Rover finds more clay"
        a.save()

    assert purges(edit)
    for url in a_pages:
        assertContains(client.get(url), "Rover finds more clay")
    for url in b_pages:  # still the stored page
        response = client.get(url)
        assertContains(response, "Lander goes quiet")
        assertNotContains(response, "Changed behind the cache")


def test_publishing_purges_front_section_tag_author_pages_and_feeds(
    client, story_in, editor, purges
):
    story = story_in(State.APPROVED, headline="Europa plumes confirmed")
    story.tags.add("europa")
    author = story.authors.get()
    pages = ["/", reverse("articles:latest"), story.section.get_absolute_url(),
             tag_url("europa"), author.get_absolute_url(),
             reverse("articles:feed_rss"), reverse("articles:feed_json")]  # fmt: skip
    for url in pages:
        assertNotContains(client.get(url), "Europa plumes confirmed")

    assert purges(lambda: services.transition(story, "publish", by=editor))
    for url in pages:
        assertContains(client.get(url), "Europa plumes confirmed")
    # Sitemaps are not page-cached: they list it at once.
    assertContains(client.get("/sitemaps/stories.xml"), story.get_absolute_url())


def test_unpublishing_purges_the_pages_whose_related_lists_show_it(
    client, two_stories, editor, purges
):
    a, b = two_stories
    b.related.add(a)  # an editor's pick: B's page shows A
    assertContains(client.get(b.get_absolute_url()), "Rover finds clay")

    assert purges(
        lambda: services.transition(a, "unpublish", by=editor, comment="Legal")
    )
    assertNotContains(client.get(b.get_absolute_url()), "Rover finds clay")


def test_an_author_change_purges_the_pages_naming_them(client, two_stories, purges):
    a, b = two_stories
    ann = a.authors.get()
    pages = ["/", a.get_absolute_url(), tag_url("rover"), ann.get_absolute_url()]
    for url in pages:
        assertContains(client.get(url), "Ann Lee")
    client.get(b.get_absolute_url())
    behind_the_cache(b, "Changed behind the cache")

    def rename():
        ann.name = "Ann Lee-Park"
        ann.save()

    assert purges(rename)
    for url in pages:
        assertContains(client.get(url), "Ann Lee-Park")
    assertContains(client.get(b.get_absolute_url()), "Lander goes quiet")


def test_a_story_edit_keeps_the_pages_of_its_authors_other_stories(
    client, two_stories, purges
):
    """They name the same author (`author:<id>`, for a change to the author),
    but the edit changes only the author's list of stories (`by:<id>`)."""
    a, _ = two_stories
    other = ArticleFactory(
        published=True, headline="Ann on budgets", authors=[a.authors.get()]
    )
    client.get(other.get_absolute_url())
    behind_the_cache(other, "Changed behind the cache")

    assert purges(lambda: a.save())
    assertContains(client.get(other.get_absolute_url()), "Ann on budgets")
    assertContains(client.get(a.authors.get().get_absolute_url()), "Rover finds")


def test_a_section_change_purges_every_page(client, two_stories, purges):
    a, b = two_stories
    client.get(b.get_absolute_url())

    def rename():
        a.section.name = "Red Planet"
        a.section.save()

    assert purges(rename)
    assertContains(client.get(b.get_absolute_url()), "Red Planet")  # the menu


def test_a_readers_new_picture_size_purges_nothing(client, purges):
    from media_library.renditions import SPECS, candidates, formats_for, rendition_url

    hero = ImageFactory()
    story = ArticleFactory(published=True, hero_image=hero)
    client.get(story.get_absolute_url())
    spec = SPECS["hero"]
    widest, _ = candidates(hero, spec)[-1]  # one made for this picture's size

    def new_size():
        url = rendition_url(hero, "hero", widest, formats_for(spec)[-1])
        assert client.get(url).status_code == 200

    assert not purges(new_size)
    assert hero.renditions.exists()


# --- Only its own sections, only the pages showing a picture ---------------------


def section_url(slug):
    return reverse("articles:section", kwargs={"slug": slug})


def test_a_story_edit_purges_its_own_sections_pages_only(client, two_stories, purges):
    a, b = two_stories
    mars, moon = section_url("mars"), section_url("moon")
    assertContains(client.get(mars), "Rover finds clay")
    assertContains(client.get(moon), "Lander goes quiet")
    behind_the_cache(b, "Changed behind the cache")

    def edit():
        a.headline = "Rover finds more clay"
        a.save()

    assert purges(edit)
    assertContains(client.get(mars), "Rover finds more clay")
    response = client.get(moon)  # still the stored page
    assertContains(response, "Lander goes quiet")
    assertNotContains(response, "Changed behind the cache")


def test_moving_a_story_purges_the_section_it_left_and_the_one_it_joined(
    client, two_stories, purges
):
    a, b = two_stories
    sun = SectionFactory(name="Sun", slug="sun")
    flare = ArticleFactory(published=True, headline="Flare season", section=sun)
    mars, moon, sun_url = section_url("mars"), section_url("moon"), section_url("sun")
    for url in (mars, moon, sun_url):
        client.get(url)
    # On none of the pages that will change: only the section keys purge them.
    behind_the_cache(b, "Lander changed behind the cache")
    behind_the_cache(flare, "Flare changed behind the cache")

    def move():
        a.section = b.section
        a.save()

    assert purges(move)
    assertNotContains(client.get(mars), "Rover finds clay")  # the one it left
    joined = client.get(moon)
    assertContains(joined, "Rover finds clay")
    assertContains(joined, "Lander changed behind the cache")  # rendered again
    response = client.get(sun_url)  # another section: still the stored page
    assertContains(response, "Flare season")
    assertNotContains(response, "Flare changed behind the cache")


@pytest.fixture
def picture_everywhere(two_stories):
    """One picture: story A's hero, in a public gallery, and the headshot of
    an author of neither story."""
    from media_library.models import GalleryItem

    a, b = two_stories
    picture = ImageFactory(alt_text="Old alt text")
    a.hero_image = picture
    a.save()
    gallery = GalleryFactory(status=State.PUBLISHED, published_at=a.published_at)
    GalleryItem.objects.create(gallery=gallery, image=picture)
    author = AuthorFactory(name="Cleo Nadir", headshot=picture)
    return picture, gallery, author


def test_a_picture_change_purges_the_pages_showing_it_only(
    client, two_stories, picture_everywhere, purges
):
    """A new focal point gives the picture new rendition addresses, on every
    page showing it: those pages are rendered again, the others stay cached."""
    a, b = two_stories
    picture, gallery, author = picture_everywhere
    showing = ["/", a.get_absolute_url(), section_url("mars"), tag_url("rover"),
               gallery.get_absolute_url(), author.get_absolute_url(),
               reverse("authors:list"), reverse("articles:feed_rss")]  # fmt: skip
    old = f"/{picture.pk}/{picture.rendition_version}/"
    for url in showing:
        assertContains(client.get(url), old)
    others = [b.get_absolute_url(), section_url("moon"), tag_url("lander")]
    for url in others:
        client.get(url)
    behind_the_cache(b, "Changed behind the cache")
    version = cache.get(VERSION_KEY)

    def change():
        picture.focal_x = 0.2
        picture.save()

    assert purges(change)
    assert cache.get(VERSION_KEY) == version  # not every page
    new = f"/{picture.pk}/{picture.rendition_version}/"
    assert new != old
    for url in showing:
        response = client.get(url)
        assertContains(response, new)
        assertNotContains(response, old)
    for url in others:  # still the stored pages
        response = client.get(url)
        assertContains(response, "Lander goes quiet")
        assertNotContains(response, "Changed behind the cache")


def test_a_picture_only_an_unpublished_story_uses_purges_nothing(
    client, two_stories, editor, purges
):
    a, _ = two_stories
    picture = ImageFactory()
    ArticleFactory(headline="A draft", hero_image=picture, created_by=editor)

    def change():
        picture.alt_text = "Changed"
        picture.save()

    assert not purges(change)


# --- Related lists kept on other stories ----------------------------------------


@pytest.fixture
def cluster():
    """Z1 to Z5 share three tags; A shares one with them: Z1's page shows Z2
    to Z5, and keeps A (fifth) as a spare it does not show."""
    zs = [
        ArticleFactory(published=True, headline=f"Zeta story {n}") for n in range(1, 6)
    ]
    for z in zs:
        z.tags.add("zeta", "clay", "crater")
    a = ArticleFactory(published=True, headline="Alpha story")
    a.tags.add("zeta")
    other = ArticleFactory(published=True, headline="Unrelated story")
    other.tags.add("lander")
    return a, zs, other


def test_a_neighbours_page_is_purged_when_its_kept_list_changes(
    client, cluster, purges
):
    """`related.refresh` stores lists without model signals: the pages of the
    stories whose list changed are purged, and only those."""
    a, zs, other = cluster
    z1 = zs[0]
    assertNotContains(client.get(z1.get_absolute_url()), "Alpha story")
    client.get(other.get_absolute_url())
    behind_the_cache(other, "Changed behind the cache")

    assert purges(lambda: a.tags.add("clay", "crater", "extra"))
    # A now shares three tags with Z1 and is newer than Z2..Z5: shown first.
    assertContains(client.get(z1.get_absolute_url()), "Alpha story")
    assertContains(client.get(other.get_absolute_url()), "Unrelated story")


def test_a_neighbour_whose_kept_list_did_not_change_stays_cached(
    client, cluster, purges
):
    a, zs, _ = cluster
    z1 = zs[0]
    assertNotContains(client.get(z1.get_absolute_url()), "Alpha story")
    client.get(a.get_absolute_url())
    behind_the_cache(z1, "Changed behind the cache")

    def edit():  # A's standfirst: no list changes, and Z1's page does not show A
        a.dek = "A new standfirst"
        a.save()

    assert purges(edit)
    assertContains(client.get(a.get_absolute_url()), "A new standfirst")
    response = client.get(z1.get_absolute_url())
    assertContains(response, "Zeta story 1")
    assertNotContains(response, "Changed behind the cache")


def test_refreshing_lists_that_did_not_change_purges_nothing(cluster, purges):
    from articles import related

    ids = Article.objects.values_list("pk", flat=True)
    assert not purges(lambda: related.refresh(ids))
    Article.objects.update(related_ids=None)
    assert purges(lambda: related.refresh(ids))


# --- Changes readers never see purge nothing -------------------------------------


def _lock(story, editor):
    services.open_for_editing(story, user=editor)


def _autosave(story, editor):
    services.keep_draft(
        Article, user=editor, object_id=story.pk, data={"headline": "Typing..."}
    )


def _unsaved_revision(story, editor):
    services.save_revision(
        story, by=editor, kind=Revision.Kind.CONFLICT, data={"headline": "Mine"}
    )


def _share_link(story, editor):
    draft = Article.objects.get(headline="A draft")
    services.revoke_share_link(services.create_share_link(draft, by=editor), by=editor)


def _audit_row(story, editor):
    draft = Article.objects.get(headline="A draft")
    Transition.objects.create(
        item=draft, action="note", from_state="draft", to_state="draft", by=editor
    )


def _draft_story_transition(story, editor):
    draft = Article.objects.get(headline="A draft")
    services.transition(draft, "submit", by=editor)


def _draft_story_edit(story, editor):
    draft = Article.objects.get(headline="A draft")
    draft.headline = "Still a draft"
    draft.save()
    draft.tags.add("drafty")


def _login_attempt(story, editor):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="mallory", ip_address="203.0.113.9", failures_since_start=1
    )


def _session(story, editor):
    session = SessionStore()
    session["seen"] = True
    session.save()


def _second_factor(story, editor):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)


def _draft_sharing_a_live_storys_tag(story, editor):
    """Its own kept list changes (A joins it), but nobody sees its page."""
    draft = Article.objects.get(headline="A draft")
    draft.tags.add("rover")


def _unpublished_story_edit(story, editor):
    """Taken down before: edited, moved, given a live story's tag."""
    gone = ArticleFactory(
        headline="Taken down",
        status=State.UNPUBLISHED,
        published_at=story.published_at,
        section=story.section,
    )
    gone.tags.add("rover")
    gone.headline = "Taken down, edited"
    gone.section = Article.objects.get(headline="Lander goes quiet").section
    gone.save()


def _rendition(story, editor):
    from media_library.models import Rendition

    hero = ImageFactory()
    Article.objects.filter(pk=story.pk).update(hero_image=hero)
    Rendition.objects.create(image=hero, spec="card", target_width=320,
                             format="webp", version=hero.rendition_version)  # fmt: skip


def _unused_picture(story, editor):
    picture = ImageFactory()
    picture.alt_text = "Changed"
    picture.save()


@pytest.mark.parametrize(
    "change",
    [
        _lock,
        _autosave,
        _unsaved_revision,
        _share_link,
        _audit_row,
        _draft_story_transition,
        _draft_story_edit,
        _login_attempt,
        _session,
        _second_factor,
        _unused_picture,
        _draft_sharing_a_live_storys_tag,
        _unpublished_story_edit,
        _rendition,
    ],
)
def test_changes_readers_cannot_see_purge_nothing(
    client, two_stories, editor, purges, change
):
    a, _ = two_stories
    ArticleFactory(headline="A draft", section=a.section, created_by=editor)
    client.get(a.get_absolute_url())
    assert not purges(lambda: change(a, editor))


# --- The keys, and what a hit costs ----------------------------------------------


def test_each_page_names_its_keys_for_a_cdn(client, two_stories):
    a, _ = two_stories
    author = a.authors.get()
    tag = a.tags.get()
    first = client.get(a.get_absolute_url())
    keys = set(first["Surrogate-Key"].split())
    assert {f"story:{a.pk}", f"author:{author.pk}", f"tag:{tag.pk}"} <= keys
    assert client.get(a.get_absolute_url())["Surrogate-Key"] == first["Surrogate-Key"]
    assert "list:front" in client.get("/")["Surrogate-Key"].split()
    assert "list:feeds" in client.get(reverse("articles:feed_rss"))["Surrogate-Key"]


@pytest.fixture
def cache_calls(monkeypatch):
    from django.core.cache import caches

    calls = []
    backend = caches["default"]
    operation = backend.get_many

    def counted(*args, **kwargs):
        calls.append("get_many")
        return operation(*args, **kwargs)

    monkeypatch.setattr(backend, "get_many", counted)
    return calls


def test_after_an_unrelated_purge_a_hit_is_two_round_trips(
    client, two_stories, purges, cache_calls
):
    a, b = two_stories
    client.get(b.get_absolute_url())
    assert purges(lambda: a.save())
    cache_calls.clear()
    assertContains(client.get(b.get_absolute_url()), "Lander goes quiet")
    assert cache_calls == ["get_many", "get_many"]


def test_a_page_rendered_while_its_key_is_purged_is_not_stored(rf):
    from django.http import HttpResponse

    from core.cache import cached_page, depends_on, purge

    renders = []

    @cached_page
    def view(request):
        renders.append(1)
        if len(renders) == 1:
            purge(["story:1"])  # an edit commits while this renders
        return depends_on(HttpResponse(f"render {len(renders)}"), "story:1")

    assert view(rf.get("/keyed/")).content == b"render 1"
    assert view(rf.get("/keyed/")).content == b"render 2"
    assert view(rf.get("/keyed/")).content == b"render 2"  # now cached
    purge(["story:2"])
    assert view(rf.get("/keyed/")).content == b"render 2"  # another key
    purge(["story:1"])
    assert view(rf.get("/keyed/")).content == b"render 3"


def test_a_page_rendered_while_another_key_is_purged_is_stored(rf):
    from django.http import HttpResponse

    from core.cache import cached_page, depends_on, purge

    renders = []

    @cached_page
    def view(request):
        renders.append(1)
        purge(["story:2"])  # another story's edit commits while this renders
        return depends_on(HttpResponse(f"render {len(renders)}"), "story:1")

    assert view(rf.get("/keyed/")).content == b"render 1"
    assert view(rf.get("/keyed/")).content == b"render 1"


# --- With Redis, as in production -------------------------------------------------


def test_with_redis_an_edit_purges_its_pages_only_and_hits_stay_cheap(
    client, two_stories, redis_cache, purges, monkeypatch
):
    import redis

    a, b = two_stories
    commands = []
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        commands.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    for url in ("/", a.get_absolute_url(), b.get_absolute_url()):
        client.get(url)
    behind_the_cache(b, "Changed behind the cache")
    commands.clear()
    assertContains(client.get(b.get_absolute_url()), "Lander goes quiet")
    assert commands == ["MGET"]  # nothing purged since it was stored

    def edit():
        a.headline = "Rover finds more clay"
        a.save()

    assert purges(edit)
    commands.clear()
    assertContains(client.get(b.get_absolute_url()), "Lander goes quiet")
    assert commands == ["MGET", "MGET"]  # its keys' versions: unchanged
    assertContains(client.get("/"), "Rover finds more clay")
    assertContains(client.get(a.get_absolute_url()), "Rover finds more clay")
