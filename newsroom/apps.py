from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from django.db.models.signals import pre_save

        from core import sanitize

        from . import signals

        signals.connect()
        pre_save.connect(sanitize.strip_control_characters)
