"""`manage.py import_launches`: Launch Library 2's upcoming launches, from
recorded files (never the network), imported once, updated through
update_launch, and refused whole when the source is not LL2's list."""

import datetime as dt
import io
import json
import uuid
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from space import launches as ll2
from space.models import (
    CelestialBody,
    Launch,
    LaunchProvider,
    LaunchVehicle,
    Place,
    Slip,
)
from space.signals import launch_moved, launch_outcome
from tests.factories import CelestialBodyFactory, LaunchFactory, LaunchProviderFactory

FIXTURES = Path(__file__).parent / "fixtures"
UPCOMING = str(FIXTURES / "ll2_upcoming.json")
SLIPPED = str(FIXTURES / "ll2_upcoming_slipped.json")
STARLINK = uuid.UUID("e3df2ecd-c239-472f-95e4-2b89b4f75800")
ATLAS = uuid.UUID("1b1a6a3e-7c2e-4d3b-9c1a-2f8e3f0d5a11")
MOMENT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def pinned(monkeypatch):
    """The clock stopped at 1 March 2026, 12:00 UTC, before every launch of
    the recorded files."""
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    return MOMENT


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tests never use the network")

    monkeypatch.setattr(ll2, "urlopen", refuse)


@pytest.fixture
def heard():
    """The launch desk's view: what launch_moved and launch_outcome sent."""
    sent = []

    def moved(sender, **kwargs):
        sent.append(("moved", kwargs))

    def outcome(sender, **kwargs):
        sent.append(("outcome", kwargs))

    launch_moved.connect(moved, weak=False)
    launch_outcome.connect(outcome, weak=False)
    yield sent
    launch_moved.disconnect(moved)
    launch_outcome.disconnect(outcome)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_launches", *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        model.__name__: sorted(map(str, model.objects.values_list(*fields)), key=str)
        for model, fields in (
            (Launch, ["ll2_id", "name", "slug", "net", "status", "window_end"]),
            (Slip, ["from_net", "to_net"]),
            (LaunchVehicle, ["name", "slug"]),
            (LaunchProvider, ["name", "slug"]),
            (Place, ["name", "slug", "body__name"]),
            (CelestialBody, ["name", "slug"]),
        )
    }


