"""Issue 4, done when: an editor bulk-uploads a dozen launch photos in the
admin, fixes the two it flags, sets focal points, builds a gallery and
publishes it; its page serves AVIF/WebP renditions with credits under each
image, and none of the files served carries GPS data."""

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import ExifTags, ImageDraw
from PIL import Image as PILImage
from playwright.sync_api import expect

from media_library.models import Gallery, Image
from media_library.renditions import avif_available
from tests.browser.admin_login import log_in
from tests.factories import exif_jpeg, with_iptc
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import EDITORS, sync_roles
from workflow.states import State

PASSWORD = "max-q-test"
GPS_TAG = 34853  # EXIF GPSInfo

# (title, credit, alt text) written into the files by the agencies; photo 11 is
# a staff phone picture that carries none of them.
LAUNCHES = {
    1: ("Falcon 9 clears the tower", "SpaceX", "A rocket rises past a steel tower."),
    2: ("Ariane 6 over Kourou", "ESA/CNES/Arianespace", "A white rocket in cloud."),
    3: ("Starship booster ignition", "SpaceX", "Thirty-three engines light at once."),
    4: ("Electron at dusk", "Rocket Lab", "A slim black rocket against orange sky."),
    5: ("Vulcan's first flight", "ULA", "Twin boosters trail white smoke."),
    6: ("New Glenn rolls out", "Blue Origin", "A huge rocket lies on its carrier."),
    7: ("H3 lifts off", "JAXA", "A rocket climbs over the sea at dawn."),
    8: ("Soyuz in the snow", "Roscosmos", "A rocket on a snowy pad, lit by lamps."),
    9: ("Long March 5 at night", "CNSA", "A bright flame lights a night sky."),
    10: ("Crew walk-out", "NASA/Kim Shiflett", "Four astronauts wave in white suits."),
    11: ("", "", ""),
    12: ("PSLV from Sriharikota", "ISRO", "A rocket leaves a long trail over palms."),
}
DAMAGED, INCOMPLETE, FOCUSED = 7, 11, 4  # the two flagged, and one to point at
# What the editor writes for the staff photo.
STAFF_PHOTO = (
    "Launch seen from the press site",
    "Newsroom/Staff",
    "A rocket's plume seen from the press site.",
)
# Public order: the editor moves the pictures around with their positions.
POSITIONS = {n: (n * 7) % 12 for n in LAUNCHES}


def xmp(title: str, credit: str, alt_text: str) -> bytes:
    """XMP as agencies write it, with IPTC's "Alt Text (Accessibility)"."""

    def alt(tag: str, text: str) -> str:
        return (
            f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{text}</rdf:li>'
            f"</rdf:Alt></{tag}>"
        )

    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"'
        ' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
        f' photoshop:Credit="{credit}" photoshop:City="Cape Canaveral">'
        f"{alt('dc:title', title)}"
        f"{alt('Iptc4xmpCore:AltTextAccessibility', alt_text)}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    ).encode()


def rocket_x(n: int) -> float:
    """Where photo n's rocket stands, across (0 left, 1 right)."""
    return (120 + n * 62) / 1000


