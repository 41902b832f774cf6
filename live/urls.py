from django.urls import re_path

from . import feeds, views

app_name = "live"

urlpatterns = [
    # The story's slug as articles:detail takes it (Unicode letters too).
    re_path(r"^stories/(?P<slug>[-\w]+)/live/updates/$", views.updates, name="updates"),
    re_path(
        r"^stories/(?P<slug>[-\w]+)/live/atom/$",
        feeds.LiveEntriesFeed(),
        name="feed_atom",
    ),
]
