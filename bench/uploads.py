"""Benchmark upload checks (issue 12, "Uploads are bounded in memory and time"):
python bench/uploads.py

Builds the costliest uploads the library still accepts, just under its limits
(`validation.ANIMATION_MAX_PIXELS`, `ANIMATION_MAX_FRAMES`, IMAGE_MAX_PIXELS and
`MAX_PIXELS_BY_FORMAT`),
and accepts each with `check_upload` in a fresh process, reporting the time it
took and the process's peak resident memory (VmHWM, which includes Python and
Django: the baseline before the check is printed too). Targets: under 5 s and
500 MB each. Noisy frames are what compresses worst and quantises slowest; they
are as many as fit in IMAGE_MAX_UPLOAD_BYTES.
"""

import io
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make the apps importable
    sys.path.insert(0, str(ROOT))

MAX_SECONDS = 5
MAX_MEGABYTES = 500


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DEBUG", "on")
    import django

    django.setup()


def _animation(fmt: str, side: int, count: int, noise: bool) -> bytes:
    from PIL import Image

    size = (side, side)

    def frame(index: int) -> Image.Image:
        if noise:  # what compresses worst and quantises slowest
            grey = Image.effect_noise(size, 80 + index)
            return Image.merge("RGB", (grey, grey.rotate(90), grey.transpose(0)))
        return Image.new("RGB", size, (index * 37 % 256, index * 91 % 256, 40))

    first = frame(0)
    buffer = io.BytesIO()
    first.save(
        buffer,
        fmt,
        save_all=count > 1,
        append_images=[frame(i) for i in range(1, count)],
        duration=80,
        loop=0,
    )
    return buffer.getvalue()


def cases() -> dict[str, tuple[str, object]]:
    """{label: (file name, a function making its bytes)}: just under the
    limits."""
    from django.conf import settings
    from PIL import features

    from media_library.validation import (
        ANIMATION_MAX_FRAMES,
        ANIMATION_MAX_PIXELS,
        MAX_PIXELS_BY_FORMAT,
    )

    def side(fmt: str, frames: int) -> int:  # of square frames just under the limit
        return int((ANIMATION_MAX_PIXELS[fmt] // frames) ** 0.5)

    def still_side(fmt: str) -> int:  # of a square still just under the limit
        limit = settings.IMAGE_MAX_PIXELS
        return int(min(limit, MAX_PIXELS_BY_FORMAT.get(fmt, limit)) ** 0.5)

    still = still_side("PNG")
    recipes = [  # format, frames, noisy
        ("GIF", 2, False),
        ("GIF", 10, False),
        ("GIF", 10, True),
        ("GIF", ANIMATION_MAX_FRAMES, False),
        ("PNG", 2, False),
        ("PNG", 10, True),
        ("WEBP", 2, False),
        ("WEBP", 10, True),
    ]
    if features.check("avif"):
        recipes += [("AVIF", 2, False), ("AVIF", 10, True)]
    found = {}
    for fmt, frames, noisy in recipes:
        label = (
            f"{fmt}, {frames} {'noisy ' if noisy else ''}frames of {side(fmt, frames)}²"
        )
        found[label] = (f"a.{fmt.lower()}", (fmt, side(fmt, frames), frames, noisy))
    found[f"still PNG, {still}²"] = ("a.png", ("PNG", still, 1, False))
    found[f"still JPEG, {still}², noisy"] = ("a.jpg", ("JPEG", still, 1, True))
    if features.check("avif"):
        avif = still_side("AVIF")
        found[f"still AVIF, {avif}²"] = ("a.avif", ("AVIF", avif, 1, False))
        found[f"still AVIF, {avif}², noisy"] = ("a.avif", ("AVIF", avif, 1, True))
    return found


def _peak_megabytes() -> float:
    """This process's peak resident memory. (Not ru_maxrss: a spawned child
    reports its parent's there, as Linux keeps it across exec.)"""
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _accept(path: str, name: str, results) -> None:
    """In a fresh process: check one upload, report (outcome, s, MB, base MB)."""
    _setup()
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile

    from media_library.validation import check_upload

    data = Path(path).read_bytes()
    base = _peak_megabytes()
    start = time.perf_counter()
    try:
        checked = check_upload(ContentFile(data, name))
        outcome = f"accepted, {checked.frames} frame(s)"
    except ValidationError as error:
        outcome = f"REFUSED ({error.code})"
    seconds = time.perf_counter() - start
    peak = _peak_megabytes()
    results.put((outcome, seconds, peak, base))


def main() -> int:
    _setup()
    context = multiprocessing.get_context("spawn")
    print(f"{'upload':<38} {'size':>9} {'time':>7} {'peak':>8} {'base':>7}  outcome")
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        for label, (name, recipe) in cases().items():
            data = _animation(*recipe)
            path = Path(folder, name)
            path.write_bytes(data)
            results = context.Queue()
            child = context.Process(target=_accept, args=(str(path), name, results))
            child.start()
            outcome, seconds, peak, base = results.get()
            child.join()
            if "too_big" in outcome:  # frames this noisy do not fit in an upload
                outcome = "not tried: over IMAGE_MAX_UPLOAD_BYTES"
            ok = seconds < MAX_SECONDS and peak < MAX_MEGABYTES
            ok = ok and "REFUSED" not in outcome
            failed += not ok
            print(
                f"{label:<38} {len(data) / 1e6:>7.2f}MB {seconds:>6.2f}s "
                f"{peak:>6.0f}MB {base:>5.0f}MB  {outcome}{'' if ok else '  FAIL'}"
            )
    print(
        f"targets: under {MAX_SECONDS} s and {MAX_MEGABYTES} MB each: "
        f"{'PASS' if not failed else f'{failed} FAIL'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
