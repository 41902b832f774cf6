"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds of the latest stories.

One `Feed` class per list (the site, a section, a tag, an author) says *what* a
story is in a feed: plain-text headline and dek, the clean body, bylines, tags,
dates and the hero image. Each URL pattern picks the format by passing a
generator class; the generators below say *how* each format wants it written
(RSS and Atom descriptions are HTML, JSON Feed summaries are text), and make
every address absolute, since a feed reader has no page to resolve one against.
"""

import json
from urllib.parse import urljoin

import nh3
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import (
    Atom1Feed,
    Enclosure,
    Rss201rev2Feed,
    SyndicationFeed,
    rfc3339_date,
)
from django.utils.html import escape
from django.utils.text import get_text_list
from taggit.models import Tag

from authors.models import Author
from core import sanitize
from core.cache import cached_page, depends_on
from media_library import inline
from media_library.templatetags.media_library import image_url

from .models import Article, Section

ITEMS = 20
URL_ATTRIBUTES = {"href", "src", "cite"}


def absolute_urls(html: str, base: str) -> str:
    """`html` with every link, image and quotation address resolved against
    `base`. The body was cleaned on save; cleaning it again by the same rules
    changes nothing else."""

    def resolve(tag: str, attribute: str, value: str) -> str:
        return urljoin(base, value) if attribute in URL_ATTRIBUTES else value

    return nh3.clean(
        html,
        tags=sanitize.ALLOWED_TAGS,
        attributes=sanitize.ALLOWED_ATTRIBUTES,
        url_schemes=sanitize.URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=resolve,
    )


# --- Generators: how each format writes a story -------------------------------


class StoryFeedMixin:
    """Items arrive from `StoryFeed` as plain text (title, description), clean
    HTML (`content`) and site-relative addresses (`bylines`, `enclosures`)."""

    # Whether the format reads the title, and the description, as HTML.
    html_title = False
    html_description = True

    def add_item(self, title, link, description, *, content="", bylines=(), **kwargs):
        # `link` is already absolute: the syndication view adds the domain.
        enclosures = [
            Enclosure(urljoin(link, e.url), e.length, e.mime_type)
            for e in kwargs.pop("enclosures", None) or ()
        ]
        super().add_item(
            escape(title) if self.html_title else title,
            link,
            escape(description) if self.html_description else description,
            content=absolute_urls(content, link),
            bylines=[(name, urljoin(link, url)) for name, url in bylines],
            enclosures=enclosures,
            **kwargs,
        )


class RSSFeed(StoryFeedMixin, Rss201rev2Feed):
    # Readers show an RSS title as HTML (Django escapes it too, ticket #6533).
    html_title = True
    content_namespace = "http://purl.org/rss/1.0/modules/content/"

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:content": self.content_namespace}

    def add_item_elements(self, handler, item):
        # All bylines in one <dc:creator> ("A, B and C"), from `author_name`.
        super().add_item_elements(handler, item)
        if item["content"]:
            handler.addQuickElement("content:encoded", item["content"])


class AtomFeed(StoryFeedMixin, Atom1Feed):
    def add_item_elements(self, handler, item):
        # One <author> per byline, instead of Django's single joined name.
        super().add_item_elements(handler, {**item, "author_name": None})
        for name, url in item["bylines"]:
            handler.startElement("author", {})
            handler.addQuickElement("name", name)
            handler.addQuickElement("uri", url)
            handler.endElement("author")
        if item["content"]:
            handler.addQuickElement("content", item["content"], {"type": "html"})


class JSONFeed(StoryFeedMixin, SyndicationFeed):
    """JSON Feed 1.1: https://www.jsonfeed.org/version/1.1/"""

    content_type = "application/feed+json; charset=utf-8"
    html_description = False  # `summary` is plain text

    def write(self, outfile, encoding):
        feed = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": self.feed["title"],
            "home_page_url": self.feed["link"],
            "feed_url": self.feed["feed_url"],
            "description": self.feed["description"],
            "language": self.feed["language"],
            "authors": [{"name": self.feed["author_name"]}],
            "items": [self.item(item) for item in self.items],
        }
        json.dump(feed, outfile, indent=1)

    def item(self, item):
        data = {
            "id": item["unique_id"] or item["link"],
            "url": item["link"],
            "title": item["title"],
            "summary": item["description"],
            "content_html": item["content"],
            "date_published": rfc3339_date(item["pubdate"]),
            "date_modified": rfc3339_date(item["updateddate"] or item["pubdate"]),
            "authors": [{"name": name, "url": url} for name, url in item["bylines"]],
            "tags": list(item["categories"]),
        }
        if item["enclosures"]:
            data["image"] = item["enclosures"][0].url
        return data


