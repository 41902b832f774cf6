"""Renditions made ahead of readers (issue 17): every size the templates use
is made on the task queue when a picture is uploaded or its file or focal
point changes, so a published picture's renditions exist before a reader asks
for one. One task per spec, so a failure retries that spec alone.

And when a picture is placed in something on its way to readers (a story or
gallery approved, scheduled or published, or a live one edited), whatever
size of it is missing is made then (`make_missing_renditions`): an upload's
tasks may have failed for good, or the picture predates them.
"""

from core.tasks import background, later

from .models import Image
from .renditions import SPECS, candidates, formats_for, rendition_for


@background(retries=3, backoff=30)
def make_renditions(image_id: int, version: str, spec: str) -> int:
    """Make every width and format of `spec` for the image, if it still has
    `version` (a newer version has tasks of its own). Returns how many
    renditions exist for it; `rendition_for` makes each at most once, however
    many workers and readers ask at the same moment."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.width or image.rendition_version != version:
        return 0
    spec_obj = SPECS[spec]
    made = 0
    for target, _ in candidates(image, spec_obj):
        for fmt in formats_for(spec_obj):
            rendition_for(image, spec=spec, width=target, fmt=fmt)
            made += 1
    return made


def make_renditions_later(image: Image) -> None:
    """Queue the renditions of `image`'s current version, with the change
    being saved (`core.tasks.later`)."""
    if not image.file or not image.width:
        return
    for spec in SPECS:
        later(make_renditions, image.pk, image.rendition_version, spec)


def missing_sizes(image: Image) -> list[tuple[str, int, str]]:
    """(spec, width, format) of each rendition of `image`'s current version
    the templates may ask for and that is not made yet. One query."""
    made = set(
        image.renditions.filter(version=image.rendition_version).values_list(
            "spec", "target_width", "format"
        )
    )
    return [
        (spec, target, fmt)
        for spec, spec_obj in SPECS.items()
        for target, _ in candidates(image, spec_obj)
        for fmt in formats_for(spec_obj)
        if (spec, target, fmt) not in made
    ]


@background(retries=3, backoff=30)
def make_missing_renditions(image_ids: list[int]) -> int:
    """Make the sizes of these pictures that are not made yet; how many."""
    made = 0
    for image in Image.objects.filter(pk__in=image_ids):
        if not image.file or not image.width:
            continue
        for spec, target, fmt in missing_sizes(image):
            rendition_for(image, spec=spec, width=target, fmt=fmt)
            made += 1
    return made
