"""Public previews for outside reviewers, through signed, expiring links."""

from functools import wraps

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from . import registry
from .models import ShareLink, shared_preview

SALT = "workflow.share-link"


def no_cache(view):
    """Previews are never cached anywhere, nor indexed."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        response = view(*args, **kwargs)
        add_never_cache_headers(response)
        response["Cache-Control"] += ", private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def share_url(request, link: ShareLink) -> str:
    signed = signing.Signer(salt=SALT).sign(link.token)
    path = reverse(
        "share_preview",
        kwargs={
            "content_type_id": link.content_type_id,
            "object_id": link.object_id,
            "signed": signed,
        },
    )
    return request.build_absolute_uri(path)


@no_cache
def share_preview(request, content_type_id, object_id, signed):
    try:
        token = signing.Signer(salt=SALT).unsign(signed)
    except signing.BadSignature:
        raise Http404("This preview link is not valid.") from None
    link = get_object_or_404(
        ShareLink, token=token, content_type_id=content_type_id, object_id=object_id
    )
    if not link.is_active:
        reason = "was withdrawn" if link.revoked_at else "has expired"
        return render(
            request,
            "workflow/share_gone.html",
            {"reason": reason, "link": link},
            status=410,
        )
    model = get_object_or_404(ContentType, pk=content_type_id).model_class()
    item = get_object_or_404(model._default_manager, pk=object_id)
    expires = timezone.localtime(link.expires_at)
    drawing = shared_preview.set(link)
    try:
        return registry.render_preview(
            request,
            item,
            banner=f"Shared for review; not published. This link works until "
            f"{expires:%B %-d, %Y, %H:%M %Z}.",
        )
    finally:
        shared_preview.reset(drawing)