# --- Feeds: what a story is ---------------------------------------------------


class StoryFeed(Feed):
    """The site's latest stories. Subclasses narrow the list to one section, tag
    or author (`get_object`, `stories`) and name it (`title`, `link`)."""

    def __init__(self, feed_type=RSSFeed):
        self.feed_type = feed_type
        # Cached like the pages and purged with them: feed readers poll.
        self.cached = cached_page(self.uncached)

    def __call__(self, request, *args, **kwargs):
        return self.cached(request, *args, **kwargs)

    def uncached(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # Django dates the feed by its newest item, but the list also changes
        # when a story is unpublished or goes live with an earlier time: a
        # reader revalidating by date would keep the old list. The ETag is exact.
        del response.headers["Last-Modified"]
        # Every story, author and tag change purges every feed: a feed names
        # its stories' authors and tags.
        return depends_on(response, "list:feeds")

    def title(self, obj):
        return settings.SITE_NAME

    def link(self, obj):
        return reverse("home")

    def description(self, obj):
        return f"The latest stories from {settings.SITE_NAME}."

    def author_name(self, obj):
        # Atom requires an author for entries without a byline of their own.
        return settings.SITE_NAME

    def stories(self, obj):
        return Article.objects.public()

    def items(self, obj):
        return (
            self.stories(obj)
            .with_card_relations()
            .defer(None)  # the card query leaves out the body; a feed carries it
            .prefetch_related("tags")
            .with_inline_images()
            .newest_first()[:ITEMS]
        )

    def item_title(self, story):
        return story.headline

    def item_description(self, story):
        return story.dek

    def item_pubdate(self, story):
        return story.published_at

    def item_updateddate(self, story):
        return max(filter(None, (story.published_at, story.revised_at)))

    def item_author_name(self, story):
        names = [byline.author.name for byline in story.bylines.all()]
        return get_text_list(names, "and") or None

    def item_categories(self, story):
        return [tag.name for tag in story.tags.all()]

    def item_enclosures(self, story):
        image = story.hero_image
        if image is None or not image.file:
            return []
        url = image_url(image, "full")
        if not url:
            return []
        # A JPEG rendition (readers never get originals), made on first request,
        # so its size is not known yet: 0, as the RSS Best Practices Profile
        # asks of a publisher that cannot tell.
        return [Enclosure(url, "0", "image/jpeg")]

    def item_extra_kwargs(self, story):
        return {
            "content": inline.render_for_feed(story.body, story.inline_images()),
            "bylines": [
                (byline.author.name, byline.author.get_absolute_url())
                for byline in story.bylines.all()
            ],
        }


class SectionFeed(StoryFeed):
    def get_object(self, request, slug):
        return Section.objects.get(slug=slug)

    def title(self, section):
        return f"{settings.SITE_NAME}: {section.name}"

    def link(self, section):
        return section.get_absolute_url()

    def description(self, section):
        return section.description or f"The latest {section.name} stories."

    def stories(self, section):
        return Article.objects.public().for_section(section)


class TagFeed(StoryFeed):
    def get_object(self, request, slug):
        return Tag.objects.get(slug=slug)

    def title(self, tag):
        return f"{settings.SITE_NAME}: {tag.name}"

    def link(self, tag):
        return reverse("articles:tag", kwargs={"slug": tag.slug})

    def description(self, tag):
        return f"The latest stories tagged {tag.name}."

    def stories(self, tag):
        return Article.objects.public().filter(tags=tag)


class AuthorFeed(StoryFeed):
    def get_object(self, request, slug):
        return Author.objects.get(slug=slug)

    def title(self, author):
        return f"{settings.SITE_NAME}: {author.name}"

    def link(self, author):
        return author.get_absolute_url()

    def description(self, author):
        return f"The latest stories by {author.name}."

    def stories(self, author):
        return Article.objects.public().by_author(author)
