import copy
import logging

from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from core.cache import cached_page, depends_on, key_headers

from . import structured_data, usage
from .models import Gallery, GalleryItem, Image
from .renditions import (
    EXTENSIONS,
    MIME_TYPES,
    SPECS,
    formats_for,
    granted,
    made_target,
    rendition_for,
    rendition_url,
)

logger = logging.getLogger(__name__)

FORMAT_FOR_EXTENSION = {ext: fmt for fmt, ext in EXTENSIONS.items()}


# A public picture's answer may be kept a year by browsers and shared caches,
# as never changing (issue 17): its address names this exact version of the
# file and focal point (`Image.rendition_version`), so a change gives new
# addresses rather than new bytes. Once its last public use ends, the address
# answers 404 to readers who have no copy yet.
PUBLIC_MAX_AGE = 31_536_000


@require_safe
def rendition(request, pk: str, version: str, spec: str, width: str, ext: str):
    """Send a rendition's file, making it on the first request, to whoever may
    see the picture: anyone once something public uses it (`usage.is_public`),
    staff always, and the holder of a share link's grant while the link works.
    Everyone else gets the same 404 whether or not the picture exists.

    Only the spec's own widths and formats exist, so a visitor cannot make the
    library store arbitrary sizes. An old version (the focal point or file has
    changed since the page was cached) redirects to the current one, and a
    width the picture cannot fill to the smaller width that gives its picture.
    """
    spec_obj = SPECS.get(spec)
    fmt = FORMAT_FOR_EXTENSION.get(ext)
    if (
        spec_obj is None
        or len(width) > 5
        or int(width) not in spec_obj.widths
        or fmt not in formats_for(spec_obj)
        or len(pk) > 18  # beyond any id, and beyond what a bigint holds
    ):
        return _not_found()
    width = int(width)
    image = Image.objects.filter(pk=int(pk)).first()
    if image is None or not image.file or not image.width:
        return _not_found()
    public = usage.is_public(image)
    if not (public or _is_staff(request) or granted(request, image)):
        return _not_found()
    made = made_target(image, spec_obj, width)
    if version != image.rendition_version or made != width:
        # An older version, or a width the picture is too small to fill (its
        # picture is a smaller width's, made ahead): never made here.
        response = HttpResponseRedirect(rendition_url(image, spec, made, fmt))
        _cache_for(response, image, public=public, max_age=300)
        return response
    try:
        made = rendition_for(image, spec=spec, width=width, fmt=fmt)
        stored = made.file.storage.open(made.file.name, "rb")
    except (FileNotFoundError, OSError) as error:
        logger.warning("Cannot make %s %s for image %s: %s", spec, width, pk, error)
        return _not_found()
    response = FileResponse(
        stored, content_type=MIME_TYPES[fmt], filename=f"{spec}-{width}.{ext}"
    )
    # The address names this exact version, so the bytes never change.
    response["ETag"] = f'"{image.rendition_version}-{spec}-{width}-{ext}"'
    _cache_for(response, image, public=public, max_age=PUBLIC_MAX_AGE, immutable=True)
    return response


def _is_staff(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user and user.is_active and user.is_staff)


def _cache_for(
    response, image: Image, *, public: bool, max_age: int, immutable: bool = False
) -> None:
    """A public picture's answer may be cached anywhere for `max_age` (and, for
    the file itself, as `immutable`: browsers need not revalidate it); one
    shown only to staff or a share link's holder, by nobody but their own
    browser, which asks again each time. A public answer names the picture's
    content key, so that unpublishing what shows it purges it from the caches
    in front (which keep it as long as max-age says otherwise)."""
    if public:
        for name, value in key_headers([usage.content_key(image.pk)]).items():
            response[name] = value
    if public and immutable:
        patch_cache_control(response, public=True, max_age=max_age, immutable=True)
    elif public:
        patch_cache_control(response, public=True, max_age=max_age)
    else:
        patch_cache_control(response, private=True, no_cache=True)


def _not_found() -> HttpResponse:
    """One answer for every address that shows nothing, never cached: the
    picture may be published a minute later."""
    response = HttpResponseNotFound(
        "No such picture.", content_type="text/plain; charset=utf-8"
    )
    add_never_cache_headers(response)
    return response


def render_gallery(request, gallery, *, banner="", revision_data=None):
    """The public gallery page, for readers and (with a banner) for previews."""
    items = list(gallery.items.select_related("image"))
    if revision_data is not None:
        gallery = copy.copy(gallery)
        gallery.title = revision_data.get("title", "")
        gallery.description = revision_data.get("description", "")
        images = Image.objects.in_bulk([i["image"] for i in revision_data["items"]])
        items = [
            GalleryItem(image=images[i["image"]], caption=i.get("caption", ""))
            for i in revision_data.get("items", [])
            if i["image"] in images
        ]
    return render(
        request,
        "media_library/gallery_detail.html",
        {
            "gallery": gallery,
            "items": items,
            "preview_banner": banner,
            # A preview's too: the gallery's own address, not the preview's.
            "canonical_url": request.build_absolute_uri(gallery.get_absolute_url()),
            "jsonld": structured_data.script(
                structured_data.image_gallery(request, gallery, items)
            ),
        },
    )


@cached_page
def gallery_detail(request, slug):
    gallery = get_object_or_404(Gallery.objects.public(), slug=slug)
    return depends_on(render_gallery(request, gallery), f"gallery:{gallery.pk}")
