"""A topic hub per entity: key facts, its latest public stories (and those
about what belongs to it), related entities, upcoming launches, feeds and
JSON-LD. The stories are `Article.objects.public()`: the one public rule."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from articles.models import Article, Section
from articles.views import STORIES_PER_PAGE
from core.cache import cached_page, card_keys, depends_on
from media_library.structured_data import script

from . import structured_data
from .models import KINDS, Launch

UPCOMING = 5
# What a hub's page depends on besides its story cards: any story change
# (newsroom.signals purges list:feeds with every list of stories) and any
# change to the space desk (space.signals).
HUB_KEYS = ("list:feeds", "list:space")


def get_entity(kind: str, slug: str):
    """The entity with its own links (pad, mission...) loaded, or 404."""
    model = KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of entity.")
    links = [f.name for f in model._meta.fields if f.is_relation]
    return get_object_or_404(model.objects.select_related(*links), slug=slug)


def hub_stories(entity):
    """The public stories about `entity` or what belongs to it, newest first,
    as cards; a subquery keeps a story linked twice listed once."""
    about = Article.objects.filter(entity.story_q()).values("pk")
    return Article.objects.public().filter(pk__in=about)


@cached_page
def hub(request, kind, slug):
    entity = get_entity(kind, slug)
    stories = hub_stories(entity)
    page_obj = Paginator(
        stories.with_card_relations().newest_first(), STORIES_PER_PAGE
    ).get_page(request.GET.get("page"))
    launches_q = entity.launches_q()
    upcoming = (
        list(
            Launch.objects.filter(launches_q)
            .upcoming(timezone.now())
            .distinct()
            .select_related("pad", "vehicle")[:UPCOMING]
        )
        if launches_q is not None
        else []
    )
    response = render(
        request,
        "space/hub.html",
        {
            "entity": entity,
            "kind": kind,
            "kind_label": entity._meta.verbose_name,
            "facts": entity.facts(),
            "related_groups": entity.related_groups(),
            "upcoming": upcoming,
            "page_obj": page_obj,
            "story_count": page_obj.paginator.count,
            "sections": Section.objects.all(),
            "jsonld": script(structured_data.hub(request, entity)),
            "canonical_url": request.build_absolute_uri(entity.get_absolute_url()),
        },
    )
    return depends_on(response, *HUB_KEYS, *card_keys(page_obj))
