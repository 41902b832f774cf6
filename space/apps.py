from django.apps import AppConfig
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
)


class SpaceConfig(AppConfig):
    name = "space"
    label = "space"
    verbose_name = "Space desk"

    def ready(self):
        from articles.structured_data import extend_story

        from . import structured_data
        from .models import KINDS, Milestone, Slip
        from .signals import purge_hubs, purge_story_pages

        # A story's JSON-LD names the entities it is about.
        extend_story(structured_data.story_about)

        # A launch's time changes show on its hub and in the launch calendar.
        post_save.connect(purge_hubs, sender=Slip, dispatch_uid="space.purge_hubs.slip")
        post_delete.connect(
            purge_hubs, sender=Slip, dispatch_uid="space.purge_hubs.slip"
        )
        # A mission's milestones show on its hubs (upcoming events, key facts).
        uid = "space.purge_hubs.milestone"
        post_save.connect(purge_hubs, sender=Milestone, dispatch_uid=uid)
        post_delete.connect(purge_hubs, sender=Milestone, dispatch_uid=uid)

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
            # The story pages that name the entity (space.structured_data).
            uid = f"space.purge_story_pages.{model._meta.model_name}"
            post_save.connect(purge_story_pages, sender=model, dispatch_uid=uid)
            pre_delete.connect(purge_story_pages, sender=model, dispatch_uid=uid)
            uid = f"space.purge_story_pages.{links._meta.model_name}"
            post_save.connect(purge_story_pages, sender=links, dispatch_uid=uid)
            post_delete.connect(purge_story_pages, sender=links, dispatch_uid=uid)
            m2m_changed.connect(purge_story_pages, sender=links, dispatch_uid=uid)
