"""Side effects of changes to the space desk, connected in SpaceConfig.ready():
the hubs and hub feeds (content key `list:space`) are purged when an entity or
a story's link to one changes. Story changes purge them through `list:feeds`
(newsroom.signals)."""

from django.db import transaction

from core.cache import purge


def purge_hubs(sender=None, **kwargs):
    """Arguments: sender (an entity model, or a story-link table for
    m2m_changed), action (m2m_changed only); any others are ignored."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    transaction.on_commit(lambda: purge(["list:space"]))
