"""Pasted text lands clean, on real clipboard HTML (issue 14): what Word for
Mac, Google Docs and web pages in Chrome put on the clipboard, captured by
other editors' developers for their own paste tests (MIT; each file's source,
commit and licence in fixtures/paste/captured/SOURCES.md). Each keeps its
paragraphs, headings, bold, italic, links and lists, nested as they were, and
loses its wrappers, spans, styles, fonts, comments and tracking attributes."""

import re
from pathlib import Path

import pytest

from core.sanitize import clean_html

CAPTURED = Path(__file__).parent / "fixtures" / "paste" / "captured"
BLOCK = r"</?(?:p|h[2-4]|ul|ol|li|blockquote)>|<br>"


def cleaned(name: str) -> str:
    """The fixture as `clean_html` keeps it, with its whitespace as a browser
    shows it: runs collapsed, none beside a block's tags."""
    html = re.sub(r"\s+", " ", clean_html((CAPTURED / name).read_text()))
    return re.sub(rf"\s*({BLOCK})\s*", r"\1", html).strip()


def test_every_capture_is_listed_with_its_source():
    listed = (CAPTURED / "SOURCES.md").read_text()
    files = sorted(path.name for path in CAPTURED.glob("*.html"))
    assert len(files) == 9
    for name in files:
        assert f"`{name}`" in listed


# --- Google Docs ---------------------------------------------------------------


def test_google_docs_wrapper_goes_and_its_bold_and_italic_stay():
    """Docs wraps the paste in <b style="font-weight:normal"
    id="docs-internal-guid-…"> and says bold and italic with styled spans."""
    assert cleaned("google-docs-bold-italic-underline.html") == (
        "<p><strong>Bold</strong></p>"
        "<p><em>Italic</em></p>"
        "<p>underline</p>"  # a story has no underline: the editor offers none
        "<p><strong><em>Bold Italic Underline</em></strong></p>"
    )


def test_google_docs_nested_lists_nest_in_their_item():
    """Docs writes an inner list beside the item it belongs to (<ul><li>A</li>
    <ul>…</ul></ul>, which HTML does not allow); it lands inside that item."""
    assert cleaned("google-docs-nested-lists.html") == (
        "<ul><li><p>A</p><ul><li><p>B</p></li></ul></li></ul>"
        "<ol><li><p>A</p><ol><li><p>B</p><ol><li><p>c</p></li></ol></li></ol>"
        "</li></ol>"
    )


def test_google_docs_list_loses_its_presentation_markup():
    assert cleaned("google-docs-right-aligned-list.html") == (
        "<ul><li><p>Hello</p></li><li><p>World</p></li></ul>"
    )


# --- Microsoft Word ---------------------------------------------------------------


def test_word_lists_become_lists_numbered_or_bulleted_as_drawn():
    assert cleaned("word-mac-lists.html") == (
        "<p>This is normal text</p>"
        "<ol><li><p>Numbered list 1</p></li><li><p>Numbered list 2</p></li>"
        "<li><p>Numbered list 3</p></li><li><p>Numbered list 4</p></li></ol>"
        "<ol><li><p>Outline numbered 1</p>"
        "<ol><li><p>Outline numbered 1.a</p></li>"
        "<li><p>Outline numbered 1.b</p></li></ol></li>"
        "<li><p>Outline numbered 2</p></li></ol>"
        "<ul><li><p>Bulleted list 1</p></li><li><p>Bulleted list 2</p></li></ul>"
    )


