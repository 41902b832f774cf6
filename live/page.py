"""A live story's part of its page, its updates and its JSON-LD, drawn from
one set of entries and one template (live/entries.html), so the page without
JavaScript, the updates readers' scripts insert and the JSON-LD agree.

Called from articles (`views.extend_story_page`, `structured_data.extend_story`,
registered in LiveConfig.ready()); a story that is not live costs nothing.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.template import engines
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from articles import embeds
from media_library.structured_data import image_object, iso

from .models import LiveEntry
from .signals import live_key


@dataclass
class StoryPagePart:
    html: str
    keys: list[str] = field(default_factory=list)
    head: str = ""  # in the page's <head>: the entries' feed


def _macros():
    return engines["jinja2"].env.get_template("live/entries.html").module


def render_entry(entry: LiveEntry) -> str:
    """One entry as readers see it, its embed drawn as in a story's body."""
    return embeds.render(str(_macros().entry(entry)))


def render_correction(entry: LiveEntry) -> str:
    """The note under a corrected entry ("" for none), as on its page."""
    return str(_macros().correction(entry))


def cursor_of(article) -> int:
    """The story's latest revision: readers poll for what changed after it."""
    top = LiveEntry.objects.filter(article=article).aggregate(top=Max("revision"))
    return top["top"] or 0


def shown_entries(article) -> list[LiveEntry]:
    return list(LiveEntry.objects.for_story(article).shown().for_page())


def updates_url(article) -> str:
    return reverse("live:updates", kwargs={"slug": article.slug})


def feed_url(article) -> str:
    return reverse("live:feed_atom", kwargs={"slug": article.slug})


def feed_title(article) -> str:
    """The entries' feed's name, in the feed and where the page links it."""
    return f"{settings.SITE_NAME}: {article.headline} (live updates)"


HEADLINE_MAX = 110  # Google's limit for an Article's headline


def entry_headline(entry: LiveEntry, article) -> str:
    """An entry's title, where one is wanted (JSON-LD, the feed): its text's
    first words, or the story's headline for an entry without text."""
    return (plain(entry.text) or article.headline)[:HEADLINE_MAX]


def keys_of(entries) -> list[str]:
    """The content keys of what `entries` show besides themselves: the stories
    and galleries of ours they embed (articles.embeds.content_keys), so a page,
    an update or a feed showing one is purged when it changes or stops being
    public."""
    return [key for entry in entries for key in embeds.content_keys(entry.embed)]


def story_page_part(request, article, *, preview: bool = False):
    """The entries on a live story's page (two queries), newest first with the
    pinned on top, and, while coverage goes on and the page is the public
    one, what the script needs to fetch new ones."""
    if not article.is_live:
        return None
    # The cursor before the entries: an entry posted between the two reads is
    # then on the page and fetched again by the first poll (the script puts it
    # in its place once), rather than counted in the cursor and never shown.
    cursor = cursor_of(article)
    entries = shown_entries(article)
    article.live_entries_shown = entries  # for the JSON-LD (live_blog_posting)
    polling = not preview and article.coverage_end is None
    with embeds.items_for(entry.embed for entry in entries):  # one lookup
        drawn = [mark_safe(render_entry(e)) for e in entries]  # noqa: S308
    html = _macros().live_section(
        article,
        entries=drawn,
        cursor=cursor,
        updates_url=updates_url(article) if polling else "",
        interval=settings.LIVE_POLL_SECONDS,
        # An entry polled for may bring an embed: the page's CSP allows the
        # providers' frames before its first one arrives.
        arriving=embeds.ARRIVING_ATTRIBUTE,
    )
    head = ""
    if not preview:  # a preview's story is not public: its feed would be a 404
        head = _macros().feed_link(feed_title(article), feed_url(article))
    return StoryPagePart(
        html=mark_safe(str(html)),  # noqa: S308
        keys=[live_key(article.pk), *keys_of(entries)],
        head=mark_safe(str(head)),  # noqa: S308
    )


def plain(html: str) -> str:
    """An entry's text as plain words."""
    return " ".join(strip_tags(html or "").split())


def live_blog_posting(request, article, data) -> None:
    """A live story's NewsArticle becomes a LiveBlogPosting (schema.org; what
    Google reads for its "LIVE" badge): coverage start and end, and each entry
    shown as a BlogPosting in liveBlogUpdate. From the entries the page part
    read: no query."""
    entries = getattr(article, "live_entries_shown", None)
    if not article.is_live or entries is None:
        return
    data["@type"] = "LiveBlogPosting"
    start = article.coverage_start or article.published_at
    if start:
        data["coverageStartTime"] = iso(start)
    if article.coverage_end:
        data["coverageEndTime"] = iso(article.coverage_end)
    page = data["url"]
    updates = []
    for entry in entries:
        text = plain(entry.text)
        update = {
            "@type": "BlogPosting",
            "@id": f"{page}#entry-{entry.pk}",
            "url": f"{page}#entry-{entry.pk}",
            "headline": entry_headline(entry, article),
            "datePublished": iso(entry.posted_at),
            "dateModified": iso(entry.corrected_at or entry.posted_at),
        }
        if text:
            update["articleBody"] = text
        if entry.image_id and entry.image.file and entry.image.width:
            update["image"] = image_object(request, entry.image, "")
        if entry.corrected_at:
            update["correction"] = {
                "@type": "CorrectionComment",
                "text": entry.correction,
                "datePublished": iso(entry.corrected_at),
            }
        updates.append(update)
    data["liveBlogUpdate"] = updates
    # The story changes with each entry: its dateModified is the latest.
    changed = [e.corrected_at or e.posted_at for e in entries]
    if revised := article.revised_at or article.published_at:
        changed.append(revised)
    if changed:
        data["dateModified"] = iso(max(changed))
