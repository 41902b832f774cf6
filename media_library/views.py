import copy
import logging

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from newsroom.cache import cached_page

from . import inline
from .models import Gallery, GalleryItem, Image
from .renditions import EXTENSIONS, SPECS, formats_for, rendition_for, rendition_url

logger = logging.getLogger(__name__)

FORMAT_FOR_EXTENSION = {ext: fmt for fmt, ext in EXTENSIONS.items()}


@require_safe
def rendition(request, pk: str, version: str, spec: str, width: str, ext: str):
    """Redirect to a rendition's stored file, making it on the first request.

    Only the spec's own widths and formats exist, so a visitor cannot make the
    library store arbitrary sizes. An old version (the focal point or file has
    changed since the page was cached) redirects to the current one.
    """
    width = int(width)
    spec_obj = SPECS.get(spec)
    fmt = FORMAT_FOR_EXTENSION.get(ext)
    if (
        spec_obj is None
        or width not in spec_obj.widths
        or fmt not in formats_for(spec_obj)
    ):
        raise Http404("No such rendition.")
    image = get_object_or_404(Image, pk=int(pk))
    if not image.file or not image.width:
        raise Http404("This image has no file.")
    if version != image.rendition_version:
        response = HttpResponseRedirect(rendition_url(image, spec, width, fmt))
        patch_cache_control(response, public=True, max_age=300)
        return response
    try:
        made = rendition_for(image, spec=spec, width=width, fmt=fmt)
    except (FileNotFoundError, OSError) as error:
        logger.warning("Cannot make %s %s for image %s: %s", spec, width, pk, error)
        raise Http404("The image file is missing.") from error
    response = HttpResponseRedirect(made.file.url)
    # The address names this exact version, so the answer never changes.
    patch_cache_control(response, public=True, max_age=30 * 24 * 3600)
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
        {"gallery": gallery, "items": items, "preview_banner": banner},
    )


@cached_page
def gallery_detail(request, slug):
    gallery = get_object_or_404(Gallery.objects.published(), slug=slug)
    return render_gallery(request, gallery)


def gallery_publish_problems(gallery) -> list[str]:
    """Every picture needs alt text and a credit before the gallery goes live."""
    items = list(gallery.items.select_related("image"))
    problems = inline.problems([item.image for item in items], role="picture")
    if not items:
        problems.append("it has no pictures.")
    return problems
