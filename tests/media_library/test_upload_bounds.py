"""Still uploads are bounded in memory (issue 12): an AVIF still is refused from
its header past MAX_PIXELS_BY_FORMAT["AVIF"], lower than IMAGE_MAX_PIXELS,
because re-encoding one at 40 megapixels took over a gigabyte (`bench/uploads.py`
measures the worst accepted upload of every format; the limits are asserted
here, the costs there)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import ImageFile, features

from media_library import validation
from media_library.validation import check_upload
from tests.media_library.upload_helpers import picture

needs_avif = pytest.mark.skipif(
    not features.check("avif"), reason="Pillow built without AVIF"
)


def test_the_limits(settings):
    assert settings.IMAGE_MAX_PIXELS == 40_000_000
    assert validation.MAX_PIXELS_BY_FORMAT == {"AVIF": 10_000_000}
    assert validation.ANIMATION_MAX_PIXELS == {
        "GIF": 50_000_000,
        "PNG": 50_000_000,
        "WEBP": 6_000_000,
        "AVIF": 2_000_000,
    }
    assert validation.ANIMATION_MAX_FRAMES == 1_000


@pytest.fixture
def small_avif_limit(monkeypatch):
    """The same rule at 10,000 pixels, so that the files stay small."""
    monkeypatch.setitem(validation.MAX_PIXELS_BY_FORMAT, "AVIF", 10_000)


@needs_avif
def test_an_avif_still_over_its_limit_is_refused_from_its_header(
    small_avif_limit, monkeypatch
):
    data = picture("AVIF", (101, 100))

    def decode(*args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    with pytest.raises(ValidationError) as refused:
        check_upload(ContentFile(data, "mars.avif"))
    assert refused.value.code == "too_many_pixels"
    assert (
        "This AVIF picture is 101 × 100 pixels; the library takes AVIF pictures up "
        "to 0.01 megapixels. Resize it, or export it as JPEG or WebP"
    ) in str(refused.value)


@needs_avif
def test_an_avif_still_at_its_limit_is_accepted(small_avif_limit):
    checked = check_upload(ContentFile(picture("AVIF", (100, 100)), "mars.avif"))

    assert (checked.format, checked.width, checked.height) == ("AVIF", 100, 100)


@pytest.mark.parametrize(
    ("fmt", "name"), [("JPEG", "mars.jpg"), ("PNG", "mars.png"), ("WEBP", "m.webp")]
)
def test_other_formats_keep_the_general_limit(small_avif_limit, settings, fmt, name):
    settings.IMAGE_MAX_PIXELS = 20_000

    assert check_upload(ContentFile(picture(fmt, (101, 100)), name)).width == 101
    with pytest.raises(ValidationError) as refused:
        check_upload(ContentFile(picture(fmt, (201, 100)), name))
    assert refused.value.code == "too_many_pixels"


@needs_avif
def test_the_general_limit_applies_when_it_is_the_lower(small_avif_limit, settings):
    settings.IMAGE_MAX_PIXELS = 5_000

    with pytest.raises(ValidationError) as refused:
        check_upload(ContentFile(picture("AVIF", (80, 80)), "mars.avif"))
    assert (
        "This picture is 80 × 80 pixels; the library takes up to 0.005 megapixels"
    ) in str(refused.value)
