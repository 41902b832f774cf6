from django import forms
from django.contrib import admin
from django.db.models import Prefetch
from django_prose_editor.widgets import AdminProseEditorWidget
from taggit.managers import TaggableManager

from media_library.admin import ImagePickerMixin, thumbnail
from media_library.usage import refuse_if_expired
from newsroom.admin import TagSuggestWidget
from newsroom.workflow.admin import WorkflowAdminMixin
from newsroom.workflow.forms import WorkflowForm

from .models import Article, Byline, Correction, Section

# What a story body may contain; newsroom.sanitize.clean_html allows all of it
# and stays the server-side guarantee whatever the editor sends.
BODY_EDITOR = AdminProseEditorWidget(
    preset="configurable",
    config={
        "extensions": {
            "Bold": True,
            "Italic": True,
            "Strike": True,
            "Subscript": True,
            "Superscript": True,
            "Heading": {"levels": [2, 3, 4]},
            "BulletList": True,
            "OrderedList": True,
            "ListItem": True,
            "Blockquote": True,
            "HorizontalRule": True,
            "HardBreak": True,
            "Link": {"enableTarget": False},
            "HTML": True,
            "History": True,
            "SpecialCharacters": True,
        }
    },
)


class ArticleForm(WorkflowForm):
    class Media:
        css = {"all": ["newsroom/admin/story-form.css"]}

    def clean_hero_image(self):
        image = self.cleaned_data.get("hero_image")
        if "hero_image" in self.changed_data:
            refuse_if_expired(image)  # a story already using it may keep it
        return image

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "section",
            "tags",
            "body",
            "hero_image",
            "hero_caption",
            "featured",
            "seo_title",
            "seo_description",
            "related",
            "gallery",
        ]
        widgets = {
            "body": BODY_EDITOR,
            "dek": forms.Textarea(attrs={"rows": 2}),
            "hero_caption": forms.Textarea(attrs={"rows": 2}),
        }


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "byline"
    verbose_name_plural = "bylines (in the order printed)"


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = [("kind", "created_at"), "text"]


@admin.register(Article)
class ArticleAdmin(WorkflowAdminMixin, ImagePickerMixin, admin.ModelAdmin):
    form = ArticleForm
    formfield_overrides = {TaggableManager: {"widget": TagSuggestWidget}}
    list_display = [
        "thumbnail_column",
        "headline",
        "section",
        "byline_names",
        "status",
        "published_at",
        "updated_at",
    ]
    list_display_links = ["thumbnail_column", "headline"]
    list_filter = ["status", "section", "published_at", "bylines__author"]
    search_fields = ["headline", "dek", "slug", "bylines__author__name", "tags__name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["hero_image", "related", "gallery"]
    inlines = [BylineInline, CorrectionInline]
    readonly_fields = ["hero_preview", "created_at", "updated_at"]
    fieldsets = [
        (
            None,
            {"fields": ["headline", "slug", "dek", "section", "tags", "base_revision"]},
        ),
        ("Story", {"fields": ["body"]}),
        ("Hero image", {"fields": ["hero_image", "hero_preview", "hero_caption"]}),
        (
            "Publishing",
            {"fields": ["status", "published_at", "revised_at", "featured"]},
        ),
        (
            "Search and sharing",
            {"classes": ["collapse"], "fields": ["seo_title", "seo_description"]},
        ),
        (
            "Related stories and gallery",
            {"classes": ["collapse"], "fields": ["related", "gallery"]},
        ),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if not self.has_publish_permission(request):
            fields = [*fields, "featured"]  # the front page is editors' call
        return fields

    def before_revision(self, request, obj, change):
        # A writer's new story carries their byline unless they chose others.
        author = getattr(request.user, "author_profile", None)
        if not change and author and not obj.bylines.exists():
            Byline.objects.create(article=obj, author=author)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("section", "hero_image")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("author"))
            )
        )

    @admin.display(description="Image")
    def thumbnail_column(self, obj):
        return thumbnail(obj.hero_image, size=64)

    @admin.display(description="Hero preview")
    def hero_preview(self, obj):
        return thumbnail(obj.hero_image, size=320)

    @admin.display(description="Bylines")
    def byline_names(self, obj):
        return ", ".join(b.author.name for b in obj.bylines.all()) or "—"
