"""The image library's admin, split along its parts:

- `widgets`: the credit box with its presets, the picture picker with
  thumbnails (`ImagePickerMixin`, used by the articles' and authors' admins),
  the several-files input, and `thumbnail`;
- `forms`: the image form (checks the upload, prefills from its metadata) and
  the bulk upload form;
- `filters`: the image list's orientation and licence-expiry filters;
- `images`: the image pages (list, focal point, crops, uses, bulk upload,
  expired pictures in use) and the credit presets;
- `galleries`: the gallery pages and their pictures inline.

Importing this package registers the image, credit preset and gallery admins,
once; every name other apps use is importable from here.
"""

from .filters import LicenceExpiryFilter, OrientationFilter
from .forms import BulkUploadForm, ImageForm
from .galleries import GalleryAdmin, GalleryItemInline
from .images import CreditPresetAdmin, ImageAdmin, use_html
from .widgets import (
    CreditInput,
    ImagePickerMixin,
    ImagePickerWidget,
    MultipleFileField,
    MultipleFileInput,
    thumbnail,
)

__all__ = [
    "BulkUploadForm",
    "CreditInput",
    "CreditPresetAdmin",
    "GalleryAdmin",
    "GalleryItemInline",
    "ImageAdmin",
    "ImageForm",
    "ImagePickerMixin",
    "ImagePickerWidget",
    "LicenceExpiryFilter",
    "MultipleFileField",
    "MultipleFileInput",
    "OrientationFilter",
    "thumbnail",
    "use_html",
]
