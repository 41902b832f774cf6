"""The admin's "Import launches": an editor uploads Launch Library 2's list
(or fetches it when LAUNCH_LIBRARY_URL is set) and the command's importer
runs as them. Each allowed import has its refused pair: the status code and
nothing changed."""

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from space import admin as space_admin
from space import launches as ll2
from space.models import Launch, Slip

FIXTURES = Path(__file__).parent / "fixtures"
STARLINK = uuid.UUID("e3df2ecd-c239-472f-95e4-2b89b4f75800")
MOMENT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
URL = "/admin/space/launch/import/"


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tests never use the network")

    monkeypatch.setattr(ll2, "urlopen", refuse)


def upload(name="ll2_upcoming.json", content=None, filename=None):
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(filename or name, data, "application/json")


def post(client, **files):
    return client.post(URL, {"upload": "Import the file", **files})


def snapshot():
    return (
        sorted(map(str, Launch.objects.values_list("ll2_id", "net", "status"))),
        sorted(map(str, Slip.objects.values_list("from_net", "to_net", "by"))),
    )


def message(response) -> str:
    """The last message the import left (earlier ones wait unread)."""
    return [m.message for m in get_messages(response.wsgi_request)][-1]


def test_the_url_is_the_one_the_brief_names():
    assert reverse("admin:space_launch_import") == URL


@pytest.mark.django_db
def test_the_change_list_offers_the_import_to_editors_only(client, editor, writer):
    client.force_login(editor)
    assert URL in client.get(reverse("admin:space_launch_changelist")).text
    client.force_login(writer)
    page = client.get(reverse("admin:space_launch_changelist"))
    assert page.status_code == 200
    assert URL not in page.text


@pytest.mark.django_db
def test_editor_uploads_the_recorded_file_and_reads_what_changed(client, editor):
    client.force_login(editor)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert "Fetch the latest" not in page.text  # LAUNCH_LIBRARY_URL unset

    response = post(client, file=upload())

    assert response.status_code == 302
    assert response.url == reverse("admin:space_launch_changelist")
    assert message(response) == "3 launches added, 0 unchanged."
    assert Launch.objects.count() == 3


@pytest.mark.django_db
def test_a_moved_launch_is_named_and_its_slip_is_the_editors(
    client, editor, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    post(client, file=upload())

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, file=upload("ll2_upcoming_slipped.json"))

    assert message(response) == (
        "0 launches added, 1 moved: Falcon 9 Block 5 | Starlink Group 6-10 from "
        "3 March 14:02 to 5 March 13:31 UTC, 1 otherwise updated: "
        "Atlas V 551 | ViaSat-3 F3 (status), 1 unchanged."
    )
    (slip,) = Slip.objects.all()
    assert (slip.launch.ll2_id, slip.source, slip.by) == (
        STARLINK,
        Slip.Source.IMPORT,
        editor,
    )


@pytest.mark.django_db
def test_the_same_file_twice_changes_nothing(client, editor):
    client.force_login(editor)
    post(client, file=upload())
    before = snapshot()

    response = post(client, file=upload())

    assert message(response) == "Nothing changed: 3 launches unchanged."
    assert snapshot() == before


@pytest.mark.django_db
def test_writer_may_not_import(client, writer):
    client.force_login(writer)
    assert client.get(URL).status_code == 403
    assert post(client, file=upload()).status_code == 403
    assert not Launch.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["add_launch", "change_launch"])
def test_both_rights_are_needed(client, editor, missing):
    from django.contrib.auth.models import Permission

    editor.user_permissions.set(Permission.objects.exclude(codename=missing))
    editor.groups.clear()
    client.force_login(editor)
    assert post(client, file=upload()).status_code == 403
    assert not Launch.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client):
    response = post(client, file=upload())
    assert response.status_code == 302
    assert "/login/" in response.url
    assert not Launch.objects.exists()


@pytest.mark.django_db
def test_the_post_is_csrf_checked(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert post(client, file=upload()).status_code == 403
    assert not Launch.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "filename", "says"),
    [
        (b"{not json", "ll2.json", "is not JSON"),
        (b'{"count": 1}', "ll2.json", "is not a Launch Library 2 launch list"),
        (b'{"results": [{"id": "x"}]}', "ll2.json", "should be a UUID"),
        (b'{"results": []}', "ll2.csv", "File extension"),
        (b"", "ll2.json", "The submitted file is empty"),
    ],
)
def test_a_file_that_is_not_ll2s_list_is_refused_and_nothing_written(
    client, editor, content, filename, says
):
    client.force_login(editor)
    post(client, file=upload())
    before = snapshot()

    response = post(client, file=upload(content=content, filename=filename))

    assert response.status_code == 400
    assert says in response.text
    assert snapshot() == before


@pytest.mark.django_db
def test_a_half_good_file_writes_nothing(client, editor):
    """Every launch is checked before any is written."""
    good = (FIXTURES / "ll2_upcoming.json").read_text()
    bad = good.replace('"abbrev": "TBD"', '"abbrev": "Maybe"', 1)
    assert bad != good
    client.force_login(editor)
    response = post(client, file=upload(content=bad.encode()))
    assert response.status_code == 400
    assert "is not a status we know" in response.text
    assert not Launch.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused(client, editor, monkeypatch):
    monkeypatch.setattr(space_admin, "MAX_UPLOAD_BYTES", 100)
    client.force_login(editor)
    response = post(client, file=upload())
    assert response.status_code == 400
    assert "larger than 5 MB" in response.text
    assert not Launch.objects.exists()


@pytest.mark.django_db
def test_posting_no_file_asks_for_one(client, editor):
    client.force_login(editor)
    response = client.post(URL, {"upload": "Import the file"})
    assert response.status_code == 400
    assert "Choose a Launch Library 2 file" in response.text


@pytest.mark.django_db
def test_fetch_uses_the_setting_and_the_commands_importer(
    client, editor, settings, monkeypatch
):
    settings.LAUNCH_LIBRARY_URL = "https://ll.example/2.2.0/launch/upcoming/"
    fetched = []

    def fetch(source):
        fetched.append(source)
        return (FIXTURES / "ll2_upcoming.json").read_bytes()

    monkeypatch.setattr(ll2, "fetch", fetch)
    monkeypatch.setattr(
        ll2.read_ll2,
        "__kwdefaults__",
        {**ll2.read_ll2.__kwdefaults__, "fetcher": fetch},
    )
    monkeypatch.setattr(
        ll2.import_ll2,
        "__kwdefaults__",
        {**ll2.import_ll2.__kwdefaults__, "fetcher": fetch},
    )
    client.force_login(editor)
    assert "Fetch the latest from Launch Library 2" in client.get(URL).text

    response = client.post(URL, {"fetch": "Fetch"})

    assert response.status_code == 302
    assert fetched[0] == settings.LAUNCH_LIBRARY_URL  # then LL2's "next" pages
    assert message(response).startswith("3 launches added, ")
    assert Launch.objects.count() == 3


@pytest.mark.django_db
def test_fetch_is_refused_when_the_setting_is_unset(client, editor, settings):
    settings.LAUNCH_LIBRARY_URL = ""
    client.force_login(editor)
    response = client.post(URL, {"fetch": "Fetch"})
    assert response.status_code == 400
    assert "LAUNCH_LIBRARY_URL is not set" in response.text
    assert not Launch.objects.exists()