@pytest.mark.django_db
def test_import_creates_launches_and_their_entities(
    pinned, no_network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = run(UPCOMING)

    assert "3 added, 0 updated, 0 unchanged (1 page(s) read)" in out
    starlink = Launch.objects.select_related("vehicle", "provider", "pad").get(
        ll2_id=STARLINK
    )
    assert starlink.name == "Falcon 9 Block 5 | Starlink Group 6-10"
    assert starlink.slug == "falcon-9-block-5-starlink-group-6-10"
    assert starlink.net == dt.datetime(2026, 3, 3, 14, 2, tzinfo=dt.UTC)
    assert starlink.window_end == dt.datetime(2026, 3, 3, 18, 33, tzinfo=dt.UTC)
    assert starlink.status == Launch.Status.GO
    assert starlink.vehicle.name == "Falcon 9 Block 5"
    assert starlink.vehicle.provider == starlink.provider
    assert starlink.provider.name == "SpaceX"
    assert starlink.pad.name == "Space Launch Complex 40"
    assert starlink.pad.body.name == "Earth"
    assert starlink.description.startswith("A batch of 23 satellites")
    transporter = Launch.objects.get(slug="falcon-9-block-5-transporter-16")
    assert (transporter.window_start, transporter.window_end) == (None, None)
    assert transporter.status == Launch.Status.TBD
    assert transporter.provider == starlink.provider  # found by name, not twice
    # Nothing invented: no Wikidata id on anything the import made.
    for model in (Launch, LaunchVehicle, LaunchProvider, Place, CelestialBody):
        assert not model.objects.exclude(wikidata_id="").exists()
    assert Slip.objects.count() == 0


@pytest.mark.django_db
def test_import_twice_changes_nothing(pinned, no_network, heard):
    run(UPCOMING)
    before = snapshot()

    out = run(UPCOMING)

    assert "0 added, 0 updated, 3 unchanged" in out
    assert snapshot() == before
    assert not Slip.objects.exists()
    assert heard == []


@pytest.mark.django_db
def test_import_of_a_moved_launch_records_a_slip_and_tells_the_launch_desk(
    pinned, no_network, heard, django_capture_on_commit_callbacks
):
    run(UPCOMING)

    with django_capture_on_commit_callbacks(execute=True):
        out = run(SLIPPED)

    assert "0 added, 2 updated, 1 unchanged" in out
    starlink = Launch.objects.get(ll2_id=STARLINK)
    assert starlink.net == dt.datetime(2026, 3, 5, 13, 31, tzinfo=dt.UTC)
    assert starlink.window_start == starlink.net
    assert starlink.status == Launch.Status.TBC
    (slip,) = Slip.objects.all()
    assert (slip.launch, slip.source, slip.by) == (starlink, Slip.Source.IMPORT, None)
    assert slip.from_net == dt.datetime(2026, 3, 3, 14, 2, tzinfo=dt.UTC)
    assert slip.to_net == starlink.net
    assert slip.noticed_at == pinned
    assert Launch.objects.get(ll2_id=ATLAS).status == Launch.Status.GO
    ((kind, sent),) = heard  # Go for the Atlas V is not an outcome
    assert kind == "moved"
    assert sent["launch"] == starlink
    assert (sent["old_net"], sent["new_net"]) == (slip.from_net, slip.to_net)
    assert (sent["by"], sent["source"]) == (None, "import")

    # And again: the same list is no change.
    with django_capture_on_commit_callbacks(execute=True):
        run(SLIPPED)
    assert Slip.objects.count() == 1
    assert len(heard) == 1


@pytest.mark.django_db
def test_import_of_an_outcome_sends_launch_outcome(
    pinned, no_network, heard, tmp_path, django_capture_on_commit_callbacks
):
    run(UPCOMING)
    data = json.loads(Path(UPCOMING).read_text())
    data["results"][0]["status"] = {"id": 3, "name": "Success", "abbrev": "Success"}
    data["results"][1]["status"] = {"id": 6, "name": "In Flight", "abbrev": "In Flight"}
    done = tmp_path / "done.json"
    done.write_text(json.dumps(data))

    with django_capture_on_commit_callbacks(execute=True):
        run(str(done))

    assert Launch.objects.get(ll2_id=STARLINK).status == Launch.Status.SUCCESS
    # In Flight: lifted off, no outcome yet; it stays (becomes) Go.
    assert Launch.objects.get(ll2_id=ATLAS).status == Launch.Status.GO
    ((kind, sent),) = heard
    assert kind == "outcome"
    assert sent["status"] == Launch.Status.SUCCESS
    assert (sent["by"], sent["source"]) == (None, "import")


@pytest.mark.django_db
def test_import_reuses_earth_and_finds_entities_by_name(pinned, no_network):
    earth = CelestialBodyFactory(name="Earth", slug="earth")
    spacex = LaunchProviderFactory(name="SpaceX", slug="spacex", wikidata_id="Q193701")
    LaunchFactory(name="Other", slug="falcon-9-block-5-starlink-group-6-10")

    run(UPCOMING)

    starlink = Launch.objects.get(ll2_id=STARLINK)
    assert starlink.provider == spacex
    assert starlink.pad.body == earth
    assert CelestialBody.objects.count() == 1
    assert starlink.slug == "falcon-9-block-5-starlink-group-6-10-2"  # unique


@pytest.mark.django_db
def test_import_follows_next_pages_of_a_url_up_to_the_limit(pinned, monkeypatch):
    pages = {
        "https://ll.example/upcoming/": FIXTURES / "ll2_upcoming.json",
        "https://ll.thespacedevs.com/2.2.0/launch/upcoming/?limit=3&offset=3": (
            FIXTURES / "ll2_upcoming_page2.json"
        ),
    }
    asked = []

    class Response(io.BytesIO):
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def fake_urlopen(request, timeout):
        asked.append((request.full_url, timeout))
        return Response(pages[request.full_url].read_bytes())

    monkeypatch.setattr(ll2, "urlopen", fake_urlopen)

    out = run("https://ll.example/upcoming/", "--pages", "1")
    assert "3 added" in out
    assert [url for url, _ in asked] == ["https://ll.example/upcoming/"]

    out = run("https://ll.example/upcoming/")
    assert "1 added, 0 updated, 3 unchanged (2 page(s) read)" in out
    assert Launch.objects.filter(name="Electron | Hawk Cluster").exists()
    assert all(timeout == ll2.FETCH_TIMEOUT for _, timeout in asked)


@pytest.mark.django_db
def test_a_file_is_a_snapshot_its_next_page_is_not_fetched(pinned, no_network):
    assert "(1 page(s) read)" in run(UPCOMING)


@pytest.mark.django_db
def test_the_source_defaults_to_the_setting(pinned, no_network, settings):
    settings.LAUNCH_LIBRARY_URL = UPCOMING
    assert "3 added" in run()


@pytest.mark.django_db
def test_without_a_source_or_setting_it_says_what_to_do(settings):
    settings.LAUNCH_LIBRARY_URL = ""
    with pytest.raises(CommandError, match="LAUNCH_LIBRARY_URL"):
        run()
    # The compose service with the import off exits quietly.
    assert "not set" in run("--every", "900")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        # A whole file that is not LL2's list...
        ("{not json", "is not JSON"),
        ("[]", "is not a Launch Library 2 launch list"),
        ('{"results": {}}', "is not a Launch Library 2 launch list"),
        ('{"results": [], "next": "file:///etc/passwd"}', '"next" should be'),
        ('{"results": [42]}', r"results\[0\] should be an object"),
        # ...or the moved list whose third launch is broken.
        ({"id": "not-a-uuid"}, r"results\[2\]\.id should be a UUID"),
        ({"net": "next Tuesday"}, r"results\[2\]\.net should be a date"),
        ({"net": "2026-03-03T14:02:00"}, "with its zone"),
        ({"name": None}, r"results\[2\]\.name should be text"),
        ({"status": {"id": 99, "abbrev": "Scrubbed"}}, "is not a status we know"),
        ({"pad": "LC-39A"}, r"results\[2\]\.pad should be an object"),
        (
            {"window_start": "2026-04-01T02:00Z", "window_end": "2026-04-01T01:00Z"},
            "closes before it opens",
        ),
    ],
)
@pytest.mark.django_db
def test_bad_input_is_a_clear_error_and_nothing_is_written(
    pinned, no_network, tmp_path, bad, message
):
    run(UPCOMING)
    before = snapshot()
    if isinstance(bad, dict):
        data = json.loads(Path(SLIPPED).read_text())  # would move the Starlink
        data["results"][2].update(bad)
        bad = json.dumps(data)
    source = tmp_path / "bad.json"
    source.write_text(bad)

    with pytest.raises(CommandError, match=message):
        run(str(source))

    assert snapshot() == before
    assert not Slip.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_or_an_unreachable_url_is_a_clear_error(monkeypatch, tmp_path):
    with pytest.raises(CommandError, match="Could not read"):
        run(str(tmp_path / "nowhere.json"))

    def unreachable(request, timeout):
        raise ll2.URLError("Name or service not known")

    monkeypatch.setattr(ll2, "urlopen", unreachable)
    with pytest.raises(CommandError, match="Could not fetch https://ll.example/"):
        run("https://ll.example/")


