"""What each role may do with the space desk's entities (applied by this app's
migrations; see workflow.roles). Editors keep the entities; writers read them,
so they can find them in the story form's autocomplete and link their stories
(a link is part of the story: `admin.StoryLinkInline` asks for the right to
change the story, not the entity)."""

from workflow.roles import EDITORS, WRITERS

MODELS = (
    "mission",
    "spacecraft",
    "launch",
    "launchvehicle",
    "launchprovider",
    "place",
    "celestialbody",
    "milestone",
)

GRANTS = {
    WRITERS: {("space", model): ["view"] for model in MODELS},
    EDITORS: {("space", model): ["*"] for model in MODELS},
}
