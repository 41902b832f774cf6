"""The demo newsroom: sections, authors, pictures, stories and two staff logins.

`load_demo()` builds it in one transaction and can be run again and again: every
row is found by a stable key (slug, username, group name, image SHA-256) and only
saved when something differs, and each picture is drawn from a fixed seed, so its
bytes, and therefore its SHA-256, never change. A picture already in the library
is reused, never stored twice. `manage.py load_demo` is the way to run it.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from articles.models import (
    Article,
    Byline,
    Correction,
    Section,
    Status,
    stored_body,
)
from authors.models import Author, Book
from launchdesk.models import BundleItem
from live import services as live_services
from live.models import LiveEntry
from media_library.models import Gallery, GalleryItem, Image
from space.models import (
    KINDS,
    CelestialBody,
    Launch,
    LaunchProvider,
    LaunchVehicle,
    Milestone,
    Mission,
    Place,
    Slip,
    SlipSource,
    Spacecraft,
)
from workflow import services
from workflow.models import Transition
from workflow.roles import ROLES, sync_roles

from . import content, pictures

AUTHOR_FIELDS = [
    "name",
    "job_title",
    "year_joined",
    "beats",
    "short_bio",
    "bio",
    "education",
    "x_handle",
    "bluesky",
    "mastodon",
    "website",
    "tips_email",
]
IMAGE_FIELDS = ["title", "alt_text", "caption", "credit", "licence", "source_url"]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    group: str


@dataclass(frozen=True)
class DemoSummary:
    sections: int
    authors: int
    images: int
    images_stored: int
    published: int
    drafts: int
    logins: list[DemoLogin]


def load_demo() -> DemoSummary:
    """Create or refresh the demo newsroom, all or nothing."""
    stored: list[str] = []  # files this run wrote, taken back if it fails
    try:
        with transaction.atomic():
            return _load(stored)
    except BaseException:
        storage = Image._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise


def _load(stored: list[str]) -> DemoSummary:
    groups = _groups()
    users = {
        spec["username"]: _user(spec, groups[spec["group"]]) for spec in content.USERS
    }
    editor = users["editor"]

    sections = {
        spec["slug"]: _upsert(Section, {"slug": spec["slug"]}, **spec)
        for spec in content.SECTIONS
    }
    images = {
        key: _image(key, spec, uploaded_by=editor, stored=stored)
        for key, spec in content.IMAGES.items()
    }
    authors = {
        spec["slug"]: _author(spec, images=images, users=users)
        for spec in content.AUTHORS
    }
    # Before the stories: the sky-crane story links to it.
    gallery = _gallery(content.GALLERY, images=images, editor=editor)
    # Stories are dated from the start of the hour the demo is loaded in: a
    # rerun within the hour changes nothing, one on a later day moves them.
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    stories = {
        spec["slug"]: _story(
            spec,
            sections=sections,
            images=images,
            authors=authors,
            galleries={gallery.slug: gallery},
            hour=hour,
        )
        for spec in content.STORIES
    }
    # Related links need every story to exist first.
    for spec in content.STORIES:
        stories[spec["slug"]].related.set([stories[slug] for slug in spec["related"]])

    _desk_steps(stories, users)
    _space(stories)
    stories.update(
        _launch_day(
            users=users,
            sections=sections,
            images=images,
            authors=authors,
            hour=hour,
        )
    )
    _link(stories, content.LAUNCH_DAY_LINKS)

    statuses = [spec.get("status", Status.PUBLISHED) for spec in content.STORIES]
    return DemoSummary(
        sections=len(sections),
        authors=len(authors),
        images=len(images),
        images_stored=len(stored),
        published=statuses.count(Status.PUBLISHED),
        drafts=statuses.count(Status.DRAFT),
        logins=[
            DemoLogin(spec["username"], spec["password"], spec["group"])
            for spec in content.USERS
        ],
    )


def _space(stories: dict) -> None:
    """The space desk's entities and the stories linked to them (a rerun
    changes nothing). The launch is history, created once with its time: a
    change to a launch's time goes through space.launches.update_launch, which
    a rerun never needs."""
    bodies = {
        spec["slug"]: _upsert(CelestialBody, {"slug": spec["slug"]}, **spec)
        for spec in content.SPACE_BODIES
    }
    places = {
        spec["slug"]: _upsert(
            Place, {"slug": spec["slug"]}, **{**spec, "body": bodies[spec["body"]]}
        )
        for spec in content.SPACE_PLACES
    }
    providers = {
        spec["slug"]: _upsert(LaunchProvider, {"slug": spec["slug"]}, **spec)
        for spec in content.SPACE_PROVIDERS
    }
    vehicles = {
        spec["slug"]: _upsert(
            LaunchVehicle,
            {"slug": spec["slug"]},
            **{**spec, "provider": providers[spec["provider"]]},
        )
        for spec in content.SPACE_VEHICLES
    }
    launches = {
        spec["slug"]: _upsert(
            Launch,
            {"slug": spec["slug"]},
            **{
                **spec,
                "vehicle": vehicles[spec["vehicle"]],
                "provider": providers[spec["provider"]],
                "pad": places[spec["pad"]],
            },
        )
        for spec in content.SPACE_LAUNCHES
    }
    missions = {
        spec["slug"]: _upsert(
            Mission,
            {"slug": spec["slug"]},
            **{
                **spec,
                "target": bodies[spec["target"]],
                "launch": launches.get(spec["launch"]),
            },
        )
        for spec in content.SPACE_MISSIONS
    }
    for spec in content.SPACE_SPACECRAFT:
        _upsert(
            Spacecraft,
            {"slug": spec["slug"]},
            **{**spec, "mission": missions[spec["mission"]]},
        )
    for spec in content.SPACE_MILESTONES:
        _upsert(
            Milestone,
            {"mission": missions[spec["mission"]], "kind": spec["kind"]},
            **{
                **spec,
                "mission": missions[spec["mission"]],
                "place": places[spec["place"]],
            },
        )
    _link(stories, content.SPACE_LINKS)


def _link(stories: dict, links: dict) -> None:
    """Link stories to the entities `links` names: story slug -> (kind, slug)."""
    for story_slug, pairs in links.items():
        for kind, slug in pairs:
            KINDS[kind].objects.get(slug=slug).stories.add(stories[story_slug])


def _launch_day(*, users, sections, images, authors, hour) -> dict:
    """The upcoming launch with its one time change, its story bundle and the
    landing day's live story (content.py, "Launch day"). The launch and the
    bundle's stories are made once, through the workflow, and then left as
    an editor may have left them; the live story is kept like the others."""
    editor, writer = users["editor"], users["writer"]
    earth = CelestialBody.objects.get(slug="earth")
    pad = _upsert(
        Place,
        {"slug": content.UPCOMING_PLACE["slug"]},
        **{**content.UPCOMING_PLACE, "body": earth},
    )
    provider = _upsert(
        LaunchProvider,
        {"slug": content.UPCOMING_PROVIDER["slug"]},
        **content.UPCOMING_PROVIDER,
    )
    vehicle = _upsert(
        LaunchVehicle,
        {"slug": content.UPCOMING_VEHICLE["slug"]},
        **{**content.UPCOMING_VEHICLE, "provider": provider},
    )
    spec = content.UPCOMING_LAUNCH
    launch = Launch.objects.filter(slug=spec["slug"]).first()
    if launch is None:
        net = hour + spec["net"]
        launch = Launch.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            description=spec["description"],
            vehicle=vehicle,
            provider=provider,
            pad=pad,
            net=net,
            window_start=net,
            window_end=net + spec["window"],
            status=spec["status"],
        )
        # Its history, written as it happened (like the desk's audit trail):
        # update_launch would also move the bundle, which does not exist yet.
        Slip.objects.create(
            launch=launch,
            from_net=hour + spec["first_net"],
            to_net=net,
            noticed_at=hour - timedelta(hours=3),
            source=SlipSource.HAND,
            by=editor,
        )

    made = {}
    for story_spec in content.BUNDLE_STORIES:
        story = Article.objects.filter(slug=story_spec["slug"]).first()
        if story is None:
            story = _story(
                {
                    **story_spec,
                    "status": Status.DRAFT,
                    "published_at": None,
                    "corrections": [],
                },  # fmt: skip
                sections=sections,
                images=images,
                authors=authors,
                galleries={},
                hour=hour,
            )
            services.transition(story, "submit", by=writer)
            services.transition(story, "approve", by=editor)
            offset = story_spec["bundle"].get("offset")
            if offset is not None:
                services.transition(
                    story, "schedule", by=editor, at=launch.net + offset
                )
            if story_spec.get("live"):
                story.is_live = True
                story.coverage_start = story.published_at
                story.save(update_fields=["is_live", "coverage_start"])
        BundleItem.objects.get_or_create(
            article=story,
            defaults={
                "launch": launch,
                "offset": story_spec["bundle"].get("offset"),
                "outcome": story_spec["bundle"].get("outcome", ""),
                "added_by": editor,
            },
        )
        made[story_spec["slug"]] = story

    spec = content.LANDING_LIVE
    live = _story(
        {**spec, "corrections": []},
        sections=sections,
        images=images,
        authors=authors,
        galleries={},
        hour=hour,
    )
    if not live.is_live:
        live.is_live = True
        live.coverage_start = spec["published_at"]
        live.coverage_end = spec["coverage_end"]
        live.save(update_fields=["is_live", "coverage_start", "coverage_end"])
    if not LiveEntry.objects.filter(article=live).exists():
        for posted_at, text, picture, pinned in spec["entries"]:
            entry = live_services.post_entry(
                live,
                by=editor,
                text=text,
                image=images[picture] if picture else None,
                pinned=pinned,
            )
            LiveEntry.objects.filter(pk=entry.pk).update(posted_at=posted_at)
    made[spec["slug"]] = live
    return made


def _upsert(model: type[models.Model], lookup: dict, **values):
    """The row matching `lookup`, created with `values` or brought up to date;
    saved only when a value differs, so a rerun leaves rows (and their
    auto_now times) untouched."""
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        return model._default_manager.create(**{**lookup, **values})
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


# --- Logins and roles --------------------------------------------------------


def _groups() -> dict[str, Group]:
    sync_roles()
    return {g.name: g for g in Group.objects.filter(name__in=ROLES)}


def _user(spec: dict, group: Group):
    user = _upsert(
        get_user_model(),
        {"username": spec["username"]},
        first_name=spec["first_name"],
        last_name=spec["last_name"],
        email=spec["email"],
        is_staff=True,
        is_superuser=False,
        is_active=True,
    )
    if not user.check_password(spec["password"]):
        user.set_password(spec["password"])
        user.save(update_fields=["password"])
    # Re-running the demo also lifts a lock from mistyped demo passwords.
    axes_reset(username=spec["username"])
    user.groups.set([group])
    return user


# --- Pictures ----------------------------------------------------------------


def _image(key: str, spec: dict, *, uploaded_by, stored: list[str]) -> Image:
    """The library image for `spec`: found by the SHA-256 of its bytes (or, if a
    newer Pillow drew it differently, by its title among the demo's uploads),
    otherwise stored as a new file."""
    if "headshot" in spec:
        data = pictures.headshot(*spec["headshot"], seed=spec["seed"])
    else:
        data = pictures.scene(spec["scene"], spec["seed"])
    meta = {name: spec[name] for name in IMAGE_FIELDS}

    image = Image.objects.duplicate_of(hashlib.sha256(data).hexdigest())
    if image is None:
        image = Image.objects.filter(
            title=spec["title"], uploaded_by=uploaded_by
        ).first()
    if image is not None:
        return _upsert(Image, {"pk": image.pk}, **meta)

    image = Image(uploaded_by=uploaded_by, **meta)
    image.file = ContentFile(data, name=f"demo-{key}.jpg")
    image.save()
    stored.append(image.file.name)
    return image


# --- People and stories ------------------------------------------------------


def _author(spec: dict, *, images: dict, users: dict) -> Author:
    headshot = images[spec["headshot"]] if spec["headshot"] else None
    user = users[spec["user"]] if spec["user"] else None
    author = _upsert(
        Author,
        {"slug": spec["slug"]},
        **{name: spec.get(name, "") for name in AUTHOR_FIELDS},
        headshot_id=headshot.pk if headshot else None,
        user_id=user.pk if user else None,
    )
    for book in spec["books"]:
        _upsert(Book, {"author_id": author.pk, "title": book["title"]}, **book)
    return author


def _when(value: datetime | timedelta | None, hour: datetime) -> datetime | None:
    """A story's fixed time, or its age (`content.ago`) taken from `hour`."""
    return hour - value if isinstance(value, timedelta) else value


def _story(
    spec: dict,
    *,
    sections: dict,
    images: dict,
    authors: dict,
    galleries: dict,
    hour: datetime,
) -> Article:
    hero = images[spec["hero"]] if spec["hero"] else None
    published_at = _when(spec["published_at"], hour)
    article = _upsert(
        Article,
        {"slug": spec["slug"]},
        headline=spec["headline"],
        dek=spec["dek"],
        body=stored_body(
            # Library pictures in the text name demo images by key.
            re.sub(
                r'data-library-image="\{([\w-]+)\}"',
                lambda key: f'data-library-image="{images[key[1]].pk}"',
                spec["body"],
            )
        ),
        section_id=sections[spec["section"]].pk,
        hero_image_id=hero.pk if hero else None,
        gallery_id=galleries[spec["gallery"]].pk if spec.get("gallery") else None,
        seo_title=spec.get("seo_title", ""),
        seo_description=spec.get("seo_description", ""),
        featured=spec.get("featured", False),
        status=spec.get("status", Status.PUBLISHED),
        published_at=published_at,
    )
    bylines = [authors[slug] for slug in spec["bylines"]]
    for position, author in enumerate(bylines):
        _upsert(
            Byline,
            {"article_id": article.pk, "author_id": author.pk},
            position=position,
        )
    article.bylines.exclude(author__in=bylines).delete()
    article.tags.set(spec["tags"])
    for correction in spec["corrections"]:
        # Found by its words, not its time: the time follows the story's.
        _upsert(
            Correction,
            {
                "article_id": article.pk,
                "kind": correction["kind"],
                "text": correction["text"],
            },
            created_at=published_at + correction["after"],
        )
    return article


def _gallery(spec: dict, *, images: dict, editor) -> Gallery:
    """The demo's gallery, built the way an editor builds one: created as a
    draft through `services.edit`, then submitted, approved and published with
    `services.transition`, so it has its revision and audit trail. Once it
    exists a reload leaves it (and its trail) as it is."""
    gallery = Gallery.objects.filter(slug=spec["slug"]).first()
    if gallery is not None:
        return gallery
    gallery = Gallery(
        title=spec["title"], slug=spec["slug"], description=spec["description"]
    )

    def write() -> str:
        gallery.save()
        GalleryItem.objects.bulk_create(
            GalleryItem(gallery=gallery, image=images[key], caption=caption, position=n)
            for n, (key, caption) in enumerate(spec["items"])
        )
        return "Created by the demo."

    services.edit(gallery, by=editor, write=write)
    for action in ("submit", "approve", "publish"):
        services.transition(gallery, action, by=editor)
    return gallery


def _desk_steps(stories: dict, users: dict) -> None:
    """The audit trail of the stories on the writers' desk, dated from now, for
    each story that has none yet (a reload leaves a story's trail as it is)."""
    now = timezone.now()
    kept = {
        slug
        for slug in {step[0] for step in content.DESK_STEPS}
        if Transition.for_item(stories[slug]).exists()
    }
    for slug, action, source, target, username, hours, comment in content.DESK_STEPS:
        if slug in kept:
            continue
        Transition.objects.create(
            content_type=ContentType.objects.get_for_model(stories[slug]),
            object_id=stories[slug].pk,
            action=action,
            from_state=source,
            to_state=target,
            by=users[username],
            at=now - timedelta(hours=hours),
            comment=comment,
        )
