"""Changing a launch's time, window and status, and importing launches from
Launch Library 2 (thespacedevs.com).

`update_launch` is the one way an existing launch's time, window or status
changes, whoever changes it: the import (`manage.py import_launches`), the
admin (`LaunchAdmin.save_model`) and anything later. It keeps every move of the
no-earlier-than time as a `Slip` and tells the apps above (the launch desk)
through `space.signals.launch_moved` and `launch_outcome`, once, after commit.
"""

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from .models import (
    CelestialBody,
    Launch,
    LaunchProvider,
    LaunchVehicle,
    Place,
    Slip,
)
from .signals import launch_moved, launch_outcome

# What update_launch may change; a keyword left at KEEP is left as it is.
KEEP: Any = object()
TIMING_FIELDS = ("net", "window_start", "window_end", "status")


@transaction.atomic
def update_launch(
    launch: Launch,
    *,
    net: dt.datetime = KEEP,
    window_start: dt.datetime | None = KEEP,
    window_end: dt.datetime | None = KEEP,
    status: str = KEEP,
    by=None,
    source: str,
    noticed_at: dt.datetime | None = None,
    save_all: bool = False,
) -> list[str]:
    """Set the given fields of an existing `launch`, save it, keep a move of
    its time as a Slip noticed at `noticed_at` (default: now), and send
    launch_moved / launch_outcome after commit. Returns the names of the
    fields that changed ([]: nothing saved, nothing sent).

    The old values are read from the database under a row lock, not from
    `launch` (which an admin form has already changed in memory), so two
    changes at once record two slips in order. `save_all` also saves the
    instance's other fields (an admin form's other edits) even when its time,
    window and status stay; otherwise only the changed fields are written.
    `by` is the editor (None for the import); `source` is Slip.Source."""
    source = Slip.Source(source)
    old = Launch.objects.select_for_update().values(*TIMING_FIELDS).get(pk=launch.pk)
    given = {
        "net": net,
        "window_start": window_start,
        "window_end": window_end,
        "status": status,
    }
    for name, value in given.items():
        if value is not KEEP:
            setattr(launch, name, value)
    changed = [name for name in TIMING_FIELDS if getattr(launch, name) != old[name]]
    if save_all:
        launch.save()
    elif changed:
        launch.save(update_fields=changed)
    if not changed:
        return changed

    noticed_at = noticed_at or timezone.now()
    if "net" in changed:
        old_net, new_net = old["net"], launch.net
        Slip.objects.create(
            launch=launch,
            from_net=old_net,
            to_net=new_net,
            noticed_at=noticed_at,
            source=source,
            by=by,
        )
        transaction.on_commit(
            lambda: launch_moved.send(
                sender=Launch,
                launch=launch,
                old_net=old_net,
                new_net=new_net,
                by=by,
                source=source.value,
            )
        )
    if "status" in changed and launch.status in Launch.OUTCOMES:
        new_status = launch.status
        transaction.on_commit(
            lambda: launch_outcome.send(
                sender=Launch,
                launch=launch,
                status=new_status,
                by=by,
                source=source.value,
            )
        )
    return changed


# --- Launch Library 2 -----------------------------------------------------------

# LL2's status (its `abbrev`) -> ours. "In Flight" (lifted off, outcome not yet
# known) stays Go: the launch happened at its time and no outcome may be
# claimed (nor launch_outcome sent) before LL2 gives one. A status LL2 adds
# later is refused (LL2Error), not guessed.
LL2_STATUS = {
    "Go": Launch.Status.GO,
    "TBD": Launch.Status.TBD,
    "TBC": Launch.Status.TBC,
    "Hold": Launch.Status.HOLD,
    "In Flight": Launch.Status.GO,
    "Success": Launch.Status.SUCCESS,
    "Failure": Launch.Status.FAILURE,
    "Partial Failure": Launch.Status.PARTIAL_FAILURE,
}
FETCH_TIMEOUT = 30  # seconds, per page
MAX_PAGE_BYTES = 10 * 1024 * 1024
MAX_PAGES = 5


class LL2Error(Exception):
    """The source could not be read, or is not LL2's launch list."""


@dataclass(frozen=True)
class LL2Launch:
    """One launch of an LL2 list, checked and parsed; nothing written yet."""

    ll2_id: uuid.UUID
    name: str
    slug: str
    net: dt.datetime
    window_start: dt.datetime | None
    window_end: dt.datetime | None
    status: str
    provider: str
    vehicle: str
    pad: str
    location: str
    description: str


