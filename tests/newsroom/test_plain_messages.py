"""Every message a writer or editor reads is plain newsroom language (issue
14): after each workflow action in the admin, the message on screen says what
happened and who was told, by name; the e-mail's subject names the action and
the story, and its body opens with a plain sentence, then the link. Refusals
say what to do instead. Nothing says "is now …" or shows a codename."""

import datetime as dt
import re

import pytest
from django.contrib import messages as levels
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.newsroom.workflow_helpers import edit_data, snapshot, user_in
from workflow import services, wording
from workflow.models import Transition
from workflow.roles import EDITORS, WRITERS, sync_roles
from workflow.states import RULES, State

pytestmark = pytest.mark.django_db

HEADLINE = "Perseverance watched its sky crane crash on Mars"
# Codenames a person must never read: every action's and state's stored name
# with an underscore, and the old "[Action] Headline" subjects.
CODENAMES = re.compile(
    "|".join(re.escape(name) for name in {*RULES, *State.values} if "_" in name)
    + r"|\[|is now "
)


def plain(text: str) -> str:
    assert not CODENAMES.search(text), text
    return text


@pytest.fixture
def daniel(writer):
    """The story's writer, with a full name and an address."""
    writer.first_name, writer.last_name = "Daniel", "Lee"
    writer.email = "daniel@example.com"
    writer.save()
    return writer


@pytest.fixture
def ann(editor):
    editor.first_name, editor.last_name = "Ann", "Okafor"
    editor.email = "ann@example.com"
    editor.save()
    return editor


@pytest.fixture
def story(story_in, daniel):
    def make(state):
        return story_in(state, headline=HEADLINE)

    return make


def post(client, user, item, action, **data):
    client.force_login(user)
    address = reverse("admin:articles_article_transition", args=[item.pk, action])
    response = client.post(address, {"_version": item.version, **data})
    assert response.status_code == 302
    return [(m.level, m.message) for m in get_messages(response.wsgi_request)]


FRIDAY = "2099-12-04T14:30"
FRIDAY_WORDS = "Friday 4 December 2099 at 14:30 EST (19:30 UTC)"

