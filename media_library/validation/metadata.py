"""What the file says about itself: the title, caption, credit and alt text an
agency or camera wrote into it (XMP, IPTC, EXIF), read so forms can prefill
them (`suggested_text`). Never a reason to refuse an upload.
"""

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 (DTDs refused before parsing)
from dataclasses import dataclass

from PIL import ExifTags, IptcImagePlugin
from PIL import Image as PILImage

from .formats import PILLOW_FORMATS


@dataclass
class SuggestedText:
    """What the file itself says about the picture (XMP, IPTC or EXIF)."""

    title: str = ""
    caption: str = ""
    credit: str = ""
    alt_text: str = ""  # IPTC's "Alt Text (Accessibility)", which agencies fill


XMP_NAMESPACES = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# (record, dataset) numbers of the IPTC fields we read.
IPTC_TITLE, IPTC_HEADLINE, IPTC_CAPTION = (2, 5), (2, 105), (2, 120)
IPTC_BYLINE, IPTC_CREDIT, IPTC_COPYRIGHT = (2, 80), (2, 110), (2, 116)
EXIF_XP_TITLE = 0x9C9B
COPYRIGHT_PREFIX = re.compile(
    r"^\s*(?:©|\(c\)|copyright\b)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,.:]*",
    re.IGNORECASE,
)


def suggested_text(data: bytes) -> SuggestedText:
    """Title, caption and credit from the file's XMP, IPTC or EXIF, in that
    order of preference, and alt text from its XMP (IPTC's "Alt Text
    (Accessibility)", which has no IIM or EXIF field); empty strings where it
    carries none."""
    try:
        with PILImage.open(io.BytesIO(data), formats=PILLOW_FORMATS) as picture:
            xmp = _xmp(picture.info.get("xmp") or b"")
            iptc = _iptc(picture)
            exif = picture.getexif()
    except Exception:  # metadata is a convenience, never a reason to refuse
        return SuggestedText()

    def xmp_value(prefix: str, name: str) -> str:
        return xmp.get(f"{{{XMP_NAMESPACES[prefix]}}}{name}", "")

    title = (
        xmp_value("dc", "title")
        or iptc.get(IPTC_TITLE, "")
        or xmp_value("photoshop", "Headline")
        or iptc.get(IPTC_HEADLINE, "")
        or _exif_text(exif.get(EXIF_XP_TITLE), utf16=True)
    )
    caption = (
        xmp_value("dc", "description")
        or iptc.get(IPTC_CAPTION, "")
        or _exif_text(exif.get(ExifTags.Base.ImageDescription))
    )
    credit = (
        xmp_value("photoshop", "Credit")
        or iptc.get(IPTC_CREDIT, "")
        or _credit_from_copyright(
            xmp_value("dc", "rights")
            or iptc.get(IPTC_COPYRIGHT, "")
            or _exif_text(exif.get(ExifTags.Base.Copyright))
        )
        or xmp_value("dc", "creator")
        or iptc.get(IPTC_BYLINE, "")
        or _exif_text(exif.get(ExifTags.Base.Artist))
    )
    return SuggestedText(
        title=_one_line(title)[:255],
        caption=caption.strip(),
        credit=_one_line(credit)[:255],
        alt_text=_one_line(xmp_value("Iptc4xmpCore", "AltTextAccessibility"))[:500],
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _credit_from_copyright(text: str) -> str:
    """“© 2021 NASA/JPL-Caltech. All rights reserved.” -> “NASA/JPL-Caltech”."""
    text = COPYRIGHT_PREFIX.sub("", text.strip())
    text = re.sub(r"[\s.,;]*all rights reserved\.?\s*$", "", text, flags=re.I)
    return text.strip(" .,;")


def _exif_text(value, *, utf16: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        if utf16:
            return value.decode("utf-16-le", "replace").rstrip("\x00").strip()
        value = value.decode("utf-8", "replace")
    if isinstance(value, tuple):  # XP* tags may come back as a tuple of bytes
        return _exif_text(bytes(value), utf16=utf16)
    return str(value).rstrip("\x00").strip()


def _xmp(packet: bytes | str) -> dict[str, str]:
    """{"{namespace}name": text} from an XMP packet: simple values, and the
    first entry of rdf:Alt/Seq/Bag lists (the x-default title, the creators)."""
    if isinstance(packet, str):
        packet = packet.encode("utf-8")
    packet = packet.strip(b"\x00 \t\r\n")
    if not packet or re.search(rb"<!(?:DOCTYPE|ENTITY)", packet, re.IGNORECASE):
        return {}  # no DTD, so no entity expansion (what defusedxml refuses too)
    try:
        root = ET.fromstring(packet)  # noqa: S314 (no DTD: see above)
    except ET.ParseError:
        return {}
    rdf = XMP_NAMESPACES["rdf"]
    values: dict[str, str] = {}
    for description in root.iter(f"{{{rdf}}}Description"):
        for name, value in description.attrib.items():
            values.setdefault(name, value.strip())
        for prop in description:
            items = list(prop.iter(f"{{{rdf}}}li"))
            if prop.find(f"{{{rdf}}}Alt") is not None:  # one text per language
                items = [i for i in items if i.get(XML_LANG) == "x-default"] or items
                items = items[:1]
            texts = [li.text.strip() for li in items if li.text]
            text = ", ".join(t for t in texts if t) or (prop.text or "").strip()
            if text:
                values.setdefault(prop.tag, text)
    return values


def _iptc(picture: PILImage.Image) -> dict[tuple[int, int], str]:
    try:
        info = IptcImagePlugin.getiptcinfo(picture) or {}
    except Exception:
        return {}
    values = {}
    for key, raw in info.items():
        first = raw[0] if isinstance(raw, list) else raw
        if isinstance(first, bytes):
            try:  # UTF-8 is the norm now; older files are mostly Latin-1
                text = first.decode("utf-8")
            except UnicodeDecodeError:
                text = first.decode("latin-1")
            values[key] = text.strip()
    return values
