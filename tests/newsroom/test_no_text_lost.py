"""Nothing anyone types is lost (issue 11): a save made from an older version
is refused whatever the item's history, its whole submission is kept and shown
beside what changed, and merging keeps both people's work; restore and
workflow actions from a stale page are refused the same way; autosave keeps a
private draft and does nothing else; who else has a form open is told, and
forgotten soon after they close it."""

import datetime as dt
import threading

import lxml.html
import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article
from authors.models import Author
from media_library.models import Gallery, Image
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    GalleryFactory,
    ImageFactory,
    UserFactory,
    gallery_with,
)
from tests.newsroom.workflow_helpers import snapshot
from workflow import services
from workflow.models import Draft, EditLock, Revision, Transition
from workflow.states import State

pytestmark = pytest.mark.django_db


def change_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def admin_url(obj, view, *args):
    meta = obj._meta
    return reverse(
        f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk, *args]
    )


def form_of(response) -> dict:
    """What a browser would send back from the page's edit form, unchanged."""
    page = lxml.html.fromstring(response.content.decode())
    form = next(f for f in page.forms if f.get("id", "").endswith("_form"))
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def loaded_by(client, obj, *users) -> list[dict]:
    """The edit form of `obj` as each of `users` loaded it, in turn."""
    forms = []
    for user in users:
        client.force_login(user)
        forms.append(form_of(client.get(change_url(obj))))
    return forms


def post(client, url, data):
    return client.post(url, data)


@pytest.fixture
def ann(db):
    return UserFactory(
        username="ann", first_name="Ann", last_name="Editor", is_staff=True,
        is_superuser=True,
    )  # fmt: skip


@pytest.fixture
def ben(db):
    return UserFactory(
        username="ben", first_name="Ben", last_name="Editor", is_staff=True,
        is_superuser=True,
    )  # fmt: skip


def a_story():
    return ArticleFactory(headline="Sky crane crash seen", dek="From the rover.")


def a_gallery():
    return gallery_with(2, title="Sky crane pictures", description="Six views.")


def an_author():
    return AuthorFactory(name="Sam Senior", short_bio="Covers Mars.")


def a_picture():
    return ImageFactory(title="Hazcam view", caption="Smoke on the horizon.")


# (make, a text field both may edit, another text field)
KINDS = {
    "story": (a_story, "headline", "dek"),
    "gallery": (a_gallery, "title", "description"),
    "author": (an_author, "name", "short_bio"),
    "picture": (a_picture, "title", "caption"),
}


@pytest.mark.parametrize("kind", KINDS)
def test_of_two_saves_from_one_loaded_form_exactly_one_wins(
    client, ann, ben, kind, media_files
):
    make, field, other_field = KINDS[kind]
    obj = make()
    assert not Revision.for_item(obj).exists()  # no history: still guarded
    anns, bens = loaded_by(client, obj, ann, ben)

    client.force_login(ann)
    first = post(client, change_url(obj), {**anns, other_field: "Ann's words"})
    assert first.status_code == 302
    client.force_login(ben)
    second = post(client, change_url(obj), {**bens, field: "Ben's words"})

    assert second.status_code == 200
    assertContains(second, "after you opened it. Nothing was overwritten")
    assertContains(second, "Ben&#x27;s words")  # his text is still in the form
    stored = type(obj).objects.get(pk=obj.pk)
    assert getattr(stored, other_field) == "Ann's words"
    assert getattr(stored, field) == getattr(obj, field)  # his is not saved
    assert stored.version == obj.version + 1  # one save only
    draft = Draft.objects.get(user=ben, object_id=obj.pk)
    assert draft.kind == Draft.Kind.CONFLICT
    assert draft.data[field] == "Ben's words"
    assert draft.submitted[field] == ["Ben's words"]
    assert draft.base_version == obj.version
    # The diff says what Ann changed since Ben opened the form.
    assertContains(second, "<ins>Ann&#x27;s words</ins>")

    # Saving the page as shown (its defaults) keeps both people's changes.
    merged = post(client, change_url(obj), form_of(second))
    assert merged.status_code == 302
    stored = type(obj).objects.get(pk=obj.pk)
    assert getattr(stored, field) == "Ben's words"
    assert getattr(stored, other_field) == "Ann's words"
    assert stored.version == obj.version + 2
    assert not Draft.objects.filter(user=ben, object_id=obj.pk).exists()