def launch_photo(n: int) -> bytes:
    """A 1000 × 667 launch, as the camera wrote it: EXIF with the camera and
    (mostly) the GPS position, some held upright (stored sideways with
    orientation 6), the agency's XMP or IPTC."""
    picture = PILImage.effect_noise((1000, 667), 24).convert("RGB")
    sky = PILImage.linear_gradient("L").resize((1000, 667))
    picture = PILImage.merge(
        "RGB",
        [
            PILImage.blend(picture.getchannel(0), sky, 0.5).point(lambda v: v // 3),
            PILImage.blend(picture.getchannel(1), sky, 0.5).point(lambda v: v // 2),
            PILImage.blend(picture.getchannel(2), sky, 0.6),
        ],
    )
    draw = ImageDraw.Draw(picture)
    left = round(rocket_x(n) * 1000)
    draw.rectangle([left - 12, 180, left + 12, 430], fill=(235, 235, 230))
    draw.ellipse([left - 30, 430, left + 30, 560], fill=(255, 170, 40))
    draw.rectangle([0, 600, 1000, 667], fill=(40, 40, 35))
    upright = n % 4 == 0
    if upright:  # the camera stores it sideways and says how to turn it
        picture = picture.transpose(PILImage.Transpose.ROTATE_90)
    title, credit, alt_text = LAUNCHES[n]
    data = exif_jpeg(
        picture,
        orientation=6 if upright else 1,
        gps=n != 5,
        xmp=xmp(title, credit, alt_text) if n not in (INCOMPLETE, 8, 9) else b"",
    )
    if n in (8, 9):  # a wire service: IPTC, and the alt text in XMP beside it
        data = with_iptc(
            exif_jpeg(
                picture,
                orientation=6 if upright else 1,
                gps=True,
                xmp=xmp("", "", alt_text),
            ),
            {5: title, 110: credit, 120: "Wire caption: lift-off at dawn."},
        )
    return data


def carries_no_location(data: bytes, where: str) -> None:
    with PILImage.open(io.BytesIO(data)) as picture:
        exif = picture.getexif()
        assert GPS_TAG not in exif, where
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo), where
        assert not {"xmp", "photoshop", "exif", "comment"} & picture.info.keys(), where
    for marker in (b"PhoneMaker", b"x:xmpmeta", b"Cape Canaveral", b"8BIM"):
        assert marker not in data, f"{where} carries {marker!r}"


@pytest.fixture
def reader(transactional_db, browser, live_server, external_requests):
    """An anonymous reader's page, in its own browser context (no login)."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    ours = urlsplit(live_server.url).netloc

    def guard(route):
        if urlsplit(route.request.url).netloc == ours:
            route.continue_()
        else:
            external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    yield page
    try:
        page.wait_for_load_state("networkidle", timeout=15_000)
    finally:
        context.close()


def test_editor_uploads_fixes_points_builds_and_publishes_a_gallery(
    page, reader, artifacts, tmp_path, external_requests
):
    sync_roles()  # an earlier live-server test may have emptied the groups
    editor = user_in(EDITORS, username="eddie")
    editor.set_password(PASSWORD)
    editor.save()
    script_errors = []  # a broken admin script is a dead end for the editor
    page.on("pageerror", lambda error: script_errors.append(error))
    reader.on("pageerror", lambda error: script_errors.append(error))
    card, exported = tmp_path / "camera-card", tmp_path / "re-exported"
    card.mkdir()
    exported.mkdir()
    files = []
    for n in LAUNCHES:
        data = launch_photo(n)
        with PILImage.open(io.BytesIO(data)) as original:  # the test is real
            assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo) or n == 5
        path = card / f"launch-{n:02}.jpg"
        if n == DAMAGED:  # the copy from the card was cut short
            (exported / path.name).write_bytes(data)
            data = data[: len(data) * 3 // 5]
        path.write_bytes(data)
        files.append(path)

    # --- Bulk upload: a dozen files at once, each with its own result --------
    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/media_library/image/")
    page.get_by_role("link", name="Upload several images").click()
    page.get_by_label("Image files").set_input_files(files)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Uploaded 11 pictures to the library; 1 was refused: the table below says why."
    )
    rows = page.locator(".bulk-results tbody tr")
    expect(rows).to_have_count(12)
    refused = page.locator(".bulk-results .result-refused")
    expect(refused).to_have_count(1)
    expect(refused).to_contain_text("launch-07.jpg")
    expect(refused).to_contain_text("damaged or incomplete")
    incomplete = page.locator(".bulk-results .result-incomplete")
    expect(incomplete).to_have_count(1)
    expect(incomplete).to_contain_text("launch-11.jpg")
    expect(incomplete).to_contain_text("add its alt text and credit")
    expect(page.locator(".bulk-results .result-added")).to_have_count(11)
    page.screenshot(path=str(artifacts / "library-bulk-upload.png"), full_page=True)
    bulk_upload = page.url

    # Fix 1: the staff photo's alt text and credit, from its result's link.
    incomplete.get_by_role("link", name="launch 11").click()
    title, credit, alt_text = STAFF_PHOTO
    page.get_by_label("Alt text:", exact=True).fill(alt_text)
    page.get_by_role("combobox", name="Credit").fill(credit)
    page.get_by_label("Title:", exact=True).fill(title)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Keep editing below.")

    # Fix 2: upload the damaged file again, from an intact copy.
    page.goto(bulk_upload)
    page.get_by_label("Image files").set_input_files(exported / "launch-07.jpg")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Uploaded 1 picture to the library."
    )
    expect(page.locator(".bulk-results .result-added")).to_contain_text("H3 lifts off")
    expect(page.locator(".bulk-results .result-incomplete")).to_have_count(0)
    assert all(image.alt_text and image.credit for image in Image.objects.all()), (
        "every picture now has what a gallery needs"
    )
    assert Image.objects.count() == 12

    # --- Focal point: click the rocket in a photo that was stored sideways --
    focused = Image.objects.get(title=LAUNCHES[FOCUSED][0])
    page.goto(focused.get_admin_url())
    picture = page.locator(".focal-point img")
    picture.evaluate("img => img.decode()")  # the preview rendition has loaded
    picture.scroll_into_view_if_needed()  # the mouse clicks inside the window
    box = picture.bounding_box()
    target = (rocket_x(FOCUSED), 0.45)
    page.mouse.click(
        box["x"] + target[0] * box["width"], box["y"] + target[1] * box["height"]
    )
    marker = page.locator(".focal-point-marker")
    expect(marker).to_have_attribute("style", re.compile(r"left: 3\d(\.\d+)?%"))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Keep editing below.")
    focused.refresh_from_db()
    assert focused.focal_x == pytest.approx(target[0], abs=0.01)
    assert focused.focal_y == pytest.approx(target[1], abs=0.01)
    page.locator(".crop-previews img").first.evaluate("img => img.decode()")
    page.screenshot(path=str(artifacts / "library-focal-point.png"), full_page=True)
    upright = Image.objects.get(title=LAUNCHES[4][0])
    assert (upright.width, upright.height) == (1000, 667)  # turned on upload

    # --- Gallery: twelve pictures, picked from the library, in an order ------
    page.goto("/admin/media_library/gallery/add/")
    page.get_by_label("Title:", exact=True).fill("A year of launches")
    page.get_by_label("Description:", exact=True).fill(
        "Twelve lift-offs from five continents."
    )
    by_number = {
        n: Image.objects.get(title=(STAFF_PHOTO if n == INCOMPLETE else LAUNCHES[n])[0])
        for n in LAUNCHES
    }
    for row, n in enumerate(LAUNCHES):  # in upload order, then reordered
        page.get_by_role("button", name="Add another picture").click()
        form = page.locator(f"#items-{row}")
        form.locator(".select2-selection").click()  # the picker, with thumbnails
        search = page.locator(".select2-container--open .select2-search__field")
        search.fill(by_number[n].title.split()[0])
        page.locator(".select2-results__option", has_text=by_number[n].title).click()
        form.get_by_role("spinbutton").fill(str(POSITIONS[n]))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Draft saved: “A year of launches”."
    )
    gallery = Gallery.objects.get()
    assert list(gallery.items.values_list("image", flat=True)) == [
        by_number[n].pk for n in sorted(LAUNCHES, key=POSITIONS.get)
    ]

    # --- Workflow: submit, approve, publish, with the admin's buttons --------
    for button, state in [
        ("Submit for review", "In review"),
        ("Approve", "Approved"),
        ("Publish now", "Published"),
    ]:
        page.get_by_role("button", name=button).click()
        expect(page.locator(".workflow-state")).to_have_text(state)
    gallery.refresh_from_db()
    assert gallery.status == State.PUBLISHED

    # --- The public page, as an anonymous reader ----------------------------
    reader.goto(gallery.get_absolute_url())
    expect(reader.locator("h1")).to_have_text("A year of launches")
    figures = reader.locator(".gallery-items figure")
    expect(figures).to_have_count(12)
    expected = [by_number[n] for n in sorted(LAUNCHES, key=POSITIONS.get)]
    formats = ["image/avif", "image/webp"] if avif_available() else ["image/webp"]
    served: dict[str, tuple[str, int]] = {}  # URL -> type and width, as marked up
    for position, image in enumerate(expected):
        figure = figures.nth(position)
        img = figure.locator("img")
        expect(img).to_have_attribute("alt", image.alt_text)
        expect(figure.locator("figcaption .credit")).to_have_text(
            f"(Image credit: {image.credit})"
        )
        for mime in formats:
            source = figure.locator(f'picture source[type="{mime}"]')
            expect(source).to_have_count(1)
            for url, width in srcset(source.get_attribute("srcset")):
                served[url] = (mime, width)
        jpegs = srcset(img.get_attribute("srcset"))
        for url, width in jpegs:
            served[url] = ("image/jpeg", width)
        assert img.get_attribute("src") in dict(jpegs)
        img.scroll_into_view_if_needed()
        reader.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=img.element_handle(),
            timeout=20_000,
        )
        # The browser took the best format it was offered.
        best = figure.locator(f'picture source[type="{formats[0]}"]')
        current = img.evaluate("img => img.currentSrc")
        assert urlsplit(current).path in dict(srcset(best.get_attribute("srcset")))
    reader.evaluate("window.scrollTo(0, 0)")
    reader.screenshot(path=str(artifacts / "gallery-desktop.png"), full_page=True)

    # Every file the page refers to, fetched as the browser would: its type as
    # the markup says, no GPS.
    assert len(served) >= 12 * (len(formats) + 1)
    pillow_format = {"image/avif": "AVIF", "image/webp": "WEBP", "image/jpeg": "JPEG"}
    for url, (mime, width) in served.items():
        response = reader.request.get(url)
        assert response.ok, url
        assert response.headers["content-type"] == mime, url
        data = response.body()
        with PILImage.open(io.BytesIO(data)) as picture:
            assert picture.format == pillow_format[mime], url
            assert picture.width == width, url
            assert picture.width > picture.height, f"{url} is not upright"
        carries_no_location(data, url)
    # Originals have no address at all (the library is private), and are
    # stored stripped all the same.
    for image in Image.objects.all():
        for path in (f"/media/{image.file.name}", f"/{image.file.name}"):
            assert reader.request.get(path).status == 404, path
        with image.file.open("rb") as original:
            carries_no_location(original.read(), image.file.name)
    assert external_requests == [], "pages must not fetch anything from elsewhere"
    assert script_errors == []


def srcset(value: str | None) -> list[tuple[str, int]]:
    """(URL, width) of each candidate in a srcset: "/a.avif 800w, ..."."""
    assert value, "every picture offers its widths"
    candidates = [entry.split() for entry in value.split(",")]
    return [(url, int(width.removesuffix("w"))) for url, width in candidates]
