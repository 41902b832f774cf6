"""The words writers and editors read: one place for each workflow action's
message on screen, its e-mail's subject and first sentence, and its refusals.

The admin's success message and the e-mail about the same step are built from
the same entry of `WORDS`, so the two never tell a different story. Everything
here is plain newsroom language: what happened, who was told, and, when
something is refused, what to do instead. No state or action codename is ever
shown; states read as `STATE_WORDS` has them.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import dateformat, timezone

from .states import RULES, State

# Past this many people told, a message says "the 5 editors" instead of names.
MOST_NAMES = 3


@dataclass(frozen=True)
class Words:
    # On screen, after the action: "Published: “{item}” is live".
    done: str
    # The verb phrase for a refusal or a missing input: "publish it".
    verb: str
    # The action in the passive, for "must be … first": "published".
    passive: str
    # E-mail subject's lead ("Published") and the body's first sentence, which
    # ends with ": <comment>" when there is one, or a full stop.
    subject: str = ""
    mail: str = ""


WORDS: dict[str, Words] = {
    "submit": Words(
        done="Sent to the editors for review",
        verb="send it for review",
        passive="sent for review",
        subject="Ready for review",
        mail="{by} sent “{item}” for review",
    ),
    "withdraw": Words(
        done="Taken back from review: “{item}” is a draft again, yours to work on",
        verb="take it back from review",
        passive="taken back from review",
    ),
    "revise": Words(
        done="Back to draft: “{item}” is yours to work on again",
        verb="take it back to draft",
        passive="taken back to draft",
    ),
    "request_changes": Words(
        done="Changes requested",
        verb="request changes",
        passive="sent back with changes requested",
        subject="Changes requested",
        mail="{by} asked for changes to “{item}”",
    ),
    "approve": Words(
        done="Approved: “{item}” is ready to publish or schedule",
        verb="approve it",
        passive="approved",
    ),
    "publish": Words(
        done="Published: “{item}” is live",
        verb="publish it",
        passive="published",
        subject="Published",
        mail="{by} published “{item}”; it is live",
    ),
    "schedule": Words(
        done="Scheduled: goes live {when}",
        verb="schedule it",
        passive="scheduled",
        subject="Scheduled for {short}",
        mail="{by} scheduled “{item}” to go live {when}",
    ),
    "reschedule": Words(
        done="Rescheduled: goes live {when}",
        verb="move its time",
        passive="rescheduled",
        subject="Rescheduled for {short}",
        mail="{by} moved “{item}” to go live {when}",
    ),
    "unschedule": Words(
        done="Taken off the schedule: “{item}” will not go live until someone "
        "publishes or schedules it",
        verb="take it off the schedule",
        passive="taken off the schedule",
    ),
    "unpublish": Words(
        done="Unpublished: readers no longer see “{item}”",
        verb="unpublish it",
        passive="unpublished",
        subject="Unpublished",
        mail="{by} took “{item}” off the site",
    ),
    "archive": Words(
        done="Archived: “{item}” is put away; restore it from the archive to work "
        "on it again",
        verb="archive it",
        passive="archived",
    ),
    "unarchive": Words(
        done="Restored from the archive: “{item}” is a draft again",
        verb="restore it from the archive",
        passive="restored from the archive",
    ),
}


def action_label(action: str) -> str:
    """A step of the audit trail in words: "Request changes", "Held by the
    scheduler"."""
    if action == "hold":
        return "Held by the scheduler"
    rule = RULES.get(action)
    return rule.label if rule else action.replace("_", " ").capitalize()


# What the scheduler does on its own (no one pressed a button).
SCHEDULER_PUBLISHED = "“{item}” went live on schedule, {when}"
HELD = "Held, not published"

# "It is …": a state in a sentence.
STATE_WORDS = {
    State.DRAFT: "a draft",
    State.IN_REVIEW: "in review",
    State.CHANGES_REQUESTED: "back with its writers for changes",
    State.APPROVED: "approved and waiting to be published",
    State.SCHEDULED: "scheduled",
    State.PUBLISHED: "published",
    State.UNPUBLISHED: "unpublished",
    State.ARCHIVED: "archived",
}