def test_merge_chooses_field_by_field(client, ann, ben):
    story = a_story()
    anns, bens = loaded_by(client, story, ann, ben)
    client.force_login(ann)
    post(client, change_url(story), {**anns, "headline": "Ann's headline"})
    client.force_login(ben)
    refused = post(
        client,
        change_url(story),
        {**bens, "headline": "Ben's headline", "dek": "Ben's dek"},
    )
    page = form_of(refused)
    # Both changed the headline: his is proposed, and the row says so.
    assert page["_merge-headline"] == ["mine"]
    assertContains(refused, "You both changed it")
    page["_merge-headline"] = ["current"]  # he keeps Ann's headline

    assert post(client, change_url(story), page).status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.dek) == ("Ann's headline", "Ben's dek")


def test_a_stale_story_save_keeps_bylines_and_tags_in_the_draft(
    client, ann, ben, writer
):
    story = ArticleFactory(headline="Landing day")
    story.bylines.create(author=AuthorFactory(name="Sam Senior"))
    anns, bens = loaded_by(client, story, ann, ben)
    client.force_login(ann)
    post(client, change_url(story), {**anns, "dek": "Ann's dek"})
    client.force_login(ben)
    post(client, change_url(story), {**bens, "tags": "Mars, Perseverance"})

    draft = Draft.objects.get(user=ben)
    assert draft.data["tags"] == ["Mars", "Perseverance"]
    assert draft.data["bylines"] == [{"author": "Sam Senior", "position": 0}]
    assert draft.submitted["bylines-0-author"] == [str(story.bylines.get().author_id)]
    revision = Revision.for_item(story).get(kind=Revision.Kind.CONFLICT)
    assert revision.created_by == ben and revision.data == draft.data


def test_a_form_without_its_version_is_refused(client, ann):
    story = a_story()
    client.force_login(ann)
    data = form_of(client.get(change_url(story)))
    del data["_version"]
    response = post(client, change_url(story), {**data, "headline": "Sneaky"})
    assert response.status_code == 200
    story.refresh_from_db()
    assert story.headline == "Sky crane crash seen"


def test_version_is_compared_and_bumped_in_one_update(django_assert_num_queries, ann):
    story = a_story()
    with django_assert_num_queries(1) as captured:
        services.claim_version(story, expected=1)
    sql = captured.captured_queries[0]["sql"]
    assert sql.startswith("UPDATE")
    assert '"version" = ("articles_article"."version" + 1)' in sql
    assert sql.count('"version"') == 3  # set, read for the bump, compared
    assert story.version == 2
    with pytest.raises(services.StaleVersion):
        services.claim_version(story, expected=1)
    assert Article.objects.get(pk=story.pk).version == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes one lock for the whole database: saves cannot race there",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model", [Article, Gallery, Author, Image])
def test_two_concurrent_saves_from_one_version_one_wins(model, media_files):
    obj = {
        Article: a_story,
        Gallery: lambda: GalleryFactory(title="Views"),
        Author: an_author,
        Image: a_picture,
    }[model]()
    ready = threading.Barrier(2)
    outcomes = []

    def save(text):
        try:
            mine = model.objects.get(pk=obj.pk)  # both load version 1
            ready.wait(timeout=30)
            with transaction.atomic():
                services.claim_version(mine, expected=1)
                field = (
                    "name"
                    if model is Author
                    else ("headline" if model is Article else "title")
                )
                setattr(mine, field, text)
                mine.save()
            outcomes.append(("saved", text))
        except services.StaleVersion:
            outcomes.append(("refused", text))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(o for o, _ in outcomes) == ["refused", "saved"]
    winner = next(t for o, t in outcomes if o == "saved")
    stored = model.objects.get(pk=obj.pk)
    assert stored.version == 2
    assert winner in (getattr(stored, "headline", None), stored.__dict__.get("title"),
                      stored.__dict__.get("name"))  # fmt: skip


