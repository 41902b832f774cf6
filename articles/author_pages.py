"""The public author pages: everyone who writes for us, and each author's
profile with their published stories. They list stories, so they live with the
stories rather than in the authors app, which knows nothing of stories."""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from authors.models import Author, Book
from core.addresses import canonical_url
from core.cache import cached_page, card_keys, depends_on

from . import structured_data
from .models import Article, Section


@cached_page
def author_list(request):
    """Everyone who writes for us, with a published story or not yet."""
    authors = Author.objects.active().select_related("headshot")
    response = render(
        request,
        "authors/author_list.html",
        {
            "authors": authors,
            "sections": Section.objects.all(),
            "canonical_url": canonical_url(request),
        },
    )
    return depends_on(response, "list:authors")


@cached_page
def author_detail(request, slug):
    author = get_object_or_404(
        Author.objects.select_related("headshot").prefetch_related(
            Prefetch("books", queryset=Book.objects.order_by("position", "-year"))
        ),
        slug=slug,
    )
    stories = Article.objects.public().by_author(author).with_card_relations()
    page_obj = Paginator(stories.newest_first(), 20).get_page(request.GET.get("page"))
    response = render(
        request,
        "authors/author_detail.html",
        {
            "author": author,
            "page_obj": page_obj,
            "sections": Section.objects.all(),
            "canonical_url": canonical_url(request, page_obj),
            "jsonld": structured_data.script(
                structured_data.profile_page(request, author)
            ),
        },
    )
    keys = [f"author:{author.pk}", f"by:{author.pk}", *card_keys(page_obj)]
    return depends_on(response, *keys)