# action, state it starts from, who acts ("writer"/"editor"), form data,
# the message on screen, the e-mail's subject and first sentence (None: no mail).
ACTIONS = [
    (
        "submit", State.DRAFT, "writer", {},
        "Sent to the editors for review; Ann Okafor has been told.",
        f"Ready for review: {HEADLINE}",
        f"Daniel Lee sent “{HEADLINE}” for review.",
    ),
    (
        "submit", State.CHANGES_REQUESTED, "writer", {"comment": "Source added."},
        "Sent to the editors for review; Ann Okafor has been told.",
        f"Ready for review: {HEADLINE}",
        f"Daniel Lee sent “{HEADLINE}” for review: Source added.",
    ),
    (
        "withdraw", State.IN_REVIEW, "writer", {},
        f"Taken back from review: “{HEADLINE}” is a draft again, yours to work on.",
        None, None,
    ),
    (
        "revise", State.CHANGES_REQUESTED, "writer", {},
        f"Back to draft: “{HEADLINE}” is yours to work on again.",
        None, None,
    ),
    (
        "request_changes", State.IN_REVIEW, "editor",
        {"comment": "Add a source for the crash footage."},
        "Changes requested; Daniel Lee has been told.",
        f"Changes requested: {HEADLINE}",
        f"Ann Okafor asked for changes to “{HEADLINE}”: Add a source for the "
        "crash footage.",
    ),
    (
        "approve", State.IN_REVIEW, "editor", {},
        f"Approved: “{HEADLINE}” is ready to publish or schedule.",
        None, None,
    ),
    (
        "publish", State.APPROVED, "editor", {},
        f"Published: “{HEADLINE}” is live; Daniel Lee has been told.",
        f"Published: {HEADLINE}",
        f"Ann Okafor published “{HEADLINE}”; it is live.",
    ),
    (
        "schedule", State.APPROVED, "editor", {"at": FRIDAY},
        f"Scheduled: goes live {FRIDAY_WORDS}; Daniel Lee has been told.",
        f"Scheduled for Fri 4 Dec 2099 14:30 EST: {HEADLINE}",
        f"Ann Okafor scheduled “{HEADLINE}” to go live {FRIDAY_WORDS}.",
    ),
    (
        "reschedule", State.SCHEDULED, "editor", {"at": FRIDAY},
        f"Rescheduled: goes live {FRIDAY_WORDS}; Daniel Lee has been told.",
        f"Rescheduled for Fri 4 Dec 2099 14:30 EST: {HEADLINE}",
        f"Ann Okafor moved “{HEADLINE}” to go live {FRIDAY_WORDS}.",
    ),
    (
        "unschedule", State.SCHEDULED, "editor", {},
        f"Taken off the schedule: “{HEADLINE}” will not go live until someone "
        "publishes or schedules it.",
        None, None,
    ),
    (
        "unpublish", State.PUBLISHED, "editor", {"comment": "Wrong rover."},
        f"Unpublished: readers no longer see “{HEADLINE}”; Daniel Lee has been told.",
        f"Unpublished: {HEADLINE}",
        f"Ann Okafor took “{HEADLINE}” off the site: Wrong rover.",
    ),
    (
        "archive", State.DRAFT, "editor", {},
        f"Archived: “{HEADLINE}” is put away; restore it from the archive to "
        "work on it again.",
        None, None,
    ),
    (
        "unarchive", State.ARCHIVED, "editor", {},
        f"Restored from the archive: “{HEADLINE}” is a draft again.",
        None, None,
    ),
]  # fmt: skip


def test_every_action_is_in_the_table():
    assert {row[0] for row in ACTIONS} == set(RULES) == set(wording.WORDS)


@pytest.mark.parametrize(
    "action,start,actor,data,shown,subject,sentence",
    ACTIONS,
    ids=[f"{row[0]}-from-{row[1]}" for row in ACTIONS],
)
def test_each_action_says_what_happened_and_who_was_told(
    client, story, daniel, ann, settings, now, django_capture_on_commit_callbacks,
    action, start, actor, data, shown, subject, sentence,
):  # fmt: skip
    settings.SITE_URL = "https://news.example.com/"
    item = story(start)
    user = daniel if actor == "writer" else ann

    with django_capture_on_commit_callbacks(execute=True):
        said = post(client, user, item, action, **data)

    assert said == [(levels.SUCCESS, shown)]
    plain(shown)
    if subject is None:
        assert mail.outbox == []
        return
    [sent] = mail.outbox
    assert sent.subject == plain(subject)
    first, *rest = sent.body.split("\n\n")
    assert first == plain(sentence)
    change = f"https://news.example.com/admin/articles/article/{item.pk}/change/"
    assert rest == [f"Open it: {change}"]
    told = ann if action == "submit" else daniel
    assert sent.to == [told.email]


# --- Who was told ---------------------------------------------------------------


def test_up_to_three_people_are_named(client, story, daniel, ann):
    user_in(EDITORS, username="bo", first_name="Bo", last_name="Chen")
    item = story(State.DRAFT)

    said = post(client, daniel, item, "submit")

    assert said == [
        (
            levels.SUCCESS,
            "Sent to the editors for review; Ann Okafor and Bo Chen have been told.",
        )
    ]


