"""Side effects of story changes, connected in ArticlesConfig.ready()."""

from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import Article, OldSlug


@receiver(pre_delete, sender=Article)
def remember_removed_story(sender, instance: Article, **kwargs):
    """A deleted story that was ever public answers 410 Gone at its address.
    Arguments: instance, the Article about to be deleted."""
    if instance.published_at:
        OldSlug.objects.update_or_create(slug=instance.slug, defaults={"article": None})
