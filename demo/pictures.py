"""Procedural pictures for the demo newsroom, drawn with Pillow.

Nothing is downloaded. Each scene is drawn from a seeded `random.Random`, so the
same seed gives the same JPEG bytes (and the same SHA-256) on every run: that is
what lets `load_demo` find a picture it stored before instead of storing it again.
Drawing takes a few seconds, so each picture is drawn once per process.
"""

import functools
import io
import math
import random
from collections.abc import Callable, Sequence

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

STORY_SIZE = (1200, 675)
HEADSHOT_SIZE = (400, 400)

Colour = tuple[int, int, int]


# --- Building blocks ---------------------------------------------------------


def to_jpeg(picture: Image.Image, *, quality: int = 85) -> bytes:
    """The picture as baseline JPEG bytes, with no metadata that could vary."""
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _gradient(size: tuple[int, int], stops: Sequence[tuple[float, Colour]]):
    """A top-to-bottom gradient through (position 0..1, colour) stops."""
    width, height = size
    column = []
    for y in range(height):
        t = y / max(height - 1, 1)
        for (t0, c0), (t1, c1) in zip(stops, stops[1:], strict=False):
            if t0 <= t <= t1:
                column.append(_mix(c0, c1, (t - t0) / ((t1 - t0) or 1)))
                break
        else:
            column.append(stops[-1][1])
    strip = Image.new("RGB", (1, height))
    strip.putdata(column)
    return strip.resize(size, Image.Resampling.NEAREST)


