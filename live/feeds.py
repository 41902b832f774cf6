"""A live story's entries for feed readers: one Atom feed per public live
story, linked from its page (<link rel="alternate">, live.page).

Newest first by the time posted (a pinned entry is pinned on the page only:
a feed reader sorts by date anyway); only the entries readers see (approved,
not deleted); a corrected entry carries its note and is dated by its
correction, so a reader shows it again. Cached like the page and its updates
and purged with them (`live:<id>` on every change to the entries,
`story:<id>` when the story changes or stops being public), written by
articles' Atom generator, which makes every address absolute.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed

from articles import embeds
from articles.feeds import AtomFeed
from articles.models import Article
from core.cache import cached_page, depends_on
from media_library import inline

from .models import LiveEntry
from .page import entry_headline, feed_title, keys_of, plain, render_correction
from .signals import live_key

ENTRIES = 50  # the newest; the page has them all


class LiveEntriesFeed(Feed):
    feed_type = AtomFeed

    def __init__(self):
        # Cached like the pages and purged with them: feed readers poll.
        self.cached = cached_page(self.uncached)

    def __call__(self, request, *args, **kwargs):
        return self.cached(request, *args, **kwargs)

    def uncached(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Django dates the feed by its newest entry, but it also changes when
        # one is deleted: a reader revalidating by date would keep it. The
        # ETag is exact (as articles.feeds.StoryFeed).
        del response.headers["Last-Modified"]
        return depends_on(response, *request.live_feed_keys)

    def get_object(self, request, slug):
        """The public live story (a 404 otherwise: Feed turns DoesNotExist into
        one): the one public rule, `Article.objects.public()`, with the entries
        it lists. The keys they make are kept on the request (one Feed serves
        every request)."""
        article = Article.objects.public().get(slug=slug, is_live=True)
        article.feed_entries = list(
            LiveEntry.objects.for_story(article)
            .shown()
            .select_related("image")
            .order_by("-posted_at", "-id")[:ENTRIES]
        )
        for entry in article.feed_entries:
            entry.article = article  # its address, without a query each
        request.live_feed_keys = [
            live_key(article.pk),
            f"story:{article.pk}",
            *keys_of(article.feed_entries),
        ]
        return article

    def title(self, article):
        return feed_title(article)

    def link(self, article):
        return article.get_absolute_url()

    def description(self, article):
        return article.dek

    def author_name(self, article):
        # Atom asks for an author; entries are the newsroom's.
        return settings.SITE_NAME

    def items(self, article):
        return article.feed_entries

    def get_feed(self, obj, request):
        """The feed, our stories and galleries its entries embed looked up
        once for all of them (`embeds.items_for`)."""
        with embeds.items_for(entry.embed for entry in obj.feed_entries):
            return super().get_feed(obj, request)

    def item_title(self, entry):
        return entry_headline(entry, entry.article)

    def item_link(self, entry):
        return entry.get_absolute_url()

    def item_description(self, entry):
        return plain(entry.text)

    def item_pubdate(self, entry):
        return entry.posted_at

    def item_updateddate(self, entry):
        return entry.corrected_at or entry.posted_at

    def item_extra_kwargs(self, entry):
        """The entry as HTML for a feed reader: its text, its picture as a plain
        <img> with alt text and credit, its embed as a link to the original
        (what a story's body gets in a feed: inline.render_for_feed), and the
        correction note as on the page."""
        body = entry.text
        images = {}
        if entry.image_id:
            body += inline.placeholder(entry.image_id)
            images[entry.image_id] = entry.image
        body += entry.embed
        content = inline.render_for_feed(body, images) + render_correction(entry)
        return {"content": content, "bylines": []}
