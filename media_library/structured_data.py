"""schema.org JSON-LD pieces built from what a view already loaded (no queries
of their own): a picture as an `ImageObject` with its credit and licence, the
publisher, the script element; and the gallery page as an `ImageGallery`.
Story and author pages (articles.structured_data) build on them."""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import mark_safe

from core import brand

from .models import Licence
from .renditions import jpeg
from .templatetags.media_library import image_url

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


def image_object(request, image, caption: str = "", shape=("social", 1200)) -> dict:
    """A picture with its size, caption, credit and licence (`license` where
    the licence has an address, `acquireLicensePage` where we know its
    source), as Google Images reads them."""
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


# A gallery's pictures whole, uncropped, at most 1200 pixels wide.
GALLERY_SHAPE = ("full", 1200)


def image_gallery(request, gallery, items) -> dict:
    """The gallery page as an `ImageGallery` whose pictures (`items`, the
    view's GalleryItems with their images) each carry their caption, credit,
    licence and size."""
    url = request.build_absolute_uri(gallery.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "ImageGallery",
        "url": url,
        "name": gallery.title,
        "publisher": publisher(request),
        "image": [
            image_object(request, item.image, item.caption_text, GALLERY_SHAPE)
            for item in items
            if item.image.file and item.image.width
        ],
    }
    if gallery.description:
        data["description"] = gallery.description
    if gallery.published_at:
        data["datePublished"] = iso(gallery.published_at)
    return data
