"""Sitemaps for search engines: stories, sections and author pages (the index at
/sitemap.xml, 50,000 addresses a page), and the Google News sitemap of the last
48 hours' stories. Every one starts from `Article.objects.public()`. Apps
above articles add their own sections in newsroom/urls.py (the space desk's
hubs: space.sitemaps)."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from authors.models import Author

from .models import Article, Section

NEWS_WINDOW = timedelta(hours=48)


def latest_story_time(stories):
    """A subquery: the publication time of the newest of `stories`."""
    return Subquery(stories.newest_first().values("published_at")[:1])


class UndatedSitemap(Sitemap):
    """A page sent without Last-Modified. Django dates it by its newest entry,
    but a page also changes when a story is unpublished and the newest left is
    older: a crawler revalidating by date would keep the old list (a 304). The
    ETag (ConditionalGetMiddleware) is exact."""

    def get_urls(self, *args, **kwargs):
        urls = super().get_urls(*args, **kwargs)
        self.latest_lastmod = None  # what the view turns into Last-Modified
        return urls


class StorySitemap(UndatedSitemap):
    limit = 50_000

    def items(self):
        # Oldest first, so a new story changes only the last page.
        return (
            Article.objects.public()
            .only("slug", "published_at", "revised_at")
            .order_by("published_at", "id")
        )

    def lastmod(self, story):
        return max(filter(None, (story.published_at, story.revised_at)))

    def get_latest_lastmod(self):
        # Django's default would load every story to find this.
        latest = Article.objects.public().aggregate(
            Max("published_at"), Max("revised_at")
        )
        return max(filter(None, latest.values()), default=None)


class SectionSitemap(UndatedSitemap):
    limit = 50_000

    def items(self):
        stories = Article.objects.public().filter(section=OuterRef("pk"))
        return Section.objects.annotate(latest=latest_story_time(stories))

    def lastmod(self, section):
        return section.latest

    def get_latest_lastmod(self):
        return Article.objects.public().aggregate(latest=Max("published_at"))["latest"]


class AuthorSitemap(UndatedSitemap):
    """Author pages of those with a published story."""

    limit = 50_000

    def items(self):
        stories = Article.objects.public().by_author(OuterRef("pk"))
        return Author.objects.annotate(latest=latest_story_time(stories)).filter(
            latest__isnull=False
        )

    def lastmod(self, author):
        return author.latest

    def get_latest_lastmod(self):
        return (
            Article.objects.public()
            .filter(bylines__isnull=False)
            .aggregate(latest=Max("published_at"))["latest"]
        )


class NewsSitemap(Sitemap):
    """Google News: stories first published in the last 48 hours, at most 1,000
    to a sitemap (templates/articles/sitemap_news.xml)."""

    limit = 1000

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.public()
            .filter(published_at__gte=since)
            .only("slug", "headline", "published_at")
            .newest_first()
        )


SITEMAPS = {
    "stories": StorySitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
}


def index(request, **kwargs):
    """The sitemap index, sent without Last-Modified for the same reason as
    its pages (`UndatedSitemap`): Django dates it by the newest story."""
    response = sitemap_views.index(request, **kwargs)
    del response["Last-Modified"]
    return response