# --- Restore and workflow actions from a stale page --------------------------


def test_restore_from_a_stale_page_is_refused(client, editor, story_in):
    story = story_in(State.DRAFT, headline="First")
    services.save_revision(story, by=editor)
    loaded = story.version
    client.force_login(editor)
    data = form_of(client.get(change_url(story)))
    post(client, change_url(story), {**data, "headline": "Second"})
    before = snapshot(story)
    revisions = Revision.objects.count()

    response = post(client, admin_url(story, "restore", 1), {"_version": loaded})

    assert response.status_code == 302
    assert snapshot(story) == before
    assert Revision.objects.count() == revisions
    page = client.get(response["Location"])
    assertContains(page, "after you opened this page, so nothing was done")

    # From the current page it works.
    story.refresh_from_db()
    ok = post(client, admin_url(story, "restore", 1), {"_version": story.version})
    assert ok.status_code == 302
    story.refresh_from_db()
    assert story.headline == "First"


def test_a_workflow_action_from_a_stale_page_is_refused(
    client, editor, writer, story_in
):
    story = story_in(State.IN_REVIEW, headline="Reviewed text")
    loaded = story.version
    Article.objects.filter(pk=story.pk).update(version=loaded + 1)  # a save since
    client.force_login(editor)
    before = snapshot(story)

    response = post(
        client, admin_url(story, "transition", "approve"), {"_version": loaded}
    )

    assert response.status_code == 302
    assert snapshot(story) == before
    assert not Transition.objects.exists()
    assertContains(
        client.get(response["Location"]), "so nothing was done. Read the current"
    )
    ok = post(
        client, admin_url(story, "transition", "approve"), {"_version": loaded + 1}
    )
    assert ok.status_code == 302
    story.refresh_from_db()
    assert story.status == State.APPROVED


def test_the_page_sends_its_version_with_each_action(client, editor, story_in):
    story = story_in(State.IN_REVIEW)
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    forms = lxml.html.fromstring(page).forms
    actions = [f for f in forms if "/workflow/" in (f.get("action") or "")]
    assert actions
    for form in actions:
        assert dict(form.form_values())["_version"] == str(story.version)


# --- Autosave ----------------------------------------------------------------


