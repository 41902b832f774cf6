"""Signals for side effects of the workflow (cache purges, reindexing).

Both are sent after the transaction commits, with the item's model as sender.
"""

from django.dispatch import Signal

# Arguments: item (the Publishable), transition (the audit row just written).
transitioned = Signal()

# Arguments: item (the Publishable), revision (the Revision just stored).
edited = Signal()
