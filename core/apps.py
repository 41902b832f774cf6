from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every content app builds on: single-line and URL fields, slugs and
    addresses, HTML cleaning, the page cache's content keys, admin widgets."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        # A PURGE_URLS entry naming no cache we can purge stops every process
        # as it starts (web servers, the task worker, manage.py) with the
        # reason, instead of failing the first public page a reader asks for.
        from core import purgers

        purgers.configured()