def test_word_nested_lists_nest_by_level_across_list_ids():
    """Word gives each level its own list id (l0 level1, l2 level2, l1
    level3): the levels nest all the same, and a tab is one space."""
    assert cleaned("word-mac-nested-lists.html") == (
        "<ul><li><p>Nested List A</p>"
        "<ul><li><p>Nested Lists A1</p>"
        "<ol><li><p>Nested Lists A1a</p></li><li><p>Nested Lists A1b</p></li></ol>"
        "</li><li><p>Nested Lists A2</p>"
        "<ul><li><p>Nested Lists A2a</p></li><li><p>Nested Lists A2b</p></li></ul>"
        "</li><li><p>Nested Lists A3</p></li></ul></li>"
        "<li><p>Nested Lists B</p>"
        "<ul><li><p>Nested Lists B1</p>"
        "<ul><li><p>Nested Lists B1a</p></li><li><p>Nested Lists B1b</p></li></ul>"
        "</li><li><p>Nested Lists B2</p></li></ul></li>"
        "<li><p>Nested Lists C</p></li></ul>"
    )


def test_word_inline_formatting_is_kept_and_its_markup_goes():
    assert cleaned("word-mac-inline-formatting.html") == (
        "<p>Regular text <em>italics</em> <strong>bold <em>bold italics</em>"
        "</strong>.</p>"
        "<p>This is Small Caps, and this is <s>strikethrough</s>.</p>"
        "<p>Some people use <u>single underlines for <em>emphasis</em></u>.</p>"
        "<p>Above the line is <sup>superscript</sup> and below the line is "
        "<sub>subscript</sub>.</p>"
        "<p>A line<br>break.</p>"
    )


def test_word_headings_become_the_storys_levels():
    """A story's headings are h2 to h4 (h1 is the headline)."""
    assert cleaned("word-mac-headings.html") == (
        "<h2>A Test of Headers</h2><h2>Second Level</h2><p>Some plain text.</p>"
        "<h3>Third level</h3><p>Some more plain text.</p>"
        "<h4>Fourth level</h4><p>Some more plain text.</p>"
        "<h4>Fifth level</h4><p>Some more plain text.</p>"
        "<h4>Sixth level</h4><p>Some more plain text.</p>"
        "<p>Seventh level</p>"
        "<p>Since no Heading 7 style exists in styles.xml, this gets converted to"
        " Span.</p>"
    )


# --- Web pages ------------------------------------------------------------------


def test_a_web_page_keeps_its_list_and_link_and_loses_its_div_soup():
    assert cleaned("web-facebook-post-with-link.html") == (
        "<p>Line 0</p><ul>"
        "<li><p>â..ï¸.Â&nbsp;Line 1Â&nbsp;<a href="
        '"https://www.internalfb.com/removed?entry_point=20" '
        'rel="noopener noreferrer">Some link</a>.</p></li>'
        "<li><p>â..ï¸.Â&nbsp;Line 2.</p></li></ul>"
    )


def test_a_web_page_loses_its_computed_styles_and_checkboxes():
    assert cleaned("web-github-checklist.html") == (
        "<p>checklist</p><ul><li>done</li><li>todo</li></ul>"
    )


# --- What none of them keeps ------------------------------------------------------

LEFTOVERS = [
    "mso", "Mso", "docs-internal", "o:p", "<!--", "[if", "endif", "style=",
    "class=", "id=", "dir=", "role=", "aria-", "lang=", "<span", "<font",
    "<div", "<b ", "<b>", "<i>", "<meta", "<input", "font-", "Times New Roman",
    "Apple-interchange", "Word.Document", "xmlns", "StartFragment",
]  # fmt: skip


@pytest.mark.parametrize("name", sorted(p.name for p in CAPTURED.glob("*.html")))
def test_nothing_but_structure_survives(name):
    raw = (CAPTURED / name).read_text()
    html = clean_html(raw)
    tags = set(re.findall(r"<(\w+)", html))
    allowed = {"h2", "h3", "h4", "p", "br", "strong", "em", "s", "u", "sub", "sup"}
    assert tags <= allowed | {"a", "ul", "ol", "li"}
    assert set(re.findall(r"\s([\w:-]+)=", html)) <= {"href", "rel"}
    for leftover in LEFTOVERS:
        assert leftover not in html, leftover
    assert clean_html(html) == html  # stored bodies are cleaned again on save
