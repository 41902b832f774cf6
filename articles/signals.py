"""Side effects of story changes, connected in ArticlesConfig.ready()."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import Signal, receiver

from . import related
from .models import Article, OldSlug

# Sent by `related.refresh` (whose bulk_update sends no model signal) when the
# kept related lists of stories public now changed, so that their pages are
# purged (newsroom.signals). Arguments: sender (Article), story_ids.
related_lists_changed = Signal()


@receiver(pre_delete, sender=Article)
def remember_removed_story(sender, instance: Article, **kwargs):
    """A deleted story that was ever public answers 410 Gone at its address.
    Arguments: instance, the Article about to be deleted."""
    if instance.published_at:
        OldSlug.objects.update_or_create(slug=instance.slug, defaults={"article": None})


@receiver(pre_delete, sender=Article, dispatch_uid="articles.related_before_delete")
def note_neighbours_of_removed_story(sender, instance: Article, **kwargs):
    """The stories whose lists may hold one about to be deleted (its tags go
    with it). Arguments: instance."""
    if related.reaches_neighbours(instance):
        instance._former_neighbours = related.neighbours(instance.pk)


@receiver(post_delete, sender=Article, dispatch_uid="articles.related_on_delete")
def story_deleted(sender, instance: Article, **kwargs):
    """Its neighbours' lists worked out again without it. Arguments: instance."""
    former = instance.__dict__.pop("_former_neighbours", [])
    if former:
        related.refresh_later.enqueue(former)


@receiver(post_save, sender=Article, dispatch_uid="articles.related_on_save")
def story_saved(sender, instance: Article, raw=False, **kwargs):
    """Its related stories, and its neighbours' when it is or was live, worked
    out again (`articles.related`). Arguments: instance, raw (fixture loading)."""
    if not raw:
        related.story_changed(instance)


@receiver(m2m_changed, sender=Article.tags.through, dispatch_uid="articles.tags")
@receiver(m2m_changed, sender=Article.related.through, dispatch_uid="articles.picks")
def story_links_changed(sender, instance, action, **kwargs):
    """Tags or editors' picks added, removed or cleared: as for a save, and
    the stories that shared a removed tag are worked out again too.
    Arguments: instance (a story, or a tag when changed from the tag's side),
    action."""
    if not isinstance(instance, Article):
        return
    if action in ("pre_remove", "pre_clear") and related.reaches_neighbours(instance):
        instance._former_neighbours = related.neighbours(instance.pk)
    elif action.startswith("post_"):
        former = instance.__dict__.pop("_former_neighbours", [])
        related.story_changed(instance, also=former)
