from django.db import models


class URLField(models.URLField):
    """A URL field whose form adds https://, not http://, to a bare domain
    (Django 6's default, chosen now)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
