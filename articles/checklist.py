"""A story's pre-publish checklist: the one rule for what a story needs before
readers may see it.

The story form shows it beside the editor, refreshed from the server as the
writer types (`workflow.admin`'s checklist endpoint builds the story from the
unsaved form and asks `workflow.services.checklist`), and the workflow refuses
to publish, schedule, or save an edit to a live story while any line fails
(`story_checklist` is registered in `apps.py`; `publish_problems` is its
failing lines): what the checklist shows green is exactly what publishing
accepts.

The lines, in the order the form shows them:

- a headline, a dek, a section, at least one byline;
- a hero picture (required unless settings.STORY_HERO_REQUIRED is off;
  checked whenever one is chosen) with alt text,
  a credit and a licence that runs on the day the story goes live, and the
  same for every picture placed in the text
  (`media_library.services.picture_problems`, the library's one rule);
- links in the text that work: none without an address or without words, and
  none to our own site that leads nowhere a reader can go. A link is ours when
  it is relative or names our host (`SITE_URL`, `ALLOWED_HOSTS`); it is broken
  when no page answers its path, when it leads to the admin or a preview link,
  or when it names a story, gallery, section, tag or author that is not there
  for readers (a story or gallery not public by the day this one goes live; an
  old address of a story counts as the story). Links to other sites are not
  fetched: whether they work is the writer's call;
- the SEO title and description, when written, within what search engines
  show (`SEO_TITLE_MAX`, `SEO_DESCRIPTION_MAX`); empty, the headline and the
  dek stand in;
- no unresolved embed: every `<figure data-embed="...">` placeholder in the
  text must name an address `articles.embeds.parse` accepts (a provider we
  can show), and an embedded story or gallery of ours must be public. A text
  without embeds passes.

The text is checked as it will be stored (`stored_body`), so what the
checklist judges is what readers would get.
"""

import datetime as dt
from html.parser import HTMLParser
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone
from taggit.models import Tag

from authors.models import Author
from media_library import inline
from media_library.models import Gallery, Image
from media_library.services import is_blank
from workflow.models import public_q
from workflow.registry import Check, Pending, failing

from . import embeds
from .models import Article, OldSlug, Section, stored_body

# What search engines show of a title and a description, about: results cut
# a title at some 600 pixels (50 to 70 characters) and a description near
# 160. The demo's curated titles run to 65.
SEO_TITLE_MAX = 70
SEO_DESCRIPTION_MAX = 160

# Pages readers never open: outside reviewers' links (and the admin, below).
PRIVATE_PAGES = ("share_preview",)


def story_checklist(
    article: Article, *, on: dt.date | None = None, pending: Pending | None = None
) -> list[Check]:
    """Every line of the checklist for `article` shown on day `on` (today),
    passing or not. `article` may be unsaved, as its open form has it; its
    bylines are then `pending["bylines"]` (unsaved `Byline` rows)."""
    body = stored_body(article.body or "")
    page = _Page(body)
    return [
        _headline(article),
        _dek(article),
        _section(article),
        _bylines(article, pending),
        _hero(article, on),
        _pictures(body, on),
        _links(article, page, on),
        _seo("seo_title", "SEO title", article.seo_title, SEO_TITLE_MAX, "headline"),
        _seo(
            "seo_description",
            "SEO description",
            article.seo_description,
            SEO_DESCRIPTION_MAX,
            "dek",
        ),
        _embeds(page, article),
    ]


def publish_problems(article: Article, *, on: dt.date | None = None) -> list[str]:
    """What stops `article`, as stored, being shown on day `on`: the failing
    lines of its checklist, nothing else."""
    return failing(story_checklist(article, on=on))


# --- The lines -------------------------------------------------------------------


def _line(key, label, problems, field) -> Check:
    return Check(key=key, label=label, problems=tuple(problems), field=field)


def _headline(article) -> Check:
    missing = is_blank(article.headline)
    return _line(
        "headline",
        "Headline",
        ["it has no headline: write one."] if missing else [],
        "headline",
    )


def _dek(article) -> Check:
    missing = is_blank(article.dek)
    return _line(
        "dek",
        "Dek (the standfirst under the headline)",
        ["it has no dek: write one or two sentences under the headline."]
        if missing
        else [],
        "dek",
    )


