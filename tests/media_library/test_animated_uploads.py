"""Animated uploads are bounded in memory and time (issue 12): refused from the
header when their frames together are too many pixels, and re-encoded one frame
at a time when accepted. `bench/uploads.py` measures the worst accepted ones."""

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import ImageChops, ImageFile
from pytest_django.asserts import assertContains

from media_library import validation
from media_library.models import Image
from media_library.validation import check_upload, recognising
from tests.factories import UserFactory
from tests.media_library.upload_helpers import picture

pytestmark = pytest.mark.django_db


def upload_form(data: bytes, name: str) -> dict:
    return {
        "file": ContentFile(data, name),
        "title": "Launch loop",
        "alt_text": "A rocket rises on a column of flame.",
        "caption": "",
        "credit": "SpaceX",
        "licence": "agency",
        "source_url": "",
        "tags": "",
    }


@pytest.fixture
def small_limits(monkeypatch):
    """Limits small enough for fast tests: 1 megapixel in all frames."""
    monkeypatch.setitem(validation.ANIMATION_MAX_PIXELS, "GIF", 1_000_000)
    monkeypatch.setitem(validation.ANIMATION_MAX_PIXELS, "PNG", 1_000_000)
    # A name is patched where it is read: `_check_animation` reads this one.
    monkeypatch.setattr(recognising, "ANIMATION_MAX_FRAMES", 50)


def test_gif_over_the_total_is_refused_from_its_header(small_limits, monkeypatch):
    """11 frames of 300 × 300 = 0.99 megapixels each is fine alone, not together;
    no pixel is decoded to find out."""
    data = picture("GIF", (300, 300), 12)

    def decode(*args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    with pytest.raises(ValidationError) as refused:
        check_upload(ContentFile(data, "loop.gif"))
    assert refused.value.code == "too_many_pixels"
    assert (
        "This animation has 12 frames of 300 × 300 pixels; the library takes "
        "animations of up to 50 frames and 1 megapixels in all its frames together"
    ) in str(refused.value)


def test_too_many_frames_is_refused(small_limits):
    with pytest.raises(ValidationError) as refused:
        check_upload(ContentFile(picture("GIF", (10, 10), 51), "loop.gif"))
    assert refused.value.code == "too_many_pixels"
    assert "51 frames" in str(refused.value)


def test_refused_animation_leaves_nothing(small_limits, client, media_files):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    data = picture("GIF", (300, 300), 12)
    response = client.post(
        reverse("admin:media_library_image_add"), upload_form(data, "loop.gif")
    )
    assert response.status_code == 200
    assertContains(response, "1 megapixels in all its frames together")
    assert Image.objects.count() == 0
    assert media_files() == []
    with pytest.raises(ValidationError):
        Image(
            title="x", alt_text="x", credit="x", file=ContentFile(data, "a.gif")
        ).save()
    assert Image.objects.count() == 0
    assert media_files() == []


@pytest.mark.parametrize(("fmt", "name"), [("GIF", "loop.gif"), ("PNG", "loop.png")])
def test_animation_under_the_total_is_stored_frame_for_frame(
    small_limits, media_files, fmt, name
):
    data = picture(fmt, (300, 300), 11)
    checked = check_upload(ContentFile(data, name))
    assert (checked.frames, checked.width, checked.height) == (11, 300, 300)
    with (
        PILImage.open(io.BytesIO(data)) as original,
        PILImage.open(checked.file) as stored,
    ):
        assert stored.format == fmt
        assert stored.n_frames == 11
        assert stored.info.get("loop") == 0
        for index in range(11):
            original.seek(index)
            stored.seek(index)
            assert stored.info["duration"] == 80
            difference = ImageChops.difference(
                original.convert("RGB"), stored.convert("RGB")
            )
            assert max(high for _low, high in difference.getextrema()) <= 4


def test_gif_transparency_survives():
    frames = []
    for i in range(3):
        frame = PILImage.new("RGBA", (40, 30), (0, 0, 0, 0))
        frame.paste((200, 10 * i, 0, 255), (i * 10, 0, i * 10 + 10, 30))
        frames.append(frame)
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], loop=0)
    checked = check_upload(ContentFile(buffer.getvalue(), "dot.gif"))
    with PILImage.open(checked.file) as stored:
        for index in range(3):
            stored.seek(index)
            rgba = stored.convert("RGBA")
            assert rgba.getpixel((35, 5))[3] == 0  # never painted
            assert rgba.getpixel((index * 10 + 5, 5)) == (200, 10 * index, 0, 255)


CHECK_IN_A_FRESH_PROCESS = """
import sys, django
from pathlib import Path
django.setup()
from django.core.files.base import ContentFile
from media_library.validation import check_upload

def peak():  # VmHWM: this process's peak resident memory, in kB
    status = Path("/proc/self/status").read_text().splitlines()
    return int(next(x for x in status if x.startswith("VmHWM:")).split()[1])

upload = ContentFile(Path(sys.argv[1]).read_bytes(), "long.gif")
before = peak()
check_upload(upload)
print(peak() - before)
"""


@pytest.mark.skipif(
    not os.path.exists("/proc/self/status"), reason="reads Linux's VmHWM"
)
def test_memory_is_a_frame_or_two_whatever_the_length(tmp_path):
    """20 frames of 1500 × 1500: every frame decoded at once would take 180 MB
    (Pillow holds a GIF's later frames in RGBA, 4 bytes a pixel), and more with
    copies; one at a time, a frame or two (9 MB each). Pillow's pixels are not
    Python objects (tracemalloc misses them), so the peak resident memory of a
    fresh process is measured."""
    path = tmp_path / "long.gif"
    path.write_bytes(picture("GIF", (1500, 1500), 20))
    result = subprocess.run(  # noqa: S603 (our interpreter, our script)
        [sys.executable, "-c", CHECK_IN_A_FRESH_PROCESS, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
    )
    growth_kb = int(result.stdout.split()[-1])
    assert growth_kb < 80_000