def test_autosave_keeps_a_private_draft_and_does_nothing_else(
    client, editor, story_in, django_capture_on_commit_callbacks
):
    story = story_in(State.PUBLISHED, headline="Live story", body="<p>Old.</p>")
    before = snapshot(story)
    client.force_login(editor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post(
            client,
            admin_url(story, "autosave"),
            {"_version": story.version, "headline": "Live story, updated",
             "body": "<p>New paragraph.</p>", "status": "archived"},
        )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["stale"] is False
    assert callbacks == []  # no purge, no signal, no reindex
    assert mail.outbox == []
    assert snapshot(story) == before
    story.refresh_from_db()
    assert story.version == 1
    assert not Revision.objects.exists()
    assert not Transition.objects.exists()
    draft = Draft.objects.get()
    assert draft.user == editor and draft.kind == Draft.Kind.AUTOSAVE
    assert draft.data == {
        "headline": "Live story, updated",
        "body": "<p>New paragraph.</p>",
    }  # only the text fields: never the state
    # The public page still shows the stored story.
    assertNotContains(client.get(story.get_absolute_url()), "New paragraph")


def test_autosave_is_refused_to_whoever_may_not_edit(client, other_writer, story_in):
    story = story_in(State.DRAFT)
    client.force_login(other_writer)
    response = post(client, admin_url(story, "autosave"), {"headline": "Mine now"})
    assert response.status_code == 403
    assert not Draft.objects.exists()
    response = client.get(admin_url(story, "autosave"))
    assert response.status_code in (403, 405)


def test_autosave_from_a_stale_form_keeps_the_text_and_warns(client, editor, story_in):
    story = story_in(State.DRAFT)
    client.force_login(editor)
    answer = post(
        client, admin_url(story, "autosave"), {"_version": 99, "dek": "Kept anyway"}
    ).json()
    assert answer["stale"] is True
    assert "Your text is kept as your draft" in answer["message"]
    assert Draft.objects.get().data == {"dek": "Kept anyway"}


def test_reopening_offers_the_draft_with_what_differs_then_restores_it(
    client, editor, story_in
):
    story = story_in(State.DRAFT, headline="Stored headline")
    client.force_login(editor)
    post(
        client,
        admin_url(story, "autosave"),
        {"_version": story.version, "headline": "Typed headline"},
    )
    page = client.get(change_url(story))
    assertContains(page, "You have unsaved text from")
    assertContains(page, "<del>Stored </del><ins>Typed </ins>headline")
    assertContains(page, 'href="?restore=draft"')

    restored = client.get(change_url(story) + "?restore=draft")
    assert form_of(restored)["headline"] == ["Typed headline"]
    assertContains(restored, 'data-dirty="true"')
    story.refresh_from_db()
    assert story.headline == "Stored headline"  # until they save

    saved = post(client, change_url(story), form_of(restored))
    assert saved.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Typed headline"
    assert not Draft.objects.exists()
    assertNotContains(client.get(change_url(story)), "You have unsaved text")


def test_a_draft_can_be_discarded(client, editor, story_in, writer):
    story = story_in(State.DRAFT)
    client.force_login(editor)
    post(client, admin_url(story, "autosave"), {"_version": 1, "dek": "Scrap"})
    client.force_login(writer)  # another person's discard touches only theirs
    post(client, admin_url(story, "autosave"), {"_version": 1, "dek": "Mine"})
    client.force_login(editor)
    response = post(client, admin_url(story, "discard"), {})
    assert response.status_code == 302
    assert list(Draft.objects.values_list("user__username", flat=True)) == ["wanda"]
    assert client.get(admin_url(story, "discard")).status_code == 405


def test_a_new_story_never_saved_is_autosaved_and_offered(client, writer):
    client.force_login(writer)
    add = reverse("admin:articles_article_add")
    key = form_of(client.get(add))["_key"][0]
    response = post(
        client,
        reverse("admin:articles_article_autosave_new"),
        {"_key": key, "headline": "Ingenuity's last flight", "body": "<p>One</p>"},
    )
    assert response.status_code == 200
    assert Draft.objects.get().object_id is None

    page = client.get(add)
    assertContains(page, "Ingenuity&#x27;s last flight")
    assertContains(page, f'href="?draft={key}"')
    restored = client.get(f"{add}?draft={key}")
    form = form_of(restored)
    assert form["headline"] == ["Ingenuity's last flight"]
    assert form["_key"] == [key]
    assert (
        post(client, reverse("admin:articles_article_autosave_new"), {"_key": ""})
    ).status_code == 400


def test_saving_a_new_story_drops_its_draft(client, writer, section):
    client.force_login(writer)
    add = reverse("admin:articles_article_add")
    form = form_of(client.get(add))
    post(
        client,
        reverse("admin:articles_article_autosave_new"),
        {"_key": form["_key"][0], "headline": "Half typed"},
    )
    response = post(
        client,
        add,
        {**form, "headline": "Fully typed", "section": str(section.pk)},
    )
    assert response.status_code == 302
    assert Article.objects.get().headline == "Fully typed"
    assert not Draft.objects.exists()


@pytest.fixture
def section(db):
    from tests.factories import SectionFactory

    return SectionFactory(name="Mars")


# --- Who else has it open ----------------------------------------------------


def test_presence_notice_goes_within_two_minutes_of_closing(
    client, editor, ann, story_in, monkeypatch
):
    story = story_in(State.DRAFT)
    start = timezone.make_aware(dt.datetime(2026, 11, 27, 14, 0))
    clock = {"now": start}
    monkeypatch.setattr(timezone, "now", lambda: clock["now"])
    client.force_login(ann)
    client.get(change_url(story))  # Ann opens it, then closes the tab
    client.force_login(editor)
    heard = post(client, admin_url(story, "presence"), {}).json()
    assert heard["others"] == ["Ann Editor (since 14:00)"]

    clock["now"] = start + dt.timedelta(minutes=2)
    assert post(client, admin_url(story, "presence"), {}).json()["others"] == []
    assertNotContains(client.get(change_url(story)), "Ann Editor (since")


def test_an_open_page_keeps_telling_and_a_closed_one_leaves(
    client, editor, ann, story_in, now
):
    story = story_in(State.DRAFT)
    client.force_login(ann)
    client.get(change_url(story))
    post(client, admin_url(story, "presence"), {})  # still open
    client.force_login(editor)
    assertContains(client.get(change_url(story)), "Ann Editor (since")
    client.force_login(ann)
    post(client, admin_url(story, "presence"), {"leave": "1"})  # tab closed
    assert not EditLock.objects.filter(user=ann).exists()
    client.force_login(editor)
    assert post(client, admin_url(story, "presence"), {}).json()["others"] == []


def test_presence_is_refused_to_whoever_may_not_edit(client, other_writer, story_in):
    story = story_in(State.DRAFT)
    client.force_login(other_writer)
    assert post(client, admin_url(story, "presence"), {}).status_code == 403
    assert not EditLock.objects.exists()


def test_the_editors_own_markup_is_not_a_change(client, ann, ben):
    """The story editor sends the stored body back without the line breaks
    between blocks: that must not count as the second editor's change, or
    their save would propose to undo the first editor's rewrite."""
    story = ArticleFactory(body="<p>The rover landed.</p>\n<p>It looked back.</p>")
    anns, bens = loaded_by(client, story, ann, ben)
    client.force_login(ann)
    post(client, change_url(story), {**anns, "body": "<p>Ann's rewrite.</p>"})
    client.force_login(ben)
    refused = post(
        client,
        change_url(story),
        {**bens, "headline": "Ben's headline",
         "body": "<p>The rover landed.</p><p>It looked back.</p>"},
    )  # fmt: skip
    page = form_of(refused)
    assert page["_merge-body"] == ["current"]
    assertNotContains(refused, "You both changed it")
    post(client, change_url(story), page)
    story.refresh_from_db()
    assert story.body == "<p>Ann's rewrite.</p>"
    assert story.headline == "Ben's headline"


def test_restoring_a_refused_submission_restores_its_text_only(client, ann, ben):
    """A refused save's draft names the section and bylines for reading; restored
    later, only its text goes back into the form, and the rest stays valid."""
    story = a_story()
    anns, bens = loaded_by(client, story, ann, ben)
    client.force_login(ann)
    post(client, change_url(story), {**anns, "dek": "Ann's dek"})
    client.force_login(ben)
    post(client, change_url(story), {**bens, "headline": "Ben's headline"})
    assert Draft.objects.get(user=ben).data["section"] == str(story.section)

    restored = client.get(change_url(story) + "?restore=draft")
    form = form_of(restored)
    assert form["headline"] == ["Ben's headline"]
    assert form["section"] == [str(story.section_id)]
    # Typed on an older version: saving it shows the merge again, with Ann's
    # dek kept by default, instead of silently putting the old dek back.
    merge = post(client, change_url(story), form)
    assert merge.status_code == 200
    page = form_of(merge)
    assert page["_merge-dek"] == ["current"]
    assert post(client, change_url(story), page).status_code == 302
    story.refresh_from_db()
    assert (story.headline, story.dek) == ("Ben's headline", "Ann's dek")
