from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles import sitemaps
from articles import views as article_views
from articles.sitemaps import SITEMAPS as ARTICLE_SITEMAPS
from articles.sitemaps import NewsSitemap
from core import brand
from core.admin import tag_suggestions
from newsroom import accounts, two_factor
from space.sitemaps import HubSitemap
from workflow import desk
from workflow.views import share_preview

admin.site.site_header = f"{settings.SITE_NAME} admin"
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("", article_views.home, name="home"),
    path("admin/tag-suggestions/", tag_suggestions, name="tag_suggestions"),
    # Password reset by e-mail for staff (newsroom/accounts.py), before the
    # admin's own addresses; these URL names are the ones Django's views and the
    # admin's log-in page look for.
    path(
        "admin/password_reset/",
        accounts.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        accounts.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/two-factor/", two_factor.two_factor, name="admin_two_factor"),
    # The admin's front page is the desk: "My stories" for writers, the review
    # queue and today's schedule for editors, Django's index for anyone else
    # (workflow/desk.py). Same address and name as the index it stands for.
    path(
        "admin/",
        admin.site.admin_view(lambda request: desk.index(request, admin.site)),
    ),
    path("admin/", admin.site.urls),
    path("authors/", include("articles.author_urls")),
    path("images/", include("media_library.urls")),
    path("galleries/", include("media_library.gallery_urls")),
    path("space/", include("space.urls")),
    path("", include("live.urls")),
    path(
        "preview/<int:content_type_id>/<int:object_id>/<str:signed>/",
        share_preview,
        name="share_preview",
    ),
    path("", include("articles.urls")),
]

# The logo and icons, drawn from core/static/core/brand/mark.svg (core.brand), at
# the addresses browsers and phones look for them.
urlpatterns += [
    path("favicon.ico", brand.favicon, name="favicon"),
    path("apple-touch-icon.png", brand.apple_touch_icon, name="apple_touch_icon"),
    path("icon-<int:size>.png", brand.icon, name="brand_icon"),
    path("site.webmanifest", brand.web_manifest, name="web_manifest"),
    path("logo.svg", brand.logo, name="brand_logo"),
]

# What crawlers read: robots.txt, the sitemap index and its pages (?p=2...), and
# the Google News sitemap. The space desk's hubs are a section of their own
# (space.sitemaps), added here, above both apps.
SITEMAPS = {**ARTICLE_SITEMAPS, "space": HubSitemap}
urlpatterns += [
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots_txt",
    ),
    path(
        "sitemap.xml",
        sitemaps.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"},
        name="sitemap_index",
    ),
    path(
        "sitemaps/<str:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        sitemap_views.sitemap,
        {
            "sitemaps": {"news": NewsSitemap},
            "template_name": "articles/sitemap_news.xml",
        },
        name="sitemap_news",
    ),
]
