from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from . import signals

        signals.connect()
