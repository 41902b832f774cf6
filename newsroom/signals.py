"""Cache purges, of the pages showing what changed. Connected in
NewsroomConfig.ready(); each purge runs after the transaction commits.

A change names the content keys it affects (`keys_for`), and
`core.cache.purge` forgets the pages built from any of them (the views say
which keys each page shows: `core.cache.depends_on`):

- a story readers can see (published, or scheduled), or one leaving that state:
  its page (`story:<id>`, which every page showing it as a card or a related
  story also carries), the lists that may now list it or stop listing it (front
  page, latest, sections, feeds), its tags' and its authors' lists of stories
  (`tagged:<id>`, `by:<id>`: not `tag:<id>` or `author:<id>`, which every story
  page naming the tag or author carries, for a change to the tag or author);
- its bylines, tags, corrections, old addresses and editors' picks: the same;
- an author: their page and what shows their name (cards name their authors),
  the author list and the feeds; a tag, a gallery: their pages and those
  showing them;
- a section (the menu on every page) or a picture readers see: every page.

Nothing readers see comes from the rest, which purges nothing: renditions and
pictures nothing public uses (`affects_public_pages()`), drafts, autosaves,
edit locks, unsaved revisions, share links, the audit trail, sessions, login
attempts, second factors (none of them is in CONTENT_APPS).
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from core.cache import bump_site_version, purge
from workflow import signals as workflow_signals
from workflow.states import LIVE_STATES

# Apps whose rows appear on public pages.
CONTENT_APPS = {"articles", "authors", "media_library", "taggit"}
# Every list of stories a story change may add it to, take it from or reorder.
STORY_LISTS = {"list:front", "list:latest", "list:sections", "list:feeds"}
EVERYTHING = "everything"


def purge_pages(sender=None, instance=None, **kwargs):
    """Arguments: sender (a model class, for a many-to-many change its through
    model), instance (the row, for model signals; `item` for the workflow's),
    action and pk_set (many-to-many changes), transition (the workflow's);
    any others are ignored."""
    if sender is None or sender._meta.app_label not in CONTENT_APPS:
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # a many-to-many change is purged once, after it is made
    instance = kwargs.get("item", instance)
    affects = getattr(instance, "affects_public_pages", None)
    if affects is not None and not affects():
        return
    keys = keys_for(sender, instance, **kwargs)
    if keys == EVERYTHING:
        transaction.on_commit(bump_site_version)
    elif keys:
        transaction.on_commit(lambda: purge(keys))


def keys_for(sender, instance, **kwargs) -> set[str] | str:
    """The content keys a change to `instance` affects, or EVERYTHING."""
    if sender.__module__ == "__fake__":
        return EVERYTHING  # a migration's historical model: ask nothing of it
    name = sender._meta.label_lower
    was_live = (transition := kwargs.get("transition")) is not None and (
        transition.from_state in LIVE_STATES or transition.to_state in LIVE_STATES
    )
    if name == "articles.article":
        return _story(instance, was_live=was_live)
    if name == "articles.article_related":  # editors' picks: both ends' pages
        return {f"story:{pk}" for pk in {instance.pk, *(kwargs.get("pk_set") or ())}}
    if name in ("articles.byline", "articles.correction", "articles.oldslug"):
        keys = _story_by_id(instance.article_id)
        if keys and name == "articles.byline":
            keys.add(f"by:{instance.author_id}")
        return keys
    if name == "articles.inlineimage":
        return set()  # kept in step with the body, whose save purges
    if name == "authors.author":
        return {f"author:{instance.pk}", "list:authors", "list:feeds"}
    if name == "authors.book":
        return {f"author:{instance.author_id}"}
    if name == "media_library.gallery":
        return {f"gallery:{instance.pk}"} if was_live or _live(instance) else set()
    if name == "media_library.galleryitem":
        return {f"gallery:{instance.gallery_id}"}
    if name == "media_library.creditpreset":
        return set()  # defaults for the upload form
    if name == "taggit.tag":  # a new one is on nothing yet
        return set() if kwargs.get("created") else {f"tag:{instance.pk}", "list:feeds"}
    if name == "taggit.taggeditem":
        if "action" in kwargs:  # taggit's many-to-many signal, about the rows
            return set()  # whose own post_save and post_delete purge
        return _tagging(instance.content_type_id, instance.object_id, instance.tag_id)
    return EVERYTHING  # sections (every page's menu), pictures readers see


def _live(item) -> bool:
    """Whether readers see it, will at its minute, or may have seen it (public
    once: a save may be what took it down)."""
    return item.status in LIVE_STATES or item.published_at is not None


def _story(story, *, was_live: bool = False) -> set[str]:
    """What a change to `story` purges: nothing while readers cannot see it,
    before or after (`was_live`: a transition from or to a live state)."""
    if not (was_live or _live(story)):
        return set()
    from articles import related

    Byline = apps.get_model("articles", "Byline")
    authors = Byline.objects.filter(article_id=story.pk).values_list(
        "author_id", flat=True
    )
    tags = (
        apps.get_model("taggit", "TaggedItem")
        .objects.filter(
            content_type__app_label="articles",
            content_type__model="article",
            object_id=story.pk,
        )
        .values_list("tag_id", flat=True)
    )
    # Going live, or leaving: the related lists of the stories sharing a tag
    # with it may now show it, or show another instead (articles.related).
    neighbours = related.neighbours(story.pk) if was_live else ()
    return {
        f"story:{story.pk}",
        *STORY_LISTS,
        *(f"story:{pk}" for pk in neighbours),
        *(f"by:{pk}" for pk in authors),
        *(f"tagged:{pk}" for pk in tags),
    }


def _story_by_id(pk) -> set[str]:
    """For a row of a story's: the story's keys, or (the story deleted with it)
    its own key and the lists."""
    Article = apps.get_model("articles", "Article")
    story = Article.objects.filter(pk=pk).only("status", "published_at").first()
    if story is None:
        return {f"story:{pk}", *STORY_LISTS}
    return _story(story)


def _tagging(content_type_id, object_id, tag_id) -> set[str]:
    """A tag put on or taken off something: a story's tag pages and lists.
    Pictures' tags are the library's (readers never see them)."""
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None or model._meta.label_lower != "articles.article":
        return set()
    keys = _story_by_id(object_id)
    return keys | {f"tagged:{tag_id}"} if keys else keys


def connect() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(purge_pages, dispatch_uid=f"purge-pages-{id(signal)}")
    # Sent after commit by the workflow, with the item's model as sender.
    workflow_signals.transitioned.connect(purge_pages, dispatch_uid="purge-transition")
    workflow_signals.edited.connect(purge_pages, dispatch_uid="purge-edit")
