from django.urls import re_path

from . import views

app_name = "media_library"

urlpatterns = [
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<version>[0-9a-f]{12})/"
        r"(?P<spec>[a-z]+)-(?P<width>[0-9]+)\.(?P<ext>avif|webp|jpg)$",
        views.rendition,
        name="rendition",
    ),
]
