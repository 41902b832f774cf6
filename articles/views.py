import copy

from django.core.paginator import Paginator
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from taggit.models import Tag

from authors.models import Author
from core.addresses import canonical_url
from core.cache import cached_page, card_keys, depends_on
from media_library import inline
from media_library.models import Image

from . import embeds, related, story_page, structured_data
from .models import (
    REVISION_FIELDS,
    Article,
    Byline,
    OldSlug,
    Section,
    prefetch_bylines,
)
from .search import clean_query, search

STORIES_PER_PAGE = 20
# Search results carry a snippet each, made by PostgreSQL from the body: ten a
# page, as search engines show, is what a reader scans before refining.
RESULTS_PER_PAGE = 10


def _page(request, queryset, per_page=STORIES_PER_PAGE):
    """One page of stories; a missing, malformed or too-large ?page= gives the
    first or last page rather than an error."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


FRONT_PAGE_POOL = 60
TOP_STORIES = 4
PER_SECTION = 3


@cached_page
def home(request):
    """The lead story (the newest featured one, else the newest), top stories,
    then the latest of each section: a fixed number of queries."""
    published = Article.objects.public().with_card_relations().newest_first()
    pool = list(published[:FRONT_PAGE_POOL])
    lead = published.filter(featured=True).first() or (pool[0] if pool else None)
    rest = [story for story in pool if story != lead]
    top, rest = rest[:TOP_STORIES], rest[TOP_STORIES:]
    sections = list(Section.objects.all())
    by_section = [
        (section, [s for s in rest if s.section_id == section.pk][:PER_SECTION])
        for section in sections
    ]
    by_section = [(sec, stories) for sec, stories in by_section if stories]
    response = render(
        request,
        "articles/front_page.html",
        {
            "lead": lead,
            "top": top,
            "by_section": by_section,
            "sections": sections,
            "canonical_url": canonical_url(request),
        },
    )
    shown = [lead, *top, *(story for _, stories in by_section for story in stories)]
    return depends_on(response, "list:front", *card_keys(shown))


@cached_page
def latest(request):
    """Every published story, newest first, a page at a time."""
    stories = Article.objects.public().with_card_relations().newest_first()
    page_obj = _page(request, stories)
    response = render(
        request,
        "articles/article_list.html",
        {
            "page_obj": page_obj,
            "sections": Section.objects.all(),
            "canonical_url": canonical_url(request, page_obj),
        },
    )
    return depends_on(response, "list:latest", *card_keys(page_obj))


@cached_page
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    stories = (
        Article.objects.public()
        .filter(tags__slug=tag.slug)
        .with_card_relations()
        .newest_first()
    )
    page_obj = _page(request, stories)
    response = render(
        request,
        "articles/tag_detail.html",
        {
            "tag": tag,
            "page_obj": page_obj,
            "sections": Section.objects.all(),
            "canonical_url": canonical_url(request, page_obj),
        },
    )
    keys = [f"tag:{tag.pk}", f"tagged:{tag.pk}", *card_keys(page_obj)]
    return depends_on(response, *keys)


@cached_page
def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    stories = (
        Article.objects.public()
        .for_section(section)
        .with_card_relations()
        .newest_first()
    )
    page_obj = _page(request, stories)
    response = render(
        request,
        "articles/section_detail.html",
        {
            "section": section,
            "page_obj": page_obj,
            "sections": Section.objects.all(),
            "canonical_url": canonical_url(request, page_obj),
        },
    )
    # A change to a story in this section, or moved out of it, purges every
    # page of the section (`list:section:<id>`): one it moved out of is on
    # none of the later pages, which do not name it.
    keys = [f"list:section:{section.pk}", *card_keys(page_obj)]
    return depends_on(response, *keys)


def search_view(request):
    query = clean_query(request.GET.get("q", ""))
    return render(
        request,
        "articles/search.html",
        {
            "query": query,
            "page_obj": (
                _page(request, search(query), RESULTS_PER_PAGE) if query else None
            ),
            "sections": Section.objects.all(),
        },
    )


@cached_page
def article_detail(request, slug):
    if story_page.available():  # PostgreSQL: one statement
        page = story_page.read(slug)
        if page is not None:
            return _story_response(
                request,
                page.article,
                tags=page.tags,
                bylines=page.bylines,
                corrections=page.corrections,
                related=(
                    page.related
                    if page.related is not None
                    else _related_with_bylines(page.article, page.tags)
                ),
                images=page.article.inline_images(),
                sections=page.sections,
            )
    else:
        article = (
            Article.objects.public().with_public_relations().filter(slug=slug).first()
        )
        if article is not None:
            return render_article(request, article)
    old = OldSlug.objects.select_related("article").filter(slug=slug).first()
    if old is not None and old.article is None:
        return render(request, "articles/article_gone.html", status=410)
    if old is not None and old.article.is_public:
        return HttpResponsePermanentRedirect(old.article.get_absolute_url())
    raise Http404("No published story has this address.")


def render_article(request, article, *, banner="", revision_data=None):
    """The public story page, for readers and (with a banner) for previews.

    With `revision_data`, the page shows that revision's text, bylines and tags
    instead of what is saved now; nothing is written.
    """
    tags = article.tag_list()
    if revision_data is not None:
        article = copy.copy(article)
        for name in REVISION_FIELDS:
            setattr(article, name, revision_data.get(name, ""))
        tags = [
            Tag(name=name, slug=slugify(name, allow_unicode=True))
            for name in revision_data.get("tags", [])
        ]
    related_list = related_stories(article, tags, now=revision_data is not None)
    prefetch_bylines([article, *related_list])
    bylines = list(article.bylines.all())
    if revision_data is not None:
        authors = Author.objects.select_related("headshot").in_bulk(
            revision_data.get("bylines", [])
        )
        bylines = [
            Byline(author=authors[pk], position=n)
            for n, pk in enumerate(revision_data.get("bylines", []))
            if pk in authors
        ]
    if revision_data is None:
        images = article.inline_images()
    else:  # the revision's body may show other pictures than the saved one
        images = Image.objects.in_bulk(inline.image_ids(article.body))
    return _story_response(
        request,
        article,
        tags=tags,
        bylines=bylines,
        corrections=list(article.corrections.all()),
        related=related_list,
        images=images,
        sections=Section.objects.all(),
        banner=banner,
    )


def _related_with_bylines(article, tags) -> list:
    stories = related_stories(article, tags)
    prefetch_bylines(stories)
    return stories


# Apps above articles add a part to a story's page (live coverage's entries):
# each is called as fn(request, article, preview=...) before the page is drawn
# and returns None or an object with `html` (shown after the body), `keys`
# (content keys the page then depends on) and, optionally, `head` (put in the
# page's <head> after its feeds: a feed of the part's own). Registered in
# AppConfig.ready().
STORY_PAGE_PARTS: list = []


def extend_story_page(fn):
    """Register `fn(request, article, *, preview)`; returns `fn`."""
    if fn not in STORY_PAGE_PARTS:
        STORY_PAGE_PARTS.append(fn)
    return fn


def _story_response(
    request,
    article,
    *,
    tags,
    bylines,
    corrections,
    related,
    images,
    sections,
    banner="",
):
    """The story page, from what `render_article` or `story_page` read."""
    parts = [
        part
        for extend in STORY_PAGE_PARTS
        if (part := extend(request, article, preview=bool(banner))) is not None
    ]
    response = render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "body": inline.render(article.body, images),
            "bylines": bylines,
            "tags": tags,
            "corrections": corrections,
            "canonical_url": request.build_absolute_uri(article.get_absolute_url()),
            "jsonld": structured_data.script(
                structured_data.news_article(
                    request,
                    article,
                    bylines=bylines,
                    tags=[tag.name for tag in tags],
                    corrections=corrections,
                    figures=inline.figures(article.body, images),
                    embedded=embeds.public_items(embeds.found(article.body)),
                )
            ),
            "related": related,
            "sections": sections,
            "preview_banner": banner,
            "parts": [part.html for part in parts],
            "part_heads": [getattr(part, "head", "") for part in parts],
        },
    )
    return depends_on(
        response,
        f"story:{article.pk}",
        *(f"tag:{tag.pk}" for tag in tags if tag.pk is not None),
        *(f"author:{byline.author_id}" for byline in bylines),
        *([f"gallery:{article.gallery_id}"] if article.gallery_id else []),
        *embeds.content_keys(article.body),
        *card_keys(related),
        *(key for part in parts for key in part.keys),
    )


def related_stories(article, tags, *, now=False) -> list:
    """Editors' picks, else the stories sharing most tags, up to related.SHOWN,
    those public now of the story's ranking (`related.rank`): as kept in
    `related_ids`, or ranked now by the same function for a preview (`now`,
    with the revision's `tags`) or a story whose list was never worked out.
    Read in one query; their bylines are not read."""
    if article.pk is None:
        return []
    kept = article.related_ids
    if now or kept is None:
        kept = related.rank([article.pk], tags=tags if now else None)[article.pk]
    ids = kept["picks"] + kept["by_tags"]
    if not ids:
        return []
    found = Article.objects.public().for_cards().in_bulk(ids)
    picks = [found[pk] for pk in kept["picks"] if pk in found]
    if picks:
        return picks[: related.SHOWN]
    return [found[pk] for pk in kept["by_tags"] if pk in found][: related.SHOWN]
