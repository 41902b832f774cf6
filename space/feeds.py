"""RSS and Atom feeds of a hub's stories: the site's story feed narrowed to
the hub's (`hub_stories`, so the same public rule)."""

from articles.feeds import StoryFeed
from core.cache import depends_on

from .views import HUB_KEYS, get_entity, hub_stories


class HubFeed(StoryFeed):
    def get_object(self, request, kind, slug):
        return get_entity(kind, slug)

    def uncached(self, request, *args, **kwargs):
        # The links and entities change without a story changing.
        return depends_on(super().uncached(request, *args, **kwargs), *HUB_KEYS)

    def title(self, obj):
        return f"{super().title(obj)}: {obj.name}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return f"The latest stories about {obj.name}."

    def stories(self, obj):
        return hub_stories(obj)
