"""Cache purges for live coverage. Connected in LiveConfig.ready().

purge_live(sender, instance, **kwargs): sender is LiveEntry, instance the
entry saved or deleted. After the commit, forgets the pages built from the
story's entries (`live:<story id>`): its page and its updates endpoint, and
nothing else (the story's cards and lists do not show entries).
"""

from django.db import transaction

from core.cache import purge


def live_key(article_id: int) -> str:
    return f"live:{article_id}"


def purge_live(sender=None, instance=None, **kwargs):
    key = live_key(instance.article_id)
    transaction.on_commit(lambda: purge([key]))
