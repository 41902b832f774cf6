from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles import views as article_views
from newsroom.admin import tag_suggestions
from newsroom.workflow.views import share_preview

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("", article_views.home, name="home"),
    path("admin/tag-suggestions/", tag_suggestions, name="tag_suggestions"),
    path("admin/", admin.site.urls),
    path("authors/", include("authors.urls")),
    path("images/", include("media_library.urls")),
    path(
        "preview/<int:content_type_id>/<int:object_id>/<str:signed>/",
        share_preview,
        name="share_preview",
    ),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(
            rf"^{media_prefix}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        ),
    ]
