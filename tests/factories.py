import io
import struct
import zlib
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import ExifTags
from PIL import Image as PILImage

from articles.models import Article, Byline, Correction, Section, Status
from authors.models import Author, Book
from media_library.models import Image


def image_bytes(
    width: int = 64, height: int = 48, color=(200, 80, 40), fmt: str = "JPEG"
) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), color).save(buffer, format=fmt)
    return buffer.getvalue()


def exif_jpeg(
    picture: PILImage.Image | None = None,
    *,
    orientation: int = 1,
    gps: bool = True,
    copyright: str = "",
    description: str = "",
    xmp: bytes = b"",
) -> bytes:
    """A JPEG carrying EXIF as a phone writes it: orientation, camera, and (by
    default) the GPS position where it was taken."""
    picture = picture or PILImage.new("RGB", (60, 40), (200, 80, 40))
    exif = PILImage.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12"
    if copyright:
        exif[ExifTags.Base.Copyright] = copyright
    if description:
        exif[ExifTags.Base.ImageDescription] = description
    if gps:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "N"
        position[ExifTags.GPS.GPSLatitude] = (28.0, 34.0, 21.6)
        position[ExifTags.GPS.GPSLongitudeRef] = "W"
        position[ExifTags.GPS.GPSLongitude] = (80.0, 39.0, 3.6)
    buffer = io.BytesIO()
    options = {"xmp": xmp} if xmp else {}
    picture.save(buffer, format="JPEG", exif=exif, **options)
    return buffer.getvalue()


def xmp_packet(*, title="", description="", credit="", rights="") -> bytes:
    """An XMP packet as agencies write one (Dublin Core and Photoshop fields)."""

    def alt(tag: str, text: str) -> str:
        return (
            f'<{tag}><rdf:Alt><rdf:li xml:lang="x-default">{text}</rdf:li>'
            f"</rdf:Alt></{tag}>"
            if text
            else ""
        )

    credit_attr = f' photoshop:Credit="{credit}"' if credit else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"{credit_attr}>'
        f"{alt('dc:title', title)}{alt('dc:description', description)}"
        f"{alt('dc:rights', rights)}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    ).encode()


def with_iptc(jpeg: bytes, records: dict[int, str]) -> bytes:
    """`jpeg` with an IPTC block (Photoshop APP13), as newswires send pictures:
    records are IPTC 2:nn dataset numbers (5 title, 110 credit, 120 caption)."""
    iim = b"".join(
        b"\x1c\x02" + bytes([number]) + len(value).to_bytes(2, "big") + value
        for number, value in ((n, text.encode()) for n, text in records.items())
    )
    resource = (
        b"8BIM"
        + (0x0404).to_bytes(2, "big")
        + b"\x00\x00"  # empty resource name, padded to even length
        + len(iim).to_bytes(4, "big")
        + iim
        + (b"\x00" if len(iim) % 2 else b"")
    )
    payload = b"Photoshop 3.0\x00" + resource
    segment = b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload
    return jpeg[:2] + segment + jpeg[2:]


def png_header_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (a
    decompression bomb's calling card): a few hundred bytes of real data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    title = factory.Sequence(lambda n: f"Mars photo {n}")
    alt_text = "A dusty plume rises over the reddish plain of Jezero Crater."
    caption = "A rear Hazcam view of the landing site."
    credit = "NASA/JPL-Caltech"
    # A distinct colour per image, so each has its own SHA-256 (PNG: lossless,
    # where JPEG would round neighbouring colours to the same bytes).
    file = factory.Sequence(
        lambda n: ContentFile(
            image_bytes(color=(n % 256, (n // 256) % 256, 99), fmt="PNG"),
            name=f"photo{n}.png",
        )
    )


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Writer {n}")
    job_title = "Staff Writer"
    short_bio = "Covers spaceflight."


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Book

    author = factory.SubFactory(AuthorFactory)
    title = factory.Sequence(lambda n: f"Book {n}")


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Rocket story number {n}")
    dek = "A short standfirst."
    body = "<p>Body text.</p>"
    section = factory.SubFactory(SectionFactory)
    status = Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Status.PUBLISHED,
            published_at=factory.LazyFunction(
                lambda: timezone.now() - timedelta(hours=1)
            ),
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        for position, author in enumerate(extracted or []):
            Byline.objects.create(article=self, author=author, position=position)


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory)
    text = "An earlier version misstated the landing date."


class GalleryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "media_library.Gallery"

    title = factory.Sequence(lambda n: f"Mars 2020 in pictures {n}")


def gallery_with(n_pictures: int, **kwargs):
    from media_library.models import GalleryItem

    gallery = GalleryFactory(**kwargs)
    for position in range(n_pictures):
        GalleryItem.objects.create(
            gallery=gallery, image=ImageFactory(), position=position
        )
    return gallery


# --- The space desk --------------------------------------------------------


class CelestialBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.CelestialBody"

    name = factory.Sequence(lambda n: f"World {n}")
    slug = factory.Sequence(lambda n: f"world-{n}")


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.Place"

    name = factory.Sequence(lambda n: f"Pad {n}")
    slug = factory.Sequence(lambda n: f"pad-{n}")
    body = factory.SubFactory(CelestialBodyFactory)


class LaunchProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.LaunchProvider"

    name = factory.Sequence(lambda n: f"Provider {n}")
    slug = factory.Sequence(lambda n: f"provider-{n}")


class LaunchVehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.LaunchVehicle"

    name = factory.Sequence(lambda n: f"Rocket {n}")
    slug = factory.Sequence(lambda n: f"rocket-{n}")
    provider = factory.SubFactory(LaunchProviderFactory)


class LaunchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.Launch"

    name = factory.Sequence(lambda n: f"Launch {n}")
    slug = factory.Sequence(lambda n: f"launch-{n}")
    net = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.Mission"

    name = factory.Sequence(lambda n: f"Mission {n}")
    slug = factory.Sequence(lambda n: f"mission-{n}")


class SpacecraftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "space.Spacecraft"

    name = factory.Sequence(lambda n: f"Probe {n}")
    slug = factory.Sequence(lambda n: f"probe-{n}")
