"""The image helper (`{% image %}` in Django templates, `image()` in the site's
Jinja2 ones) and the figure macro: <picture> with AVIF/WebP sources,
a JPEG fallback, srcset/sizes, alt text, width and height, and no query."""

import re

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template, engines

from media_library import renditions
from media_library.models import Image
from media_library.renditions import rendition_for, rendition_url
from tests.factories import ArticleFactory, ImageFactory, image_bytes

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template("{% load media_library %}" + source).render(Context(context))


def figure(img, caption: str) -> str:
    """The public templates' figure macro (Jinja2), as a page calls it."""
    template = engines["jinja2"].env.get_template("media_library/figure.html")
    return str(template.module.figure(img, caption))


@pytest.fixture
def wide():
    return ImageFactory(
        file=ContentFile(image_bytes(2400, 1350, fmt="PNG"), name="launch.png"),
        alt_text='Falcon 9 rises from pad 39A & "clears" the tower.',
    )


def test_picture_markup_with_sources_srcset_and_size(
    wide, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(renditions, "avif_available", lambda: True)
    with django_assert_num_queries(0):
        html = render('{% image img "card" %}', img=wide)

    def srcset(ext):
        return ", ".join(
            f"{rendition_url(wide, 'card', w, fmt)} {w}w"
            for w, fmt in [(480, ext), (960, ext)]
        )

    sizes = renditions.SPECS["card"].sizes
    assert html == (
        "<picture>"
        f'<source type="image/avif" srcset="{srcset("avif")}" sizes="{sizes}">'
        f'<source type="image/webp" srcset="{srcset("webp")}" sizes="{sizes}">'
        f'<img src="{rendition_url(wide, "card", 960, "jpeg")}" '
        f'srcset="{srcset("jpeg")}" sizes="{sizes}" '
        'alt="Falcon 9 rises from pad 39A &amp; &quot;clears&quot; the tower." '
        'width="960" height="540" loading="lazy" decoding="async">'
        "</picture>"
    )


def test_without_avif_the_picture_offers_webp_then_jpeg(wide, monkeypatch):
    monkeypatch.setattr(renditions, "avif_available", lambda: False)
    html = render('{% image img "hero" %}', img=wide)
    assert "image/avif" not in html
    assert re.findall(r'type="([^"]+)"', html) == ["image/webp"]
    assert "hero-1600.jpg 1600w" in html


def test_options(wide):
    html = render(
        '{% image img "thumbnail" css_class="headshot" loading="eager" alt="" %}',
        img=wide,
    )
    assert (
        'sizes="8rem" alt="" width="320" height="320" class="headshot" '
        'fetchpriority="high" loading="eager" decoding="async">'
    ) in html


def test_uncropped_full_width_keeps_the_shape(wide):
    html = render('{% image img "full" %}', img=wide)
    assert 'width="1200" height="675"' in html
    assert "full-2000.jpg 2000w" in html


def test_small_image_gets_one_candidate_at_its_own_size():
    small = ImageFactory(file=ContentFile(image_bytes(300, 200, fmt="PNG"), "s.png"))
    html = render('{% image img "hero" %}', img=small)
    assert 'width="300" height="169"' in html
    assert html.count("300w") == 3  # one per format, not three widths of it


def test_no_image_renders_nothing():
    assert render('{% image img "card" %}', img=None) == ""


def test_made_renditions_are_linked_through_the_view_too(wide):
    """A stored rendition has no address of its own (the library is private):
    the page names the view, which checks who may see the picture."""
    rendition_for(wide, spec="card", width=480, fmt="webp")
    html = render('{% image img "card" %}', img=wide)
    assert f"{rendition_url(wide, 'card', 480, 'webp')} 480w" in html
    assert "/media/" not in html


def test_image_url_for_social_sharing(wide):
    assert render('{% image_url img "social" %}', img=wide) == rendition_url(
        wide, "social", 1200, "jpeg"
    )
    assert render('{% image_url img "social" %}', img=None) == ""


def test_figure_has_caption_and_credit(wide):
    html = figure(wide, "Liftoff at dawn.")
    assert "<picture>" in html
    assert "hero-800.avif" in html or "hero-800.webp" in html
    assert (
        'Liftoff at dawn. <span class="credit">(Image credit: NASA/JPL-Caltech)'
        "</span></figcaption>"
    ) in html


def test_figure_without_credit_prints_no_empty_credit(wide):
    wide.credit = ""
    html = figure(wide, "")
    assert "Image credit" not in html
    assert "<figcaption>" not in html


def test_story_page_serves_picture_markup(client):
    story = ArticleFactory(
        published=True,
        hero_image=ImageFactory(
            file=ContentFile(image_bytes(1600, 900, fmt="PNG"), "hero.png")
        ),
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert re.search(r'<figure class="figure">\s*<picture><source type=', html)
    assert 'width="1200" height="675"' in html  # hero, middle candidate
    original = story.hero_image.file.name
    assert original not in html  # never the full-size original
    assert "/media/" not in html


def test_addresses_are_reversed_once_per_image(wide, monkeypatch):
    """A page has a srcset entry per width and format: the address of each is
    the image's prefix, reversed once, and the entry's name."""
    calls = []
    real_reverse = renditions.reverse

    def counted(*args, **kwargs):
        calls.append(args)
        return real_reverse(*args, **kwargs)

    monkeypatch.setattr(renditions, "reverse", counted)
    monkeypatch.setattr(renditions, "_prefixes", {})
    monkeypatch.setattr(renditions, "avif_available", lambda: True)
    html = render('{% image img "hero" %}{% image img "card" %}', img=wide)
    assert html.count("w, ") + html.count('w"') >= 15
    assert len(calls) == 1
    # A page reads a fresh instance of the picture for each story showing it.
    again = render('{% image img "card" %}', img=Image.objects.get(pk=wide.pk))
    assert len(calls) == 1
    assert again in html
    expected = real_reverse(
        "media_library:rendition",
        kwargs={
            "pk": wide.pk,
            "version": wide.rendition_version,
            "spec": "hero",
            "width": 1600,
            "ext": "webp",
        },
    )
    assert f"{expected} 1600w" in html


def test_a_new_focal_point_gets_new_addresses_on_the_same_instance(wide):
    before = rendition_url(wide, "card", 480, "jpeg")
    wide.focal_x = 0.2
    after = rendition_url(wide, "card", 480, "jpeg")
    assert before != after
    assert f"/{wide.rendition_version}/card-480.jpg" in after


def test_addresses_follow_the_script_prefix(wide):
    from django.urls import clear_script_prefix, set_script_prefix

    plain = rendition_url(wide, "card", 480, "jpeg")
    set_script_prefix("/news/")
    try:
        assert rendition_url(wide, "card", 480, "jpeg") == f"/news{plain}"
    finally:
        clear_script_prefix()
