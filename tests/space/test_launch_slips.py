"""A launch's time changes: update_launch keeps each move as a Slip and tells
the launch desk (launch_moved, launch_outcome) once, after commit, whoever
made the change; editors change launches in the admin, writers may not."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from space import signals
from space.launches import update_launch
from space.models import Launch, Slip
from space.signals import launch_moved, launch_outcome
from tests.factories import LaunchFactory

MOMENT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
NET = dt.datetime(2026, 3, 3, 14, 2, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 3, 5, 13, 31, tzinfo=dt.UTC)


@pytest.fixture
def pinned(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)
    return MOMENT


@pytest.fixture
def heard():
    sent = []

    def moved(sender, **kwargs):
        sent.append(("moved", sender, kwargs))

    def outcome(sender, **kwargs):
        sent.append(("outcome", sender, kwargs))

    launch_moved.connect(moved, weak=False)
    launch_outcome.connect(outcome, weak=False)
    yield sent
    launch_moved.disconnect(moved)
    launch_outcome.disconnect(outcome)


@pytest.fixture
def launch(pinned):
    return LaunchFactory(
        name="Starlink 6-10", slug="starlink-6-10", net=NET, status=Launch.Status.GO
    )


def test_outcomes_are_the_three_that_say_how_it_went():
    assert Launch.OUTCOMES == {
        Launch.Status.SUCCESS,
        Launch.Status.FAILURE,
        Launch.Status.PARTIAL_FAILURE,
    }


@pytest.mark.django_db
def test_a_move_is_kept_and_told_once_after_commit(
    launch, heard, editor, django_capture_on_commit_callbacks
):
    noticed = MOMENT + dt.timedelta(minutes=5)
    with django_capture_on_commit_callbacks() as callbacks:
        changed = update_launch(
            launch, net=LATER, by=editor, source="hand", noticed_at=noticed
        )
        assert heard == []  # not before commit
    for callback in callbacks:
        callback()

    assert changed == ["net"]
    launch.refresh_from_db()
    assert launch.net == LATER
    (slip,) = launch.slips.all()
    assert (slip.from_net, slip.to_net, slip.noticed_at) == (NET, LATER, noticed)
    assert (slip.source, slip.by) == (Slip.Source.HAND, editor)
    assert heard == [
        (
            "moved",
            Launch,
            {
                "signal": launch_moved,
                "launch": launch,
                "old_net": NET,
                "new_net": LATER,
                "by": editor,
                "source": "hand",
            },
        )
    ]


@pytest.mark.django_db
def test_the_same_values_change_nothing_and_tell_nobody(
    launch, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        changed = update_launch(
            launch, net=NET, status=Launch.Status.GO, by=None, source="import"
        )
    assert changed == []
    assert callbacks == []
    assert not Slip.objects.exists()
    assert heard == []


@pytest.mark.django_db
def test_an_outcome_is_told_and_a_status_that_is_not_one_is_not(
    launch, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update_launch(launch, status=Launch.Status.HOLD, by=None, source="import")
    assert heard == []

    with django_capture_on_commit_callbacks(execute=True):
        update_launch(
            launch, status=Launch.Status.PARTIAL_FAILURE, by=None, source="import"
        )
    ((kind, _, sent),) = heard
    assert kind == "outcome"
    assert sent["status"] == Launch.Status.PARTIAL_FAILURE
    assert sent["launch"] == launch
    assert not Slip.objects.exists()  # the time did not move


@pytest.mark.django_db
def test_the_old_time_is_read_from_the_database_not_the_instance(launch):
    stale = Launch.objects.get(pk=launch.pk)
    update_launch(launch, net=LATER, by=None, source="import")

    # An editor's form loaded before the import moved the launch back.
    update_launch(stale, net=NET, by=None, source="hand")

    assert [(s.from_net, s.to_net) for s in Slip.objects.order_by("pk")] == [
        (NET, LATER),
        (LATER, NET),
    ]


@pytest.mark.django_db
def test_slips_are_newest_first_and_a_slip_must_move(launch):
    update_launch(launch, net=LATER, by=None, source="import", noticed_at=MOMENT)
    update_launch(
        launch,
        net=NET,
        by=None,
        source="import",
        noticed_at=MOMENT + dt.timedelta(hours=1),
    )
    assert [s.to_net for s in launch.slips.all()] == [NET, LATER]

    with pytest.raises(IntegrityError), transaction.atomic():
        Slip.objects.create(
            launch=launch, from_net=NET, to_net=NET, noticed_at=MOMENT, source="hand"
        )


@pytest.mark.django_db
def test_an_unknown_source_is_refused(launch):
    with pytest.raises(ValueError):
        update_launch(launch, net=LATER, by=None, source="rumour")
    launch.refresh_from_db()
    assert launch.net == NET
    assert not Slip.objects.exists()


@pytest.mark.django_db
def test_a_slip_purges_the_hubs(
    launch, monkeypatch, django_capture_on_commit_callbacks
):
    purged = []
    monkeypatch.setattr(signals, "purge", lambda keys: purged.append(list(keys)))
    with django_capture_on_commit_callbacks(execute=True):
        Slip.objects.create(
            launch=launch, from_net=NET, to_net=LATER, noticed_at=MOMENT, source="hand"
        )
    assert purged == [["list:space"]]


# --- In the admin ------------------------------------------------------------------


def form_data(launch: Launch, **changes) -> dict:
    """The launch's change form as posted, with `changes` (net as a datetime)."""
    values = {
        "name": launch.name,
        "slug": launch.slug,
        "description": launch.description,
        "wikidata_id": launch.wikidata_id,
        "net": launch.net,
        "window_start": launch.window_start,
        "window_end": launch.window_end,
        "status": launch.status,
        "vehicle": launch.vehicle_id or "",
        "provider": launch.provider_id or "",
        "pad": launch.pad_id or "",
        "ll2_id": launch.ll2_id or "",
        **changes,
    }
    data = {}
    for name, value in values.items():
        if name in ("net", "window_start", "window_end"):
            # One datetime-local box, in the newsroom's zone.
            local = timezone.localtime(value) if value else None
            data[name] = local.strftime("%Y-%m-%dT%H:%M:%S") if local else ""
        else:
            data[name] = value
    slips = launch.slips.count() if launch.pk else 0
    data |= {
        "slips-TOTAL_FORMS": str(slips),
        "slips-INITIAL_FORMS": str(slips),
        "slips-MIN_NUM_FORMS": "0",
        "slips-MAX_NUM_FORMS": "1000",
    }
    return data


