from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class SpaceConfig(AppConfig):
    name = "space"
    label = "space"
    verbose_name = "Space desk"

    def ready(self):
        from .models import KINDS, Slip
        from .signals import purge_hubs

        # A launch's time changes show on its hub and in the launch calendar.
        post_save.connect(purge_hubs, sender=Slip, dispatch_uid="space.purge_hubs.slip")
        post_delete.connect(
            purge_hubs, sender=Slip, dispatch_uid="space.purge_hubs.slip"
        )

        for model in KINDS.values():
            links = model.stories.through
            for sender in (model, links):
                uid = f"space.purge_hubs.{sender._meta.model_name}"
                post_save.connect(purge_hubs, sender=sender, dispatch_uid=uid)
                post_delete.connect(purge_hubs, sender=sender, dispatch_uid=uid)
            m2m_changed.connect(
                purge_hubs,
                sender=links,
                dispatch_uid=f"space.m2m.{links._meta.model_name}",
            )
