"""Cache purges when anything public pages show changes. Connected in
NewsroomConfig.ready(); each purge runs after the transaction commits."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from newsroom.cache import bump_site_version
from newsroom.workflow import signals as workflow_signals

# Apps whose rows appear on public pages.
CONTENT_APPS = {"articles", "authors", "media_library", "taggit"}


def purge_pages(sender=None, instance=None, **kwargs):
    """Arguments: sender (a model class), instance (the row, for model
    signals); any others are ignored. A row whose model can tell
    (`affects_public_pages()`: a library picture nothing public uses, a
    rendition) purges nothing when it says no."""
    if sender is not None and sender._meta.app_label not in CONTENT_APPS:
        return
    affects = getattr(instance, "affects_public_pages", None)
    if affects is not None and not affects():
        return
    transaction.on_commit(bump_site_version)


def connect() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(purge_pages, dispatch_uid=f"purge-pages-{id(signal)}")
    # Sent after commit by the workflow, with the item's model as sender.
    workflow_signals.transitioned.connect(purge_pages, dispatch_uid="purge-transition")
    workflow_signals.edited.connect(purge_pages, dispatch_uid="purge-edit")
