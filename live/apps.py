from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class LiveConfig(AppConfig):
    name = "live"
    label = "live"
    verbose_name = "Live coverage"

    def ready(self):
        from articles import structured_data, views
        from articles.models import Article

        from . import checklist, page
        from .models import LiveEntry
        from .signals import purge_live

        structured_data.extend_story(page.live_blog_posting)
        views.extend_story_page(page.story_page_part)
        checklist.extend(Article)  # the entries' pictures, on publish
        for signal in (post_save, post_delete):
            signal.connect(purge_live, sender=LiveEntry, dispatch_uid="live.purge")
