"""Unique, readable slugs for anything with a public URL."""

from django.db import models
from django.utils.text import slugify


def unique_slug(
    instance: models.Model,
    value: str,
    *,
    field: str = "slug",
    fallback: str = "story",
    allow_unicode: bool = True,
) -> str:
    """Slugify `value`, falling back to `fallback` when nothing is left (an
    emoji-only headline), and add -2, -3... until no other row holds it.

    The field's unique constraint stays the guarantee; this only picks a free one.
    """
    max_length = instance._meta.get_field(field).max_length
    base = slugify(value, allow_unicode=allow_unicode)[:max_length].strip("-")
    base = base or fallback
    others = type(instance)._default_manager.exclude(pk=instance.pk)
    candidate, n = base, 1
    while others.filter(**{field: candidate}).exists():
        n += 1
        suffix = f"-{n}"
        candidate = base[: max_length - len(suffix)].rstrip("-") + suffix
    return candidate