# Refusals for want of a right: who may, and what to do instead. "{item}" is
# the item, "{next}" the step its writer can take instead, if any.
ONLY = {
    "own": "Only its writers can {verb}: “{item}” is not one of yours.",
    "review": "Only editors can approve a story or ask for changes.",
    "publish": "Only editors can publish.",
    "schedule": "Only editors can schedule, reschedule or unschedule.",
    "unpublish": "Only editors can take something off the site. Ask an editor.",
    "archive": "Only editors can archive or restore from the archive.",
    "share": "Only editors can make or end preview links for outside readers.",
    "feature": "Only editors can feature a story on the front page.",
}


# --- Pieces --------------------------------------------------------------------


def name(user) -> str:
    return user.get_full_name() or user.username


def join(words: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def people(users: Iterable, *, group: str) -> str:
    """Whoever was told, by name, or "the 5 editors" past `MOST_NAMES`."""
    names = sorted({name(u) for u in users})
    if len(names) > MOST_NAMES:
        return f"the {len(names)} {group}"
    return join(names)


def _plural(users: Sequence, one: str, many: str) -> str:
    return one if len({name(u) for u in users}) == 1 else many


def when(at: dt.datetime) -> str:
    """ "Friday 4 December at 14:30 EST (19:30 UTC)", with the year when it is
    not this year, in the newsroom's zone."""
    local = timezone.localtime(at)
    day = dateformat.format(local, "l j F")
    if local.year != timezone.localdate().year:
        day += f" {local.year}"
    utc = at.astimezone(dt.UTC)
    return f"{day} at {local:%H:%M} {local.tzname()} ({utc:%H:%M} UTC)"


def short_when(at: dt.datetime) -> str:
    """ "Fri 4 Dec 14:30 EST", for a subject line."""
    local = timezone.localtime(at)
    day = dateformat.format(local, "D j M")
    if local.year != timezone.localdate().year:
        day += f" {local.year}"
    return f"{day} {local:%H:%M} {local.tzname()}"


def state(status) -> str:
    return STATE_WORDS.get(status, str(status).replace("_", " "))


def one_line(text: str) -> str:
    """A mail subject: a title's line breaks would make Django refuse the header."""
    return " ".join(text.split())


# --- After an action -------------------------------------------------------------


def told(audience: Sequence, recipients: Sequence, *, group: str) -> str:
    """Who was told, for the person who acted: "Daniel Lee has been told";
    "no one was e-mailed: Daniel Lee has no e-mail address"; empty when there
    was no one to tell (an editor publishing their own story)."""
    if recipients:
        has = _plural(recipients, "has", "have")
        text = f"{people(recipients, group=group)} {has} been told"
        if missing := [u for u in audience if u not in recipients]:
            has = _plural(missing, "has", "have")
            text += (
                f" (not {people(missing, group=group)}, who {has} no e-mail address)"
            )
        return text
    if audience:
        has = _plural(audience, "has", "have")
        return (
            f"no one was e-mailed: {people(audience, group=group)} {has} no "
            "e-mail address"
        )
    if group == "editors":
        return "no editor could be told: there is no editor to e-mail"
    return ""


def not_sent(recipients: Sequence, *, group: str) -> str:
    """The e-mail could not go: say so, and who must be told another way."""
    who = people(recipients, group=group) or f"the {group}"
    return f"the e-mail to {who} could not be sent: tell them yourself"


def done(step, item, *, audience=(), recipients=(), group="writers") -> str:
    """The message on screen after `step`: what happened and who was told
    (or that the e-mail could not be sent: `step.mail_failed`)."""
    words = WORDS[step.action]
    text = words.done.format(
        item=item, when=when(step.scheduled_for) if step.scheduled_for else ""
    )
    if getattr(step, "mail_failed", False):
        return f"{text}, but {not_sent(recipients, group=group)}."
    if note := told(audience, recipients, group=group):
        return f"{text}; {note}."
    return f"{text}."


def published_many(items: Sequence, *, recipients=(), failed=False) -> str:
    """The list's bulk action: "Published: “A” and “B” are live; … told."""
    titles = join([f"“{item}”" for item in items])
    text = f"Published: {titles} {'is' if len(items) == 1 else 'are'} live"
    if failed:
        return (
            f"{text}, but the e-mail to some of their writers could not be sent: "
            "tell them yourself."
        )
    if recipients:
        has = _plural(recipients, "has", "have")
        return f"{text}; {people(recipients, group='writers')} {has} been told."
    return f"{text}."


# --- E-mails ---------------------------------------------------------------------


def subject(step, item) -> str:
    words = WORDS[step.action]
    lead = words.subject.format(
        short=short_when(step.scheduled_for) if step.scheduled_for else ""
    )
    return one_line(f"{lead}: {item}")


def first_sentence(step, item) -> str:
    """The e-mail's opening: "Daniel Lee asked for changes to “…”: <comment>"."""
    at = step.scheduled_for
    if step.by is None and step.action == "publish":  # the scheduler
        return SCHEDULER_PUBLISHED.format(item=item, when=when(at)) + "."
    words = WORDS[step.action]
    sentence = words.mail.format(
        by=name(step.by) if step.by else "The scheduler",
        item=item,
        when=when(at) if at else "",
    )
    comment = (step.comment or "").strip()
    return f"{sentence}: {comment}" if comment else f"{sentence}."


def held_subject(item) -> str:
    return one_line(f"{HELD}: {item}")


def held_first_sentence(item, at: dt.datetime | None) -> str:
    moment = when(at) if at else "at its scheduled time"
    return f"The scheduler held “{item}” instead of publishing it {moment}, because:"


# --- Refusals --------------------------------------------------------------------


def not_allowed(user, action: str, item) -> str:
    """Why `user` may not `action` `item`, and what they can do instead."""
    from . import services  # the rules; services imports this module

    rule = RULES.get(action)
    if action == "view":
        return f"You cannot open “{item}”: it is not one of yours."
    if action == "edit":
        if item.pk is None:
            return f"You cannot add {item._meta.verbose_name_plural}. Ask an editor."
        status = getattr(item, "status", None)
        if status is None:
            return f"You cannot change “{item}”. Ask an editor."
        if services.is_owner(user, item):
            text = f"“{item}” is {state(status)}, so only an editor can change it now."
            if (
                services.may(user, "withdraw", item)
                and status in RULES["withdraw"].sources
            ):
                text += " Take it back from review to work on it."
            return text
        return f"Only its writers and the editors can change “{item}”."
    key = rule.permission if rule else action
    text = ONLY.get(key, "You cannot do that to “{item}”. Ask an editor.")
    text = text.format(verb=WORDS[action].verb if rule else action, item=item)
    if key in ("publish", "schedule") and services.may(user, "submit", item):
        if item.status in RULES["submit"].sources:
            text += " Send it for review instead."
        else:
            text += " An editor will take it from here."
    elif key in ("publish", "schedule", "review", "archive"):
        text += " Ask an editor."
    return text


def guarded(action: str, item, field_name: str) -> str:
    text = ONLY.get(action, "You cannot change that on “{item}”.").format(item=item)
    return f"{text} “{field_name}” was not changed; the rest was not saved either."


def _path(start: State, goal: Iterable[State]) -> list[str]:
    """The fewest actions from state `start` to one of `goal`: breadth first
    over the rule table."""
    goal = set(goal)
    seen, frontier = {start}, [(start, [])]
    while frontier:
        following = []
        for here, steps in frontier:
            for rule in RULES.values():
                if here not in rule.sources or rule.target in seen:
                    continue
                path = [*steps, rule.action]
                if rule.target in goal:
                    return path
                seen.add(rule.target)
                following.append((rule.target, path))
        frontier = following
    return []


def wrong_state(action: str, item, status) -> str:
    """`action` does not start from `status`: say where the item is and what
    must happen first."""
    rule = RULES[action]
    words = WORDS[action]
    if status == rule.target:
        text = f"“{item}” is already {state(status)}: nothing was changed."
        for other in RULES.values():  # "Reschedule" for one already scheduled
            if status in other.sources and other.target == status:
                text += f" To change it, use “{other.label}”."
        return text
    text = f"“{item}” cannot be {words.passive} now: it is {state(status)}."
    if path := _path(State(status), rule.sources):
        text += f" It must be {join([WORDS[a].passive for a in path])} first."
    return text


def needs_comment(action: str) -> str:
    if action == "request_changes":
        return "Say what needs changing: the writers read your comment."
    if action == "unpublish":
        return "Say why it is coming off the site: the writers read your comment."
    return f"Write a comment saying why, then {WORDS[action].verb}."


def needs_time(action: str) -> str:
    return f"Pick the date and time it goes live, then {WORDS[action].verb}."


def passed(at: dt.datetime) -> str:
    return (
        f"{when(at)} has already passed. Pick a time in the future, or publish it now."
    )


def cannot_go_live(action: str, item) -> str:
    """The lead of each publish-check problem ("… because its hero picture …")."""
    if action in WORDS and WORDS[action].subject:
        return f"“{item}” was not {WORDS[action].passive}, because"
    return f"“{item}” cannot go live yet, because"


# --- Saves in the admin ------------------------------------------------------------


def saved(obj, *, new: bool, then: str = "") -> str:
    """After the admin saves `obj`: "Draft saved: “…”.", "Saved “…”; readers
    see the change now." `then` is what the page offers next ("keep",
    "another"), from the button pressed."""
    noun = obj._meta.verbose_name
    status = getattr(obj, "status", None)
    if status is None:
        text = f"Saved the new {noun} “{obj}”." if new else f"Saved “{obj}”."
    elif new and status == State.DRAFT:
        text = f"Draft saved: “{obj}”. Send it for review when it is ready."
    elif getattr(obj, "is_public", False):
        text = f"Saved “{obj}”: readers see the change now."
    elif status == State.SCHEDULED and obj.published_at:
        text = f"Saved “{obj}”: it goes live as saved, {when(obj.published_at)}."
    else:
        text = f"Saved “{obj}”: it is {state(status)}."
    if then == "keep":
        text += " Keep editing below."
    elif then == "another":
        text += f" Add another {noun} below."
    return text


def deleted(obj) -> str:
    return f"Deleted “{obj}”."


# --- The launch desk ---------------------------------------------------------------
# The launch desk's words (launchdesk: its bundles, its admin, its panel on the
# editors' desk and the calendar), here beside the workflow's so that a
# launch's e-mail reads as a story's does. Each function is given what it
# names (a launch, a story) and only writes it out: this module knows no
# launch.

BUNDLE_REFUSED = "Only editors who may schedule stories may bundle them to a launch."
OUTCOME_HAS_NO_TIME = (
    "An outcome version goes out when the outcome is known, not at a time."
)
BUNDLE_SCHEDULED = "Bundle scheduled"
MOVE_ALREADY_DECIDED = "This move was already decided."
# The audit trail's comment on a version archived by the outcome.
OUTCOME_NOT_USED = "The launch's outcome went the other way: this version is not used."

# What the desk and the calendar flag.
OVERDUE = "Overdue"
OFF_LAUNCH_TIME = "Not at the launch time plus its offset"
BOTH_OUTCOMES_LIVE = "Both outcome versions are live"
OUTCOME_LEFT = "The launch's outcome is known but this version was left as it is"

# A bundled story's offset as an editor types it, and what is wrong with it.
OFFSET_HELP = (
    "Hours and minutes from the launch time: “-24:00” (or “24:00 before”) is a "
    "day before, “+1:30” (or “1:30 after”) an hour and a half after, “0:00” at "
    "the launch. Leave it blank for an outcome version."
)
OFFSET_UNREADABLE = (
    "Write the offset as hours and minutes before or after the launch, as in "
    "“-24:00”, “24:00 before”, “+1:30” or “1:30 after”."
)
OFFSET_NO_SIDE = (
    "Say whether it is before or after the launch: “-{typed}” or “{typed} "
    "before”, “+{typed}” or “{typed} after”."
)
OFFSET_BOTH_SIDES = (
    "“{typed}” says both before and after the launch: keep the sign or the word."
)
OFFSET_MINUTES = "Minutes go up to 59: write “2:30”, not “1:90”."
OFFSET_TOO_FAR = "An offset is at most {hours} hours (about six weeks) from the launch."


def offset(delta: dt.timedelta) -> str:
    """A bundled story's offset in words: "24 hours before launch", "2 hours
    and 30 minutes after launch", "at launch"."""
    minutes = round(abs(delta.total_seconds()) / 60)
    if minutes == 0:
        return "at launch"
    hours, minutes = divmod(minutes, 60)
    parts = [
        f"{n} {unit}{'' if n == 1 else 's'}"
        for n, unit in ((hours, "hour"), (minutes, "minute"))
        if n
    ]
    side = "before" if delta < dt.timedelta(0) else "after"
    return f"{join(parts)} {side} launch"


def outcome_version(outcome_label: str) -> str:
    """An outcome version on the calendar: "if success"."""
    return f"if {outcome_label.lower()}"


def scheduled_to_launch(launch) -> str:
    """The audit trail's comment on a story scheduled to its launch."""
    return f"Scheduled to the launch {launch}."


def launch_moved(old: dt.datetime, new: dt.datetime, *, short: bool = False) -> str:
    """ "Launch moved from … to …": the e-mail's subject (short) and the
    audit trail's comment on each story moved with it."""
    form = short_when if short else when
    return f"Launch moved from {form(old)} to {form(new)}"


def launch_outcome(status_label: str) -> str:
    return f"Launch outcome: {status_label}"


def goes_live(item, at: dt.datetime, *, moved: bool = False) -> str:
    return f"“{item}” {'now goes' if moved else 'goes'} live at {when(at)}."


def not_done(item, passive: str, reason: str) -> str:
    """ "“…” was not scheduled: <the workflow's refusal>" (`passive`: "not
    scheduled", "not moved", "left as it is")."""
    return f"“{item}” was {passive}: {reason}"


def new_time_passed(item, new: dt.datetime, stays: dt.datetime) -> str:
    return (
        f"“{item}” was not moved: its new time, {when(new)}, has passed. "
        f"It stays at {when(stays)}."
    )


def moved_again(launch, net: dt.datetime) -> str:
    return (
        f"The launch {launch} has moved again since: its time is now "
        f"{when(net)}. Use the newer proposal."
    )


def outcome_published(item) -> str:
    return f"“{item}” is published."


def outcome_archived(item) -> str:
    return f"“{item}” is archived."


def live_against_outcome(item) -> str:
    return (
        f"“{item}” is on the site although the launch's outcome went the other "
        "way; unpublish it if it should not be."
    )


def bundle_mail(launch, action: str, done: Sequence[str], warnings: Sequence[str]):
    """The one summary e-mail to a bundle's editors: (subject, body)."""
    lines = [f"{action} for the launch {launch}.", ""]
    if done:
        lines += ["Done:", *[f"- {line}" for line in done], ""]
    if warnings:
        lines += [
            "Needs you (not done):",
            *[f"- WARNING: {line}" for line in warnings],
            "",
        ]
    return one_line(f"{launch}: {action}"), "\n".join(lines)


def bundle_result(
    launch, done: Sequence[str], warnings: Sequence[str], *, lead="", refused=""
) -> str:
    """On screen after "Schedule the bundle" or "Move the bundle": what was
    done, then each refusal."""
    lines = [*done, *[f"{refused or 'Not scheduled'}: {w}" for w in warnings]]
    return " ".join([lead or f"{launch}:", *lines])


def nothing_to_schedule(launch) -> str:
    return f"{launch}: no approved story of its bundle to schedule."


def bundle_moved(launch) -> str:
    return f"The bundle of {launch} was moved."
