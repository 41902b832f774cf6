from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Stories"

    def ready(self):
        from workflow import registry, services

        from . import checklist, signals, views  # noqa: F401 (signals connect)
        from .models import Article

        registry.register(
            Article,
            registry.Adapter(
                render_preview=views.render_article,
                # The one rule: the story form's checklist, and what every
                # path that makes a story public refuses.
                checklist=checklist.story_checklist,
                section=lambda story: story.section.name,
                writers=lambda story: [b.author.name for b in story.bylines.all()],
                desk_queryset=lambda stories: stories.select_related(
                    "section"
                ).prefetch_related("bylines__author"),
                add_label="Write a new story",
            ),
        )
        # Featuring a story on the front page is an editor's call: an edit by
        # anyone without articles.feature_article that changes it is refused.
        services.guard_field(Article, "featured", action="feature")
