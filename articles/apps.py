from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from workflow import registry, services

        from . import signals, views  # noqa: F401 (signals connect on import)
        from .models import Article

        registry.register(
            Article,
            registry.Adapter(
                render_preview=views.render_article,
                publish_problems=views.publish_problems,
            ),
        )
        # Featuring a story on the front page is an editor's call: an edit by
        # anyone without articles.feature_article that changes it is refused.
        services.guard_field(Article, "featured", action="feature")
