"""Server-side HTML cleaning for everything writers type as rich text.

nh3 (Rust's ammonia) parses the markup the way a browser does, so a script or a
`javascript:` URL is caught however it is spelled: mixed case, split by tabs or
newlines, or hidden behind character entities. What is not on the lists below is
dropped; the text inside dropped tags is kept, except inside script and style.
Before it, `tidy_pasted_html` turns what Word, Google Docs and web pages put on
the clipboard into plain structure (see there), so that a paste keeps its
paragraphs, headings, bold, italic, links and lists, and nothing else.
"""

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import nh3
from django.db import models

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption",
    "figure", "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s",
    "small", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "img": {"src", "alt", "width", "height"},
    # A library image placed by the editor (media_library.inline), and an
    # embed: a video, a post, or a story or gallery of ours (articles.embeds).
    "figure": {"data-library-image", "data-caption", "data-embed", "data-title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "*": {"lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """Return `html` with scripts, event handlers, styles and unsafe URLs removed."""
    if not html:
        return ""
    return nh3.clean(
        tidy_pasted_html(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# Pasted markup: what Word, Google Docs and web pages put on the clipboard
# -----------------------------------------------------------------------------
# nh3 keeps an allowed tag and drops what it does not know, so on its own it
# reads the clipboard's markup literally: Google Docs wraps a whole paste in
# <b style="font-weight:normal" id="docs-internal-guid-…"> (one bold block),
# carries its own bold and italic as styled spans (lost with the style), and a
# web page's <div>s vanish with the line breaks between them. `tidy_pasted_html`
# reads those conventions first and leaves plain structure for nh3 to check.
# The standard library's parser is enough: this pass only rearranges, nh3 still
# decides what is allowed, and it parses its input again the way a browser does.

# Attributes a placeholder of ours carries (media_library.inline, embeds): an
# element with one is left exactly as it is, children included.
PLACEHOLDER_ATTRIBUTES = {"data-library-image", "data-caption", "data-embed"}
# Dropped with everything inside them: document furniture, Word's empty
# paragraph marker <o:p> and its drawings (VML), script and style.
_DROPPED = {"head", "title", "meta", "link", "style", "script", "template",
            "noscript", "xml", "o:p", "object", "embed", "svg", "math"}  # fmt: skip
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "source", "track", "wbr"}  # fmt: skip
# Elements holding blocks that are not a story's own: unwrapped, the inline text
# directly inside them made a paragraph.
_WRAPPERS = {"html", "body", "div", "section", "article", "main", "header",
             "footer", "aside", "nav", "center", "address", "hgroup", "details",
             "summary", "form", "fieldset", "dl", "dd", "dt"}  # fmt: skip
_BLOCKS = _WRAPPERS | {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "caption", "hr",
}  # fmt: skip
# Inline formatting worth keeping when it wraps blocks: moved inside them.
_FORMATTING = {"a", "b", "strong", "i", "em", "s", "strike", "sub", "sup", "code"}
_HEADINGS = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4"}
# Query parameters that only track who clicked: utm_*, and the click ids.
_TRACKING_PARAMETERS = re.compile(r"utm_\w*|fbclid|gclid|dclid|msclkid|mc_eid", re.I)
_GOOGLE_REDIRECT_HOSTS = {"www.google.com", "google.com"}
# Word's list paragraphs: style="mso-list:l0 level2 lfo1".
_MSO_LIST = re.compile(r"\bl(\d+)\s+level(\d+)")
_ORDERED_MARKER = re.compile(r"^\(?(\d+|[a-z]|[ivxlc]+)[.)]", re.I)
# Deeper nesting than any document has (a hostile paste can nest thousands of
# spans) is flattened, so the tree's recursive passes stay within Python's.
_MAX_DEPTH = 100


class _Element:
    __slots__ = ("attrs", "children", "marker", "tag", "word_list")

    def __init__(self, tag: str, attrs: dict[str, str] | None = None):
        self.tag = tag
        self.attrs = attrs or {}
        self.children: list[_Element | str] = []
        self.marker = ""  # a Word list paragraph's number or bullet
        self.word_list: tuple[str, int] | None = None  # (list id, level)


class _TreeBuilder(HTMLParser):
    """Builds a tree from clipboard markup, closing what HTML closes implicitly
    (a paragraph at the next block, a list item at the next item) and skipping
    Office's conditional sections: `<!--[if !supportLists]-->·<!--[endif]-->`
    is the bullet Word draws for programs that cannot read its lists; its text
    is kept aside to tell a numbered list from a bulleted one."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Element("#root")
        self.stack = [self.root]
        self.skipping = 0  # depth inside dropped elements
        self.conditional: list[str] = []  # the open [if …] sections
        self.skipped_text: list[str] = []

    @property
    def current(self) -> _Element:
        return self.stack[-1]

    def _close(self, tags: set[str], *, stop: set[str]) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            tag = self.stack[index].tag
            if tag in tags:
                del self.stack[index:]
                return
            if tag in stop:
                return

    def handle_starttag(self, tag, attrs):
        if self.skipping or self.conditional:
            if tag in _DROPPED and tag not in _VOID:
                self.skipping += 1
            return
        if tag in _DROPPED:
            if tag not in _VOID:
                self.skipping += 1
            return
        if tag in _BLOCKS:
            self._close({"p"}, stop={"li", "td", "th", "blockquote", *_WRAPPERS})
        if tag == "li":
            self._close({"li"}, stop={"ul", "ol"})
        if len(self.stack) > _MAX_DEPTH:
            return  # its content goes to the element holding it
        element = _Element(tag, {name: value or "" for name, value in attrs})
        self.current.children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):  # <o:p/>, <br/>
        if tag in _DROPPED or self.skipping or self.conditional:
            return
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self._close({tag}, stop=set())

    def handle_endtag(self, tag):
        if self.skipping:
            if tag in _DROPPED:
                self.skipping -= 1
            return
        if self.conditional:
            return
        self._close({tag}, stop=set())

    def handle_data(self, data):
        if self.skipping:
            return
        if self.conditional:
            self.skipped_text.append(data)
        else:
            self.current.children.append(data)

    def _section(self, text: str) -> None:
        text = text.strip()
        if text.startswith("[if") or text.startswith("if "):
            if not text.endswith("endif]") and "<![endif]" not in text:
                self.conditional.append(text)
        elif text.startswith("[endif") or text.startswith("endif"):
            if self.conditional:
                opened = self.conditional.pop()
                if "supportLists" in opened:
                    self.current.marker = "".join(self.skipped_text).strip()
                self.skipped_text = []

    def handle_comment(self, data):
        # <!--[if gte mso 9]><xml>…</xml><![endif]-->, wholly inside one
        # comment, goes with it; <!--[if !x]-->…<!--[endif]--> spans two.
        self._section(data)

    def unknown_decl(self, data):  # <![if !supportLists]> … <![endif]>
        self._section(data)


def _style(element: _Element) -> dict[str, str]:
    declarations = {}
    for declaration in element.attrs.get("style", "").split(";"):
        name, _, value = declaration.partition(":")
        declarations[name.strip().lower()] = value.strip().lower()
    return declarations


def _is_bold(weight: str) -> bool:
    return weight in {"bold", "bolder"} or (weight.isdigit() and int(weight) >= 600)


def _is_normal_weight(weight: str) -> bool:
    return weight in {"normal", "lighter"} or (weight.isdigit() and int(weight) < 600)


def _is_block(node) -> bool:
    return isinstance(node, _Element) and node.tag in _BLOCKS


def _visible(nodes) -> bool:
    """Whether `nodes` hold text (a non-breaking space is not) or a picture."""
    for node in nodes:
        if isinstance(node, str):
            if node.replace("\xa0", " ").strip():
                return True
        elif node.tag == "img" or node.attrs.keys() & PLACEHOLDER_ATTRIBUTES:
            return True
        elif _visible(node.children):
            return True
    return False


def _clean_href(href: str) -> str:
    """`href` without Google's redirect (https://www.google.com/url?q=<link>&sa=…,
    from Docs and search results) and without tracking parameters."""
    try:
        url = urlsplit(href.strip())
        if url.hostname in _GOOGLE_REDIRECT_HOSTS and url.path == "/url":
            query = dict(parse_qsl(url.query))
            target = urlsplit(query.get("q") or query.get("url") or "")
            if target.scheme in {"http", "https"}:
                url = target
    except ValueError:  # not a URL at all; nh3 decides whether it stays
        return href
    if url.query:
        pairs = parse_qsl(url.query, keep_blank_values=True)
        kept = [(k, v) for k, v in pairs if not _TRACKING_PARAMETERS.fullmatch(k)]
        if len(kept) != len(pairs):
            url = url._replace(query=urlencode(kept))
    return urlunsplit(url)


def _paragraphs(nodes: list) -> list:
    """`nodes` with each run of inline content between blocks made a paragraph;
    a run that shows nothing (line breaks, spaces between blocks) is dropped."""
    result, run = [], []

    def flush():
        if _visible(run):
            result.append(_with(_Element("p"), run))
        elif any(isinstance(node, str) for node in run):
            result.extend(n for n in run if isinstance(n, str))
        run.clear()

    for node in nodes:
        if _is_block(node):
            flush()
            result.append(node)
        else:
            run.append(node)
    flush()
    return result


def _with(element: _Element, children: list) -> _Element:
    element.children = list(children)
    return element


def _push_into_blocks(tag: str, attrs: dict, nodes: list) -> list:
    """Inline formatting that wrapped blocks (`<b><p>…</p></b>`), moved inside
    each of them; inline runs between the blocks become paragraphs."""
    result = []
    for node in _paragraphs(nodes):
        if isinstance(node, str):
            result.append(node)
        elif node.tag in {"p", "h2", "h3", "h4", "li", "td", "th", "figcaption"}:
            inner = node.children
            if any(_is_block(child) for child in inner):
                node.children = _push_into_blocks(tag, attrs, inner)
            elif inner:
                node.children = [_with(_Element(tag, dict(attrs)), inner)]
            result.append(node)
        elif node.tag in {"ul", "ol", "blockquote"}:
            node.children = _push_into_blocks(tag, attrs, node.children)
            result.append(node)
        else:
            result.append(node)
    return result


def _lists_from_word(nodes: list) -> list:
    """Word's list paragraphs (style="mso-list:l0 level1 lfo1") as <ul>/<ol>,
    nested by level; numbered when the bullet Word drew was a number. A
    deeper level nests in the item before it whatever its list id (Word gives
    each level of a nested list its own, l0 level1 > l2 level2 > l1 level3);
    at the same level a new id starts a new list."""
    result: list = []
    stack: list[tuple[int, str, _Element]] = []  # (level, list id, <ul>/<ol>)
    for node in nodes:
        if not isinstance(node, _Element) or node.word_list is None:
            if isinstance(node, str) and not node.strip() and stack:
                continue  # the line breaks between Word's list paragraphs
            stack.clear()
            result.append(node)
            continue
        list_id, level = node.word_list
        while stack and (
            stack[-1][0] > level or (stack[-1][0] == level and stack[-1][1] != list_id)
        ):
            stack.pop()
        if not stack or stack[-1][0] < level:
            marker = node.marker.replace("\xa0", " ").strip()
            ordered = _ORDERED_MARKER.match(marker) is not None
            new_list = _Element("ol" if ordered else "ul")
            if stack and stack[-1][2].children:
                stack[-1][2].children[-1].children.append(new_list)
            else:
                result.append(new_list)
            stack.append((level, list_id, new_list))
        node.word_list = None
        stack[-1][2].children.append(_with(_Element("li"), [node]))
    return result


def _nest_stray_lists(children: list) -> list:
    """A list's children with each list directly inside it (Google Docs writes
    a nested list as the sibling of the item it belongs to, <ul><li>A</li>
    <ul>…</ul></ul>, which HTML does not allow) moved into the item before
    it, or into an item of its own when none comes before."""
    result: list = []
    for child in children:
        if isinstance(child, _Element) and child.tag in {"ul", "ol"}:
            before = next(
                (n for n in reversed(result) if isinstance(n, _Element)), None
            )
            if before is not None and before.tag == "li":
                before.children.append(child)
            else:
                result.append(_with(_Element("li"), [child]))
        else:
            result.append(child)
    return result


def _tidy(node: _Element) -> list:
    """The nodes `node` becomes (none, itself, or its children rearranged)."""
    if node.attrs.keys() & PLACEHOLDER_ATTRIBUTES:
        return [node]
    tag, style = node.tag, _style(node)
    children = [
        tidied
        for child in node.children
        for tidied in ([child] if isinstance(child, str) else _tidy(child))
    ]
    if any(_is_block(child) for child in children):
        children = _lists_from_word(children)

    if tag in _WRAPPERS or tag == "#root":
        if any(_is_block(child) for child in children):
            return _paragraphs(children)
        if tag == "#root":
            return children
        return [_with(_Element("p"), children)] if _visible(children) else []
    if tag == "br" and "Apple-interchange-newline" in node.attrs.get("class", ""):
        return []
    if tag in _HEADINGS:
        # A heading is bold already: bold inside it is the source's styling.
        children = [
            grandchild
            for child in children
            for grandchild in (
                child.children
                if isinstance(child, _Element) and child.tag in {"b", "strong"}
                else [child]
            )
        ]
        return [_with(_Element(_HEADINGS[tag]), children)]
    if tag == "p" and node.attrs.get("class", "").startswith("Mso"):
        if not _visible(children):
            return []  # Word's empty paragraph, <p class=MsoNormal><o:p>&nbsp;</o:p>
        listed = _MSO_LIST.search(style.get("mso-list", ""))
        if listed:
            paragraph = _with(_Element("p"), children)
            paragraph.word_list = (listed[1], int(listed[2]))
            paragraph.marker = node.marker
            return [paragraph]
    if ":" in tag:  # Word's smart tags and the like: their text stays
        return children
    if "mso-tab-count" in style:  # a tab in Word: non-breaking spaces, drawn
        return [" "]  # to the next tab stop, not words; one space separates

    attrs = {
        name: value
        for name, value in node.attrs.items()
        if name not in {"id", "class", "style"} and not name.startswith("data-")
    }
    if tag == "a":
        if not attrs.get("href"):
            return children  # a bookmark (Word's <a name="_GoBack">)
        attrs["href"] = _clean_href(attrs["href"])

    # Formatting said with a style: Docs' wrapper says bold is off, its spans
    # say it is on.
    weight, font_style = style.get("font-weight", ""), style.get("font-style", "")
    wraps = []
    if tag in {"b", "strong"} and _is_normal_weight(weight):
        tag = None
    elif tag in {"i", "em"} and font_style == "normal":
        tag = None
    elif tag in {"b", "i"}:
        tag = {"b": "strong", "i": "em"}[tag]  # as the editor writes them
    elif tag in {"span", "font"}:
        tag = None
        if _is_bold(weight):
            wraps.append("strong")
        if font_style in {"italic", "oblique"}:
            wraps.append("em")
        vertical = style.get("vertical-align", "")
        if vertical in {"super", "sub"}:
            wraps.append(vertical[:3])

    has_blocks = any(_is_block(child) for child in children)
    for wrap in reversed(wraps):
        children = (
            _push_into_blocks(wrap, {}, children)
            if has_blocks
            else [_with(_Element(wrap), children)]
        )
    if tag is None:
        return children
    if has_blocks and tag not in _BLOCKS:
        if tag in _FORMATTING:
            return _push_into_blocks(tag, attrs, children)
        return children
    if tag in {"ul", "ol"}:
        children = _nest_stray_lists(children)
    element = _with(_Element(tag, attrs), children)
    return [element]


def _serialize(nodes, out: list[str]) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(escape(node, quote=False))
            continue
        out.append(f"<{node.tag}")
        for name, value in node.attrs.items():
            out.append(f' {name}="{escape(value)}"')
        out.append(">")
        if node.tag not in _VOID:
            _serialize(node.children, out)
            out.append(f"</{node.tag}>")


def tidy_pasted_html(html: str) -> str:
    """`html` with the conventions of Word, Google Docs and web pages turned into
    plain structure, before `clean_html`'s allow-lists: style-only bold and
    italic become <strong> and <em>, Docs' not-bold wrapper and Word's markers,
    conditional sections, list paragraphs, classes, ids and data-* attributes
    go (except a placeholder's), headings are moved into h2-h4, inline
    elements wrapping blocks are moved inside them or unwrapped, the text
    directly inside a <div> becomes a paragraph, and links lose Google's
    redirect and their tracking parameters. Idempotent."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    out: list[str] = []
    _serialize(_tidy(builder.root), out)
    return "".join(out)


# C0 controls other than tab, line feed and carriage return, and DEL: invisible,
# never meant (Word's soft line break is U+000B), and not allowed in XML 1.0, so
# one in a headline would break every feed and sitemap that lists the story.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The apps whose text readers see; connected in NewsroomConfig.ready().
CONTENT_APPS = {"articles", "authors", "media_library"}


def strip_control_characters(sender, instance, **kwargs) -> None:
    """pre_save: remove control characters from every text field of a content
    model, whoever saves it (admin, demo loader, shell, import)."""
    if sender._meta.app_label not in CONTENT_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                setattr(instance, field.attname, CONTROL_CHARACTERS.sub("", value))
