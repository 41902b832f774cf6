from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every content app builds on: single-line and URL fields, slugs and
    addresses, HTML cleaning, the page cache's content keys, admin widgets."""

    name = "core"
    verbose_name = "Core"
