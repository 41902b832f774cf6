from django.urls import path

from articles.feeds import AtomFeed, RSSFeed

from . import feeds, views

app_name = "space"

urlpatterns = [
    path("launches.ics", feeds.launches_ics, name="launches_ics"),
    path("<slug:kind>/<slug:slug>/", views.hub, name="hub"),
    path("<slug:kind>/<slug:slug>/rss/", feeds.HubFeed(RSSFeed), name="hub_rss"),
    path("<slug:kind>/<slug:slug>/atom/", feeds.HubFeed(AtomFeed), name="hub_atom"),
]
