"""Cache purges, of the pages showing what changed. Connected in
NewsroomConfig.ready(); each purge runs after the transaction commits.

A change names the content keys it affects (`keys_for`), and
`core.cache.purge` forgets the pages built from any of them (the views say
which keys each page shows: `core.cache.depends_on`):

- a story readers can see, will see at its minute (`public_ever_q`), or saw
  until this change: its page (`story:<id>`, which every page showing it as a
  card or a related story also carries), the lists that may now list it or
  stop listing it (front page, latest, feeds, and the pages of the section it
  is in and of the one it was in before, `list:section:<id>`), its tags' and
  its authors' lists of stories (`tagged:<id>`, `by:<id>`: not `tag:<id>` or
  `author:<id>`, which every story page naming the tag or author carries, for
  a change to the tag or author);
- its bylines, tags, corrections, old addresses and editors' picks: the same;
- the related lists kept on other stories (`articles.related.refresh`, whose
  bulk update sends no model signal, sends `related_lists_changed`): the pages
  of the public stories whose list changed, and only those;
- an author: their page and what shows their name (cards name their authors),
  the author list and the feeds; a tag, a gallery: their pages and those
  showing them;
- a picture readers see: the pages showing it, found by
  `media_library.usage.uses_of` (a story using it as hero or in its text, with
  the cards and feeds showing that story; a gallery holding it; an author
  whose headshot it is, with the author list);
- a section (the menu on every page): every page;
- a story or gallery taken down (unpublished, archived, unscheduled), an
  author made inactive, a picture taken out of a gallery: also the files of
  the pictures it placed (`image:<id>`, media_library.usage.content_key), which
  the caches in front otherwise keep a year.

Nothing readers see comes from the rest, which purges nothing: renditions and
pictures nothing public uses (`affects_public_pages()`), drafts, autosaves,
edit locks, unsaved revisions, share links, the audit trail, sessions, login
attempts, second factors (none of them is in CONTENT_APPS).
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from core.cache import bump_site_version, purge
from workflow import signals as workflow_signals
from workflow.models import Publishable, meets, public_ever_q
from workflow.states import LIVE_STATES

# Apps whose rows appear on public pages.
CONTENT_APPS = {"articles", "authors", "media_library", "taggit"}
# The lists of stories, besides its section's, that a story change may add it
# to, take it from or reorder.
STORY_LISTS = {"list:front", "list:latest", "list:feeds"}
EVERYTHING = "everything"
# What of a publishable item's stored row a save may change and a purge asks:
# whether readers could see it before, and where it was listed.
STORED_FIELDS = ("status", "published_at", "section")


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
    if keys != EVERYTHING and _taken_down(kwargs.get("transition")):
        keys = set(keys) | _pictures_of(instance)
    if isinstance(instance, Publishable):  # asked once, for the save it was read for
        instance.__dict__.pop("_stored_before_save", None)
    if keys == EVERYTHING:
        transaction.on_commit(bump_site_version)
    elif keys:
        transaction.on_commit(lambda: purge(keys))


def _taken_down(transition) -> bool:
    """A transition from a state readers see to one they do not (unpublished,
    archived, unscheduled, sent back)."""
    return (
        transition is not None
        and transition.from_state in LIVE_STATES
        and transition.to_state not in LIVE_STATES
    )


def _pictures_of(item) -> set[str]:
    """The keys of the pictures `item` places (`media_library.usage`): taken
    down, the caches in front must stop sending them (they keep a public
    picture's files a year: media_library.views.rendition)."""
    from media_library.usage import content_key, placed_images

    return {content_key(pk) for pk in placed_images(item)}


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
    if name == "authors.author":  # with the headshot, should it leave the site
        return {f"author:{instance.pk}", "list:authors", "list:feeds"} | (
            _pictures_of(instance) if not instance.is_active else set()
        )
    if name == "authors.book":
        return {f"author:{instance.author_id}"}
    if name == "media_library.gallery":
        return {f"gallery:{instance.pk}"} if was_live or _live(instance) else set()
    if name == "media_library.galleryitem":  # its picture may leave the site
        from media_library.usage import content_key

        return {f"gallery:{instance.gallery_id}", content_key(instance.image_id)}
    if name == "media_library.image":  # one readers see: affects_public_pages()
        return _picture(instance)
    if name == "media_library.creditpreset":
        return set()  # defaults for the upload form
    if name == "taggit.tag":  # a new one is on nothing yet
        return set() if kwargs.get("created") else {f"tag:{instance.pk}", "list:feeds"}
    if name == "taggit.taggeditem":
        if "action" in kwargs:  # taggit's many-to-many signal, about the rows
            return set()  # whose own post_save and post_delete purge
        return _tagging(instance.content_type_id, instance.object_id, instance.tag_id)
    return EVERYTHING  # sections (every page's menu)


def remember_stored(sender, instance=None, update_fields=None, **kwargs):
    """pre_save of a publishable item of CONTENT_APPS: keep what its stored row
    says of STORED_FIELDS on the instance, for `purge_pages` to purge the pages
    that showed it before the save (its old section's, or all of them when the
    save takes it down). One query, none when the save writes none of those
    fields. Arguments: sender, instance, update_fields; others are ignored."""
    if not isinstance(instance, Publishable):
        return
    instance.__dict__.pop("_stored_before_save", None)
    if instance.pk is None or sender._meta.app_label not in CONTENT_APPS:
        return
    fields = [f for f in STORED_FIELDS if _has_field(sender, f)]
    if update_fields is not None and not set(fields) & set(update_fields):
        return  # the stored row says what the instance says
    instance._stored_before_save = (
        sender._base_manager.filter(pk=instance.pk).only(*fields).first()
    )


def _has_field(model, name) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def _before(item):
    """The item's row as stored before the save being purged, if known."""
    return item.__dict__.get("_stored_before_save")


def _live(item) -> bool:
    """Whether readers see it or will at its minute (`public_ever_q`, the one
    predicate), or saw it or would have until this save (the stored row)."""
    before = _before(item)
    return meets(item, public_ever_q()) or (
        before is not None and meets(before, public_ever_q())
    )


def _story(story, *, was_live: bool = False) -> set[str]:
    """What a change to `story` purges: nothing while readers cannot see it,
    before or after (`was_live`: a transition from or to a live state)."""
    if not (was_live or _live(story)):
        return set()
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
    # The related lists of other stories that now show it, or another in its
    # place, are purged as they are stored (`purge_related_lists`).
    before = _before(story)
    sections = {story.section_id, before.section_id if before else None}
    return {
        f"story:{story.pk}",
        *STORY_LISTS,
        *(f"list:section:{pk}" for pk in sections if pk is not None),
        *(f"by:{pk}" for pk in authors),
        *(f"tagged:{pk}" for pk in tags),
    }


def _story_by_id(pk) -> set[str]:
    """For a row of a story's: the story's keys, or (the story deleted with it)
    its own key and the lists."""
    Article = apps.get_model("articles", "Article")
    story = Article._base_manager.filter(pk=pk).only(*STORED_FIELDS).first()
    if story is None:  # its section's pages: those that show it name it
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


# What a picture's use shows it on, by the model using it (the holder, or what
# the holder is part of: `usage.Use.obj`). The lists name only what a story's
# card or feed item shows (its hero, its text), and a headshot on the author
# list; every other page showing the holder carries its key.
PICTURE_KEYS = {
    "articles.article": lambda story: {f"story:{story.pk}", "list:feeds"},
    "media_library.gallery": lambda gallery: {f"gallery:{gallery.pk}"},
    "authors.author": lambda author: {f"author:{author.pk}", "list:authors"},
}


def _picture(image) -> set[str] | str:
    """A picture readers see changed: the pages of what shows it publicly
    (`media_library.usage.uses_of`, which finds every model using a picture),
    or every page for a use this module does not know."""
    from media_library.usage import uses_of

    keys = set()
    for use in uses_of(image):
        if not use.is_public:
            continue
        keys_of = PICTURE_KEYS.get(use.obj._meta.label_lower)
        if keys_of is None:
            return EVERYTHING
        keys |= keys_of(use.obj)
    return keys


def purge_related_lists(sender=None, story_ids=(), **kwargs):
    """articles.signals.related_lists_changed: the kept related lists of these
    public stories changed, without a model signal; purge their pages.
    Arguments: sender, story_ids."""
    keys = {f"story:{pk}" for pk in story_ids}
    if keys:
        transaction.on_commit(lambda: purge(keys))


def connect() -> None:
    from articles.signals import related_lists_changed

    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(purge_pages, dispatch_uid=f"purge-pages-{id(signal)}")
    pre_save.connect(remember_stored, dispatch_uid="purge-remember-stored")
    related_lists_changed.connect(purge_related_lists, dispatch_uid="purge-related")
    # Sent after commit by the workflow, with the item's model as sender.
    workflow_signals.transitioned.connect(purge_pages, dispatch_uid="purge-transition")
    workflow_signals.edited.connect(purge_pages, dispatch_uid="purge-edit")
