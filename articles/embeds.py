"""Embeds in a story's body: a video, a post or one of our own stories or
galleries, stored as a typed reference, never as the provider's HTML.

The editor places an embed as an empty placeholder naming what it shows:

    <figure data-embed="https://www.youtube.com/watch?v=abc" data-title="..."
            data-caption="..."></figure>

`data-embed` is a provider's address in its one canonical form (`parse`
accepts only https addresses of the providers below, with the exact host, no
user name, port or lookalike), or `story:<id>` / `gallery:<id>` for our own.
Readers get a card drawn by us (`render`): the provider named, the title, our
own still for our own content (nothing is fetched from a third party), a link
to the original and, for a provider with a player page, a "Load video" or
"Show post" button; only that click (articles/static/articles/embeds.js) puts
the provider's frame in the page. The Content-Security-Policy's frame-src
allows a provider's frame only on a page carrying a card for it
(`EmbedFramesCSPMiddleware`), and none anywhere else. Feeds get a plain link
(`render_for_feed`), JSON-LD a `mentions` entry per embed (`links`).

Mastodon has no one host: posts are accepted from the instances in
`settings.EMBED_MASTODON_INSTANCES` (mastodon.social unless configured), so
a frame can only come from a server the newsroom chose and the CSP names.
X and Bluesky offer no frame without their scripts (Bluesky's needs the
account's DID, which only a request to Bluesky gives), and NASA's library has
no player page: those are link cards.

media_library.inline finds this module (as Django finds admin.py) and calls
`render` / `render_for_feed` when it draws a body, so every page, preview and
feed showing a body shows its embeds the same way.
"""

import html
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import engines
from django.utils.html import format_html
from django.utils.safestring import mark_safe

URL_MAX = 500
TITLE_MAX = 300
CAPTION_MAX = 1000

ATTRIBUTE = re.compile(r'\s+([\w:-]+)="([^"]*)"')
# A figure whose opening tag names an embed, up to its closing tag.
PLACEHOLDER = re.compile(
    r'<figure(?P<attrs>(?:\s+[\w:-]+="[^"]*")*\s+data-embed="[^"]*"'
    r'(?:\s+[\w:-]+="[^"]*")*)\s*>(?P<inner>.*?)</figure>',
    re.DOTALL,
)
OURS = re.compile(r"(?P<kind>story|gallery):(?P<id>[0-9]{1,12})")


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    hosts: frozenset[str]
    # Matched against the address's path (without a trailing slash); the
    # groups fill `canonical` and `frame`. Query parameters are dropped.
    patterns: tuple[re.Pattern, ...]
    canonical: str
    frame: str = ""  # the player or post page put in an iframe after a click
    kind: str = "post"  # "video" or "post": what the card and button say
    # (path, parameter, pattern): an address with that path names its item in
    # exactly one such query parameter (YouTube's /watch?v=).
    query: tuple[str, str, re.Pattern] | None = None


