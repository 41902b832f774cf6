"""What each role may do with live entries (applied by this app's migrations;
see workflow.roles). Writers post entries to the live stories they write (the
story's own writers: live.services.can_post); editors post to any, and
approve, pin, correct and delete."""

from workflow.roles import EDITORS, WRITERS

GRANTS = {
    WRITERS: {("live", "liveentry"): ["add", "view"]},
    EDITORS: {("live", "liveentry"): ["*"]},
}
