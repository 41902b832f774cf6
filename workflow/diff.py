"""A readable, word-level comparison of two revisions."""

import difflib
import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe


def _words(value) -> list[str]:
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    html = str(value if value is not None else "")
    # A block's end separates words even where no line break follows it.
    html = re.sub(
        r"(</(?:p|h\d|li|blockquote|figure|figcaption)>)(?=\s*<)", r"\1 ", html
    )
    text = strip_tags(html)
    return [f"{word} " if space else word for word, space in _WORD.findall(text)]


_WORD = re.compile(r"(\S+)(\s*)")


def diff_html(old, new) -> str:
    """`new` against `old` with removed words in <del> and added ones in <ins>."""
    a, b = _words(old), _words(new)
    out = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("replace", "insert"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
    return mark_safe("".join(out))  # noqa: S308 (every piece escaped above)


def compare(old: dict, new: dict, labels: dict[str, str] | None = None) -> list:
    """[(field label, diff html)] for each field that differs."""
    labels = labels or {}
    rows = []
    for name in sorted(
        set(old) | set(new),
        key=lambda n: list(labels).index(n) if n in labels else len(labels),
    ):
        if old.get(name) != new.get(name):
            label = labels.get(name, name.replace("_", " ").capitalize())
            rows.append((label, diff_html(old.get(name), new.get(name))))
    return rows
