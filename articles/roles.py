"""What each role may do with stories, their bylines, corrections, sections
and tags (applied by this app's migrations; see workflow.roles)."""

from workflow.roles import EDITORS, WRITERS

GRANTS = {
    WRITERS: {
        ("articles", "article"): ["add", "change", "view"],
        ("articles", "byline"): ["add", "change", "delete", "view"],
        ("articles", "correction"): ["view"],
        ("articles", "section"): ["view"],
        ("taggit", "tag"): ["add", "view"],
    },
    EDITORS: {
        (app, model): ["*"]
        for app, model in [
            ("articles", "article"),
            ("articles", "byline"),
            ("articles", "correction"),
            ("articles", "section"),
            ("taggit", "tag"),
            ("taggit", "taggeditem"),
        ]
    },
}
