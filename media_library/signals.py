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
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Image, Rendition


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
