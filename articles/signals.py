"""Side effects of story changes, connected in ArticlesConfig.ready()."""

from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver

from newsroom.workflow.states import LIVE_STATES

from . import related
from .models import Article, OldSlug


@receiver(pre_delete, sender=Article)
def remember_removed_story(sender, instance: Article, **kwargs):
    """A deleted story that was ever public answers 410 Gone at its address.
    Arguments: instance, the Article about to be deleted."""
    if instance.published_at:
        OldSlug.objects.update_or_create(slug=instance.slug, defaults={"article": None})


@receiver(post_save, sender=Article, dispatch_uid="articles.related_on_save")
def story_saved(sender, instance: Article, raw=False, **kwargs):
    """Its related stories, and its neighbours' when it is live, worked out
    again (`articles.related`). Arguments: instance, raw (fixture loading)."""
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
    if action in ("pre_remove", "pre_clear") and instance.status in LIVE_STATES:
        instance._former_neighbours = related.neighbours(instance.pk)
    elif action.startswith("post_"):
        former = instance.__dict__.pop("_former_neighbours", [])
        related.story_changed(instance, also=former)
