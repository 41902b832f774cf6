from django.urls import path, re_path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    # Unicode slugs: Django's <slug:> converter only takes ASCII.
    re_path(r"^stories/(?P<slug>[-\w]+)/$", views.article_detail, name="detail"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path("search/", views.search_view, name="search"),
    path("latest/", views.latest, name="latest"),
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
]

# Feeds: RSS and Atom for the site, each section, tag and author; JSON Feed for
# the site. Tag and author slugs may be Unicode, hence re_path.
RSS, ATOM = feeds.RSSFeed, feeds.AtomFeed
urlpatterns += [
    path("feeds/rss/", feeds.StoryFeed(RSS), name="feed_rss"),
    path("feeds/atom/", feeds.StoryFeed(ATOM), name="feed_atom"),
    path("feeds/json/", feeds.StoryFeed(feeds.JSONFeed), name="feed_json"),
    path(
        "feeds/section/<slug:slug>/rss/",
        feeds.SectionFeed(RSS),
        name="section_feed_rss",
    ),
    path(
        "feeds/section/<slug:slug>/atom/",
        feeds.SectionFeed(ATOM),
        name="section_feed_atom",
    ),
    re_path(
        r"^feeds/tag/(?P<slug>[-\w]+)/rss/$", feeds.TagFeed(RSS), name="tag_feed_rss"
    ),
    re_path(
        r"^feeds/tag/(?P<slug>[-\w]+)/atom/$",
        feeds.TagFeed(ATOM),
        name="tag_feed_atom",
    ),
    re_path(
        r"^feeds/author/(?P<slug>[-\w]+)/rss/$",
        feeds.AuthorFeed(RSS),
        name="author_feed_rss",
    ),
    re_path(
        r"^feeds/author/(?P<slug>[-\w]+)/atom/$",
        feeds.AuthorFeed(ATOM),
        name="author_feed_atom",
    ),
]