def test_more_than_three_are_the_editors(
    client, story, daniel, ann, django_capture_on_commit_callbacks
):
    for n in range(4):
        user_in(EDITORS, username=f"desk{n}", first_name="Desk", last_name=str(n))
    item = story(State.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        said = post(client, daniel, item, "submit")

    assert said == [
        (
            levels.SUCCESS,
            "Sent to the editors for review; the 5 editors have been told.",
        )
    ]
    assert len(mail.outbox[0].to) == 5


def test_someone_without_an_address_is_named_as_not_emailed(
    client, story, daniel, ann, django_capture_on_commit_callbacks
):
    daniel.email = ""
    daniel.save()
    item = story(State.IN_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        said = post(client, ann, item, "request_changes", comment="Shorter, please.")

    assert said == [
        (
            levels.SUCCESS,
            "Changes requested; no one was e-mailed: Daniel Lee has no e-mail address.",
        )
    ]
    assert mail.outbox == []


def test_a_co_writer_without_an_address_is_named_too(client, story, daniel, ann):
    item = story(State.IN_REVIEW)
    nobody = user_in(WRITERS, username="kim", first_name="Kim", last_name="Park")
    nobody.email = ""
    nobody.save()
    item.bylines.create(author=AuthorFactory(user=nobody), position=1)

    said = post(client, ann, item, "request_changes", comment="Shorter, please.")

    assert said == [
        (
            levels.SUCCESS,
            "Changes requested; Daniel Lee has been told (not Kim Park, who has no "
            "e-mail address).",
        )
    ]


def test_an_editor_publishing_their_own_story_is_not_told_about_it(
    client, ann, django_capture_on_commit_callbacks
):
    item = ArticleFactory(status=State.APPROVED, created_by=ann, headline=HEADLINE)
    item.bylines.create(author=AuthorFactory(user=ann))

    with django_capture_on_commit_callbacks(execute=True):
        said = post(client, ann, item, "publish")

    assert said == [(levels.SUCCESS, f"Published: “{HEADLINE}” is live.")]
    assert mail.outbox == []


def test_bulk_publish_names_the_stories_and_who_was_told(client, story_in, daniel, ann):
    first = story_in(State.APPROVED, headline="Sky crane found")
    second = story_in(State.APPROVED, headline="Rover drives on")
    client.force_login(ann)

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [first.pk, second.pk]},
    )

    said = [m.message for m in get_messages(response.wsgi_request)]
    assert len(said) == 1
    assert re.fullmatch(
        "Published: “(Sky crane found|Rover drives on)” and “(Sky crane found|Rover "
        "drives on)” are live; Daniel Lee has been told.",
        said[0],
    )


@pytest.mark.django_db(transaction=True)
def test_mail_that_could_not_be_sent_is_said_plainly(client, monkeypatch):
    """Where the transaction commits as in production (the e-mail goes on
    commit, before the admin answers)."""
    sync_roles()
    daniel = user_in(WRITERS, username="daniel", first_name="Daniel", last_name="Lee")
    ann = user_in(EDITORS, username="ann", first_name="Ann", last_name="Okafor")
    item = ArticleFactory(status=State.IN_REVIEW, created_by=daniel, headline=HEADLINE)
    item.bylines.create(author=AuthorFactory(user=daniel))

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP is down")

    monkeypatch.setattr(services, "send_mail", broken)
    said = post(client, ann, item, "request_changes", comment="Add a source.")

    assert said == [
        (
            levels.WARNING,
            "Changes requested, but the e-mail to Daniel Lee could not be sent: "
            "tell them yourself.",
        )
    ]
    item.refresh_from_db()
    assert item.status == State.CHANGES_REQUESTED


# --- The scheduler's e-mails ----------------------------------------------------------


def test_published_on_schedule(story, daniel, now, django_capture_on_commit_callbacks):
    item = story(State.SCHEDULED)
    due = now - dt.timedelta(minutes=5)
    type(item).objects.filter(pk=item.pk).update(published_at=due)

    with django_capture_on_commit_callbacks(execute=True):
        services.publish_due(now)

    [sent] = mail.outbox
    assert sent.subject == f"Published: {HEADLINE}"
    first = sent.body.split("\n\n")[0]
    assert first == plain(f"“{HEADLINE}” went live on schedule, {wording.when(due)}.")


