"""Side effects of changes to the space desk, connected in SpaceConfig.ready():
the hubs and hub feeds (content key `list:space`) are purged when an entity or
a story's link to one changes. Story changes purge them through `list:feeds`
(newsroom.signals)."""

from django.db import transaction
from django.dispatch import Signal

from core.cache import purge


def purge_hubs(sender=None, **kwargs):
    """post_save and post_delete of an entity or of a link row (the story
    form's rows), and m2m_changed of a link table. Arguments: sender, action
    (m2m_changed only); any others are ignored."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # purged once, after the change
    transaction.on_commit(lambda: purge(["list:space"]))


# What a change to a story's JSON-LD (space.structured_data.story_about) can
# change: the entity's name, slug, Wikidata id and links to other entities
# (its parent is named in `mentions`), and nothing else.
NAMED_BY = frozenset({"name", "slug", "wikidata_id"})


def purge_story_pages(sender=None, instance=None, **kwargs):
    """The story pages whose JSON-LD names an entity (`story:<pk>`, the keys
    articles.views gives a story page) when the entity or a link changes.
    post_save and pre_delete of an entity: every story on its hub (its
    story_q, the stories that name it), read before a deletion takes its links
    away. post_save and post_delete of a link row: its story. m2m_changed of a
    link table: the stories added, removed or (read before) cleared."""
    if hasattr(instance, "article_id"):  # a link row
        stories = [instance.article_id]
    elif "action" in kwargs:
        stories = _changed_links(instance, **kwargs)
        if stories is None:
            return
    else:  # an entity
        fields = kwargs.get("update_fields")
        relations = {f.name for f in type(instance)._meta.fields if f.is_relation}
        if fields is not None and not (set(fields) & (NAMED_BY | relations)):
            return
        stories = _named_stories(instance)
    keys = [f"story:{pk}" for pk in stories]
    transaction.on_commit(lambda: purge(keys))


def _changed_links(instance, *, action, model, pk_set=None, **kwargs):
    from articles.models import Article

    if model is not Article:  # the story's side: article.space_missions.add()
        return None if action.startswith("pre_") else [instance.pk]
    if action == "pre_clear":
        return list(instance.stories.values_list("pk", flat=True))
    if action.startswith("pre_") or action == "post_clear":
        return None
    return list(pk_set or ())


def _named_stories(entity) -> list[int]:
    from articles.models import Article

    return list(Article.objects.filter(entity.story_q()).values_list("pk", flat=True))


# What the space desk tells the apps above it (the launch desk, live coverage);
# sent after the change is committed, once per change, whoever made it (the
# Launch Library 2 import or an editor in the admin).
#
# launch_moved: the launch's no-earlier-than time changed. Arguments: launch,
# old_net, new_net, by (the editor, or None for the import), source
# ("import" or "hand").
launch_moved = Signal()
# launch_outcome: the launch's status became Success, Failure or Partial
# Failure (Launch.OUTCOMES). Arguments: launch, status, by, source.
launch_outcome = Signal()