@pytest.mark.django_db
def test_every_runs_rounds_and_survives_a_failing_one(pinned, monkeypatch, tmp_path):
    rounds = []

    def fake_sleep(seconds):
        rounds.append(seconds)
        if len(rounds) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(
        "space.management.commands.import_launches.time.sleep", fake_sleep
    )
    out = run(str(tmp_path / "nowhere.json"), "--every", "60")  # fails, goes on
    assert rounds == [60, 60]
    assert "added" not in out
    with pytest.raises(CommandError, match="--every"):
        run(UPCOMING, "--every", "0")


# --- docker-compose.yml's launches service ------------------------------------------


def test_compose_runs_the_import_every_15_minutes_with_the_sites_settings():
    from tests.newsroom.env_vars import REPO, settings_env_vars

    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    service = services["launches"]
    web = next(s for name, s in services.items() if name.startswith("web"))
    assert service["command"][:4] == [
        "python",
        "manage.py",
        "import_launches",
        "--every",
    ]
    assert int(service["command"][4]) >= 900  # LL2's free tier: 15 requests an hour
    assert service["environment"] == web["environment"]
    assert "LAUNCH_LIBRARY_URL" in web["environment"]
    assert set(service["environment"]) <= settings_env_vars()
    assert service["restart"] == "on-failure"  # off: it exits and stays down
    assert not service.get("ports")
