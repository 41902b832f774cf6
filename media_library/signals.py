"""Side effects of saving and deleting images: files nobody points at any more
are deleted once the transaction that orphaned them commits (never before, so a
rolled-back change keeps its files).

post_save(Image)       sender, instance, created, ...: when the picture is new or
                       its file or focal point changed, queue its renditions
                       (`tasks.make_renditions_later`), retire renditions of older
                       versions, and delete a replaced original file.
post_delete(Image)     sender, instance, ...: delete its original file (its
                       renditions go by cascade, each through post_delete below).
post_delete(Rendition) sender, instance, ...: delete the rendition's file.
workflow transitioned  item, transition: a story or gallery approved, scheduled
                       or published queues whatever size of its pictures is
                       missing (`tasks.make_missing_renditions`), so none is made
                       in a reader's request once it is public.
workflow edited        item, revision: the same for an edit to a live item (a
                       picture placed in a published story).
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from workflow import signals as workflow_signals
from workflow.states import LIVE_STATES, State

from .models import Image, Rendition

# States in which an item is public or about to be: its pictures are needed.
ON_THE_WAY_OUT = (State.APPROVED, *LIVE_STATES)


def _delete_file_on_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_save, sender=Image, dispatch_uid="media_library.image_saved")
def image_saved(sender, instance: Image, created: bool, **kwargs) -> None:
    before = getattr(instance, "_previous_state", {})
    old_file, old_version = before.get("file"), before.get("version")
    if old_file and old_file != instance.file.name:
        _delete_file_on_commit(instance.file.storage, old_file)
    if created or old_version != instance.rendition_version:
        from .tasks import make_renditions_later

        make_renditions_later(instance)
    if created or old_version == instance.rendition_version:
        return
    image_id, current = instance.pk, instance.rendition_version
    transaction.on_commit(
        lambda: (
            Rendition.objects.filter(image_id=image_id)
            .exclude(version=current)
            .delete()
        )
    )


@receiver(post_delete, sender=Image, dispatch_uid="media_library.image_deleted")
def image_deleted(sender, instance: Image, **kwargs) -> None:
    _delete_file_on_commit(instance.file.storage, instance.file.name)


@receiver(post_delete, sender=Rendition, dispatch_uid="media_library.rendition_deleted")
def rendition_deleted(sender, instance: Rendition, **kwargs) -> None:
    _delete_file_on_commit(instance.file.storage, instance.file.name)


def _queue_missing_renditions(item) -> None:
    from . import usage
    from .tasks import make_missing_renditions

    if ids := usage.placed_images(item):
        make_missing_renditions.enqueue(ids)


@receiver(workflow_signals.transitioned, dispatch_uid="media_library.placed")
def item_moved(sender, item, transition, **kwargs) -> None:
    if transition.to_state in ON_THE_WAY_OUT:
        _queue_missing_renditions(item)


@receiver(workflow_signals.edited, dispatch_uid="media_library.placed_in_edit")
def item_edited(sender, item, **kwargs) -> None:
    if getattr(item, "status", None) in LIVE_STATES:
        _queue_missing_renditions(item)
