import logging

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .models import Image
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
