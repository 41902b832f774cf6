"""What each role may do with the picture library and galleries (applied by
this app's migrations; see workflow.roles). Only editors may change what
readers see of a picture already on the site (`change_public_image`)."""

from workflow.roles import EDITORS, WRITERS

GRANTS = {
    WRITERS: {
        ("media_library", "image"): ["add", "change", "view"],
        ("media_library", "creditpreset"): ["view"],
        ("media_library", "gallery"): ["add", "change", "view"],
        ("media_library", "galleryitem"): ["add", "change", "delete", "view"],
    },
    EDITORS: {
        ("media_library", model): ["*"]
        for model in ("image", "creditpreset", "gallery", "galleryitem")
    },
}
