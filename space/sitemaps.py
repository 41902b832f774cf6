"""The hubs in the sitemap (/sitemaps/space.xml, registered in newsroom/urls.py
beside articles' sitemaps).

Which hubs: those listing at least one public story, and every launch. A hub
with no story is a heading, a description and a few facts: thin content a
search engine would rather not be sent to. A launch's hub is the exception: its
time, window, status, pad and vehicle are what people search for, before any
story is written.

lastmod: the newest public story the hub lists (its publication or revision
time, whichever is later) and, for a launch, the latest change of its time the
newsroom noticed (space.Slip). Entities keep no time of their own changes, so
a hub whose only change is an entity's (a new description) is not dated by it;
a launch with neither stories nor time changes has no lastmod, which is better
than a wrong one.

Which stories a hub lists is its kind's story_q (`hub_lookups`), read from the
stories' side: for each way a story reaches a kind's hubs, the public stories
linked that way, grouped by hub. All of it is one query (a UNION ALL), and one
more for the launches.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, F, Max, Value, When
from django.urls import reverse

from articles.models import Article
from articles.sitemaps import UndatedSitemap

from .models import KINDS, Launch, Slip
from .structured_data import hub_lookups


@dataclass(frozen=True)
class Hub:
    kind: str
    pk: int
    slug: str
    latest: datetime | None

    def get_absolute_url(self):
        return reverse("space:hub", args=[self.kind, self.slug])


# A story's last change: the later of its publication and revision times
# (StorySitemap.lastmod's rule, in SQL).
CHANGED = Case(
    When(revised_at__gt=F("published_at"), then=F("revised_at")),
    default=F("published_at"),
)


def dated_hubs() -> dict[tuple[str, int], Hub]:
    """(kind, pk) -> Hub, for every hub listing a public story or a launch
    with a time change, dated by the newest of them: one query."""
    parts = [
        Article.objects.public()
        .filter(**{f"{lookup}__isnull": False})
        .order_by()
        .values(entity=F(lookup), entity_slug=F(f"{lookup}__slug"))
        .annotate(entity_kind=Value(kind), latest=Max(CHANGED))
        .values_list("entity_kind", "entity", "entity_slug", "latest")
        for kind, model in KINDS.items()
        for lookup in hub_lookups(model)
    ]
    parts.append(
        Slip.objects.order_by()
        .values(entity=F("launch"), entity_slug=F("launch__slug"))
        .annotate(entity_kind=Value(Launch.kind), latest=Max("noticed_at"))
        .values_list("entity_kind", "entity", "entity_slug", "latest")
    )
    hubs = {}
    for kind, pk, slug, latest in parts[0].union(*parts[1:], all=True):
        known = hubs.get((kind, pk))
        if known is None or latest > known.latest:
            hubs[kind, pk] = Hub(kind, pk, slug, latest)
    return hubs


class HubSitemap(UndatedSitemap):
    limit = 50_000

    def items(self):
        hubs = dated_hubs()
        for pk, slug in Launch.objects.order_by().values_list("pk", "slug"):
            hubs.setdefault((Launch.kind, pk), Hub(Launch.kind, pk, slug, None))
        # Kind by kind, oldest first: a new hub changes the end of the list.
        order = list(KINDS)
        return sorted(hubs.values(), key=lambda h: (order.index(h.kind), h.pk))

    def lastmod(self, hub):
        return hub.latest

    def get_latest_lastmod(self):
        # Django's default would read every launch to find this.
        return max((hub.latest for hub in dated_hubs().values()), default=None)