def _noise(rng: random.Random, size: tuple[int, int], cell: int) -> Image.Image:
    """Smooth greyscale noise: random cells scaled up, so it is quick to make."""
    small = (max(size[0] // cell, 2), max(size[1] // cell, 2))
    grain = Image.new("L", small)
    grain.putdata([rng.randrange(256) for _ in range(small[0] * small[1])])
    grain = grain.resize(size, Image.Resampling.BICUBIC)
    return grain.filter(ImageFilter.GaussianBlur(cell / 3))


def _texture(picture: Image.Image, rng: random.Random, cell: int, strength: float):
    """Lighten and darken `picture` by smooth noise, like rock and dust."""
    grain = _noise(rng, picture.size, cell).convert("RGB")
    return Image.blend(picture, ImageChops.overlay(picture, grain), strength)


def _glow(picture: Image.Image, box, colour: Colour, blur: float, alpha: int = 255):
    """Paint a soft, blurred ellipse onto an RGBA picture (only the patch around
    it is blurred, which keeps a scene of a hundred puffs quick)."""
    margin = math.ceil(blur * 3) + 2
    left, top = math.floor(box[0]) - margin, math.floor(box[1]) - margin
    right, bottom = math.ceil(box[2]) + margin, math.ceil(box[3]) + margin
    layer = Image.new("RGBA", (right - left, bottom - top), (*colour, 0))
    shape = (box[0] - left, box[1] - top, box[2] - left, box[3] - top)
    ImageDraw.Draw(layer).ellipse(shape, fill=(*colour, alpha))
    layer = layer.filter(ImageFilter.GaussianBlur(blur))
    # alpha_composite takes no negative offsets: crop what is off the left or top.
    source = (max(-left, 0), max(-top, 0))
    picture.alpha_composite(layer, dest=(max(left, 0), max(top, 0)), source=source)


def _stars(picture, rng: random.Random, count: int, *, bottom: int | None = None):
    draw = ImageDraw.Draw(picture)
    width, height = picture.size
    for _ in range(count):
        x, y = rng.uniform(0, width), rng.uniform(0, bottom or height)
        level = rng.choice((90, 120, 160, 200, 255)) if rng.random() < 0.9 else 255
        tint = rng.choice(((255, 255, 255), (255, 236, 210), (210, 225, 255)))
        colour = tuple(round(c * level / 255) for c in tint)
        r = 1.6 if level == 255 and rng.random() < 0.15 else 0.7
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _ridge(rng: random.Random, width: int, base: float, rough: float, step: int):
    """Points along a jagged skyline from left to right."""
    points, y = [], base
    for x in range(0, width + step, step):
        y += rng.uniform(-rough, rough)
        y = min(max(y, base - 3 * rough), base + 3 * rough)
        points.append((x, y))
    return points


def _vignette(size: tuple[int, int], strength: float) -> Image.Image:
    """A mask that is white in the middle and darker towards the corners."""
    width, height = size
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse(
        (-width * 0.15, -height * 0.25, width * 1.15, height * 1.25), fill=255
    )
    mask = mask.filter(ImageFilter.GaussianBlur(min(size) * 0.2))
    return Image.eval(mask, lambda v: round(255 - (255 - v) * strength))


# --- Scenes ------------------------------------------------------------------


def hazcam_plume(rng: random.Random) -> Image.Image:
    """A rover's rear hazard camera: a fish-eye view of Martian ground with a dust
    plume on the horizon, a wheel in the corner and a dark frame border."""
    size = width, height = STORY_SIZE
    sky = _gradient(
        size, [(0, (196, 160, 120)), (0.45, (222, 188, 146)), (1, (0, 0, 0))]
    )
    ground = _gradient(size, [(0, (150, 92, 58)), (1, (92, 54, 34))])
    ground = _texture(ground, rng, 14, 0.25)
    horizon = _ridge(rng, width, height * 0.42, 3, 24)
    land = Image.new("L", size, 0)
    ImageDraw.Draw(land).polygon([*horizon, (width, height), (0, height)], fill=255)
    picture = Image.composite(ground, sky, land).convert("RGBA")

    draw = ImageDraw.Draw(picture)
    for _ in range(260):  # pebbles and rocks, bigger towards the camera
        x, y = rng.uniform(0, width), rng.uniform(height * 0.45, height)
        r = 1 + (y - height * 0.45) / height * rng.uniform(4, 22)
        shade = rng.randint(45, 85)
        draw.ellipse(
            (x - r * 1.4, y - r, x + r * 1.4, y + r * 0.6),
            fill=(shade + 30, shade, shade - 20),
        )

    # The plume: puffs of grey-brown dust rising, widening and drifting right.
    cx, base = width * 0.7, height * 0.42
    for _ in range(45):
        t = rng.random() ** 0.8
        x = cx + t * 80 + rng.gauss(0, 6 + t * 26)
        y = base - t * 170 + rng.uniform(-6, 6)
        r = 8 + t * 34 + rng.uniform(0, 10)
        _glow(picture, (x - r, y - r * 0.8, x + r, y + r * 0.8), (112, 96, 86), 8, 90)

    # A wheel and part of the rover's body in the lower left corner.
    draw = ImageDraw.Draw(picture)
    draw.ellipse((-120, height - 210, 170, height + 80), fill=(28, 26, 26))
    draw.ellipse((-60, height - 150, 110, height + 20), fill=(58, 56, 54))
    draw.rectangle((0, height - 40, 260, height), fill=(36, 34, 33))

    # Fish-eye: everything outside a wide ellipse goes black, then grain.
    frame = Image.new("L", size, 0)
    ImageDraw.Draw(frame).ellipse((-20, -170, width + 20, height + 170), fill=255)
    frame = frame.filter(ImageFilter.GaussianBlur(14))
    black = Image.new("RGB", size, (8, 8, 8))
    picture = Image.composite(picture.convert("RGB"), black, frame)
    return _texture(picture, rng, 2, 0.08)


def jezero_cliffs(rng: random.Random) -> Image.Image:
    """Layered cliffs of an old river delta under a butterscotch sky."""
    size = width, height = STORY_SIZE
    picture = _gradient(
        size, [(0, (210, 176, 138)), (0.5, (232, 200, 160)), (1, (232, 200, 160))]
    )
    draw = ImageDraw.Draw(picture)
    layers = [
        (0.3, (186, 140, 104), 6),
        (0.4, (160, 108, 74), 9),
        (0.5, (138, 88, 58), 8),
        (0.62, (116, 70, 44), 12),
    ]
    for depth, colour, rough in layers:
        skyline = _ridge(rng, width, height * depth, rough, 30)
        draw.polygon([*skyline, (width, height), (0, height)], fill=colour)
        for band in range(1, 5):  # sediment layers on the cliff face
            offset = band * 9
            line = [(x, y + offset) for x, y in skyline]
            draw.line(line, fill=_mix(colour, (60, 36, 24), 0.12 * band), width=2)
    floor = _ridge(rng, width, height * 0.78, 2, 40)
    draw.polygon([*floor, (width, height), (0, height)], fill=(104, 62, 40))
    for _ in range(180):
        x, y = rng.uniform(0, width), rng.uniform(height * 0.8, height)
        r = 2 + (y - height * 0.8) / height * 40 * rng.random()
        shade = rng.randint(50, 80)
        draw.ellipse(
            (x - r, y - r * 0.6, x + r, y + r * 0.5),
            fill=(shade + 25, shade, shade - 15),
        )
    return _texture(picture, rng, 3, 0.15)


def rocket_launch(rng: random.Random) -> Image.Image:
    """A rocket climbing away from its pad at dusk on a column of flame."""
    size = width, height = STORY_SIZE
    sky = _gradient(
        size, [(0, (16, 24, 56)), (0.6, (70, 70, 120)), (1, (236, 140, 90))]
    )
    picture = sky.convert("RGBA")
    _stars(picture, rng, 120, bottom=height // 3)
    x = width * 0.52
    # Exhaust: a bright core, then billowing clouds spreading along the ground.
    _glow(picture, (x - 16, 300, x + 16, 470), (255, 250, 220), 6)
    _glow(picture, (x - 40, 280, x + 40, 520), (255, 180, 80), 22, 200)
    for _ in range(70):
        cx = x + rng.gauss(0, 150)
        cy = height - 60 - abs(rng.gauss(0, 45))
        r = rng.uniform(30, 80)
        lit = max(0.0, 1 - abs(cx - x) / 420)
        colour = _mix((120, 110, 120), (255, 200, 150), lit)
        _glow(picture, (cx - r, cy - r * 0.7, cx + r, cy + r * 0.7), colour, 14, 220)
    draw = ImageDraw.Draw(picture)
    # The rocket: a white body, dark interstage and a pointed fairing.
    draw.rectangle((x - 9, 130, x + 9, 300), fill=(236, 236, 240))
    draw.rectangle((x - 9, 190, x + 9, 198), fill=(40, 40, 46))
    draw.polygon(
        [(x - 11, 130), (x + 11, 130), (x + 11, 100), (x, 70), (x - 11, 100)],
        fill=(240, 240, 244),
    )
    # The launch tower, left standing in the glow.
    tower = width * 0.36
    draw.rectangle((tower, 250, tower + 34, height - 90), fill=(26, 24, 30))
    for y in range(260, height - 100, 26):
        draw.line((tower, y, tower + 34, y + 26), fill=(60, 50, 56), width=2)
    draw.rectangle((0, height - 40, width, height), fill=(20, 18, 22))
    return picture.convert("RGB")


def engine_firing(rng: random.Random) -> Image.Image:
    """A rocket engine firing sideways on a test stand, its plume filling the frame."""
    size = width, height = STORY_SIZE
    picture = _gradient(
        size, [(0, (130, 160, 196)), (0.7, (200, 210, 220)), (1, (120, 110, 96))]
    ).convert("RGBA")
    for _ in range(90):  # steam and smoke billowing away from the stand
        cx = rng.uniform(380, width + 60)
        cy = height * 0.55 + rng.gauss(0, 60) - (cx - 380) * 0.18
        r = rng.uniform(40, 110)
        shade = rng.randint(200, 245)
        _glow(picture, (cx - r, cy - r, cx + r, cy + r), (shade, shade, shade), 20, 200)
    # The plume: a shock-diamond pattern inside an orange flame.
    y0 = height * 0.5
    _glow(picture, (300, y0 - 36, 900, y0 + 36), (255, 150, 60), 14)
    _glow(picture, (300, y0 - 18, 820, y0 + 18), (255, 236, 190), 6)
    for i in range(5):
        dx = 360 + i * 95
        _glow(picture, (dx - 20, y0 - 12, dx + 20, y0 + 12), (255, 255, 255), 4)
    draw = ImageDraw.Draw(picture)
    # Engine bell and the concrete stand holding it.
    draw.polygon(
        [(220, y0 - 26), (300, y0 - 44), (300, y0 + 44), (220, y0 + 26)],
        fill=(70, 64, 60),
    )
    draw.rectangle((120, y0 - 34, 222, y0 + 34), fill=(90, 88, 86))
    draw.rectangle((60, y0 - 140, 150, height), fill=(150, 146, 138))
    draw.rectangle((0, height - 70, width, height), fill=(96, 92, 80))
    return _texture(picture.convert("RGB"), rng, 4, 0.12)


def meteor_sky(rng: random.Random) -> Image.Image:
    """A dark country sky with the Milky Way, a few meteor streaks and trees."""
    size = width, height = STORY_SIZE
    picture = _gradient(
        size, [(0, (4, 6, 18)), (0.8, (16, 24, 48)), (1, (30, 40, 66))]
    ).convert("RGBA")
    band = Image.new("L", size, 0)
    ImageDraw.Draw(band).line([(150, height), (width - 200, 0)], fill=90, width=160)
    band = ImageChops.multiply(
        band.filter(ImageFilter.GaussianBlur(60)), _noise(rng, size, 40)
    )
    picture.paste((150, 160, 200), mask=band.point(lambda v: v // 2))
    _stars(picture, rng, 1400)
    radiant = (width * 0.82, height * 0.08)
    for _ in range(5):  # streaks that all point back to one radiant
        angle = rng.uniform(math.radians(120), math.radians(200))
        start = rng.uniform(120, 380)
        length = rng.uniform(90, 200)
        x0, y0 = (
            radiant[0] + math.cos(angle) * start,
            radiant[1] - math.sin(angle) * start,
        )
        x1 = x0 + math.cos(angle) * length
        y1 = y0 - math.sin(angle) * length
        streak = Image.new("RGBA", size, (0, 0, 0, 0))
        ImageDraw.Draw(streak).line(
            (x0, y0, x1, y1), fill=(235, 245, 255, 230), width=3
        )
        picture.alpha_composite(streak.filter(ImageFilter.GaussianBlur(1.2)))
    draw = ImageDraw.Draw(picture)
    treeline = _ridge(rng, width, height * 0.88, 6, 14)
    draw.polygon([*treeline, (width, height), (0, height)], fill=(2, 3, 6))
    for _ in range(9):  # a few conifers poking above the line
        x, base = rng.uniform(0, width), height * 0.9
        tall = rng.uniform(50, 120)
        draw.polygon(
            [(x - tall / 5, base), (x, base - tall), (x + tall / 5, base)],
            fill=(2, 3, 6),
        )
    return picture.convert("RGB")


def planet_and_star(rng: random.Random) -> Image.Image:
    """An artist's-impression style gas giant, lit from one side by its star."""
    size = width, height = STORY_SIZE
    picture = Image.new("RGBA", size, (2, 2, 8, 255))
    _stars(picture, rng, 500)
    _glow(picture, (width - 170, 20, width + 130, 320), (255, 214, 150), 60, 220)
    _glow(picture, (width - 60, 120, width + 20, 200), (255, 255, 235), 10)
    disc = Image.new("RGB", size)
    draw = ImageDraw.Draw(disc)
    cx, cy, r = width * 0.4, height * 0.58, 290
    y = cy - r
    while y < cy + r:  # coloured cloud bands
        band = rng.uniform(10, 34)
        colour = rng.choice(
            ((196, 150, 110), (222, 190, 150), (170, 120, 90), (236, 214, 180))
        )
        draw.rectangle((cx - r, y, cx + r, y + band), fill=colour)
        y += band
    disc = disc.filter(ImageFilter.GaussianBlur(3))
    shape = Image.new("L", size, 0)
    ImageDraw.Draw(shape).ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    night = Image.new("L", size, 0)  # the side facing away from the star
    ImageDraw.Draw(night).ellipse(
        (cx - r - 170, cy - r + 60, cx + r - 170, cy + r + 60), fill=255
    )
    lit = ImageChops.subtract(
        shape, night.filter(ImageFilter.GaussianBlur(60)).point(lambda v: v * 9 // 10)
    )
    picture.paste(disc, mask=lit)
    return picture.convert("RGB")


def webb_nebula(rng: random.Random) -> Image.Image:
    """Glowing clouds of gas and dust with six-pointed, Webb-style star spikes."""
    size = width, height = STORY_SIZE
    picture = Image.new("RGBA", size, (6, 4, 14, 255))
    palette = (
        (220, 120, 60),
        (240, 170, 90),
        (60, 120, 170),
        (150, 70, 60),
        (250, 210, 150),
    )
    for _ in range(140):
        x = rng.uniform(0, width)
        y = height * 0.6 + math.sin(x / 170) * 80 + rng.gauss(0, 90)
        r = rng.uniform(30, 130)
        _glow(
            picture,
            (x - r, y - r, x + r, y + r),
            rng.choice(palette),
            30,
            rng.randint(40, 110),
        )
    _stars(picture, rng, 700)
    draw = ImageDraw.Draw(picture)
    for _ in range(7):
        x, y = rng.uniform(60, width - 60), rng.uniform(40, height - 40)
        length = rng.uniform(30, 90)
        for k in range(6):
            a = math.radians(90 + k * 60)
            draw.line(
                (x, y, x + math.cos(a) * length, y + math.sin(a) * length),
                fill=(255, 250, 240),
                width=2,
            )
        draw.line(
            (x - length * 0.5, y, x + length * 0.5, y), fill=(230, 230, 240), width=1
        )
        _glow(picture, (x - 8, y - 8, x + 8, y + 8), (255, 255, 255), 3)
    return picture.convert("RGB")


def eclipse_corona(rng: random.Random) -> Image.Image:
    """Totality: the Moon's black disc ringed by the Sun's pearly corona."""
    size = width, height = STORY_SIZE
    picture = Image.new("RGBA", size, (4, 6, 14, 255))
    _stars(picture, rng, 60)
    cx, cy, r = width / 2, height / 2, 120
    _glow(
        picture,
        (cx - r * 2.6, cy - r * 2.2, cx + r * 2.6, cy + r * 2.2),
        (120, 140, 180),
        80,
        110,
    )
    _glow(
        picture,
        (cx - r * 1.6, cy - r * 1.5, cx + r * 1.6, cy + r * 1.5),
        (235, 240, 255),
        40,
        230,
    )
    rays = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(rays)
    for _ in range(46):  # streamers of the corona
        a = rng.uniform(0, math.tau)
        reach = r * rng.uniform(1.4, 3.2)
        draw.line(
            (cx, cy, cx + math.cos(a) * reach, cy + math.sin(a) * reach * 0.85),
            fill=(245, 248, 255, 120),
            width=rng.randint(3, 10),
        )
    picture.alpha_composite(rays.filter(ImageFilter.GaussianBlur(9)))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(2, 2, 4))
    _glow(
        picture,
        (cx + r * 0.58, cy - r * 0.9, cx + r * 0.74, cy - r * 0.74),
        (255, 120, 140),
        2,
    )
    return picture.convert("RGB")


def station_pass(rng: random.Random) -> Image.Image:
    """A long exposure: the space station's bright arc over rooftops at dusk."""
    size = width, height = STORY_SIZE
    picture = _gradient(
        size, [(0, (8, 14, 40)), (0.7, (38, 60, 110)), (1, (120, 110, 130))]
    ).convert("RGBA")
    _stars(picture, rng, 500, bottom=round(height * 0.75))
    arc = Image.new("RGBA", size, (0, 0, 0, 0))
    box = (-80, 120, width + 80, height + 560)
    ImageDraw.Draw(arc).arc(box, 200, 338, fill=(255, 250, 235, 255), width=4)
    picture.alpha_composite(arc.filter(ImageFilter.GaussianBlur(2)))
    picture.alpha_composite(arc)
    draw = ImageDraw.Draw(picture)
    x = 0.0
    while x < width:  # a row of houses and a tree or two
        w = rng.uniform(90, 170)
        top = height - rng.uniform(80, 140)
        draw.rectangle((x, top, x + w, height), fill=(6, 6, 10))
        draw.polygon(
            [(x - 6, top), (x + w / 2, top - rng.uniform(30, 60)), (x + w + 6, top)],
            fill=(6, 6, 10),
        )
        if rng.random() < 0.5:
            lx = x + rng.uniform(15, w - 30)
            draw.rectangle((lx, top + 30, lx + 16, top + 50), fill=(250, 200, 120))
        x += w + rng.uniform(0, 40)
    return picture.convert("RGB")


def crescent_moon(rng: random.Random) -> Image.Image:
    """A thin crescent Moon low in twilight, its dark side lit by earthshine."""
    size = width, height = STORY_SIZE
    picture = _gradient(
        size,
        [
            (0, (16, 30, 70)),
            (0.6, (70, 90, 140)),
            (0.9, (240, 150, 90)),
            (1, (250, 190, 110)),
        ],
    ).convert("RGBA")
    _stars(picture, rng, 40, bottom=height // 2)
    cx, cy, r = width * 0.58, height * 0.38, 70
    moon = (cx - r, cy - r, cx + r, cy + r)
    _glow(picture, moon, (150, 160, 185), 1, 150)  # earthshine on the night side
    lit = Image.new("L", size, 0)
    ImageDraw.Draw(lit).ellipse(moon, fill=255)
    shadow = Image.new("L", size, 0)
    ImageDraw.Draw(shadow).ellipse(
        (cx - r + 26, cy - r - 6, cx + r + 26, cy + r - 6), fill=255
    )
    crescent = ImageChops.subtract(lit, shadow).filter(ImageFilter.GaussianBlur(1))
    picture.paste((252, 246, 226), mask=crescent)
    _glow(
        picture,
        (cx - r * 1.5, cy - r * 1.5, cx + r * 1.5, cy + r * 1.5),
        (250, 240, 220),
        30,
        40,
    )
    hills = _ridge(rng, width, height * 0.86, 5, 20)
    ImageDraw.Draw(picture).polygon(
        [*hills, (width, height), (0, height)], fill=(14, 16, 24)
    )
    return picture.convert("RGB")


def satellite_trails(rng: random.Random) -> Image.Image:
    """A telescope's view of a star field crossed by bright satellite trails."""
    size = width, height = STORY_SIZE
    picture = Image.new("RGBA", size, (6, 8, 16, 255))
    _glow(
        picture,
        (width * 0.3, height * 0.2, width * 0.7, height * 0.8),
        (60, 50, 70),
        80,
        120,
    )
    _stars(picture, rng, 1600)
    trails = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(trails)
    for i in range(11):  # a "train" of satellites crossing one after another
        offset = i * 38 + rng.uniform(-6, 6)
        brightness = rng.randint(150, 240)
        draw.line(
            (-50, 80 + offset, width + 50, 360 + offset),
            fill=(brightness, brightness, 255, 255),
            width=3,
        )
    for _ in range(3):
        y0, y1 = rng.uniform(0, height), rng.uniform(0, height)
        draw.line((0, y0, width, y1), fill=(220, 230, 255, 200), width=3)
    picture.alpha_composite(trails.filter(ImageFilter.GaussianBlur(0.8)))
    return picture.convert("RGB")


def ingenuity_flight(rng: random.Random) -> Image.Image:
    """A small four-legged helicopter hovering over rippled Martian sand, its
    shadow on the ground below."""
    size = width, height = STORY_SIZE
    picture = _gradient(
        size, [(0, (196, 160, 124)), (0.45, (226, 192, 150)), (1, (226, 192, 150))]
    ).convert("RGBA")
    draw = ImageDraw.Draw(picture)
    far = _ridge(rng, width, height * 0.46, 5, 40)
    draw.polygon([*far, (width, height), (0, height)], fill=(170, 118, 84))
    ground = _ridge(rng, width, height * 0.55, 2, 60)
    draw.polygon([*ground, (width, height), (0, height)], fill=(150, 96, 62))
    for row in range(14):  # wind ripples, closer together towards the horizon
        y = height * 0.58 + (row / 14) ** 1.6 * height * 0.42
        draw.arc(
            (-200 + rng.uniform(-60, 60), y - 20, width + 200, y + 40),
            190, 350, fill=(128, 80, 52), width=2 + row // 4,
        )  # fmt: skip
    cx, cy = width * 0.55, height * 0.36
    shadow = Image.new("RGBA", size, (0, 0, 0, 0))
    ground_y = height * 0.8
    ImageDraw.Draw(shadow).ellipse(
        (cx - 150, ground_y - 18, cx + 130, ground_y + 18), fill=(60, 34, 20, 150)
    )
    picture.alpha_composite(shadow.filter(ImageFilter.GaussianBlur(6)))
    body = (40, 40, 46)
    for blade in (-14, 0):  # two stacked rotors, blurred by their spin
        draw.ellipse((cx - 190, cy + blade - 8, cx + 190, cy + blade + 8),
                     fill=(90, 90, 96, 160))  # fmt: skip
    draw.line((cx, cy - 26, cx, cy + 40), fill=body, width=8)  # mast
    draw.rectangle((cx - 34, cy + 40, cx + 34, cy + 92), fill=(210, 200, 180))  # body
    draw.rectangle((cx - 60, cy - 44, cx + 60, cy - 30), fill=(40, 60, 110))  # panel
    for dx in (-70, -30, 30, 70):  # legs
        draw.line((cx + dx / 3, cy + 92, cx + dx, cy + 150), fill=body, width=5)
    return _texture(picture.convert("RGB"), rng, 3, 0.12)


def sample_tubes(rng: random.Random) -> Image.Image:
    """Sealed sample tubes lying apart on a rocky crater floor."""
    size = width, height = STORY_SIZE
    picture = _gradient(
        size, [(0, (214, 180, 140)), (0.3, (196, 150, 110)), (1, (120, 76, 50))]
    ).convert("RGBA")
    draw = ImageDraw.Draw(picture)
    horizon = _ridge(rng, width, height * 0.28, 4, 50)
    draw.polygon([*horizon, (width, height), (0, height)], fill=(150, 100, 68))
    for _ in range(260):  # pebbles and rocks, bigger nearer the camera
        x, y = rng.uniform(0, width), rng.uniform(height * 0.3, height)
        r = 1 + (y - height * 0.3) / height * 22 * rng.random()
        shade = rng.randint(70, 110)
        draw.ellipse((x - r, y - r * 0.6, x + r, y + r * 0.5),
                     fill=(shade + 30, shade, shade - 20))  # fmt: skip
    for n, (x, y) in enumerate([(0.22, 0.62), (0.5, 0.74), (0.76, 0.58)]):
        x, y = x * width, y * height
        angle = math.radians(rng.uniform(-25, 25) + (n - 1) * 10)
        dx, dy = math.cos(angle) * 120, math.sin(angle) * 120
        tube = Image.new("RGBA", size, (0, 0, 0, 0))
        tube_draw = ImageDraw.Draw(tube)
        tube_draw.line((x - dx, y - dy + 14, x + dx, y + dy + 14),
                       fill=(40, 24, 14, 150), width=26)  # fmt: skip
        picture.alpha_composite(tube.filter(ImageFilter.GaussianBlur(5)))
        draw.line((x - dx, y - dy, x + dx, y + dy), fill=(196, 200, 206), width=24)
        draw.line((x - dx, y - dy - 6, x + dx, y + dy - 6), fill=(240, 242, 246),
                  width=5)  # fmt: skip
        draw.ellipse((x + dx - 14, y + dy - 14, x + dx + 14, y + dy + 14),
                     fill=(90, 92, 98))  # fmt: skip
    return _texture(picture.convert("RGB"), rng, 3, 0.1)


def cargo_approach(rng: random.Random) -> Image.Image:
    """A cargo capsule closing on the station's truss above Earth's blue limb."""
    size = width, height = STORY_SIZE
    picture = Image.new("RGBA", size, (2, 3, 8, 255))
    _stars(picture, rng, 200, bottom=round(height * 0.6))
    _glow(picture, (-400, height * 0.62, width + 400, height * 2.2), (70, 140, 230), 30)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((-400, height * 0.66, width + 400, height * 2.2), fill=(24, 70, 150))
    for _ in range(30):  # cloud streaks
        x, y = rng.uniform(0, width), rng.uniform(height * 0.72, height)
        draw.ellipse((x - 90, y - 8, x + 90, y + 8), fill=(200, 214, 236))
    draw.rectangle((120, 150, 1080, 166), fill=(180, 180, 176))  # truss
    for x in (160, 330, 790, 960):  # solar wings
        draw.rectangle((x, 60, x + 110, 146), fill=(150, 110, 40))
        draw.rectangle((x, 170, x + 110, 256), fill=(150, 110, 40))
    draw.rectangle((520, 140, 680, 260), fill=(214, 214, 208))  # modules
    draw.rectangle((570, 260, 630, 330), fill=(200, 200, 196))
    draw.polygon(
        [(560, 470), (640, 470), (620, 400), (580, 400)], fill=(230, 230, 226)
    )  # fmt: skip (the capsule, nose up)
    _glow(picture, (588, 470, 612, 490), (180, 200, 255), 4)
    return picture.convert("RGB")


def moon_flyby(rng: random.Random) -> Image.Image:
    """The Moon's cratered limb filling the foreground, a small blue Earth
    beyond it: the view from a capsule swinging around the far side."""
    size = width, height = STORY_SIZE
    picture = Image.new("RGBA", size, (2, 2, 6, 255))
    _stars(picture, rng, 300)
    _glow(picture, (820, 90, 940, 210), (90, 150, 240), 12, alpha=160)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((840, 110, 920, 190), fill=(40, 100, 190))  # Earth
    draw.chord((840, 110, 920, 190), 200, 340, fill=(220, 228, 240))
    moon = (-300, 380, width + 300, height + 1400)
    surface = Image.new("RGBA", size, (150, 148, 142, 255))
    craters = ImageDraw.Draw(surface)
    for _ in range(140):  # craters, flattened towards the limb
        x = rng.uniform(0, width)
        y = rng.uniform(400, height)
        r = rng.uniform(4, 40) * (y - 380) / (height - 380)
        box = (x - r, y - r * 0.45, x + r, y + r * 0.45)
        craters.ellipse(box, fill=(110, 108, 104))
        craters.arc(box, 180, 360, fill=(196, 194, 188), width=2)
    mask = Image.new("L", size, 0)
    ImageDraw.Draw(mask).ellipse(moon, fill=255)
    picture.paste(surface, (0, 0), mask)
    return _texture(picture.convert("RGB"), rng, 4, 0.08)


SCENES: dict[str, Callable[[random.Random], Image.Image]] = {
    "hazcam_plume": hazcam_plume,
    "jezero_cliffs": jezero_cliffs,
    "rocket_launch": rocket_launch,
    "engine_firing": engine_firing,
    "meteor_sky": meteor_sky,
    "planet_and_star": planet_and_star,
    "webb_nebula": webb_nebula,
    "eclipse_corona": eclipse_corona,
    "station_pass": station_pass,
    "crescent_moon": crescent_moon,
    "satellite_trails": satellite_trails,
    "ingenuity_flight": ingenuity_flight,
    "sample_tubes": sample_tubes,
    "cargo_approach": cargo_approach,
    "moon_flyby": moon_flyby,
}


@functools.cache
def scene(name: str, seed: int) -> bytes:
    """The named scene, drawn from `seed`, as JPEG bytes."""
    picture = SCENES[name](random.Random(seed))  # noqa: S311 (pictures, not secrets)
    return to_jpeg(picture)


@functools.cache
def headshot(initials: str, colour: Colour, seed: int) -> bytes:
    """A placeholder portrait: a head-and-shoulders silhouette with initials."""
    size = width, height = HEADSHOT_SIZE
    rng = random.Random(seed)  # noqa: S311 (pictures, not secrets)
    picture = _gradient(size, [(0, _mix(colour, (255, 255, 255), 0.25)), (1, colour)])
    draw = ImageDraw.Draw(picture)
    figure = _mix(colour, (20, 20, 30), 0.55)
    tilt = rng.uniform(-6, 6)
    draw.ellipse((width / 2 - 78 + tilt, 78, width / 2 + 78 + tilt, 250), fill=figure)
    draw.ellipse((width / 2 - 170, 250, width / 2 + 170, height + 220), fill=figure)
    font = ImageFont.load_default(size=72)
    draw.text((width / 2, 336), initials, font=font, fill=(255, 255, 255), anchor="mm")
    return to_jpeg(picture.filter(ImageFilter.SMOOTH))
