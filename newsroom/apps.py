from django.apps import AppConfig


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from django.db.models.signals import pre_save

        from . import sanitize, signals

        signals.connect()
        pre_save.connect(sanitize.strip_control_characters)
