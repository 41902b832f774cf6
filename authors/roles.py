"""What each role may do with author profiles (applied by this app's
migrations; see workflow.roles)."""

from workflow.roles import EDITORS, WRITERS

GRANTS = {
    WRITERS: {("authors", "author"): ["view"]},
    EDITORS: {("authors", "author"): ["*"], ("authors", "book"): ["*"]},
}