def test_held_by_the_scheduler(story, daniel, ann):
    item = story(State.APPROVED)
    step = Transition(
        action="hold",
        from_state=State.SCHEDULED,
        to_state=State.APPROVED,
        scheduled_for=dt.datetime(2099, 12, 4, 19, 30, tzinfo=dt.UTC),
    )

    services.notify_held(item, step, ["its hero picture “Crash” (#3) has no credit."])

    [sent] = mail.outbox
    assert sent.subject == f"Held, not published: {HEADLINE}"
    assert sent.body.startswith(
        f"The scheduler held “{HEADLINE}” instead of publishing it {FRIDAY_WORDS}, "
        "because:\n\n- its hero picture “Crash” (#3) has no credit."
    )


# --- Refusals say what to do instead ------------------------------------------------


def test_a_writer_is_told_to_send_it_for_review(story, daniel):
    item = story(State.DRAFT)
    with pytest.raises(
        services.WorkflowPermissionDenied,
        match=r"^Only editors can publish\. Send it for review instead\.$",
    ):
        services.transition(item, "publish", by=daniel)


def test_a_writer_cannot_edit_a_story_in_review_and_is_told_why(story, daniel):
    item = story(State.IN_REVIEW)
    with pytest.raises(services.WorkflowPermissionDenied) as refused:
        services.check_allowed(daniel, "edit", item)
    assert str(refused.value.args[0]) == (
        f"“{HEADLINE}” is in review, so only an editor can change it now. Take it "
        "back from review to work on it."
    )


def test_wrong_state_says_what_must_happen_first(client, story, ann):
    item = story(State.DRAFT)
    before = snapshot(item)

    said = post(client, ann, item, "publish")

    assert said == [
        (
            levels.ERROR,
            f"“{HEADLINE}” cannot be published now: it is a draft. It must be sent "
            "for review and approved first.",
        )
    ]
    assert snapshot(item) == before


def test_already_there(client, story, ann):
    item = story(State.PUBLISHED)
    said = post(client, ann, item, "publish")
    assert said == [
        (levels.ERROR, f"“{HEADLINE}” is already published: nothing was changed.")
    ]
    item = story(State.SCHEDULED)
    said = post(client, ann, item, "schedule", at=FRIDAY)
    assert said[-1:] == [
        (
            levels.ERROR,
            f"“{HEADLINE}” is already scheduled: nothing was changed. To change it, "
            "use “Reschedule”.",
        )
    ]


@pytest.mark.parametrize(
    "action,start,data,text",
    [
        ("request_changes", State.IN_REVIEW, {},
         "Say what needs changing: the writers read your comment."),
        ("unpublish", State.PUBLISHED, {},
         "Say why it is coming off the site: the writers read your comment."),
        ("schedule", State.APPROVED, {"at": "2001-01-01T09:00"},
         "Monday 1 January 2001 at 09:00 EST (14:00 UTC) has already passed. Pick "
         "a time in the future, or publish it now."),
    ],
)  # fmt: skip
def test_missing_input_says_what_to_give(client, story, ann, action, start, data, text):
    item = story(start)
    before = snapshot(item)
    said = post(client, ann, item, action, **data)
    assert said == [(levels.ERROR, text)]
    assert snapshot(item) == before


def test_publish_problems_say_it_was_not_published_and_why(client, story, ann):
    item = story(State.APPROVED)
    type(item).objects.filter(pk=item.pk).update(dek="")

    said = post(client, ann, item, "publish")

    assert said and all(level == levels.ERROR for level, _ in said)
    assert all(
        text.startswith(f"“{HEADLINE}” was not published, because ") for _, text in said
    )


# --- Saving ----------------------------------------------------------------------


