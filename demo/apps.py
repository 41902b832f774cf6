from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo newsroom: `manage.py load_demo` fills an empty site with
    stories, authors, pictures and the two demo log-ins."""

    name = "demo"
    verbose_name = "Demo newsroom"
