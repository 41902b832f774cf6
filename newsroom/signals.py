"""Cache purges when anything public pages show changes. Connected in
NewsroomConfig.ready(); each purge runs after the transaction commits."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from newsroom.cache import bump_site_version
from newsroom.workflow import signals as workflow_signals

# Apps whose rows appear on public pages.
CONTENT_APPS = {"articles", "authors", "media_library", "taggit"}


def purge_pages(sender=None, **kwargs):
    """Arguments: sender (a model class); any others are ignored."""
    if sender is None or sender._meta.app_label in CONTENT_APPS:
        transaction.on_commit(bump_site_version)


def connect() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(purge_pages, dispatch_uid=f"purge-pages-{id(signal)}")
    # Sent after commit by the workflow, with the item's model as sender.
    workflow_signals.transitioned.connect(purge_pages, dispatch_uid="purge-transition")
    workflow_signals.edited.connect(purge_pages, dispatch_uid="purge-edit")