@dataclass
class ImportReport:
    created: list[Launch] = field(default_factory=list)
    updated: list[tuple[Launch, list[str]]] = field(default_factory=list)
    unchanged: int = 0
    pages: int = 0
    # (launch, old time, new time) for each updated launch whose time moved
    moved: list[tuple[Launch, dt.datetime, dt.datetime]] = field(default_factory=list)

    def summary(self) -> str:
        """What changed, in the newsroom's words: "3 launches added, 1 moved:
        Starship Flight 12 from 3 March 14:02 to 5 March 13:31 UTC, 0
        unchanged". Shown to the editor who imported."""
        if not self.created and not self.updated:
            return f"Nothing changed: {_launches(self.unchanged)} unchanged."
        parts = [f"{_launches(len(self.created))} added"]
        if self.moved:
            parts.append(
                f"{len(self.moved)} moved: "
                + "; ".join(
                    f"{launch} from {_when(old)} to {_when(new)} UTC"
                    for launch, old, new in self.moved
                )
            )
        moved = {launch.pk for launch, _, _ in self.moved}
        others = [(lc, f) for lc, f in self.updated if lc.pk not in moved]
        if others:
            parts.append(
                f"{len(others)} otherwise updated: "
                + "; ".join(
                    f"{launch} ({', '.join(fields)})" for launch, fields in others
                )
            )
        parts.append(f"{self.unchanged} unchanged")
        return ", ".join(parts) + "."


def _launches(n: int) -> str:
    return f"{n} launch" if n == 1 else f"{n} launches"


def _when(moment: dt.datetime) -> str:
    """3 March 14:02 (UTC; the year only when it is not this year's)."""
    moment = moment.astimezone(dt.UTC)
    year = "" if moment.year == timezone.now().year else f" {moment.year}"
    return f"{moment.day} {moment:%B}{year} {moment:%H:%M}"


