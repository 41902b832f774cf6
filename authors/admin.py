from django.contrib import admin

from core.admin import BoundedInlineMixin
from media_library.admin import ImagePickerMixin, thumbnail
from workflow.editing import VersionedAdminMixin

from .models import Author, Book


class BookInline(BoundedInlineMixin, admin.StackedInline):
    model = Book
    extra = 0
    fields = [
        ("title", "position"),
        ("publisher", "year", "published_on"),
        "note",
        "url",
    ]


@admin.register(Author)
class AuthorAdmin(VersionedAdminMixin, ImagePickerMixin, admin.ModelAdmin):
    autosave_fields = ("name", "job_title", "short_bio", "bio", "beats", "education")
    list_display = ["headshot_column", "name", "job_title", "year_joined", "is_active"]
    list_display_links = ["headshot_column", "name"]
    list_filter = ["is_active", "job_title"]
    search_fields = ["name", "job_title", "beats"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["headshot", "user"]
    inlines = [BookInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "job_title", "headshot", "is_active"]}),
        (
            "Biography",
            {"fields": ["short_bio", "bio", "beats", "year_joined", "education"]},
        ),
        (
            "Links and contact",
            {"fields": ["x_handle", "bluesky", "mastodon", "website", "tips_email"]},
        ),
        ("Login", {"fields": ["user"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("headshot")

    def get_search_results(self, request, queryset, search_term):
        """The byline picker (the admin's autocomplete) offers active authors
        only; `BylineInline` accepts no others for a new byline."""
        queryset, may_have_duplicates = super().get_search_results(
            request, queryset, search_term
        )
        match = getattr(request, "resolver_match", None)
        if match and match.url_name == "autocomplete":
            queryset = queryset.active()
        return queryset, may_have_duplicates

    @admin.display(description="Headshot")
    def headshot_column(self, obj):
        return thumbnail(obj.headshot, size=48)