def _section(article) -> Check:
    return _line(
        "section",
        "Section",
        [] if article.section_id else ["it is in no section: choose one."],
        "section",
    )


def _bylines(article, pending) -> Check:
    if pending is not None and "bylines" in pending:
        authors = [row.author_id for row in pending["bylines"] if row.author_id]
    elif article.pk is not None:
        authors = list(article.bylines.values_list("author_id", flat=True))
    else:
        authors = []
    return _line(
        "bylines",
        "At least one byline",
        [] if authors else ["it has no byline: add the writer under Bylines."],
        "bylines",
    )


def _hero(article, on) -> Check:
    # Whether a story needs a hero picture to go live is the newsroom's call
    # (settings.STORY_HERO_REQUIRED, on by default: the picture readers see on
    # the page, in cards and on social cards); a hero, once chosen, must pass
    # the picture rule either way.
    required = settings.STORY_HERO_REQUIRED
    if article.hero_image_id is None:
        problems = []
        if required:
            problems = ["it has no hero picture: choose one under Hero image."]
    else:
        hero = Image.objects.filter(pk=article.hero_image_id).first()
        if hero is None:
            problems = ["its hero picture is no longer in the library: choose another."]
        else:
            problems = inline.problems([hero], role="hero image", on=on)
    return _line(
        "hero",
        "Hero picture, with alt text, a credit and a licence that runs"
        if required
        else "Hero picture (if any) has alt text, a credit and a licence that runs",
        problems,
        "hero_image",
    )


def _pictures(body, on) -> Check:
    ids = inline.image_ids(body)
    found = Image.objects.in_bulk(ids) if ids else {}
    problems = [
        f"the text shows library picture #{pk}, which is no longer in the "
        "library: remove it or place another."
        for pk in ids
        if pk not in found
    ]
    problems += inline.problems([found[pk] for pk in ids if pk in found], on=on)
    return _line(
        "pictures",
        "Every picture in the text has alt text, a credit and a licence that runs",
        problems,
        "body",
    )


def _seo(key, label, value, limit, stand_in) -> Check:
    length = len((value or "").strip())
    problems = []
    if length > limit:
        problems.append(
            f"its {label} is {length} characters long: search engines show about "
            f"{limit}. Shorten it, or leave it empty to use the {stand_in}."
        )
    return _line(key, f"{label} within {limit} characters", problems, key)


def _embeds(page, article) -> Check:
    """An embed is unresolved when `articles.embeds.parse` refuses its address
    (no provider we can show), when it shows a story or gallery of ours that
    readers cannot see, or when it is the story itself."""
    problems = []
    if page.embeds:
        parsed = []
        for attrs in page.embeds:
            address = (attrs.get("data-embed") or "").strip()
            try:
                parsed.append(embeds.parse(address))
            except ValidationError as refused:
                problems.append(
                    f"the embed “{address[:100] or 'with no address'}” in the text "
                    f"cannot be shown: {' '.join(refused.messages)} Remove it, or "
                    "paste a link from a supported site."
                )
        itself = f"story:{article.pk}" if article.pk else None
        if any(embed.url == itself for embed in parsed):
            problems.append("the text embeds this story in itself: remove that embed.")
            parsed = [embed for embed in parsed if embed.url != itself]
        public = embeds.public_items(parsed)
        problems += [
            f"the text embeds {embed.provider_name.lower()} #{embed.our_id}, which "
            "readers cannot see: publish it first, or remove the embed."
            for embed in parsed
            if embed.ours and embed.url not in public
        ]
    return _line("embeds", "Every embed can be shown", problems, "body")


# --- Links -----------------------------------------------------------------------


class _Page(HTMLParser):
    """The links (address, words) and embed placeholders of a stored body."""

    def __init__(self, body: str):
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str | None, str]] = []
        self.embeds: list[dict[str, str]] = []
        self._open: list[list] = []  # [href, words] of the links being read
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "a":
            self._open.append([attrs.get("href"), ""])
        elif tag == "img" and self._open:  # a linked picture's words: its alt
            self._open[-1][1] += " " + attrs.get("alt", "")
        elif tag == "figure" and "data-embed" in attrs:
            self.embeds.append(attrs)

    def handle_data(self, data):
        if self._open:
            self._open[-1][1] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            href, words = self._open.pop()
            self.links.append((href, " ".join(words.split())))