def fetch(source: str) -> bytes:
    """The bytes at `source`: an http(s) URL (with a timeout) or a file path."""
    if urlsplit(source).scheme in ("http", "https"):
        request = Request(  # noqa: S310 (the scheme is checked above)
            source,
            headers={
                "Accept": "application/json",
                "User-Agent": f"{settings.SITE_NAME} newsroom (Django)",
            },
        )
        try:
            with urlopen(request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
                data = response.read(MAX_PAGE_BYTES + 1)
        except (URLError, TimeoutError, OSError) as error:
            raise LL2Error(f"Could not fetch {source}: {error}") from error
    else:
        try:
            with Path(source).open("rb") as file:
                data = file.read(MAX_PAGE_BYTES + 1)
        except OSError as error:
            raise LL2Error(f"Could not read {source}: {error.strerror}") from error
    if len(data) > MAX_PAGE_BYTES:
        raise LL2Error(f"{source} is larger than {MAX_PAGE_BYTES} bytes.")
    return data


def _text(value, where: str, *, required=True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise LL2Error(f"{where} should be text.")
    return value.strip()


def _time(value, where: str, *, required=True) -> dt.datetime | None:
    if value is None and not required:
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or timezone.is_naive(parsed):
        raise LL2Error(f"{where} should be a date and time with its zone: {value!r}")
    return parsed.astimezone(dt.UTC)


def _name_of(obj, where: str, *keys: str) -> str:
    """The first non-empty of `keys` of an optional object, or ""."""
    if obj is None:
        return ""
    if not isinstance(obj, dict):
        raise LL2Error(f"{where} should be an object.")
    for key in keys:
        if isinstance(obj.get(key), str) and obj[key].strip():
            return obj[key].strip()
    return ""


def parse_launch(item, where: str) -> LL2Launch:
    if not isinstance(item, dict):
        raise LL2Error(f"{where} should be an object.")
    try:
        ll2_id = uuid.UUID(_text(item.get("id"), f"{where}.id"))
    except ValueError as error:
        raise LL2Error(f"{where}.id should be a UUID.") from error
    status = item.get("status")
    abbrev = _name_of(status, f"{where}.status", "abbrev")
    if abbrev not in LL2_STATUS:
        raise LL2Error(f"{where}.status {abbrev!r} is not a status we know.")
    window_start = _time(
        item.get("window_start"), f"{where}.window_start", required=False
    )
    window_end = _time(item.get("window_end"), f"{where}.window_end", required=False)
    if window_start and window_end and window_start > window_end:
        raise LL2Error(f"{where}: the window closes before it opens.")
    rocket = item.get("rocket")
    configuration = rocket.get("configuration") if isinstance(rocket, dict) else None
    pad = item.get("pad")
    location = pad.get("location") if isinstance(pad, dict) else None
    name = _text(item.get("name"), f"{where}.name")
    return LL2Launch(
        ll2_id=ll2_id,
        name=name[:200],
        slug=slugify(_text(item.get("slug"), f"{where}.slug", required=False) or name)[
            :190
        ]
        or "launch",
        net=_time(item.get("net"), f"{where}.net"),
        window_start=window_start,
        window_end=window_end,
        status=LL2_STATUS[abbrev],
        provider=_name_of(
            item.get("launch_service_provider"),
            f"{where}.launch_service_provider",
            "name",
        )[:200],
        vehicle=_name_of(
            configuration, f"{where}.rocket.configuration", "full_name", "name"
        )[:200],
        pad=_name_of(pad, f"{where}.pad", "name")[:200],
        location=_name_of(location, f"{where}.pad.location", "name"),
        description=_name_of(item.get("mission"), f"{where}.mission", "description"),
    )


def parse_page(data: bytes, source: str) -> tuple[list[LL2Launch], str | None]:
    """The launches of one page of LL2's list, and its next page's URL."""
    try:
        page = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise LL2Error(f"{source} is not JSON: {error}") from error
    if not isinstance(page, dict) or not isinstance(page.get("results"), list):
        raise LL2Error(
            f"{source} is not a Launch Library 2 launch list "
            '(an object with a "results" list).'
        )
    following = page.get("next")
    if following is not None and (
        not isinstance(following, str)
        or urlsplit(following).scheme not in ("http", "https")
    ):
        raise LL2Error(f'{source}: "next" should be an http(s) address or null.')
    launches = [
        parse_launch(item, f"results[{n}]") for n, item in enumerate(page["results"])
    ]
    return launches, following


def read_ll2(
    source: str,
    *,
    max_pages: int = MAX_PAGES,
    fetcher: Callable[[str], bytes] = fetch,
) -> tuple[list[LL2Launch], int]:
    """Every launch of `source` and the pages after it (up to `max_pages` in
    all), checked before anything is written. A file is a snapshot: its
    "next" is not followed (that would go to the network)."""
    follow = urlsplit(source).scheme in ("http", "https")
    launches, pages, address = [], 0, source
    while address and pages < max_pages:
        found, address = parse_page(fetcher(address), address)
        launches += found
        pages += 1
        if not follow:
            break
    return launches, pages


def unique_slug(model, base: str) -> str:
    base = slugify(base)[:190] or model.kind
    slug, n = base, 1
    while model.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _entity(model, name: str, **defaults):
    """The entity named `name` (the first if several), or a new one with a
    unique slug; no Wikidata id is ever guessed."""
    if not name:
        return None
    found = model.objects.filter(name=name).order_by("pk").first()
    if found is None:
        found = model.objects.create(
            name=name, slug=unique_slug(model, name), **defaults
        )
    return found


def earth() -> CelestialBody:
    return _entity(CelestialBody, "Earth")


@transaction.atomic
def import_launch(item: LL2Launch, *, now: dt.datetime, report: ImportReport, by=None):
    """Create or update one launch (matched by its LL2 id), in one transaction.
    `by` is the editor who imported (None for the command)."""
    launch = Launch.objects.filter(ll2_id=item.ll2_id).first()
    if launch is None:
        provider = _entity(LaunchProvider, item.provider)
        pad = _entity(
            Place,
            item.pad,
            body=earth(),
            description=item.location,
        )
        vehicle = _entity(LaunchVehicle, item.vehicle, provider=provider)
        launch = Launch.objects.create(
            ll2_id=item.ll2_id,
            name=item.name,
            slug=unique_slug(Launch, item.slug),
            description=item.description[:1000],
            net=item.net,
            window_start=item.window_start,
            window_end=item.window_end,
            status=item.status,
            provider=provider,
            vehicle=vehicle,
            pad=pad,
        )
        report.created.append(launch)
        return
    old_net = launch.net
    changed = update_launch(
        launch,
        net=item.net,
        window_start=item.window_start,
        window_end=item.window_end,
        status=item.status,
        by=by,
        source=Slip.Source.IMPORT,
        noticed_at=now,
    )
    if changed:
        report.updated.append((launch, changed))
        if "net" in changed:
            report.moved.append((launch, old_net, launch.net))
    else:
        report.unchanged += 1


def import_ll2(
    source: str,
    *,
    max_pages: int = MAX_PAGES,
    fetcher: Callable[[str], bytes] = fetch,
    by=None,
) -> ImportReport:
    """Import LL2's launch list at `source`: all pages are read and checked
    first (LL2Error, nothing written), then each launch is written in its own
    transaction. Running it again on the same list changes nothing. `by` is
    the editor who imported (the admin's "Import launches"); the command
    imports as nobody. Both call this one function."""
    launches, pages = read_ll2(source, max_pages=max_pages, fetcher=fetcher)
    report = ImportReport(pages=pages)
    now = timezone.now()
    for item in launches:
        import_launch(item, now=now, report=report, by=by)
    return report


def import_ll2_upload(data: bytes, *, name: str, by) -> ImportReport:
    """Import an uploaded LL2 file (its bytes, already read within the upload
    limit) exactly as the command imports a file: one page, "next" not
    followed."""
    return import_ll2(name, max_pages=1, fetcher=lambda _source: data, by=by)
