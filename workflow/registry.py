"""The content types that go through the workflow, and what the workflow needs
to know about each: how to render its public page (for previews) and what stops
it going live. Each app registers its models in AppConfig.ready()."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Check:
    """One line of an item's pre-publish checklist.

    `label` is the line as the checklist shows it ("Hero picture has alt text
    and a credit"); `problems` says what to fix, in words for writers and
    editors, one sentence per thing to fix (none: it passes); `field` names
    the form field to jump to (a field name, or an inline's prefix)."""

    key: str
    label: str
    problems: tuple[str, ...] = ()
    field: str = ""

    @property
    def passed(self) -> bool:
        return not self.problems

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "passed": self.passed,
            "fix": [problem[:1].upper() + problem[1:] for problem in self.problems],
            "field": self.field,
        }


def failing(checks: list[Check]) -> list[str]:
    """What stops the item, from its checklist: every failing line's problems."""
    return [problem for check in checks for problem in check.problems]


@dataclass(frozen=True)
class Adapter:
    # render_preview(request, item, *, revision_data=None, banner="") -> response
    render_preview: Callable[..., HttpResponse]
    # checklist(item, *, on=None, pending=None) -> [Check]: every line of what
    # `item` needs before readers may see it on day `on` (a date; today when
    # None), passing or not. `pending` holds what an open, unsaved form has
    # for the item's relations that live in other rows ({inline prefix or
    # many-to-many field name: [rows or values]}); None: as stored. The one
    # check: the edit form's live checklist shows it, and every path that
    # makes something public or changes what is public refuses exactly its
    # failing lines (`problems`, `services.check_publishable`).
    checklist: Callable[..., list[Check]] | None = None
    # A content type without a checklist may give the plain rule instead:
    # publish_problems(item, *, on=None) -> [what stops it, in words]; its
    # checklist is then that rule as one line.
    publish_problems: Callable[..., list[str]] | None = None
    # What the admin's front page (`workflow.desk`) shows of an item, all
    # optional. section(item) -> str: where it runs ("Politics"); writers(item)
    # -> [names]: its bylines (none: whoever submitted it is named);
    # desk_queryset(qs) -> qs: the select_related/prefetch_related those two
    # read, so the page's queries do not grow with its items; add_label: the
    # words of the button that starts a new one ("Write a new story").
    section: Callable[..., str] | None = None
    writers: Callable[..., list[str]] | None = None
    desk_queryset: Callable | None = None
    add_label: str = ""

    def checks(self, item, *, on=None, pending=None) -> list[Check]:
        if self.checklist is not None:
            return self.checklist(item, on=on, pending=pending)
        if self.publish_problems is None:
            return []
        return [
            Check(
                "publishable",
                "Nothing stops it going live",
                tuple(self.publish_problems(item, on=on)),
            )
        ]

    def problems(self, item, *, on=None) -> list[str]:
        """What stops `item`, as it is now, being shown to readers on day `on`:
        its checklist's failing lines, in words for editors."""
        return failing(self.checks(item, on=on))


# What an open form holds for an item's other rows: see `Adapter.checklist`.
Pending = Mapping[str, list]

_registry: dict[type, Adapter] = {}


def register(model: type, adapter: Adapter) -> None:
    _registry[model] = adapter


def adapter_for(item_or_model) -> Adapter:
    model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    return _registry[model._meta.concrete_model]


def models() -> list[type]:
    return list(_registry)


def render_preview(request: HttpRequest, item, **kwargs) -> HttpResponse:
    return adapter_for(item).render_preview(request, item, **kwargs)
