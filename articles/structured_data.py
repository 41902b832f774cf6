"""schema.org JSON-LD for story and author pages, built from what the view
already loaded (no queries of its own)."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import mark_safe

from core import brand
from media_library.models import Licence
from media_library.renditions import jpeg
from media_library.templatetags.media_library import image_url

from . import embeds

LICENCE_URLS = {
    Licence.PUBLIC_DOMAIN: "https://creativecommons.org/publicdomain/mark/1.0/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Licence.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
}

# JSON inside <script> must not be able to close the tag.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def iso(when) -> str | None:
    """A time in the newsroom's zone, to the second, with its UTC offset."""
    return timezone.localtime(when).isoformat(timespec="seconds") if when else None


def script(data: dict) -> str:
    """A <script type="application/ld+json"> element for `data`."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(  # noqa: S308 (the escapes above make it inert HTML)
        f'<script type="application/ld+json">{text.translate(_ESCAPES)}</script>'
    )


def publisher(request) -> dict:
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
        "logo": {
            "@type": "ImageObject",
            # Square and at least 112 × 112, as Google asks of an organization.
            "url": request.build_absolute_uri(brand.logo_url()),
            "width": brand.LOGO_SIZE,
            "height": brand.LOGO_SIZE,
        },
    }


# The story's hero in each shape Google's article guidance asks for, widest
# first, each 1200 pixels wide (a smaller picture gives what it has):
# (rendition spec, width).
HERO_SHAPES = (("hero", 1200), ("standard", 1200), ("square", 1200))  # 16:9 4:3 1:1


def image_object(request, image, caption: str = "", shape=("social", 1200)) -> dict:
    url, width, height = jpeg(image, *shape)
    data = {
        "@type": "ImageObject",
        "url": request.build_absolute_uri(url),
        "contentUrl": request.build_absolute_uri(image_url(image, "full")),
        "width": width,
        "height": height,
        "caption": caption or image.caption,
        "creditText": image.credit,
        "copyrightNotice": image.credit,
    }
    if licence := LICENCE_URLS.get(image.licence):
        data["license"] = licence
    if image.source_url:
        data["acquireLicensePage"] = image.source_url
    return data


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
