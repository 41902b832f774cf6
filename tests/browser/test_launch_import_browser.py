"""An editor imports the recorded launch file from the admin, as the issue's
done-when says: the Launch list's "Import launches", the file chosen, the
result read in the page's message. The import page passes axe."""

from pathlib import Path

from space.models import Launch, Slip
from tests.browser.admin_login import log_in
from tests.newsroom.workflow_helpers import user_in
from workflow.roles import EDITORS, sync_roles

PASSWORD = "max-q-test"
FIXTURES = Path(__file__).parent.parent / "space" / "fixtures"


def test_editor_imports_the_recorded_launch_file(page, axe):
    sync_roles()  # an earlier live-server test may have emptied the groups
    editor = user_in(EDITORS, username="edie")
    editor.set_password(PASSWORD)
    editor.save()

    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/space/launch/")
    page.get_by_role("link", name="Import launches").click()
    page.wait_for_url("**/admin/space/launch/import/")
    assert page.get_by_role("heading", name="Import launches").is_visible()
    assert axe(page) == []

    page.get_by_label("Launch Library 2 file").set_input_files(
        FIXTURES / "ll2_upcoming.json"
    )
    page.get_by_role("button", name="Import the file").click()
    page.wait_for_url("**/admin/space/launch/")
    assert page.locator(".messagelist").inner_text().strip() == (
        "3 launches added, 0 unchanged."
    )
    assert Launch.objects.count() == 3

    page.get_by_role("link", name="Import launches").click()
    page.get_by_label("Launch Library 2 file").set_input_files(
        FIXTURES / "ll2_upcoming_slipped.json"
    )
    page.get_by_role("button", name="Import the file").click()
    page.wait_for_url("**/admin/space/launch/")
    said = page.locator(".messagelist").inner_text()
    assert "1 moved: Falcon 9 Block 5 | Starlink Group 6-10 from 3 March 14:02 " in said
    assert "to 5 March 13:31 UTC" in said
    assert Slip.objects.get().by == editor


def test_a_file_that_is_not_ll2s_list_is_shown_again_with_the_reason(
    page, axe, tmp_path
):
    sync_roles()
    editor = user_in(EDITORS, username="edie")
    editor.set_password(PASSWORD)
    editor.save()
    wrong = tmp_path / "notes.json"
    wrong.write_text('{"count": 0}')

    log_in(page, editor.username, PASSWORD)
    page.goto("/admin/space/launch/import/")
    page.get_by_label("Launch Library 2 file").set_input_files(wrong)
    page.get_by_role("button", name="Import the file").click()

    alert = page.get_by_role("alert")
    assert "is not a Launch Library 2 launch list" in alert.inner_text()
    assert "Nothing was imported." in alert.inner_text()
    assert not Launch.objects.exists()
    assert axe(page) == []