def _own_hosts() -> set[str]:
    hosts = {urlsplit(settings.SITE_URL).hostname or ""}
    hosts.update(
        host.lower()
        for host in settings.ALLOWED_HOSTS
        if host and not host.startswith(".") and "*" not in host
    )
    return hosts - {""}


def _own_path(parts: SplitResult, base: str) -> str | None:
    """The path on our own site a link (its address, split) leads to, or None
    for another site, an e-mail address or a place on the same page."""
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https", ""):
            return None
        if (parts.hostname or "") not in _own_hosts():
            return None
        return parts.path or "/"
    if not parts.path:
        return None  # "#notes", "?page=2": this page
    return urlsplit(urljoin(base, parts.path)).path


def _links(article, page: _Page, on) -> Check:
    problems, ours = [], []
    base = "/stories/x/"
    if article.slug:
        try:
            base = article.get_absolute_url()
        except NoReverseMatch:  # a slug the address refuses: any story's
            pass
    for href, words in page.links:
        quoted = f"“{words[:60]}”" if words else ""
        if href is None or not href.strip():
            problems.append(
                f"the link {quoted or 'with no words'} in the text has no address: "
                "add one or remove the link."
            )
            continue
        href = href.strip()
        try:
            parts = urlsplit(href)
            parts.port  # noqa: B018 (raises for an impossible address)
        except ValueError:
            problems.append(
                f"the link {quoted or 'with no words'} in the text has an address "
                f"no browser can follow ({href[:100]}): correct it or remove it."
            )
            continue
        if parts.scheme in ("http", "https") and not parts.hostname:
            problems.append(
                f"the link {quoted or 'with no words'} in the text has no site in "
                f"its address ({href}): correct it or remove the link."
            )
            continue
        if not words:
            problems.append(
                f"the link to {href} in the text has no words: write what it "
                "leads to, or remove it."
            )
        path = _own_path(parts, base)
        if path is not None:
            ours.append((href, quoted, path))
    broken = _broken(article, [path for _, _, path in ours], on)
    for href, quoted, path in ours:
        if path in broken:
            problems.append(
                f"the link {quoted + ' ' if quoted else ''}to {href} leads to no "
                "page readers can open: correct the address or remove the link."
            )
    return _line("links", "Links in the text work", problems, "body")


def _broken(article, paths: list[str], on) -> set[str]:
    """Those of `paths` (on our site) that lead readers nowhere; a few queries
    for all of them, whatever their number."""
    broken, wanted = set(), {}
    admin = reverse("admin:index")
    for path in set(paths):
        try:
            match = resolve(unquote(path))
        except Resolver404:
            broken.add(path)
            continue
        if unquote(path).startswith(admin) or match.url_name in PRIVATE_PAGES:
            broken.add(path)
            continue
        slug = match.kwargs.get("slug")
        if slug is not None:
            wanted.setdefault(match.view_name, {})[slug] = path
    if not wanted:
        return broken
    moment = timezone.now()
    if on is not None and on > timezone.localdate():
        moment = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    public = public_q(moment)
    for view, slugs in wanted.items():
        found = set()
        if view == "articles:detail":
            stories = Article.objects.filter(public, slug__in=slugs)
            found = set(stories.values_list("slug", flat=True))
            found |= set(
                OldSlug.objects.filter(
                    slug__in=slugs, article__in=Article.objects.filter(public)
                ).values_list("slug", flat=True)
            )
            if article.slug in slugs:
                found.add(article.slug)  # itself: it goes live with it
        elif view == "galleries:detail":
            found = set(
                Gallery.objects.filter(public, slug__in=slugs).values_list(
                    "slug", flat=True
                )
            )
        elif view in ("articles:section", "articles:tag", "authors:detail"):
            model = {
                "articles:section": Section,
                "articles:tag": Tag,
                "authors:detail": Author,
            }[view]
            found = set(
                model.objects.filter(slug__in=slugs).values_list("slug", flat=True)
            )
        else:
            continue
        broken |= {path for slug, path in slugs.items() if slug not in found}
    return broken