YOUTUBE_ID = r"(?P<id>[A-Za-z0-9_-]{11})"
PROVIDERS = (
    Provider(
        key="youtube",
        name="YouTube",
        hosts=frozenset({"www.youtube.com", "youtube.com", "m.youtube.com"}),
        patterns=(
            re.compile(rf"/shorts/{YOUTUBE_ID}"),
            re.compile(rf"/embed/{YOUTUBE_ID}"),  # from a copied embed code
        ),
        canonical="https://www.youtube.com/watch?v={id}",
        frame="https://www.youtube-nocookie.com/embed/{id}",
        kind="video",
        query=("/watch", "v", re.compile(YOUTUBE_ID)),
    ),
    Provider(
        key="youtube",
        name="YouTube",
        hosts=frozenset({"youtu.be"}),
        patterns=(re.compile(rf"/{YOUTUBE_ID}"),),
        canonical="https://www.youtube.com/watch?v={id}",
        frame="https://www.youtube-nocookie.com/embed/{id}",
        kind="video",
    ),
    Provider(
        key="vimeo",
        name="Vimeo",
        hosts=frozenset({"vimeo.com", "www.vimeo.com"}),
        patterns=(re.compile(r"/(?P<id>[0-9]{1,12})"),),
        canonical="https://vimeo.com/{id}",
        frame="https://player.vimeo.com/video/{id}?dnt=1",
        kind="video",
    ),
    Provider(
        key="nasa",
        name="NASA Image and Video Library",
        hosts=frozenset({"images.nasa.gov"}),
        patterns=(re.compile(r"/details/(?P<id>[A-Za-z0-9][A-Za-z0-9_.-]{0,199})"),),
        canonical="https://images.nasa.gov/details/{id}",
        kind="video",
    ),
    Provider(
        key="x",
        name="X",
        hosts=frozenset({"x.com", "www.x.com", "twitter.com", "www.twitter.com"}),
        patterns=(
            re.compile(r"/(?P<user>[A-Za-z0-9_]{1,15})/status/(?P<id>[0-9]{1,20})"),
        ),
        canonical="https://x.com/{user}/status/{id}",
    ),
    Provider(
        key="bluesky",
        name="Bluesky",
        hosts=frozenset({"bsky.app"}),
        patterns=(
            re.compile(
                r"/profile/(?P<user>[A-Za-z0-9.:-]{1,253})/post/(?P<id>[a-z0-9]{1,20})"
            ),
        ),
        canonical="https://bsky.app/profile/{user}/post/{id}",
    ),
)
MASTODON_PATTERN = re.compile(r"/@(?P<user>[A-Za-z0-9_]{1,30})/(?P<id>[0-9]{1,20})")


@dataclass(frozen=True)
class Embed:
    """What one placeholder shows. For our own content, `url` is
    "story:<id>" or "gallery:<id>", and `provider_key` "story" or "gallery"."""

    url: str
    provider_key: str
    provider_name: str
    kind: str
    frame: str = ""
    title: str = ""
    caption: str = ""

    @property
    def ours(self) -> bool:
        return self.provider_key in ("story", "gallery")

    @property
    def our_id(self) -> int | None:
        return int(self.url.split(":")[1]) if self.ours else None


HOST_NAME = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}")


def mastodon_instances() -> list[str]:
    """The configured instances' host names; an entry that is not a plain
    host name (a port, a path, a scheme) is ignored rather than trusted."""
    hosts = getattr(settings, "EMBED_MASTODON_INSTANCES", ["mastodon.social"])
    hosts = (host.strip().lower() for host in hosts)
    return [host for host in hosts if HOST_NAME.fullmatch(host)]


def frame_origins() -> list[str]:
    """Every origin a frame may come from, for the CSP: generated from the
    providers above, so the policy cannot drift from what `parse` accepts."""
    origins = {"https://" + urlsplit(p.frame).hostname for p in PROVIDERS if p.frame}
    origins |= {f"https://{host}" for host in mastodon_instances()}
    return sorted(origins)


def player_origins() -> list[str]:
    """The origins of the video players among them (a video's card asks for
    autoplay: `PLAYER_ATTRIBUTE`)."""
    return sorted(
        {
            "https://" + urlsplit(p.frame).hostname
            for p in PROVIDERS
            if p.frame and p.kind == "video"
        }
    )


SUPPORTED = (
    "Paste the address of a YouTube or Vimeo video, a NASA Image and Video "
    "Library page, or a post on X, Bluesky or Mastodon"
)


def refuse(message: str, code: str = "invalid_embed") -> ValidationError:
    return ValidationError(message, code=code)


