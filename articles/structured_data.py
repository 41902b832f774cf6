"""schema.org JSON-LD for story and author pages, built from what the view
already loaded (no queries of its own). The pieces a gallery page shares
(pictures, the publisher, the script element) are media_library's."""

from media_library.structured_data import (  # noqa: F401 (LICENCE_URLS: named here too)
    LICENCE_URLS,
    image_object,
    iso,
    publisher,
    script,
)
from media_library.templatetags.media_library import image_url

from . import embeds

# Apps above articles add to a story's JSON-LD (the space desk's `about` and
# `mentions`, live coverage's LiveBlogPosting): each is called as
# fn(request, article, data) after the NewsArticle is built, and changes
# `data` in place. Registered once, in the app's AppConfig.ready().
STORY_EXTENSIONS: list = []


def extend_story(fn):
    """Register `fn(request, article, data)`; returns `fn` (a decorator)."""
    if fn not in STORY_EXTENSIONS:
        STORY_EXTENSIONS.append(fn)
    return fn


# The story's hero in each shape Google's article guidance asks for, widest
# first, each 1200 pixels wide (a smaller picture gives what it has):
# (rendition spec, width).
HERO_SHAPES = (("hero", 1200), ("standard", 1200), ("square", 1200))  # 16:9 4:3 1:1


def person(request, author) -> dict:
    data = {
        "@type": "Person",
        "name": author.name,
        "url": request.build_absolute_uri(author.get_absolute_url()),
    }
    if author.job_title:
        data["jobTitle"] = author.job_title
    links = (author.x_url, author.bluesky_url, author.mastodon, author.website)
    same_as = [url for url in links if url]
    if same_as:
        data["sameAs"] = same_as
    return data


def news_article(
    request, article, *, bylines, tags, corrections, figures=(), embedded=None
) -> dict:
    """`figures`: (image, caption) for the pictures in the body, after the hero;
    `embedded`: our stories and galleries the body embeds that are public
    (`embeds.public_items`), which the view read."""
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline[:110],
        "description": article.meta_description,
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.revised_at or article.published_at),
        "author": [person(request, b.author) for b in bylines],
        "publisher": publisher(request),
        "articleSection": article.section.name,
        "keywords": list(tags),
        "isAccessibleForFree": True,
    }
    images = []
    hero = article.hero_image
    if hero and hero.file and hero.width:
        caption = article.hero_caption_text
        images += [image_object(request, hero, caption, shape) for shape in HERO_SHAPES]
    images += [
        image_object(request, image, caption)
        for image, caption in figures
        if image and image.file and image.width
    ]
    if images:
        data["image"] = images
    # Each embed as a plain link: the original video or post, or our own
    # story's or gallery's page when it is public.
    if mentions := embeds.links(article.body, embedded or {}):
        for mention in mentions:
            mention["url"] = request.build_absolute_uri(mention["url"])
        data["mentions"] = mentions
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{c.get_kind_display()}: {c.text}",
                "datePublished": iso(c.created_at),
            }
            for c in corrections
        ]
    for extend in STORY_EXTENSIONS:
        extend(request, article, data)
    return data


def profile_page(request, author) -> dict:
    who = person(request, author)
    if author.short_bio:
        who["description"] = author.short_bio
    if headshot := image_url(author.headshot, "thumbnail"):
        who["image"] = request.build_absolute_uri(headshot)
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": who["url"],
        "mainEntity": who,
        "publisher": publisher(request),
    }