def state(launch: Launch) -> tuple:
    launch.refresh_from_db()
    return (launch.name, launch.net, launch.status, Slip.objects.count())


@pytest.mark.django_db
def test_editor_moves_a_launch_in_the_admin_and_a_slip_is_kept(
    client, editor, launch, heard, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    url = reverse("admin:space_launch_change", args=[launch.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(launch, net=LATER, name="Starlink"))

    assert response.status_code == 302
    launch.refresh_from_db()
    assert (launch.name, launch.net) == ("Starlink", LATER)  # the other edits too
    (slip,) = launch.slips.all()
    assert (slip.from_net, slip.to_net, slip.by, slip.source) == (
        NET,
        LATER,
        editor,
        Slip.Source.HAND,
    )
    assert slip.noticed_at == MOMENT
    ((kind, _, sent),) = heard
    assert (kind, sent["by"], sent["source"]) == ("moved", editor, "hand")

    # The change form lists it, read-only, under "Time changes".
    page = client.get(url)
    assert "Time changes" in page.text
    assert 'name="slips-0-to_net' not in page.text

    # Posting the form again with its time changes shown changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(launch))
    assert response.status_code == 302
    assert Slip.objects.count() == 1
    assert len(heard) == 1


@pytest.mark.django_db
def test_editor_sets_an_outcome_in_the_admin_and_the_launch_desk_hears(
    client, editor, launch, heard, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    url = reverse("admin:space_launch_change", args=[launch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, form_data(launch, status=Launch.Status.SUCCESS, description="Done")
        )
    assert response.status_code == 302
    launch.refresh_from_db()
    assert (launch.status, launch.description) == (Launch.Status.SUCCESS, "Done")
    ((kind, _, sent),) = heard
    assert (kind, sent["status"], sent["by"]) == ("outcome", "success", editor)
    assert not Slip.objects.exists()


@pytest.mark.django_db
def test_editor_adds_a_launch_by_hand_without_a_slip(client, editor, pinned, heard):
    client.force_login(editor)
    new = Launch(name="New Glenn | EscaPADE", slug="new-glenn-escapade", net=NET)
    response = client.post(reverse("admin:space_launch_add"), form_data(new))
    assert response.status_code == 302
    assert Launch.objects.get(slug="new-glenn-escapade").net == NET
    assert not Slip.objects.exists()
    assert heard == []


@pytest.mark.django_db
def test_writer_may_not_move_a_launch_or_set_its_outcome(
    client, writer, launch, heard, django_capture_on_commit_callbacks
):
    before = state(launch)
    client.force_login(writer)
    url = reverse("admin:space_launch_change", args=[launch.pk])

    with django_capture_on_commit_callbacks(execute=True):
        moved = client.post(url, form_data(launch, net=LATER))
        outcome = client.post(url, form_data(launch, status=Launch.Status.FAILURE))

    assert (moved.status_code, outcome.status_code) == (403, 403)
    assert state(launch) == before
    assert heard == []
    # Writers see the launch (for the story form's links), read-only.
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_window_closing_before_it_opens_is_refused_in_the_form(
    client, editor, launch
):
    before = state(launch)
    client.force_login(editor)
    response = client.post(
        reverse("admin:space_launch_change", args=[launch.pk]),
        form_data(launch, window_start=LATER, window_end=NET, net=LATER),
    )
    assert response.status_code == 400
    assert "The window must close after it opens." in response.text
    assert state(launch) == before
