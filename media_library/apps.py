from django.apps import AppConfig


class MediaLibraryConfig(AppConfig):
    name = "media_library"
    verbose_name = "Media library"

    def ready(self):
        from workflow import registry

        from . import services, signals, views  # noqa: F401 (signals connect on import)
        from .models import Gallery

        registry.register(
            Gallery,
            registry.Adapter(
                render_preview=views.render_gallery,
                checklist=services.gallery_checklist,
            ),
        )
