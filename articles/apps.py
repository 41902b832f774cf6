from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from workflow import registry

        from . import signals, views  # noqa: F401 (signals connect on import)
        from .models import Article

        registry.register(
            Article,
            registry.Adapter(
                render_preview=views.render_article,
                publish_problems=views.publish_problems,
            ),
        )
