from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import Article, Section

STORIES_PER_PAGE = 20


def _page(request, queryset):
    """One page of stories; a missing, malformed or too-large ?page= gives the
    first or last page rather than an error."""
    return Paginator(queryset, STORIES_PER_PAGE).get_page(request.GET.get("page"))


def home(request):
    stories = Article.objects.published().with_card_relations().latest()
    return render(
        request,
        "articles/article_list.html",
        {
            "page_obj": _page(request, stories),
            "sections": Section.objects.all(),
        },
    )


def section_detail(request, slug):
    section = get_object_or_404(Section, slug=slug)
    stories = (
        Article.objects.published().for_section(section).with_card_relations().latest()
    )
    return render(
        request,
        "articles/section_detail.html",
        {
            "section": section,
            "page_obj": _page(request, stories),
            "sections": Section.objects.all(),
        },
    )


def article_detail(request, slug):
    article = get_object_or_404(
        Article.objects.published().with_public_relations(), slug=slug
    )
    return render(
        request,
        "articles/article_detail.html",
        {
            "article": article,
            "related": article.related.published().with_card_relations().latest()[:4],
            "sections": Section.objects.all(),
        },
    )
