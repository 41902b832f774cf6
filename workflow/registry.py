"""The content types that go through the workflow, and what the workflow needs
to know about each: how to render its public page (for previews) and what stops
it going live. Each app registers its models in AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse


def _no_problems(item, *, on=None) -> list[str]:
    return []


@dataclass(frozen=True)
class Adapter:
    # render_preview(request, item, *, revision_data=None, banner="") -> response
    render_preview: Callable[..., HttpResponse]
    # publish_problems(item, *, on=None) -> what stops `item`, as it is now,
    # being shown to readers on day `on` (a date; today when None), in words for
    # editors. The one check for every path that makes something public or
    # changes what is public: publish, schedule, the scheduler, an edit or a
    # restore of a live or scheduled item (`services.check_publishable`).
    publish_problems: Callable[..., list[str]] = field(default=_no_problems)


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
