"""The gallery pages of the library's admin: the workflow's publishing, and the
pictures inline, chosen with the thumbnail picker, in the order shown."""

from django.contrib import admin
from django.db.models import Count

from core.admin import BoundedInlineMixin, SafeAutocompleteMixin
from media_library.models import Gallery, GalleryItem
from workflow.admin import WorkflowAdminMixin

from .widgets import ImagePickerMixin


class GalleryItemInline(ImagePickerMixin, BoundedInlineMixin, admin.TabularInline):
    model = GalleryItem
    extra = 0
    autocomplete_fields = ["image"]
    fields = ["image", "caption", "position"]
    verbose_name_plural = "pictures (in the order shown)"


@admin.register(Gallery)
class GalleryAdmin(WorkflowAdminMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    autosave_fields = ("title", "description")
    list_display = ["title", "status", "published_at", "picture_count"]
    list_filter = ["status"]
    search_fields = ["title", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [GalleryItemInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description"]}),
        ("Publishing", {"fields": ["status", "published_at", "revised_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(pictures=Count("items"))

    @admin.display(description="Pictures", ordering="pictures")
    def picture_count(self, obj):
        return obj.pictures