def parse(url: str, *, title: str = "", caption: str = "") -> Embed:
    """The embed `url` names, or a ValidationError saying why it cannot be one.

    Accepted: https addresses of the providers above with exactly their host
    (no lookalike, user name or port), in the shapes listed for each, and our
    own "story:<id>" / "gallery:<id>". Anything else is refused."""
    url = (url or "").strip()
    title = " ".join(title.split())[:TITLE_MAX]
    caption = " ".join(caption.split())[:CAPTION_MAX]
    if not url:
        raise refuse(f"The embed has no address. {SUPPORTED}.")
    if len(url) > URL_MAX:
        raise refuse(
            "That address is too long to be a video or post "
            f"({URL_MAX} characters at most)."
        )
    if ours := OURS.fullmatch(url):
        kind = ours["kind"]
        name = "Our story" if kind == "story" else "Our gallery"
        return Embed(url, kind, name, kind, title=title, caption=caption)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise refuse("That address contains spaces or invisible characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise refuse(f"That is not a web address. {SUPPORTED}.") from None
    scheme = parts.scheme.lower()
    if scheme == "http":
        raise refuse("Use the secure address, starting with https://.")
    if scheme != "https":
        raise refuse(
            f"Only web addresses starting with https:// can be embedded. {SUPPORTED}."
        )
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise refuse(
            "That address hides its real site behind a user name; "
            "it cannot be embedded."
        )
    if port is not None:
        raise refuse("Addresses with a port number cannot be embedded.")
    host = (parts.hostname or "").lower()
    for provider in PROVIDERS:
        if host not in provider.hosts:
            continue
        if (match := _groups(provider, parts)) is not None:
            return Embed(
                provider.canonical.format(**match),
                provider.key,
                provider.name,
                provider.kind,
                frame=provider.frame.format(**match),
                title=title,
                caption=caption,
            )
        raise refuse(
            f"That {provider.name} address does not point at one "
            f"{'video' if provider.kind == 'video' else 'post'}. Copy the "
            f"address of the {'video' if provider.kind == 'video' else 'post'} "
            "itself, for example from its Share button."
        )
    if host in mastodon_instances():
        match = MASTODON_PATTERN.fullmatch(parts.path.rstrip("/"))
        if match is None or parts.query:
            raise refuse(
                "That Mastodon address does not point at one post: copy the "
                "post's own address, like https://mastodon.social/@user/123."
            )
        canonical = f"https://{host}/@{match['user']}/{match['id']}"
        return Embed(
            canonical, "mastodon", "Mastodon", "post",
            frame=f"{canonical}/embed", title=title, caption=caption,
        )  # fmt: skip
    raise refuse(
        f"{host or 'That site'} is not a site we embed. {SUPPORTED}. A Mastodon "
        "post must be on an instance the newsroom has allowed "
        f"({', '.join(mastodon_instances()) or 'none'})."
    )


def _groups(provider: Provider, parts) -> dict | None:
    """The groups naming the item in the address, or None."""
    path = parts.path.rstrip("/")
    if provider.query and path == provider.query[0]:
        values = parse_qs(parts.query).get(provider.query[1], [])
        match = provider.query[2].fullmatch(values[0]) if len(values) == 1 else None
        return match.groupdict() if match else None
    for pattern in provider.patterns:
        if match := pattern.fullmatch(path):
            return match.groupdict()
    return None


# --- The stored placeholder --------------------------------------------------


def placeholder(embed: Embed) -> str:
    attrs = format_html('data-embed="{}"', embed.url)
    if embed.title:
        attrs += format_html(' data-title="{}"', embed.title)
    if embed.caption:
        attrs += format_html(' data-caption="{}"', embed.caption)
    return f"<figure {attrs}></figure>"


def _attrs(match: re.Match) -> dict:
    return {
        name: html.unescape(value) for name, value in ATTRIBUTE.findall(match["attrs"])
    }


def _parse_match(match: re.Match) -> Embed | None:
    attrs = _attrs(match)
    try:
        return parse(
            attrs.get("data-embed", ""),
            title=attrs.get("data-title", ""),
            caption=attrs.get("data-caption", ""),
        )
    except ValidationError:
        return None


def found(body: str) -> list[Embed]:
    """The embeds in `body` that parse, in order."""
    if 'data-embed="' not in (body or ""):
        return []
    return [e for m in PLACEHOLDER.finditer(body) if (e := _parse_match(m))]


def problems(body: str) -> list[ValidationError]:
    """Why each embed placeholder in `body` cannot be kept (one error each)."""
    errors = []
    if 'data-embed="' not in (body or ""):
        return errors
    for match in PLACEHOLDER.finditer(body):
        attrs = _attrs(match)
        try:
            parse(attrs.get("data-embed", ""))
        except ValidationError as error:
            errors.append(
                ValidationError(
                    "The embed “%(url)s” cannot be kept: %(reason)s",
                    code="invalid_embed",
                    params={
                        "url": attrs.get("data-embed", "")[:100],
                        "reason": " ".join(error.messages),
                    },
                )
            )
    return errors


# --- Our own stories and galleries ------------------------------------------

OUR_PAGES = {"articles:detail": "story", "galleries:detail": "gallery"}


def our_reference(url: str, hosts: set[str]) -> str | None:
    """ "story:<id>" or "gallery:<id>" for the address of one of our stories or
    galleries (a path, or an http(s) address on one of `hosts`), so a writer
    may paste our own page's address; None for anything else."""
    from django.urls import Resolver404, resolve

    from media_library.models import Gallery

    from .models import Article

    parts = urlsplit((url or "").strip()[:URL_MAX])
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.hostname not in hosts:
            return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    kind = OUR_PAGES.get(match.view_name)
    if kind is None:
        return None
    model = Article if kind == "story" else Gallery
    pk = model.objects.filter(slug=match.kwargs["slug"]).values_list("pk", flat=True)
    return f"{kind}:{pk[0]}" if pk else None


def content_keys(body: str) -> list[str]:
    """The page-cache keys of our own stories and galleries embedded in `body`
    ("story:<id>", "gallery:<id>", the same names core.cache uses), so that a
    page showing one is purged when it changes or stops being public."""
    return [embed.url for embed in found(body) if embed.ours]


def public_items(embeds: list[Embed]) -> dict[str, object]:
    """{"story:<id>": story, "gallery:<id>": gallery} for those public now:
    one query per kind, none without such embeds. A draft is simply absent,
    so nothing of it (not even its title) reaches the page."""
    from media_library.models import Gallery

    from .models import Article

    wanted = {"story": set(), "gallery": set()}
    for embed in embeds:
        if embed.ours:
            wanted[embed.provider_key].add(embed.our_id)
    result = {}
    if wanted["story"]:
        stories = Article.objects.public().select_related("hero_image")
        for story in stories.filter(pk__in=wanted["story"]):
            result[f"story:{story.pk}"] = story
    if wanted["gallery"]:
        for gallery in Gallery.objects.public().filter(pk__in=wanted["gallery"]):
            result[f"gallery:{gallery.pk}"] = gallery
    return result


# (the references looked up, the public items among them), set by `items_for`.
_known: ContextVar[tuple[set[str], dict[str, object]] | None] = ContextVar(
    "embedded_items_known", default=None
)


@contextmanager
def items_for(bodies):
    """Look up, at once, our stories and galleries embedded in all `bodies`
    (one query per kind, as `public_items`), for bodies then drawn one by one
    (a live page's entries, a feed's items): without it each body with such an
    embed would cost its own queries."""
    embeds = [embed for body in bodies for embed in found(body)]
    wanted = {embed.url for embed in embeds if embed.ours}
    token = _known.set((wanted, public_items(embeds)))
    try:
        yield
    finally:
        _known.reset(token)


def _public_items_of(embeds: list[Embed]) -> dict[str, object]:
    """`public_items(embeds)`, from what `items_for` looked up when it covers
    them all."""
    known = _known.get()
    if known is not None and all(e.url in known[0] for e in embeds if e.ours):
        return known[1]
    return public_items(embeds)


PICK_KINDS = ("story", "gallery")
PICK_RESULTS = 20
PICK_QUERY_MAX = 200


def choices(user, query: str = "", kind: str = "") -> list[dict]:
    """The editor's picker ("Embed a story or gallery"): our stories and
    galleries whose headline or title contains `query`, of `kind` or both,
    most recently changed first. Only what `user` may see: what the workflow
    shows them in the admin (`workflow.services.visible_to`: everything for
    an editor, their own work for a writer) and what anyone may read (public
    now, `public_q`). Each says whether readers see it yet: a draft embeds as
    nothing until it is public, and nothing of it reaches the page."""
    from django.db.models import Q

    from media_library.models import Gallery
    from workflow.models import public_q
    from workflow.services import visible_to

    from .models import Article

    kinds = [kind] if kind else list(PICK_KINDS)
    found = []
    for each in kinds:
        model, field = (Article, "headline") if each == "story" else (Gallery, "title")
        rows = model.objects.filter(
            Q(pk__in=visible_to(user, model).values("pk")) | public_q()
        )
        if query:
            rows = rows.filter(**{f"{field}__icontains": query})
        rows = rows.order_by("-updated_at", "-pk")[:PICK_RESULTS]
        found += [(each, row, getattr(row, field)) for row in rows]
    found.sort(key=lambda entry: entry[1].updated_at, reverse=True)
    return [
        {
            "url": f"{each}:{row.pk}",
            "kind": each,
            "provider": "Our story" if each == "story" else "Our gallery",
            "title": title,
            "state": row.get_status_display(),
            "public": row.is_public,
            **(
                {}
                if row.is_public
                else {
                    "note": "Not public yet: readers see nothing in its place "
                    "until it is published."
                }
            ),
        }
        for each, row, title in found[:PICK_RESULTS]
    ]


def _card_macro():
    template = engines["jinja2"].env.get_template("includes/embed.html")
    return template.module.embed_card


def _each(body: str, draw) -> str | None:
    """`body` with each embed placeholder replaced by `draw(embed, item)`,
    `item` being our public story or gallery (None for a provider's). One that
    does not parse, or names content of ours that is not public, is left out.
    None when the body holds no placeholder."""
    embeds = found(body)
    if not embeds and 'data-embed="' not in (body or ""):
        return None
    ours = _public_items_of(embeds)

    def replace(match: re.Match) -> str:
        embed = _parse_match(match)
        if embed is None:
            return ""
        item = None
        if embed.ours:
            item = ours.get(embed.url)
            if item is None:
                return ""
        return draw(embed, item)

    return PLACEHOLDER.sub(replace, body)


def render(body: str) -> str:
    """`body` with each embed placeholder drawn as the reader's card. The body
    was cleaned on save; the cards are built from escaped parts."""
    card = _card_macro()

    def draw(embed: Embed, item) -> str:
        if item is None:
            return str(card(embed))
        return str(card(embed, item=item, kind=embed.provider_key))

    drawn = _each(body, draw)
    return body if drawn is None else mark_safe(drawn)  # noqa: S308


def _our_link(embed: Embed, item) -> tuple[str, str]:
    """(path, title) of a public story or gallery of ours."""
    title = getattr(item, "headline", None) or getattr(item, "title", "")
    return item.get_absolute_url(), embed.title or title


def render_for_feed(body: str) -> str:
    """`body` for feed readers: each embed a paragraph with a plain link to
    the original (site-relative for our own, which the feed resolves)."""

    def link(embed: Embed, item) -> str:
        if item is None:
            href, title = embed.url, embed.title or embed.url
        else:
            href, title = _our_link(embed, item)
        return format_html(
            '<p class="embed-link">{}: <a href="{}">{}</a>{}</p>',
            embed.provider_name,
            href,
            title,
            format_html(" ({})", embed.caption) if embed.caption else "",
        )

    linked = _each(body, link)
    return body if linked is None else linked


def links(body: str, items: dict[str, object]) -> list[dict]:
    """JSON-LD `mentions`: a plain link for each embed of `body`, in order, each
    address once. A provider's links to the original, named by the writer's
    title or the provider. Ours links to the story's or gallery's page, only
    when it is in `items` (`public_items`: public now), so a draft is absent.
    Our addresses are site-relative; the caller makes them absolute.

    Not a VideoObject for a video: Google reads one only with its
    thumbnailUrl and uploadDate, which only a request to the provider could
    tell (nothing is fetched from one, and an upload date is not a fact to
    guess), and reports an incomplete one as an invalid item."""
    result, seen = [], set()
    for embed in found(body):
        if embed.ours:
            if (item := items.get(embed.url)) is None:
                continue
            url, name = _our_link(embed, item)
        else:
            url, name = embed.url, embed.title or f"{embed.provider_name} {embed.kind}"
        if url not in seen:
            seen.add(url)
            result.append({"@type": "CreativeWork", "name": name, "url": url})
    return result


# --- The Content-Security-Policy --------------------------------------------

FRAME_MARK = b' data-embed-frame="'
FRAME_ATTRIBUTE = re.compile(rb' data-embed-frame="(https://[a-z0-9.-]+)/')
# A video's card (templates/jinja2/includes/embed.html): its player starts on
# the reader's click, which the page's Permissions-Policy must allow it.
PLAYER_ATTRIBUTE = re.compile(
    rb' data-embed-frame="(https://[a-z0-9.-]+)/[^"]*" data-embed-title="[^"]*"'
    rb" data-embed-play"
)


# A page whose cards may arrive after it loaded (a live story's page, whose
# script inserts the new entries it polls for: live.page) carries this
# attribute: the next card may name any provider, and the policy the page
# loaded with is the one its frames get. (A text that spells it out gets no
# more than that: the frames of the providers `parse` accepts.)
ARRIVING_ATTRIBUTE = "data-embeds-may-arrive"
ARRIVING_MARK = f" {ARRIVING_ATTRIBUTE}".encode()


def carried(response, attribute: re.Pattern, *, every: list[str]) -> list[str]:
    """The provider origins the page's cards name in `attribute`, among those
    `parse` can produce (`every`: all of them on a page where cards may
    arrive, `ARRIVING_MARK`), sorted; none for a streamed response."""
    if getattr(response, "streaming", False):
        return []
    content = getattr(response, "content", b"")
    if ARRIVING_MARK in content:
        return sorted(every)
    if FRAME_MARK not in content:
        return []
    found = {origin.decode() for origin in attribute.findall(content)}
    return sorted(found & set(every))


class EmbedFramesCSPMiddleware(CSPMiddleware):
    """django-csp's middleware (extended through `get_policy_parts`, as its
    documentation offers), with frame-src 'none' except on a page that
    carries a card for a provider's frame: there it lists exactly those
    providers' origins (every provider's, on a page where cards may arrive
    later, `ARRIVING_MARK`). Read from the page itself, so a page served from
    the page cache gets the same policy as when it was rendered, and a card's
    origin counts only if it is one `parse` can produce."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if origins := carried(response, FRAME_ATTRIBUTE, every=frame_origins()):
            parts.replace = {**(parts.replace or {}), "frame-src": origins}
        return parts

    def process_response(self, request, response):
        """Also lets the players on the page start when the reader loads them:
        the Permissions-Policy (set by the middleware inside this one) turns
        autoplay off for every page and frame, except, here, for the video
        providers whose cards the page carries."""
        response = super().process_response(request, response)
        policy = response.get("Permissions-Policy", "")
        if "autoplay=()" not in policy:
            return response
        if players := carried(response, PLAYER_ATTRIBUTE, every=player_origins()):
            listed = " ".join(f'"{origin}"' for origin in players)
            response["Permissions-Policy"] = policy.replace(
                "autoplay=()", f"autoplay=({listed})"
            )
        return response
