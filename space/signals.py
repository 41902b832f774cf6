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
