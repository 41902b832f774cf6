"""Helpers for the upload tests (fixtures are in conftest.py): pictures made in
memory, whose headers say what the library checks before decoding anything."""

import io

from PIL import Image as PILImage


def picture(fmt: str, size: tuple[int, int], frames: int = 1) -> bytes:
    """A `fmt` file of `frames` solid frames of `size`: a still when 1, else an
    animation looping for ever at 80 ms a frame. Each frame has its own colour,
    as Pillow folds identical neighbouring GIF frames into one."""
    made = [
        PILImage.new("RGB", size, ((20 + i * 37) % 256, (90 + i * 91) % 256, 160))
        for i in range(frames)
    ]
    buffer = io.BytesIO()
    if frames == 1:
        made[0].save(buffer, fmt)
    else:
        made[0].save(
            buffer, fmt, save_all=True, append_images=made[1:], duration=80, loop=0
        )
    return buffer.getvalue()