def test_a_new_story_says_draft_saved(client, daniel):
    AuthorFactory(user=daniel)
    client.force_login(daniel)
    response = client.post(
        reverse("admin:articles_article_add"),
        {
            "headline": HEADLINE,
            "section": SectionFactory().pk,
            "bylines-TOTAL_FORMS": "0",
            "bylines-INITIAL_FORMS": "0",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == [f"Draft saved: “{HEADLINE}”. Send it for review when it is ready."]


@pytest.mark.parametrize(
    "start,button,text",
    [
        (State.DRAFT, "_save", f"Saved “{HEADLINE}”: it is a draft."),
        (State.DRAFT, "_continue",
         f"Saved “{HEADLINE}”: it is a draft. Keep editing below."),
        (State.PUBLISHED, "_save", f"Saved “{HEADLINE}”: readers see the change now."),
    ],
)  # fmt: skip
def test_a_save_says_saved_and_what_it_means(client, story, ann, start, button, text):
    item = story(start)
    client.force_login(ann)
    response = client.post(
        reverse("admin:articles_article_change", args=[item.pk]),
        {**edit_data(item), button: "1"},
    )
    assert response.status_code == 302
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == [plain(text)]


# --- The words themselves ------------------------------------------------------------


def test_times_read_as_people_say_them(monkeypatch):
    pinned = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: pinned)
    winter = dt.datetime(2026, 12, 4, 19, 30, tzinfo=dt.UTC)
    summer = dt.datetime(2027, 7, 2, 18, 0, tzinfo=dt.UTC)  # after the clocks change
    assert wording.when(winter) == "Friday 4 December at 14:30 EST (19:30 UTC)"
    assert wording.short_when(winter) == "Fri 4 Dec 14:30 EST"
    assert wording.when(summer) == "Friday 2 July 2027 at 14:00 EDT (18:00 UTC)"


def test_subjects_stay_on_one_line(story, daniel):
    item = story(State.DRAFT)
    item.headline = "Artemis\r\nslips\x0bagain"
    step = Transition(action="publish", from_state="approved", to_state="published")
    assert wording.subject(step, item) == "Published: Artemis slips again"


def test_trail_steps_are_named_in_words():
    assert wording.action_label("request_changes") == "Request changes"
    assert wording.action_label("hold") == "Held by the scheduler"


def test_other_admins_say_saved_too(client, ann):
    ann.is_superuser = True  # sections are set up by whoever runs the site
    ann.save()
    client.force_login(ann)
    response = client.post(
        reverse("admin:articles_section_add"),
        {"name": "Mars", "slug": "mars", "position": 1},
    )
    assert response.status_code == 302
    said = [m.message for m in get_messages(response.wsgi_request)]
    assert said == ["Saved the new section “Mars”."]


def test_the_trail_names_who_acted(client, story, ann):
    item = story(State.IN_REVIEW)
    services.transition(item, "request_changes", by=ann, comment="Shorter.")
    client.force_login(ann)
    history = client.get(reverse("admin:articles_article_revisions", args=[item.pk]))
    assert "Ann Okafor — In review → Changes requested" in history.content.decode()
    page = client.get(reverse("admin:articles_article_change", args=[item.pk]))
    assert "<td>Ann Okafor</td>" in page.content.decode()


def test_a_refused_button_says_why_with_a_403(client, story, daniel, other_writer):
    item = story(State.DRAFT)
    before = snapshot(item)
    client.force_login(daniel)
    address = reverse("admin:articles_article_transition", args=[item.pk, "publish"])

    response = client.post(address, {"_version": item.version})

    assert response.status_code == 403
    assert (
        "Only editors can publish. Send it for review instead. Nothing was changed."
        in response.content.decode()
    )
    assert snapshot(item) == before
    # Someone who may not see the story learns nothing of it, headline included.
    client.force_login(other_writer)
    response = client.post(address, {"_version": item.version})
    assert response.status_code == 403
    assert HEADLINE not in response.content.decode()
    assert snapshot(item) == before
