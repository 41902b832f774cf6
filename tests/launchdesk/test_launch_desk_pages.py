"""The launch desk on the admin's pages: the proposal panel on the editors'
desk and its one-click move, the launches on the story calendar, and the
bundle inline on the launch's page."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse

from launchdesk import desk
from launchdesk.models import MoveProposal
from space.launches import update_launch
from tests.launchdesk.bundle_times import LIVE, NET, PREVIEW
from tests.newsroom.workflow_helpers import snapshot
from workflow import services, wording

pytestmark = pytest.mark.django_db

LATER = NET + dt.timedelta(days=2)


@pytest.fixture
def proposed(bundle, launch, committed, settings):
    settings.LAUNCH_BUNDLES_MOVE = "propose"
    committed(update_launch, launch, net=LATER, by=None, source="import")
    return MoveProposal.objects.get()


def accept_url(proposal):
    return reverse("admin:launchdesk_accept_move", args=[proposal.pk])


def test_the_desk_shows_the_proposal_with_its_button(client, editor, proposed):
    client.force_login(editor)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="launch-desk"' in html
    assert "Move the bundle" in html
    assert accept_url(proposed) in html
    # The bundled stories left at the old time, with their offsets in words.
    assert (
        "Starlink 6-10 preview</a>\n      (Starlink 6-10, 24 hours before launch,"
        in html
    )


def test_a_writer_sees_no_launch_desk(client, writer, proposed):
    client.force_login(writer)
    response = client.get(reverse("admin:index"))
    assert 'id="launch-desk"' not in response.content.decode()


def test_the_button_moves_the_bundle(client, editor, bundle, proposed, committed):
    client.force_login(editor)
    response = committed(client.post, accept_url(proposed))
    assert response.status_code == 302
    bundle["preview"].article.refresh_from_db()
    assert bundle["preview"].article.published_at == LATER + PREVIEW
    proposed.refresh_from_db()
    assert proposed.decided_by == editor


def test_a_writer_may_not_press_it(client, writer, bundle, proposed):
    client.force_login(writer)
    before = snapshot(bundle["preview"].article)
    response = client.post(accept_url(proposed))
    assert response.status_code == 403
    assert snapshot(bundle["preview"].article) == before
    proposed.refresh_from_db()
    assert proposed.decided_at is None


def test_it_moves_nothing_on_a_get(client, editor, bundle, proposed):
    client.force_login(editor)
    before = snapshot(bundle["preview"].article)
    assert client.get(accept_url(proposed)).status_code == 405
    assert snapshot(bundle["preview"].article) == before


def test_an_unknown_proposal_is_a_404(client, editor, proposed):
    client.force_login(editor)
    url = reverse("admin:launchdesk_accept_move", args=[proposed.pk + 99])
    assert client.post(url).status_code == 404


def test_a_stale_proposal_is_refused_with_a_message(
    client, editor, bundle, launch, proposed, committed
):
    committed(update_launch, launch, net=LATER + dt.timedelta(hours=3), source="import")
    client.force_login(editor)
    before = snapshot(bundle["preview"].article)
    response = client.post(accept_url(proposed), follow=True)
    assert response.status_code == 200
    assert "moved again" in response.content.decode()
    assert snapshot(bundle["preview"].article) == before


def test_the_desk_panel_reads_in_two_queries_however_many(
    editor, bundle, launch, committed, settings, django_assert_num_queries
):
    settings.LAUNCH_BUNDLES_MOVE = "propose"
    for hours in range(1, 4):
        committed(
            update_launch,
            launch,
            net=NET + dt.timedelta(hours=hours),
            source="import",
        )
    request = RequestFactory().get("/")
    request.user = editor
    desk.desk_panel(request)  # the user's permissions are read once
    with django_assert_num_queries(2):
        panel = desk.desk_panel(request)
    assert len(panel.context["proposals"]) == 3
    # The stories are scheduled for the old time: each is flagged.
    assert {flags[0] for _, flags in panel.context["flagged"]} == {desk.CONFLICT}


def test_the_calendar_shows_the_launch_and_its_bundle(
    client, editor, bundle, committed
):
    # The live coverage moved by hand, away from the launch: a conflict.
    committed(
        services.transition,
        bundle["live"].article,
        "reschedule",
        by=editor,
        at=NET + LIVE + dt.timedelta(minutes=30),
    )
    client.force_login(editor)
    response = client.get(
        reverse("admin:articles_article_calendar"), {"week": "2026-03-02"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Launch: Starlink 6-10" in html
    assert "Starlink 6-10 preview" in html
    assert "24 hours before launch" in html
    assert "if success" in html
    assert html.count(desk.CONFLICT) == 1


def test_overdue_and_both_live_are_flagged(editor, bundle, launch, pinned):
    items = list(launch.bundle.select_related("article", "launch"))
    follow = next(i for i in items if i.article.headline.endswith("follow-up"))
    assert desk.item_flags(follow, NET + dt.timedelta(hours=2)) == [desk.OVERDUE]
    assert desk.item_flags(follow, pinned) == []
    for item in items:
        if item.outcome:
            item.article.status = services.State.PUBLISHED
    assert desk.launch_flags(items) == [desk.BOTH_LIVE]


def test_the_launch_page_has_the_bundle_inline(client, editor, bundle, launch):
    client.force_login(editor)
    response = client.get(reverse("admin:space_launch_change", args=[launch.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Story bundle" in html
    assert "Starlink 6-10 preview" in html


@pytest.mark.parametrize(
    ("offset", "words"),
    [
        (PREVIEW, "24 hours before launch"),
        (LIVE, "2 hours before launch"),
        (dt.timedelta(minutes=-150), "2 hours and 30 minutes before launch"),
        (dt.timedelta(minutes=1), "1 minute after launch"),
        (dt.timedelta(hours=1), "1 hour after launch"),
        (dt.timedelta(0), "at launch"),
    ],
)
def test_offsets_read_in_plain_words(offset, words):
    assert wording.offset(offset) == words


def test_the_desk_says_each_flagged_story_s_offset_in_words(
    rf_editor, bundle, launch, committed
):
    committed(
        services.transition,
        bundle["live"].article,
        "reschedule",
        by=rf_editor.user,
        at=NET + LIVE + dt.timedelta(minutes=30),
    )
    panel = desk.desk_panel(rf_editor)
    ((item, flags),) = panel.context["flagged"]
    assert (item.describe, flags) == ("2 hours before launch", [desk.CONFLICT])


@pytest.fixture
def rf_editor(editor):
    request = RequestFactory().get("/admin/")
    request.user = editor
    return request
