"""The library's admin: bulk upload with per-file results, credit presets,
filters, the focal point, and the image picker with thumbnails."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from media_library.models import CreditPreset, Image, Rendition
from media_library.renditions import rendition_url
from tests.factories import (
    AuthorFactory,
    ImageFactory,
    UserFactory,
    exif_jpeg,
    image_bytes,
    xmp_packet,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def changelist_titles(response) -> set[str]:
    return {image.title for image in response.context["cl"].result_list}


# --- Bulk upload -----------------------------------------------------------------


def test_bulk_upload_reports_each_file(admin_client, media_files):
    existing = ImageFactory(
        title="Starship on the pad",
        file=ContentFile(image_bytes(50, 50, fmt="PNG"), name="pad.png"),
    )
    files = [
        SimpleUploadedFile(
            "liftoff.jpg",
            exif_jpeg(
                gps=False,
                xmp=xmp_packet(title="Starship lifts off", credit="SpaceX"),
            ),
        ),
        SimpleUploadedFile("booster_catch-02.png", image_bytes(80, 60, fmt="PNG")),
        SimpleUploadedFile("again.png", existing.file.read()),
        SimpleUploadedFile("diagram.svg", b"<svg><script>alert(1)</script></svg>"),
        SimpleUploadedFile("cut.png", image_bytes(80, 60, fmt="PNG")[:60]),
    ]
    before = media_files()

    response = admin_client.post(
        reverse("admin:media_library_image_bulk_upload"),
        {"files": files, "credit": "NASA", "licence": "public-domain", "tags": "IFT"},
    )

    assert response.status_code == 200
    results = {r.name: r for r in response.context["results"]}
    assert [r.outcome for r in response.context["results"]] == [
        "added",
        "added",
        "duplicate",
        "refused",
        "refused",
    ]
    liftoff = results["liftoff.jpg"].image
    catch = results["booster_catch-02.png"].image
    # From the file's XMP where it has some; from the form and file name if not.
    assert (liftoff.title, liftoff.credit) == ("Starship lifts off", "SpaceX")
    assert (catch.title, catch.credit) == ("booster catch 02", "NASA")
    assert catch.licence == "public-domain"
    assert set(catch.tags.names()) == {"IFT"}
    assert catch.uploaded_by.is_superuser
    assert results["again.png"].image == existing

    assertContains(response, f'<a href="{liftoff.get_admin_url()}">')
    assertContains(response, "add its alt text before a story or gallery shows it")
    assertContains(
        response,
        f'as <a href="{existing.get_admin_url()}">“Starship on the pad”</a>',
    )
    assertContains(response, "SVG drawings are not accepted")
    assertContains(response, "damaged or incomplete")
    assertContains(
        response,
        "Uploaded 2 pictures to the library; 1 was already there, so not uploaded "
        "again; 2 were refused: the table below says why.",
    )

    assert Image.objects.count() == 3
    assert sorted(media_files()) == sorted(
        before + [liftoff.file.name, catch.file.name]
    )


def test_bulk_upload_needs_add_permission(client, media_files):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_image"))
    client.force_login(user)
    url = reverse("admin:media_library_image_bulk_upload")
    assert client.get(url).status_code == 403
    data = {"files": [SimpleUploadedFile("a.png", image_bytes(fmt="PNG"))]}
    assert client.post(url, data).status_code == 403
    assert Image.objects.count() == 0
    assert media_files() == []


def test_bulk_upload_form_offers_credit_presets(admin_client):
    response = admin_client.get(reverse("admin:media_library_image_bulk_upload"))
    assertContains(response, 'accept="image/jpeg,image/png,image/webp,image/avif')
    assertContains(response, " multiple ")
    assertContains(response, '<option value="NASA/JPL-Caltech/MSSS"></option>')


# --- Credits ---------------------------------------------------------------------


def test_credit_presets_come_with_the_library():
    assert list(CreditPreset.objects.values_list("name", flat=True)) == [
        "NASA",
        "NASA/JPL-Caltech",
        "NASA/JPL-Caltech/MSSS",
        "NASA/JPL-Caltech/University of Arizona",
        "ESA",
        "SpaceX",
        "Staff",
    ]


def test_credit_field_offers_the_presets_editors_keep(admin_client):
    CreditPreset.objects.create(name="Blue Origin", position=99)
    response = admin_client.get(reverse("admin:media_library_image_add"))
    assertContains(response, 'list="id_credit-presets"')
    assertContains(
        response,
        '<datalist id="id_credit-presets"><option value="NASA"></option>',
    )
    assertContains(response, '<option value="Blue Origin"></option></datalist>')
    presets = reverse("admin:media_library_creditpreset_changelist")
    assert admin_client.get(presets).status_code == 200


# --- List, search and filters ----------------------------------------------------


@pytest.fixture
def library():
    wide = ImageFactory(
        title="Wide", file=ContentFile(image_bytes(300, 100, fmt="PNG"), "w.png")
    )
    tall = ImageFactory(
        title="Tall", file=ContentFile(image_bytes(100, 300, fmt="PNG"), "t.png")
    )
    square = ImageFactory(
        title="Square",
        credit="ESA",
        licence="cc-by-sa",
        file=ContentFile(image_bytes(100, 100, fmt="PNG"), "s.png"),
        licence_expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    square.tags.add("Comet 67P")
    return wide, tall, square


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"orientation": "landscape"}, {"Wide"}),
        ({"orientation": "portrait"}, {"Tall"}),
        ({"orientation": "square"}, {"Square"}),
        ({"expiry": "expired"}, {"Square"}),
        ({"expiry": "never"}, {"Wide", "Tall"}),
        ({"licence__exact": "cc-by-sa"}, {"Square"}),
        ({"credit": "ESA"}, {"Square"}),
        ({"q": "67P"}, {"Square"}),
        ({"q": "ESA"}, {"Square"}),
    ],
)
def test_list_filters_and_search(admin_client, library, query, titles):
    response = admin_client.get(reverse("admin:media_library_image_changelist"), query)
    assert response.status_code == 200
    assert changelist_titles(response) == titles


def test_list_shows_square_thumbnails_not_originals(
    admin_client, library, django_assert_max_num_queries
):
    for _ in range(10):
        ImageFactory()
    ImageFactory(alt_text="", credit="")  # as the bulk upload leaves them
    url = reverse("admin:media_library_image_changelist")
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    wide = library[0]
    assertContains(response, "/thumbnail-160.jpg")
    assertNotContains(response, wide.file.name)  # never the original
    assertContains(response, '<td class="field-missing">alt text, credit</td>')


# --- Focal point -----------------------------------------------------------------


def test_focal_point_set_on_the_image_page(admin_client):
    image = ImageFactory(
        file=ContentFile(image_bytes(1600, 900, fmt="PNG"), name="f.png")
    )
    url = reverse("admin:media_library_image_change", args=[image.pk])
    page = admin_client.get(url)
    assertContains(page, "data-focal-point")
    assertContains(page, "media_library/admin/focal-point.js")
    assertContains(page, "/full-800.jpg")
    assertContains(page, 'name="focal_x"')

    response = admin_client.post(
        url,
        {
            "title": image.title,
            "alt_text": image.alt_text,
            "caption": image.caption,
            "credit": image.credit,
            "licence": image.licence,
            "source_url": "",
            "focal_x": "0.25",
            "focal_y": "0.75",
            "_version": image.version,
            "tags": "",
        },
    )
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.focal_x, image.focal_y) == (0.25, 0.75)


@pytest.mark.parametrize("value", ["-0.1", "1.5", "x"])
def test_focal_point_outside_the_picture_refused(admin_client, value):
    image = ImageFactory()
    url = reverse("admin:media_library_image_change", args=[image.pk])
    response = admin_client.post(
        url,
        {
            "title": image.title,
            "alt_text": image.alt_text,
            "credit": image.credit,
            "licence": image.licence,
            "focal_x": value,
            "focal_y": "0.5",
        },
    )
    assert response.status_code == 200
    assert "focal_x" in response.context["adminform"].form.errors
    image.refresh_from_db()
    assert image.focal_x == 0.5


# --- Picker with thumbnails --------------------------------------------------------


def test_image_picker_shows_thumbnails(admin_client):
    author = AuthorFactory(headshot=ImageFactory(title="Mike smiling"))
    response = admin_client.get(
        reverse("admin:authors_author_change", args=[author.pk])
    )
    thumbnails = reverse("admin:media_library_image_thumbnail", args=["__id__"])
    assertContains(response, 'class="image-picker"')
    assertContains(response, f'data-thumbnail-url="{thumbnails}"')
    assertContains(response, "media_library/admin/image-picker.js")
    assertContains(response, "Mike smiling")


def test_thumbnail_redirects_staff_to_the_rendition(admin_client, client):
    image = ImageFactory()
    url = reverse("admin:media_library_image_thumbnail", args=[image.pk])
    response = admin_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == rendition_url(image, "thumbnail", 160, "jpeg")
    # Not public (nothing uses it), yet shown to staff, made on that request.
    assert admin_client.get(response["Location"]).status_code == 200
    assert Rendition.objects.get().spec == "thumbnail"
    assert (
        admin_client.get(
            reverse("admin:media_library_image_thumbnail", args=["nope"])
        ).status_code
        == 404
    )


def test_thumbnail_view_is_staff_only(client):
    image = ImageFactory()
    url = reverse("admin:media_library_image_thumbnail", args=[image.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert Rendition.objects.count() == 0


def test_picker_leaves_out_expired_images(admin_client):
    ImageFactory(title="Mars fresh")
    ImageFactory(title="Mars expired", licence_expires_on=timezone.localdate())
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "authors",
            "model_name": "author",
            "field_name": "headshot",
            "term": "Mars",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Mars fresh"]
    library = admin_client.get(
        reverse("admin:media_library_image_changelist"), {"q": "Mars"}
    )
    assert changelist_titles(library) == {"Mars fresh", "Mars expired"}
