import re

from django import forms
from django.db import models

# Line breaks (also U+2028/U+2029) and other control characters, in runs.
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def single_line(value):
    """`value` on one line: every run of line breaks or control characters
    becomes one space. A headline pasted with a line break would otherwise be
    refused as an e-mail subject, and breaks a page's <title> and feeds."""
    if not isinstance(value, str):
        return value
    return _NOT_ONE_LINE.sub(" ", value)


class URLField(models.URLField):
    """A URL field whose form adds https://, not http://, to a bare domain
    (Django 6's default, chosen now)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class SingleLineFormField(forms.CharField):
    """A one-line text input whose line breaks are folded to spaces."""

    def to_python(self, value):
        value = single_line(super().to_python(value))
        return value.strip() if self.strip else value


class SingleLineCharField(models.CharField):
    """A CharField for one line of text (headline, title, name, credit, alt
    text): line breaks and control characters are folded to spaces in its form
    and again before it is stored, whoever saves it.

    Migrations see a plain CharField: the column is the same, only what is
    written to it differs, so no migration is needed to adopt it."""

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def to_python(self, value):
        return single_line(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = single_line(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs = {"form_class": SingleLineFormField, **kwargs}
        return super().formfield(**kwargs)
