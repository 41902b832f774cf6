# The workflow's models live in newsroom/workflow/models.py; Django finds an
# app's models through this module.
from newsroom.workflow.models import (  # noqa: F401
    Draft,
    EditLock,
    Revision,
    ShareLink,
    Transition,
)
